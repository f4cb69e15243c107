"""The number guard: no number reaches the reader unless a tool produced it.

Every number in a final answer must appear in a tool's arguments or results
(or in the question itself). Anything else — a model's mental arithmetic, a
remembered figure — is replaced by a marker and reported in ``flags``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

NUMBER = re.compile(r"(?<![0-9A-Za-z.])[0-9][0-9,]*(?:\.[0-9]+)?")
MARK = "[未核实]"


def _as_decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None


def numbers_in(value: Any) -> set[Decimal]:
    """Every number written anywhere inside a JSON-like value."""
    found: set[Decimal] = set()
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
        elif isinstance(item, bool) or item is None:
            continue
        elif isinstance(item, int | float | Decimal):
            found.add(Decimal(str(item)))
        else:
            for m in NUMBER.finditer(str(item)):
                if (d := _as_decimal(m.group())) is not None:
                    found.add(d)
    return found


def guard(text: str, evidence: Iterable[Any]) -> tuple[str, list[str]]:
    """``text`` with unsupported numbers marked, and one flag per number removed."""
    supported: set[Decimal] = set()
    for item in evidence:
        supported |= numbers_in(item)
    flags: list[str] = []

    def check(m: re.Match[str]) -> str:
        value = _as_decimal(m.group())
        if value is None or value in supported:
            return m.group()
        flags.append(f"unsupported number removed: {m.group()}")
        return MARK

    return NUMBER.sub(check, text), flags
