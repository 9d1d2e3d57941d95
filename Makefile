# qwb: two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test install lint bench offline-check console-picture measure-read clean

$(BIN)/qwb: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,serve]'
	touch $(BIN)/qwb

install: $(BIN)/qwb

demo: install
	$(BIN)/qwb demo --out demo

test: install
	$(BIN)/ruff check qwb tests
	$(BIN)/python -m pytest -q tests; rc=$$?; if [ $$rc -eq 5 ]; then echo "no tests collected" >&2; exit 1; fi; exit $$rc

lint: install
	$(BIN)/ruff check qwb tests

bench: install
	$(BIN)/python -m qwb.bench

# build a bundle for this machine, install it into a fresh venv with no index and run qwb demo (needs PyPI once)
offline-check: install
	$(BIN)/python -m pytest -q -m slow tests/test_bundle.py

# docs/images/console.png: the console workbook rendered by LibreOffice
console-picture: install
	PYTHONPATH=. $(BIN)/python -m tests.render_console

# python-calamine against pandas.read_excel (calamine, openpyxl) on 30 demo returns
measure-read: install
	PYTHONPATH=. $(BIN)/python -m tests.measure_read

clean:
	rm -rf $(VENV) demo build dist *.egg-info
