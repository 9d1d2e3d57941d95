# qwb: two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test install lint bench clean

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

clean:
	rm -rf $(VENV) demo build dist *.egg-info
