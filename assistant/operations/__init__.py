"""Question operations (运算), registered by name: what a plan does with its operands.

Each operation is one class with a ``name`` (or several ``names``), a Chinese ``verb``
for the plan's rendering, and ``run(ctx)`` returning a :class:`PlanResult`. Adding one is
one module that subclasses :class:`Operation` and calls :func:`register`; the built-ins
below use the same hook.
"""

from __future__ import annotations

from typing import ClassVar

from assistant.contract import PlanResult
from assistant.operations.base import Context

__all__ = ["Context", "Operation", "REGISTRY", "register", "operation"]


class Operation:
    """One thing a plan can ask: take a value, add up, count, rank, compare, explain …"""

    names: ClassVar[tuple[str, ...]] = ()
    verbs: ClassVar[dict[str, str]] = {}

    def verb(self, name: str) -> str:
        return self.verbs.get(name, name)

    def run(self, ctx: Context) -> PlanResult:  # pragma: no cover - every operation overrides it
        raise NotImplementedError


REGISTRY: dict[str, Operation] = {}


def register(cls: type[Operation]) -> type[Operation]:
    """Class decorator: make an operation available to plans under each of its names."""
    instance = cls()
    for name in cls.names:
        REGISTRY[name] = instance
    return cls


def operation(name: str) -> Operation:
    _load_builtins()
    if name not in REGISTRY:
        raise KeyError(f"unknown operation {name!r}; known: {', '.join(sorted(REGISTRY))}")
    return REGISTRY[name]


def _load_builtins() -> None:
    from assistant.operations import (  # noqa: F401
        aggregate,
        attribute,
        compare,
        department_goal,
        indicator,
        lookup,
        narrative,
        position,
    )
