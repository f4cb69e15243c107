"""Which column does each printed number belong to?

The PDF extraction drops blank cells, so a row of a six-column table may print
only two numbers. The layout's own identities (合计 = 基本支出 + 项目支出, …) and
hints from other tables (the projects of 预算04表 tell which 功能分类科目 carry
项目支出) decide: among the order-preserving placements of the numbers, take the
one that breaks the fewest identities, then matches the most hints, then is the
leftmost.
"""

from __future__ import annotations

from decimal import Decimal
from itertools import combinations

#: A sum identity: ``(parent, [children])`` meaning parent = Σ children.
Identity = tuple[str, list[str]]

#: Published budgets round every cell on its own: identities hold to a cent or two.
ROUNDING = Decimal("0.02")


class ColumnError(ValueError):
    """More numbers than columns: the row does not fit the table."""


def assign(
    numbers: list[Decimal],
    columns: list[str],
    identities: list[Identity] = (),  # type: ignore[assignment]
    expected: dict[str, Decimal] | None = None,
) -> dict[str, Decimal]:
    """Place ``numbers`` (in printed order) into ``columns``."""
    if len(numbers) > len(columns):
        raise ColumnError(f"{len(numbers)} numbers for {len(columns)} columns")
    if not numbers:
        return {}
    if len(numbers) == len(columns):
        return dict(zip(columns, numbers, strict=True))
    expected = expected or {}
    best: tuple[int, int] | None = None
    best_values: dict[str, Decimal] = {}
    for positions in combinations(range(len(columns)), len(numbers)):
        values = {columns[p]: n for p, n in zip(positions, numbers, strict=True)}
        broken = sum(1 for parent, children in identities if not _holds(values, parent, children))
        misses = sum(
            1 for col, want in expected.items() if abs(values.get(col, Decimal(0)) - want) > ROUNDING
        )
        score = (broken, misses)
        if best is None or score < best:
            best, best_values = score, values
            if score == (0, 0):
                break
    return best_values


def _holds(values: dict[str, Decimal], parent: str, children: list[str]) -> bool:
    total = sum((values.get(c, Decimal(0)) for c in children), Decimal(0))
    return abs(values.get(parent, Decimal(0)) - total) <= ROUNDING
