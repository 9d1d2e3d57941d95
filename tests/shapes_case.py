"""The values of the shapes test scheme (tests/data/shapes.yaml) and their scores, worked out by hand.

Six units 甲..己 (a..f), three nodes H1/Q3/Y, period_aggregate mean, full marks 40.

1 per-period choice (5): a 5/5/5 -> 5; b 0/2.5/3 -> 5.5/3; c 5/2.5/5 -> 12.5/3; d 5/5/3 -> 13/3; e 5/5/5 -> 5;
  f 0 / 成效明显 at Q3 (a 年终 option: refused, 0) / 0 -> 0
2 targets scored each (合格率 >= 95% 3, 覆盖率 >= 90% 2): a 95%/90% exactly -> 5; b 94.9%/95% -> 2;
  c 96%/89.9% -> 3; d 80%/50% -> 0; e 99%/99% -> 5; f 97%/missing -> item missing, 0
3 targets, no scores (4 points, 2 each; 事故率 < 0.3‰, 丙区 its own < 0.5‰; 死亡率 < 0.1‰):
  a 0.3/0.05 -> 2; b 0.2/0.1 -> 2; c 0.4/0.09 -> 4 (own target); d 0.1/0.01 -> 4; e 0.5/0.2 -> 0; f 0.29/0.099 -> 4
4 target >= 100% (6), 丙区 90%, 己区 80% (Q3, Y): a 100%/99% -> 3; b 120%/110% -> 6; c 90%/89% -> 3;
  d 50%/100% -> 3; e 250% (outside 0~200%: refused) / 100% -> 3; f 80%/80% -> 6
5 proportional (10), Y: a 30% b 20% c 15% d 15% e 10% f missing; max 30%:
  a 10, b 20/3, c 5, d 5, e 10/3, f 0 (outside the field set)
6 rank higher, step 1, min 2 (6), H1 and Y:
  H1 a 5 b 3 c 5 d 2 e 1 f 0 -> places 1 3 1 4 5 6 -> 6 4 6 3 2 2
  Y  a 8 b 8 c 8 d 7 e missing f 10 -> places 2 2 2 5 - 1 -> 5 5 5 2 (0) 6
  item: a 5.5 b 4.5 c 5.5 d 2.5 e 1 f 4
7 average, lower is better, below 1 (4), Y, 合理缺项 allowed: a 0.2‰ b 0.4‰ c 0.3‰ d 合理缺项 e 0.3‰ f 0.3‰;
  mean of a b c e f = 1.5‰/5 = 0.3‰ (c, e, f exactly at the mean): a 4 b 1 c 4 d - e 4 f 4
Totals: a 5+5+2+3+10+5.5+4 = 34.5; b 5.5/3+2+2+6+20/3+4.5+1 = 24; c 12.5/3+3+4+3+5+5.5+4 = 28.67;
  d (13/3+0+4+3+5+2.5) × 40/36 = 20.93; e 5+5+0+3+10/3+1+4 = 21.33; f 0+0+4+6+0+4+4 = 18
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

SHAPES = Path(__file__).parent / "data" / "shapes.yaml"
UNITS = "abcdef"
THIRD = Decimal(1) / 3


def values() -> dict[str, Any]:
    out: dict[str, Any] = {}

    def put(item: str, period: str, field: str, per_unit: list[Any]) -> None:
        for unit, value in zip(UNITS, per_unit):
            if value is not None:
                out[f"{unit}|{item}|{period}|{field}"] = value

    put("1", "H1", "选项", ["已制定方案", "未制定方案", "已制定方案", "已制定方案", "已制定方案", "未制定方案"])
    put("1", "Q3", "选项", ["已组织实施", "部分实施", "部分实施", "已组织实施", "已组织实施", "成效明显"])
    put("1", "Y", "选项", ["成效明显", "有一定成效", "成效明显", "有一定成效", "成效明显", "无成效"])
    put("2", "Y", "监督抽查合格率", [0.95, 0.949, 0.96, 0.80, 0.99, 0.97])
    put("2", "Y", "抽查覆盖率", [0.90, 0.95, 0.899, 0.50, 0.99, None])
    put("3", "Y", "事故率", [0.0003, 0.0002, 0.0004, 0.0001, 0.0005, 0.00029])
    put("3", "Y", "死亡率", [0.00005, 0.0001, 0.00009, 0.00001, 0.0002, 0.000099])
    put("4", "Q3", "数值", [1.0, 1.2, 0.9, 0.5, 2.5, 0.8])
    put("4", "Y", "数值", [0.99, 1.1, 0.89, 1.0, 1.0, 0.8])
    put("5", "Y", "数值", [0.30, 0.20, 0.15, 0.15, 0.10, None])
    put("6", "H1", "数值", [5, 3, 5, 2, 1, 0])
    put("6", "Y", "数值", [8, 8, 8, 7, None, 10])
    put("7", "Y", "数值", [0.0002, 0.0004, 0.0003, None, 0.0003, 0.0003])
    put("7", "Y", "合理缺项", ["否", "否", "否", "是", "否", "否"])
    return out


#: item scores (combined over the item's periods), None for 合理缺项
ITEMS: dict[str, dict[str, Decimal | None]] = {
    "1": dict(zip(UNITS, [Decimal(5), Decimal("5.5") * THIRD, Decimal("12.5") * THIRD, 13 * THIRD, Decimal(5),
                          Decimal(0)])),
    "2": dict(zip(UNITS, map(Decimal, [5, 2, 3, 0, 5, 0]))),
    "3": dict(zip(UNITS, map(Decimal, [2, 2, 4, 4, 0, 4]))),
    "4": dict(zip(UNITS, map(Decimal, [3, 6, 3, 3, 3, 6]))),
    "5": dict(zip(UNITS, [Decimal(10), 20 * THIRD, Decimal(5), Decimal(5), 10 * THIRD, Decimal(0)])),
    "6": dict(zip(UNITS, map(Decimal, ["5.5", "4.5", "5.5", "2.5", "1", "4"]))),
    "7": dict(zip(UNITS, [Decimal(4), Decimal(1), Decimal(4), None, Decimal(4), Decimal(4)])),
}
#: per-period scores the template's 得分 cells show (None: missing or refused)
PERIODS: dict[tuple[str, str], list[Decimal | None]] = {
    ("1", "H1"): [Decimal(5), Decimal(0), Decimal(5), Decimal(5), Decimal(5), Decimal(0)],
    ("1", "Q3"): [Decimal(5), Decimal("2.5"), Decimal("2.5"), Decimal(5), Decimal(5), None],
    ("1", "Y"): [Decimal(5), Decimal(3), Decimal(5), Decimal(3), Decimal(5), Decimal(0)],
    ("4", "Q3"): [Decimal(6), Decimal(6), Decimal(6), Decimal(0), None, Decimal(6)],
    ("4", "Y"): [Decimal(0), Decimal(6), Decimal(0), Decimal(6), Decimal(6), Decimal(6)],
    ("5", "Y"): [Decimal(10), 20 * THIRD, Decimal(5), Decimal(5), 10 * THIRD, None],
    ("6", "H1"): list(map(Decimal, [6, 4, 6, 3, 2, 2])),
    ("6", "Y"): [Decimal(5), Decimal(5), Decimal(5), Decimal(2), None, Decimal(6)],
    ("7", "Y"): [Decimal(4), Decimal(1), Decimal(4), None, Decimal(4), Decimal(4)],
}
TOTALS = dict(zip(UNITS, map(Decimal, ["34.50", "24.00", "28.67", "20.93", "21.33", "18.00"])))
