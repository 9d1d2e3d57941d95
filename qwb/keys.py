"""The entry key: which unit, item, period and input field one 填报值 cell holds.

Written in a template's 编码 column as ``{unit}|{item}|{period}|{field}``; the item
part of a veto is ``veto:{id}``. Keys stay plain strings in dicts (they are hashed
millions of times); this type builds and reads them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, NamedTuple

SEPARATOR = "|"
VETO_PREFIX = "veto:"


class EntryKey(NamedTuple):
    unit: str
    item: str  # an indicator id, or veto:{id}
    period: str
    field: str

    def __str__(self) -> str:
        return SEPARATOR.join(self)

    @classmethod
    def parse(cls, text: object) -> EntryKey | None:
        """The key written in a 编码 cell, or None when it does not have four non-blank parts."""
        parts = str(text).strip().split(SEPARATOR)
        if len(parts) != 4 or not all(parts):
            return None
        return tuple.__new__(cls, parts)  # cls(*parts) without the generated __new__: parsed millions of times

    @classmethod
    def veto(cls, unit: str, veto_id: str, period: str, field: str) -> EntryKey:
        return cls(unit, veto_item(veto_id), period, field)

    @property
    def is_veto(self) -> bool:
        return self.item.startswith(VETO_PREFIX)

    @property
    def veto_id(self) -> str:
        """The veto's id; empty for an indicator's key."""
        return self.item.removeprefix(VETO_PREFIX) if self.is_veto else ""


#: stands in for a 编码 that does not parse, so its parts show blank
BLANK_KEY = EntryKey("", "", "", "")


def period_of(key: object) -> str:
    """``EntryKey.parse(key).period``, or "" when the key does not parse, without building the key (every key of
    a run is asked, in two places)."""
    parts = str(key).strip().split(SEPARATOR)
    return parts[2] if len(parts) == 4 and all(parts) else ""


def key_text(unit: str, item: str, period: str, field: str) -> str:
    """``str(EntryKey(...))`` without building the tuple, for the hot loops that list every key."""
    return f"{unit}{SEPARATOR}{item}{SEPARATOR}{period}{SEPARATOR}{field}"


def veto_item(veto_id: str) -> str:
    return f"{VETO_PREFIX}{veto_id}"


class Places(Mapping[str, dict[str, str]]):
    """Where each key of one return was read: ``places[key]`` is {"file", "sheet", "cell"}, made when asked
    for; only the cells are held (a dict per key, times 127 keys, times 3,000 returns, is 100 MB)."""

    __slots__ = ("file", "sheet", "cells")

    def __init__(self, file: str, sheet: str, cells: dict[str, str] | None = None):
        self.file, self.sheet, self.cells = file, sheet, cells if cells is not None else {}

    def __getitem__(self, key: str) -> dict[str, str]:
        return {"file": self.file, "sheet": self.sheet, "cell": self.cells[key]}

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        cell = self.cells.get(key)
        return default if cell is None else {"file": self.file, "sheet": self.sheet, "cell": cell}

    def __contains__(self, key: object) -> bool:
        return key in self.cells

    def __iter__(self) -> Iterator[str]:
        return iter(self.cells)

    def __len__(self) -> int:
        return len(self.cells)

    def __reduce__(self) -> tuple[Any, ...]:
        return Places, (self.file, self.sheet, self.cells)


class Located(Mapping[str, dict[str, str]]):
    """The places of several returns as one mapping (a later one's key wins), holding a reference per key
    instead of a copy of each place."""

    def __init__(self, maps: Iterable[Mapping[str, dict[str, str]]] = ()):
        self.owner: dict[str, Mapping[str, dict[str, str]]] = {}
        for m in maps:
            self.owner.update(dict.fromkeys(m, m))

    def __getitem__(self, key: str) -> dict[str, str]:
        return self.owner[key][key]

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        m = self.owner.get(key)
        return default if m is None else m[key]

    def __contains__(self, key: object) -> bool:
        return key in self.owner

    def __iter__(self) -> Iterator[str]:
        return iter(self.owner)

    def __len__(self) -> int:
        return len(self.owner)
