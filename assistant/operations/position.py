"""A thing's place in a ranking (排第几): a unit among the units, a project among the projects."""

from __future__ import annotations

from assistant.contract import Item, PlanResult
from assistant.entities import normalize
from assistant.operations import Operation, register
from assistant.operations.base import Context, PlanError, as_sources, grouped, money


@register
class Position(Operation):
    """Operands: the ranked row set, then the thing whose place is asked."""

    names = ("position",)
    verbs = {"position": "求名次"}

    def run(self, ctx: Context) -> PlanResult:
        rows, target = ctx.plan.operands[0], ctx.plan.operands[1].entity
        if target is None:
            raise PlanError("没有说明要排名的是哪一项")
        entries = [e for e in grouped(ctx, ctx.entries(rows)) if e.value is not None]
        ranked = sorted(entries, key=lambda e: e.value, reverse=True)
        wanted = {normalize(target.name), target.key}
        own = next((e for e in ranked if normalize(e.name) in wanted or e.key in wanted), None)
        if own is None:
            raise PlanError(f"排名中没有{target.name}")
        place = 1 + sum(1 for e in ranked if e.value > own.value)  # equal amounts share a place
        shown = "、".join(
            f"{i}. {e.name}（{money(e.value, '万元')}万元）" for i, e in enumerate(ranked[: max(place, 5)], 1)
        ) + ("等" if len(ranked) > max(place, 5) else "")
        sources = ctx.sources(ranked)
        return PlanResult(
            answer=f"第{place}名：{target.name}在{len(ranked)}项中排第{place}（从多到少：{shown}）。",
            value=str(place),
            unit="名",
            sources=as_sources(sources),
            items=[
                Item(name=e.name, value=money(e.value, "万元"), unit="万元", rank=i)
                for i, e in enumerate(ranked, 1)
            ],
        )
