"""Operations over a row set (行集合): sum, count, average, max/min, top-n / bottom-n / rank-n, list.

With ``group_by`` the rows are first added up per unit, function subject (at the plan's
level) or economic class; the operation then runs over the groups.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from assistant.contract import Candidate, Item, PlanResult
from assistant.operations import Operation, register
from assistant.operations.base import (
    CENT,
    Context,
    Entry,
    Figure,
    PlanError,
    as_sources,
    basis,
    grouped,
    money,
)


def _items(entries: list[Entry], ranked: bool = False) -> list[Item]:
    return [
        Item(
            name=e.name,
            value=None if e.value is None else money(e.value, "万元"),
            unit="万元",
            rank=i if ranked else None,
        )
        for i, e in enumerate(entries, 1)
    ]


def _names(entries: list[Entry], limit: int = 12) -> str:
    shown = "、".join(f"{e.name}{'' if e.value is None else money(e.value, '万元')}" for e in entries[:limit])
    return shown + ("等" if len(entries) > limit else "")


@register
class Total(Operation):
    names = ("sum", "avg")
    verbs = {"sum": "求和", "avg": "求平均"}

    def run(self, ctx: Context) -> PlanResult:
        operand = ctx.plan.operands[0]
        if operand.rows is None:  # several named things added up
            return _sum_figures(ctx)
        entries = [e for e in grouped(ctx, ctx.entries(operand)) if e.value is not None]
        if not entries:
            raise PlanError("没有符合条件的行")
        total = sum((e.value for e in entries), Decimal(0))
        expression = " + ".join(str(e.value) for e in entries)
        sources = ctx.sources(entries)
        if ctx.plan.operation == "avg":
            value = (total / len(entries)).quantize(CENT, rounding=ROUND_HALF_UP)
            return PlanResult(
                answer=f"平均{money(value, '万元')}万元：{len(entries)}项合计{total}万元 ÷ {len(entries)}"
                f"{basis(sources, 2)}。",
                value=money(value, "万元"),
                unit="万元",
                formula=f"({expression}) / {len(entries)} = {value}",
                items=_items(entries),
                sources=as_sources(sources),
            )
        value, unit, conversion = ctx.convert(Figure("合计", total, "万元", sources))
        formula = conversion or (f"{expression} = {total}" if len(entries) > 1 else None)
        return PlanResult(
            answer=(
                f"合计{money(value, unit)}{unit}，共{len(entries)}项{basis(sources, 2)}：{_names(entries)}。"
            ),
            value=money(value, unit),
            unit=unit,
            formula=formula,
            items=_items(entries),
            sources=as_sources(sources),
        )


def _sum_figures(ctx: Context) -> PlanResult:
    figures = [ctx.figure(o) for o in ctx.plan.operands]
    if len({f.unit for f in figures}) > 1:
        raise PlanError("这些金额单位不同，无法直接相加")
    seen: set[tuple] = set()
    kept = []
    for f in figures:  # the same cell reached twice is added once
        if f.key() not in seen:
            seen.add(f.key())
            kept.append(f)
    for i, f in enumerate(kept):
        for g in kept[i + 1 :]:
            if ctx.shares_money(f, g):
                return _overlapping(f, g)
    total = sum((f.value for f in kept), Decimal(0))
    value, unit, conversion = ctx.convert(Figure("合计", total, kept[0].unit))
    expression = " + ".join(str(f.value) for f in kept)
    parts = "、".join(f"{f.label}{f.value}{f.unit}" for f in kept)
    sources = [s for f in kept for s in f.sources]
    return PlanResult(
        answer=f"合计{money(value, unit)}{unit}：{parts}{basis(sources)}。",
        value=money(value, unit),
        unit=unit,
        formula=conversion or f"{expression} = {total}",
        items=[Item(name=f.label, value=str(f.value), unit=f.unit) for f in kept],
        sources=as_sources(sources),
    )


def _overlapping(f: Figure, g: Figure) -> PlanResult:
    """Two named things whose rows overlap (基本工资 and the 工资奖金津补贴 it is classed under): adding them
    would count the same money twice, so ask which one was meant."""
    return PlanResult(
        answer=f"“{f.label}”（{f.value}{f.unit}）和“{g.label}”（{g.value}{g.unit}）有一部分是同一笔钱"
        "，相加会把它算两次。请问您要的是哪一项？",
        candidates=[Candidate(name=x.label, kind="figure") for x in (f, g)],
        sources=as_sources([*f.sources, *g.sources]),
    )


@register
class Count(Operation):
    names = ("count",)
    verbs = {"count": "计数"}

    def run(self, ctx: Context) -> PlanResult:
        entries = grouped(ctx, ctx.entries(ctx.plan.operands[0]))
        sources = ctx.sources(entries)
        names = "、".join(e.name for e in entries[:12]) + ("等" if len(entries) > 12 else "")
        unit = ctx.plan.answer_unit if ctx.plan.answer_unit in ("个", "项", "户", "家", "行") else "个"
        text = f"共{len(entries)}{unit}{basis(sources, 2)}" + (f"：{names}。" if entries else "。")
        return PlanResult(
            answer=text,
            value=str(len(entries)),
            unit=unit,
            items=_items(entries),
            sources=as_sources(sources),
        )


@register
class Ranking(Operation):
    names = ("max", "min", "top", "bottom", "rank", "rank_low", "list")
    verbs = {
        "max": "取最大",
        "min": "取最小",
        "top": "取前{n}名",
        "bottom": "取最少的{n}个",
        "rank": "取第{n}名",
        "rank_low": "取倒数第{n}名",
        "list": "列出",
    }

    def verb(self, name: str) -> str:
        return self.verbs[name]

    def run(self, ctx: Context) -> PlanResult:
        op, n = ctx.plan.operation, ctx.plan.n or 1
        entries = [e for e in grouped(ctx, ctx.entries(ctx.plan.operands[0])) if e.value is not None]
        low = op in ("min", "bottom", "rank_low")
        ranked = sorted(entries, key=lambda e: e.value, reverse=not low)
        chosen = {
            "max": ranked[:1],
            "min": ranked[:1],
            "top": ranked[:n],
            "bottom": ranked[:n],
            "rank": ranked[n - 1 : n],
            "rank_low": ranked[n - 1 : n],
            "list": ranked,
        }[op]
        if not chosen:
            raise PlanError("没有符合条件的行" if not ranked else f"只有{len(ranked)}项，没有第{n}名")
        rows = ctx.plan.operands[0].rows
        by_unit = not ctx.plan.group_by and rows is not None and any(w.kind == "unit" for w in rows.without)
        named = "、".join(
            f"{e.name}（{_whose(ctx, e) if by_unit else ''}{money(e.value, '万元')}万元）" for e in chosen
        )  # 除了本级还有哪些项目: whose each one is
        what = {
            "max": "最多的是",
            "min": "最少的是",
            "top": f"排名前{n}的依次是",
            "bottom": f"最少的{n}个依次是",
            "rank": f"排第{n}的是",
            "rank_low": f"倒数第{n}的是",
            "list": "依次是",
        }[op]
        sources = ctx.sources(chosen)
        result = PlanResult(
            answer=f"{what}{named}，共{len(ranked)}项{basis(sources)}。",
            sources=as_sources(sources),
            items=[
                Item(name=e.name, value=money(e.value, "万元"), unit="万元", rank=(ranked.index(e) + 1))
                for e in chosen
            ],
        )
        if len(chosen) == 1:
            value, unit, conversion = ctx.convert(_figure(chosen[0], sources))
            result.value, result.unit, result.formula = money(value, unit), unit, conversion
        return result


def _whose(ctx: Context, entry: Entry) -> str:
    unit = ctx.unit_of(entry)
    return f"{unit}，" if unit else ""


def _figure(entry: Entry, sources: list[dict]) -> Figure:
    return Figure(entry.name, entry.value or Decimal(0), "万元", sources)
