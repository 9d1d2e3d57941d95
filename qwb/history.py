"""Against last year: an earlier qwb summary, matched to this year's units by id (名次升降)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


class PreviousError(Exception):
    """The earlier summary cannot be used; the message is for people."""


def read_previous(path: Path) -> dict[str, dict[str, Any]]:
    """{unit id: {total, grade, rank}} from an earlier summary JSON written by qwb."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise PreviousError(f"无法读取上年汇总“{path}”：{exc}") from exc
    if not isinstance(data, dict) or data.get("format") != "qwb-summary/1" or not isinstance(data.get("units"), list):
        raise PreviousError(f"“{path}”不是 qwb 写出的汇总 JSON（format 应为 qwb-summary/1）")
    return {str(u["id"]): {"total": u.get("total"), "grade": u.get("grade"), "rank": u.get("rank")}
            for u in data["units"] if isinstance(u, dict) and "id" in u}


def rank_change(previous: dict[str, Any] | None, rank: int) -> int | None:
    """Places moved up (positive) or down since last year; None for a unit that was not ranked then."""
    if previous is None or not isinstance(previous.get("rank"), int):
        return None
    return previous["rank"] - rank


def change_text(change: int | None) -> str:
    """↑2, ↓1, — (same place) or 新增 (not ranked last year), as published rankings show it."""
    if change is None:
        return "新增"
    return f"↑{change}" if change > 0 else f"↓{-change}" if change < 0 else "—"
