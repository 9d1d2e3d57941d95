"""The entry key: which unit, item, period and input field one 填报值 cell holds.

Written in a template's 编码 column as ``{unit}|{item}|{period}|{field}``; the item
part of a veto is ``veto:{id}``. Keys stay plain strings in dicts (they are hashed
millions of times); this type builds and reads them.
"""

from __future__ import annotations

from typing import NamedTuple

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
        return cls(*parts)

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


def key_text(unit: str, item: str, period: str, field: str) -> str:
    """``str(EntryKey(...))`` without building the tuple, for the hot loops that list every key."""
    return f"{unit}{SEPARATOR}{item}{SEPARATOR}{period}{SEPARATOR}{field}"


def veto_item(veto_id: str) -> str:
    return f"{VETO_PREFIX}{veto_id}"
