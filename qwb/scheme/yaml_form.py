"""The scheme's YAML form (docs/scheme-format.md)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from qwb.issues import Issue, SchemeUnreadable
from qwb.scheme.model import Builder, Locate, Scheme, scheme_to_dict


def read_yaml(path: Path) -> tuple[Scheme | None, list[Issue], Locate]:
    """The scheme of a YAML file, the problems found building it, and where each path of it is."""
    try:
        data = parse_yaml(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        return None, [SchemeUnreadable.new(detail=f"无法读取方案文件：{exc}", file=path.name)], _nowhere(path)
    ids = _indicator_ids(data)

    def locate(p: str) -> dict[str, str]:
        where = {"file": path.name, "cell": p}
        m = re.match(r"indicators\[(\d+)\]", p)
        if m and int(m.group(1)) < len(ids):
            where["indicator"] = ids[int(m.group(1))]
        return where

    builder = Builder(data, locate)
    return builder.build(), builder.issues, locate


def parse_yaml(text: str) -> Any:
    """yaml.safe_load's data, parsed by libyaml when PyYAML has it (five times faster: a scheme of a thousand units
    took 0.2 s); a text libyaml refuses is parsed again by the pure-Python loader, whose error it always was."""
    loader = getattr(yaml, "CSafeLoader", None)
    if loader is not None:
        try:
            return yaml.load(text, Loader=loader)  # noqa: S506 - CSafeLoader is the safe loader
        except Exception:  # noqa: BLE001, S110 - the pure-Python loader below says what is wrong, as before
            pass
    return yaml.safe_load(text)


def _nowhere(path: Path) -> Locate:
    return lambda p: {"file": path.name, "cell": p}


def _indicator_ids(data: Any) -> list[str]:
    if not isinstance(data, dict) or not isinstance(data.get("indicators"), list):
        return []
    return [str(i.get("id", "")) if isinstance(i, dict) else "" for i in data["indicators"]]


class _Dumper(yaml.SafeDumper):
    pass


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_representer)


def dump_yaml(s: Scheme) -> str:
    return yaml.dump(scheme_to_dict(s), Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)
