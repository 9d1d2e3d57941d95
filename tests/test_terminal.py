"""What a person reads on the terminal: bounded output at any number of units."""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Console

from qwb.engine import score
from qwb.scheme.model import Scheme
from qwb.terminal import SHOWN_ENDS, print_ranking


def _ranked(make_scheme: Callable[..., Scheme], n: int):  # type: ignore[no-untyped-def]
    units = [{"id": f"u{i:03d}", "name": f"第{i}县"} for i in range(n)]
    scheme = make_scheme([{"points": 100, "rule": {"type": "direct"}}], units=units)
    return score(scheme, {f"u{i:03d}|1|Y|得分": i % 100 for i in range(n)})


def _printed(result, full: bool = False) -> str:  # type: ignore[no-untyped-def]
    screen = Console(record=True, width=160, color_system=None)
    print_ranking(result, screen, full)
    return screen.export_text()


def test_a_long_ranking_prints_its_top_and_bottom(make_scheme: Callable[..., Scheme]) -> None:
    result = _ranked(make_scheme, 300)
    text = _printed(result)
    names = [u.name for u in result.units]
    shown = [name for name in names if f" {name} " in text]
    assert shown == names[:SHOWN_ENDS] + names[-SHOWN_ENDS:]
    assert f"中间 {300 - 2 * SHOWN_ENDS} 个单位略" in text
    assert "共 300 个被考核单位" in text


def test_the_whole_ranking_on_request_and_for_short_ones(make_scheme: Callable[..., Scheme]) -> None:
    result = _ranked(make_scheme, 300)
    assert all(f" {u.name} " in _printed(result, full=True) for u in result.units)
    short = _ranked(make_scheme, 2 * SHOWN_ENDS + 1)
    assert "略" not in _printed(short) and all(f" {u.name} " in _printed(short) for u in short.units)
