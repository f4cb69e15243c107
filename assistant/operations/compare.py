"""Two operands compared: the difference (差额) and the share (占比, A ÷ B × 100)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from assistant.contract import Item, PlanResult
from assistant.operations import Operation, register
from assistant.operations.base import CENT, Context, Figure, PlanError, as_sources, basis, money


def _pair(ctx: Context) -> tuple[Figure, Figure]:
    if len(ctx.plan.operands) != 2:
        raise PlanError("比较需要两个对象")
    a, b = (ctx.figure(o) for o in ctx.plan.operands)
    if a.unit != b.unit:
        raise PlanError(f"{a.label}（{a.unit}）和{b.label}（{b.unit}）单位不同，无法比较")
    return a, b


@register
class Difference(Operation):
    names = ("difference",)
    verbs = {"difference": "求差额（前者减后者）"}

    def run(self, ctx: Context) -> PlanResult:
        a, b = _pair(ctx)
        delta = a.value - b.value
        value, unit, conversion = ctx.convert(Figure("差额", abs(delta), a.unit))
        word = "多" if delta >= 0 else "少"
        sources = a.sources + b.sources
        return PlanResult(
            answer=(
                f"{a.label}比{b.label}{word}{money(value, unit)}{unit}（{a.value} − {b.value}）"
                f"{basis(sources)}。"
            ),
            value=money(value, unit),
            unit=unit,
            formula=conversion or f"{a.value} - {b.value} = {delta}",
            items=[
                Item(name=a.label, value=str(a.value), unit=a.unit),
                Item(name=b.label, value=str(b.value), unit=b.unit),
            ],
            sources=as_sources(sources),
        )


@register
class Share(Operation):
    """A ÷ B × 100; with more than two operands, the parts before the last are added up first
    (加油和维修合计占公务用车运行维护费的比重)."""

    names = ("share",)
    verbs = {"share": "求占比（前者 ÷ 后者 × 100%）"}

    def run(self, ctx: Context) -> PlanResult:
        if len(ctx.plan.operands) > 2:
            parts = [ctx.figure(o) for o in ctx.plan.operands[:-1]]
            for i, f in enumerate(parts):
                if any(ctx.shares_money(f, g) for g in parts[i + 1 :]):
                    raise PlanError(f"“{f.label}”和其他分项有一部分是同一笔钱，不能相加后求占比")
            if len({f.unit for f in parts}) > 1:
                raise PlanError("这些分项单位不同，无法相加")
            a = Figure(
                "、".join(f.label for f in parts) + "合计",
                sum((f.value for f in parts), Decimal(0)),
                parts[0].unit,
                [x for f in parts for x in f.sources],
            )
            a.formula = "(" + " + ".join(str(f.value) for f in parts) + ")"
            b = ctx.figure(ctx.plan.operands[-1])
            if a.unit != b.unit:
                raise PlanError(f"{a.label}（{a.unit}）和{b.label}（{b.unit}）单位不同，无法比较")
        else:
            a, b = _pair(ctx)
        if b.value == 0:
            raise PlanError(f"{b.label}为0，无法计算占比")
        pct = (a.value / b.value * 100).quantize(CENT, rounding=ROUND_HALF_UP)
        sources = a.sources + b.sources
        numerator = a.formula if len(ctx.plan.operands) > 2 else str(a.value)
        return PlanResult(
            answer=f"{pct}%：{a.label}{a.value}{a.unit} ÷ {b.label}{b.value}{b.unit} × 100{basis(sources)}。",
            value=str(pct),
            unit="%",
            formula=f"{numerator} / {b.value} * 100 = {pct}",
            items=[
                Item(name=a.label, value=str(a.value), unit=a.unit),
                Item(name=b.label, value=str(b.value), unit=b.unit),
            ],
            sources=as_sources(sources),
        )
