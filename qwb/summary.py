"""The consolidation summary as JSON (docs/summary-json.md): deterministic bytes."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO

from qwb.engine import Result


class Lazy:
    """A list the JSON writer encodes item by item, each made as it is written: a summary of thousands of
    units is never held whole (see write_json)."""

    def __init__(self, count: int, make: Callable[[], Iterator[Any]]):
        self.count, self.make = count, make

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[Any]:
        return self.make()


def summary_dict(result: Result, returns: list[dict[str, Any]] | None = None,
                 missing: list[str] | None = None, extra_issues: list[Any] | None = None,
                 lazy: bool = False) -> dict[str, Any]:
    """The summary; ``lazy``: its units made one at a time as write_json writes them."""
    issues = list(extra_issues or []) + list(result.issues)
    decimals = result.scheme.decimals
    return {
        "format": "qwb-summary/1",
        "scheme": result.scheme.id,
        "units": Lazy(len(result.units), lambda: (u.to_json(decimals) for u in result.units)) if lazy
        else [u.to_json(decimals) for u in result.units],
        "returns": returns or [],
        "missing": sorted(missing or []),
        "issues": [i.to_json() for i in issues],
    }


def summary_json(result: Result, **kwargs: Any) -> bytes:
    text = json.dumps(summary_dict(result, **kwargs), ensure_ascii=False, indent=2)
    return (text + "\n").encode("utf-8")


def dumps(data: dict[str, Any]) -> bytes:
    """``json.dumps(data, ensure_ascii=False, indent=2)`` and a newline, as UTF-8: the same bytes, written by
    indented() (the standard library's indented encoder is pure Python, a third of a large run's summary)."""
    return (indented(data) + "\n").encode("utf-8")


_string = json.encoder.encode_basestring  # the C encoder of a str without ASCII escaping, quotes included
_CONSTANTS: dict[Any, str] = {None: "null", True: "true", False: "false"}


_SPECIAL_FLOATS = {"nan": "NaN", "inf": "Infinity", "-inf": "-Infinity"}  # float.__repr__ -> json's text


def _float(value: float) -> str:
    text = float.__repr__(value)
    return _SPECIAL_FLOATS.get(text, text)


def _key(key: Any) -> str:
    if isinstance(key, str):
        return key
    if key is None or isinstance(key, bool):
        return _CONSTANTS[key]
    if isinstance(key, int):
        return int.__repr__(key)
    if isinstance(key, float):
        return _float(key)
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")


def indented(value: Any, indent: str = "  ") -> str:
    """What ``json.dumps(value, ensure_ascii=False, indent=len(indent))`` gives, character for character, for
    the types the summary holds (dict, list, tuple, str, int, float, bool, None; Lazy as a list); anything
    else is refused with the TypeError json raises."""
    parts: list[str] = []
    _encode(value, indent, parts, lambda: None)
    return "".join(parts)


def write_json(value: Any, handle: BinaryIO) -> None:
    """dumps(value) written to an open file in pieces of about a megabyte: the text is never held whole."""
    parts: list[str] = []

    def flush() -> None:
        if len(parts) > 20_000:
            handle.write("".join(parts).encode("utf-8"))
            parts.clear()

    _encode(value, "  ", parts, flush)
    parts.append("\n")
    handle.write("".join(parts).encode("utf-8"))


def _encode(value: Any, indent: str, parts: list[str], flush: Callable[[], None]) -> None:
    out = parts.append

    def encode(o: Any, level: str) -> None:
        if isinstance(o, str):
            out(_string(o))
        elif o is None or o is True or o is False:
            out(_CONSTANTS[o])
        elif isinstance(o, int):
            out(int.__repr__(o))
        elif isinstance(o, float):
            out(_float(o))
        elif isinstance(o, dict):
            if not o:
                out("{}")
                return
            inner = level + indent
            out("{\n" + inner)
            first = True
            for k, v in o.items():
                if not first:
                    out(",\n" + inner)
                first = False
                out(_string(_key(k)) + ": ")
                encode(v, inner)
            out("\n" + level + "}")
        elif isinstance(o, (list, tuple, Lazy)):
            if not len(o):
                out("[]")
                return
            inner = level + indent
            out("[\n" + inner)
            first = True
            for v in o:
                if not first:
                    out(",\n" + inner)
                first = False
                encode(v, inner)
                flush()
            out("\n" + level + "]")
        else:
            raise TypeError(f"Object of type {type(o).__name__} is not JSON serializable")

    encode(value, "")
