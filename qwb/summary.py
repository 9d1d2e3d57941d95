"""The consolidation summary as JSON (docs/summary-json.md): deterministic bytes."""

from __future__ import annotations

import json
from typing import Any

from qwb.engine import Result


def summary_dict(result: Result, returns: list[dict[str, Any]] | None = None,
                 missing: list[str] | None = None, extra_issues: list[Any] | None = None) -> dict[str, Any]:
    issues = list(extra_issues or []) + list(result.issues)
    return {
        "format": "qwb-summary/1",
        "scheme": result.scheme.id,
        "units": [u.to_json(result.scheme.decimals) for u in result.units],
        "returns": returns or [],
        "missing": sorted(missing or []),
        "issues": [i.to_json() for i in issues],
    }


def summary_json(result: Result, **kwargs: Any) -> bytes:
    text = json.dumps(summary_dict(result, **kwargs), ensure_ascii=False, indent=2)
    return (text + "\n").encode("utf-8")


def dumps(data: dict[str, Any]) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
