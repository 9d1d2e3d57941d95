"""Scheme: the model of a 考核方案, its YAML and Excel forms, and its checker."""

from __future__ import annotations

from pathlib import Path

from qwb.issues import Issue, SchemeUnreadable, errors
from qwb.scheme.model import Indicator, Period, Scheme, Unit, Veto

__all__ = ["Indicator", "Period", "Scheme", "SchemeError", "Unit", "Veto", "bundled", "load", "read", "resolve"]


class SchemeError(Exception):
    def __init__(self, issues: list[Issue]):
        super().__init__("\n".join(i.message for i in issues))
        self.issues = issues


def read(path: str | Path) -> tuple[Scheme | None, list[Issue]]:
    """Load a scheme (.yaml/.yml or .xlsx) and check it: (scheme or None, every issue found)."""
    from qwb.scheme.check import check

    path = Path(path)
    if not path.is_file():
        return None, [SchemeUnreadable.new(detail=f"找不到方案文件：{path}", file=path.name)]
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from qwb.scheme.excel_reader import read_excel

        scheme, issues, locate = read_excel(path)
    else:
        from qwb.scheme.yaml_form import read_yaml

        scheme, issues, locate = read_yaml(path)
    if scheme is not None:
        issues += check(scheme, locate, path.name)
    return scheme, issues


def load(path: str | Path) -> Scheme:
    """Load a scheme that must be free of errors (warnings are allowed)."""
    scheme, issues = read(path)
    if scheme is None or errors(issues):
        raise SchemeError(errors(issues))
    return scheme


def bundled(name: str = "") -> list[Path]:
    """The five source schemes shipped with qwb (name filters by prefix, e.g. 'changzhou')."""
    folder = Path(__file__).resolve().parent.parent / "schemes"
    return sorted(p for p in folder.glob("*.yaml") if p.stem.startswith(name))


def resolve(name: str, base: Path | None = None) -> Path | None:
    """The scheme a person named: a file path (relative to ``base`` when given), or a bundled scheme by name
    or its start (changzhou -> changzhou-2016.yaml); None when there is no such scheme."""
    text = str(name).strip().strip('"')
    if not text:
        return None
    path = Path(text).expanduser()
    if not path.is_absolute() and base is not None:
        path = base / path
    if path.is_file():
        return path
    if not Path(text).suffix and "/" not in text and "\\" not in text:
        found = bundled(text)
        if found:
            return found[0]
    return None
