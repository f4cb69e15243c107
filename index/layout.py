"""The standard Beijing 部门预算 layout: lines, amounts, and the split into parts.

A document is narrative (一、部门概况), the tables (二、…预算表: 预算01表 … 预算14表),
then narrative again (三、预算情况说明, 四、名词解释). This module finds those parts;
the table and narrative parsers take it from there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from index.model import Line

TABLE_HEADING = re.compile(r"^\s*预算(\d{2})表\s*(.*)$")
PART_HEADING = re.compile(r"^\s*([一二三四五六七八九十]+)、\s*(\S.*)$")
AMOUNT = re.compile(r"^-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
PAGE_NUMBER = re.compile(r"^\s*-?\s*\d{1,3}\s*-?\s*$")
YEAR = re.compile(r"(20\d{2})\s*年")

#: The narrative parts every document of this layout has, by their leading words.
PARTS = {"部门概况": "overview", "预算表": "tables", "预算情况说明": "explanation", "名词解释": "glossary"}


class NotABudgetError(ValueError):
    """The text is not a department budget of the standard layout."""


def is_amount(token: str) -> bool:
    return bool(AMOUNT.match(token))


def parse_amount(token: str) -> Decimal:
    """``"1,234.56"`` → ``Decimal("1234.56")``; exact, never through float."""
    try:
        return Decimal(token.replace(",", ""))
    except InvalidOperation as exc:  # pragma: no cover - guarded by is_amount
        raise ValueError(f"not an amount: {token!r}") from exc


def split_lines(text: str) -> list[Line]:
    """Non-blank lines with their 1-based source line numbers."""
    lines = []
    for no, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        lines.append(Line(no=no, text=raw.strip(), page_start=raw.startswith((" ", "\f"))))
    return lines


def drop_page_numbers(lines: list[Line]) -> list[Line]:
    """Stray page numbers: a lone small number on its own line."""
    return [ln for ln in lines if not PAGE_NUMBER.match(ln.text)]


@dataclass
class Part:
    """A contiguous block of the document: a narrative part or one table."""

    kind: str  # overview | tables | explanation | glossary | table
    heading: str
    lines: list[Line]
    table: str = ""  # "01" … "14" for kind == "table"


def split_parts(lines: list[Line]) -> list[Part]:
    """Cut the document at the part headings and the table headings."""
    parts: list[Part] = []
    for ln in lines:
        table = TABLE_HEADING.match(ln.text)
        heading = PART_HEADING.match(ln.text)
        kind = _part_kind(heading.group(2)) if heading else None
        if table and table.group(2):
            parts.append(Part("table", ln.text, [ln], table=table.group(1)))
        elif kind:
            parts.append(Part(kind, ln.text, [ln]))
        elif parts:
            parts[-1].lines.append(ln)
        else:
            parts.append(Part("preamble", "", [ln]))
    return parts


def _part_kind(heading: str) -> str | None:
    compact = heading.replace(" ", "")
    for words, kind in PARTS.items():
        if words in compact and len(compact) < 40:
            return kind
    return None


def find_year(text: str) -> int | None:
    """The budget year: the year named most often in table titles and headings."""
    counts: dict[int, int] = {}
    for match in re.finditer(r"预算\d{2}表\s*(20\d{2})年|(20\d{2})\s*年\s*部门", text):
        year = int(match.group(1) or match.group(2))
        counts[year] = counts.get(year, 0) + 1
    if not counts:
        return None
    return max(counts, key=lambda y: (counts[y], y))
