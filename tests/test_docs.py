"""Documentation that is generated must be current."""

from __future__ import annotations

from pathlib import Path

from qwb.issues import REGISTRY, codes_markdown

ROOT = Path(__file__).resolve().parent.parent


def test_issue_codes_doc_is_current() -> None:
    assert (ROOT / "docs" / "issue-codes.md").read_text(encoding="utf-8") == codes_markdown()


def test_every_code_is_kebab_case_and_documented() -> None:
    for code, cls in REGISTRY.items():
        assert code == code.lower() and " " not in code and "_" not in code
        assert cls.title and cls.description and cls.fix and cls.severity in ("error", "warning", "info")


def test_readme_shows_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make demo" in readme and "make test" in readme
