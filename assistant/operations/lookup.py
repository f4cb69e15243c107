"""Take the value of one or more named things (取值): a project, a unit's measure, a subject, a total."""

from __future__ import annotations

from assistant.contract import Item, PlanResult
from assistant.operations import Operation, register
from assistant.operations.base import Context, as_sources, basis, money


@register
class Value(Operation):
    names = ("value",)
    verbs = {"value": "取值"}

    def run(self, ctx: Context) -> PlanResult:
        lines, items, sources, last = [], [], [], None
        for operand in ctx.plan.operands:
            figure = ctx.figure(operand)
            value, unit, conversion = ctx.convert(figure)
            lines.append(f"{figure.label}{ctx.year()}预算{money(value, unit)}{unit}{basis(figure.sources)}")
            items.append(Item(name=figure.label, value=money(value, unit), unit=unit))
            sources += figure.sources
            last = (value, unit, conversion or figure.formula)
        result = PlanResult(answer="；".join(lines) + "。", sources=as_sources(sources))
        if len(items) == 1 and last is not None:
            result.value, result.unit, result.formula = money(last[0], last[1]), last[1], last[2]
        else:
            result.items = items
        return result
