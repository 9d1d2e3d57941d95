"""qwb for analysts and notebooks: one call, pandas tables out.

>>> import qwb
>>> a = qwb.assess("changzhou", "退回/")              # a bundled scheme by name, or a scheme file
>>> a.ranking[["name", "total", "grade", "rank"]]      # one row per assessed unit
>>> a.scores.query("status == 'invalid'")              # every entry, long form, with where it came from
>>> a.issues.groupby("code").size()
>>> a.matrix                                         # 指标得分: units (by rank) x indicators
>>> a.write_report("排名.xlsx", json_path="汇总.json")  # the same files as qwb consolidate

The numbers are the consolidation's own (the same as the ranking workbook and the JSON summary); pandas only
presents them. Scores are floats here; the exact Decimal values are on ``a.consolidation``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qwb.consolidate import Consolidation, consolidate
from qwb.keys import EntryKey
from qwb.numtext import number
from qwb.scheme import load, resolve
from qwb.scheme.entries import entries
from qwb.scheme.model import Scheme

#: the status of one entry in ``Assessment.scores``
STATUSES = ("scored", "missing", "invalid", "not-due", "not-applicable")


def assess(scheme: Scheme | str | Path, returns_dir: str | Path, *, as_of: str | None = None,
           adjust: str | Path | None = None, previous: str | Path | None = None,
           workers: int | None = None) -> Assessment:
    """Consolidate a folder of returns as ``qwb consolidate`` does, without writing anything."""
    from qwb.history import read_previous

    if not isinstance(scheme, Scheme):
        path = resolve(str(scheme))
        if path is None:
            raise FileNotFoundError(f"找不到方案：{scheme}")
        scheme = load(path)
    if not Path(returns_dir).is_dir():
        raise FileNotFoundError(f"找不到退回文件夹：{returns_dir}")
    c = consolidate(scheme, Path(returns_dir), as_of=_period_id(scheme, as_of),
                    adjust=Path(adjust) if adjust else None, workers=workers)
    if previous is not None:
        c.previous = read_previous(Path(previous))
    return Assessment(c)


@dataclass
class Assessment:
    consolidation: Consolidation

    def summary(self) -> dict[str, Any]:
        """The JSON summary as a dict (what ``--json`` writes)."""
        return self.consolidation.summary()

    def write_report(self, path: str | Path, json_path: str | Path | None = None) -> None:
        """Write the ranking workbook (and the JSON summary) as ``qwb consolidate --out --json`` does."""
        from qwb.files import write_atomic
        from qwb.report import write_report
        from qwb.summary import dumps

        write_report(self.consolidation, Path(path))
        if json_path is not None:
            write_atomic(Path(json_path), dumps(self.summary()))

    @property
    def matrix(self) -> Any:
        """指标得分: each unit's item scores (before scaling to the category), units as rows by rank (named by
        id), indicators as columns in scheme order; NaN where an item is not due or does not apply."""
        import pandas as pd

        c = self.consolidation
        data = {u.id: {i: float(s.score) for i, s in u.items.items() if s.due and not s.na} for u in c.result.units}
        frame = pd.DataFrame.from_dict(data, orient="index", dtype="float64")
        order = [i.id for i in c.scheme.indicators if i.id in frame.columns]
        return frame.reindex(index=list(data), columns=order)

    @property
    def ranking(self) -> Any:
        """One row per assessed unit, by rank: the summary's unit columns, then one column per category."""
        import pandas as pd

        rows = []
        for unit in self.summary()["units"]:
            row = {k: v for k, v in unit.items() if k not in ("categories", "items", "previous")}
            if "previous" in unit:
                before = unit["previous"] or {}
                row |= {"previous_total": before.get("total"), "previous_rank": before.get("rank")}
            rows.append(row | unit["categories"])
        return pd.DataFrame(rows).set_index("id")

    @property
    def scores(self) -> Any:
        """Every entry of the scheme, long form: unit, indicator, period, field, value, score (the item's score in
        that period), status (one of STATUSES), file and cell the value came from."""
        import pandas as pd

        c = self.consolidation
        units = {u.id: u for u in c.result.units}
        rows = []
        for e in entries(c.scheme):
            if e.is_veto:
                continue
            item = units[e.unit_id].items[e.item.id]
            key = EntryKey.parse(e.key)
            assert key is not None
            value = c.result.values.get(e.key)
            where = c.where.get(e.key, {})
            rows.append({
                "unit": e.unit_id, "indicator": e.item.id, "period": e.period.id, "field": e.field.name,
                "value": number(value) if hasattr(value, "as_tuple") else value,
                "score": _period_score(item, e.period.id),
                "status": _status(c, e.key, item, value),
                "file": where.get("file", ""), "cell": where.get("cell", ""),
            })
        frame = pd.DataFrame(rows, columns=["unit", "indicator", "period", "field", "value", "score", "status",
                                            "file", "cell"])
        frame["status"] = pd.Categorical(frame["status"], categories=STATUSES)
        return frame

    @property
    def issues(self) -> Any:
        import pandas as pd

        return pd.DataFrame([i.to_json() for i in self.consolidation.issues],
                            columns=["severity", "code", "file", "sheet", "cell", "unit", "indicator", "message"])


def _period_id(scheme: Scheme, as_of: str | None) -> str | None:
    """The period id of ``as_of`` given by id or by name (H1 or 半年), as ``qwb consolidate --as-of`` takes it."""
    if as_of is None:
        return None
    for period in scheme.periods:
        if str(as_of).strip() in (period.id, period.name):
            return period.id
    known = "、".join(f"{p.id}（{p.name}）" for p in scheme.periods)
    raise ValueError(f"方案中没有时间节点“{as_of}”，可选：{known}")


def _period_score(item: Any, period: str) -> float | None:
    score = item.period_scores.get(period)
    return None if score is None else float(score)


def _status(c: Consolidation, key: str, item: Any, value: Any) -> str:
    if not item.due or EntryKey.parse(key).period not in item.period_scores:  # type: ignore[union-attr]
        return "not-due"
    if item.na:
        return "not-applicable"
    if value is not None:
        return "scored"
    refused = any(i.key == key and i.severity == "error" for i in c.issues)
    return "invalid" if refused else "missing"
