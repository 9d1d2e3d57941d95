"""Documentation that is generated must be current, and the docs must stand on their own in a clone."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from gen_docs import CLI_DOC, cli_block, outputs

from qwb.issues import REGISTRY, codes_markdown

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
#: text that points at a file outside the repository (a user's clone has none of it)
OUTSIDE = ("../", "shared/", "SCHEME.md")
LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_issue_codes_doc_is_current() -> None:
    assert (ROOT / "docs" / "issue-codes.md").read_text(encoding="utf-8") == codes_markdown()


def test_cli_doc_is_current() -> None:
    """docs/cli.md's option tables are qwb.cli.build_parser(): regenerate with `python -m tests.gen_docs`."""
    text = CLI_DOC.read_text(encoding="utf-8")
    assert cli_block() in text, "docs/cli.md is out of date: run `PYTHONPATH=. python -m tests.gen_docs`"
    assert all(path.read_text(encoding="utf-8") == want for path, want in outputs().items())


def test_cli_doc_names_every_command_and_option() -> None:
    import argparse

    from qwb.cli import build_parser

    text = CLI_DOC.read_text(encoding="utf-8")

    def walk(parser: argparse.ArgumentParser, prog: str) -> None:
        assert f"`{prog}`" in text, prog
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    walk(sub, f"{prog} {name}")
            elif action.option_strings and not isinstance(action, argparse._HelpAction):
                assert f"`{action.option_strings[-1]}`" in text, (prog, action.option_strings)

    walk(build_parser(), "qwb")


def test_every_code_is_kebab_case_and_documented() -> None:
    for code, cls in REGISTRY.items():
        assert code == code.lower() and " " not in code and "_" not in code
        assert cls.title and cls.description and cls.fix and cls.severity in ("error", "warning", "info")


def test_readme_shows_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make demo" in readme and "make test" in readme


@pytest.mark.parametrize("doc", DOCS, ids=_rel)
def test_docs_point_only_inside_the_repository(doc: Path) -> None:
    text = doc.read_text(encoding="utf-8")
    for needle in OUTSIDE:
        lines = [n for n, line in enumerate(text.splitlines(), 1) if needle in line]
        assert not lines, f"{_rel(doc)} mentions {needle!r} on lines {lines}: describe it in docs/ instead"


def test_issue_codes_point_only_inside_the_repository() -> None:
    assert "SCHEME.md" not in codes_markdown()


@pytest.mark.parametrize("doc", DOCS, ids=_rel)
def test_relative_links_resolve(doc: Path) -> None:
    broken = []
    for target in LINK.findall(doc.read_text(encoding="utf-8")):
        if re.match(r"[a-z][a-z0-9+.-]*:", target, re.I) or target.startswith("#"):
            continue  # http:, mailto:, or an anchor on the same page
        path = target.split("#", 1)[0]
        if not (doc.parent / path).exists():
            broken.append(target)
    assert not broken, f"{_rel(doc)} links to missing files: {broken}"


def test_readme_layout_names_real_files() -> None:
    """Every qwb/... path the README names exists (the layout section must match the tree)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    named = set(re.findall(r"\b(qwb/[\w/.-]*\w|workbook_templates/|docs/[\w.-]+|tests/[\w/.-]+)", readme))
    missing = sorted(p for p in named if not (ROOT / p.split("#")[0]).exists() and "*" not in p)
    assert not missing, f"README.md names files that do not exist: {missing}"


def _blocks(doc: str, lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", (ROOT / "docs" / doc).read_text(encoding="utf-8"), re.S)


def test_scheme_format_examples_are_valid() -> None:
    """The minimal scheme in docs/scheme-format.md checks clean; every rule example parses without a problem."""
    import yaml

    from qwb.issues import errors
    from qwb.rules import RULE_TYPES, parse_rule
    from qwb.scheme.check import check
    from qwb.scheme.model import Builder

    blocks = [yaml.safe_load(b) for b in _blocks("scheme-format.md", "yaml")]
    full = [b for b in blocks if isinstance(b, dict) and "indicators" in b]
    assert full, "docs/scheme-format.md should show a whole scheme"
    for data in full:
        builder = Builder(data, lambda path: {})
        scheme = builder.build()
        assert scheme is not None and not errors(builder.issues + check(scheme, builder.issues, "doc"))
    rules = [b["rule"] for b in blocks if isinstance(b, dict) and "rule" in b]
    rules += [b[0]["rule"] for b in blocks if isinstance(b, list) and b and isinstance(b[0], dict) and "rule" in b[0]]
    rules += [r for b in blocks if isinstance(b, dict) and isinstance(b.get("rules"), dict) for r in b["rules"].values()]
    assert {r["type"] for r in rules} == set(RULE_TYPES)
    for raw in rules:
        problems: list[tuple[str, str, str]] = []
        assert parse_rule(raw, lambda *p: problems.append(p)) is not None and not problems, (raw, problems)


def test_summary_json_example_has_the_real_keys() -> None:
    """The example in docs/summary-json.md has exactly the keys qwb writes for units and issues."""
    import json

    from qwb.engine import score
    from qwb.scheme import load
    from qwb.summary import summary_dict

    example = json.loads(_blocks("summary-json.md", "json")[0])
    real = summary_dict(score(load(ROOT / "tests" / "data" / "mini.yaml"), {"nobody|1|Y|选项": "x"}))
    assert set(real) <= set(example)
    assert set(example["units"][0]) == set(real["units"][0])
    assert set(example["issues"][0]) == set(real["issues"][0])
    doc = (ROOT / "docs" / "summary-json.md").read_text(encoding="utf-8")
    for key in [*example, *example["units"][0], *example["returns"][0], *example["issues"][0]]:
        assert f"`{key}`" in doc, f"docs/summary-json.md does not describe {key!r}"
