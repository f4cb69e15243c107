"""A performance target of 预算13表 (绩效指标): its operator, value and unit as printed."""

from __future__ import annotations

from assistant.contract import Candidate, PlanResult
from assistant.operations import Operation, register
from assistant.operations.base import Context, PlanError, as_sources


@register
class Indicator(Operation):
    names = ("indicator",)
    verbs = {"indicator": "查绩效指标"}

    def run(self, ctx: Context) -> PlanResult:
        entity = ctx.plan.operands[0].entity if ctx.plan.operands else None
        project = entity.key if entity is not None and entity.kind == "project" else None
        topic = ctx.plan.topic or ""
        found = ctx.toolbox.indicators(ctx.doc_id, project, topic)["indicators"]
        if not found:
            raise PlanError(f"预算13表中没有找到“{topic.strip('，')}”这项指标")
        best = found[0]
        if best["coverage"] < 0.4 and best["score"] < 5 and len(found) > 1:
            names = "、".join(f"“{i['name']}”" for i in found[:5])  # a weak match: ask which target was meant
            return PlanResult(answer=f"没能确定您问的是哪项绩效指标，可能是：{names}。请问是哪一个？",
                              candidates=[Candidate(name=i["name"], kind="indicator", score=i["score"])
                                          for i in found[:5]])
        op = best["operator"]
        shown = f"{op}{best['value']}{best['unit']}" if op in ("≥", "≤", "=") else f"{best['value']}{best['unit']}"
        return PlanResult(answer=f"{shown}：{best['project']}的{best['level2']}“{best['name']}”目标为{shown}"
                                 f"（{best['source']['label']}）", value=best["value"], unit=best["unit"],
                          operator=op if op in ("≥", "≤", "=") else None, sources=as_sources([best["source"]]))

