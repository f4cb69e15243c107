"""The department's overall performance target (预算14表 部门整体绩效目标): its name line, its stated
goal, and the targets set for each of its activities."""

from __future__ import annotations

import re

from assistant.contract import PlanResult
from assistant.entities import normalize
from assistant.operations import Operation, register
from assistant.operations.base import Context, PlanError, as_sources

#: What a question asks of the table, by the 栏目 it names.
FIELDS = (
    (r"名称|括号|牌子|哪个局|叫什么", "部门（单位）名称"),
    (r"其他说明", "其他说明"),
    (r"", "整体绩效目标"),
)


@register
class DepartmentGoal(Operation):
    names = ("department_goal",)
    verbs = {"department_goal": "查部门整体绩效目标"}

    def run(self, ctx: Context) -> PlanResult:
        table = ctx.toolbox.table(ctx.doc_id, "14")
        if not table:
            raise PlanError("文档中没有预算14表（部门整体绩效目标）")
        topic = normalize(ctx.plan.topic or "")
        rows = table["rows"]
        activities = [r for r in rows if r["cells"].get("活动") and normalize(r["cells"]["活动"]) in topic]
        if activities:  # “维持机构运转公用经费支出”对应的绩效指标: that activity's targets
            shown = "；".join(_target(r) for r in activities)
            return PlanResult(
                answer=f"{shown}（预算14表）",
                sources=as_sources([ctx.toolbox.row_source(ctx.doc, "14", r) for r in activities]),
            )
        for pattern, field in FIELDS:
            row = next((r for r in rows if r["cells"].get("栏目") == field), None)
            if row is not None and row["cells"].get("内容") and re.search(pattern, topic):
                return PlanResult(
                    answer=f"{field}：{row['cells']['内容']}（预算14表·{field}）",
                    sources=as_sources([ctx.toolbox.row_source(ctx.doc, "14", row, field)]),
                )
        raise PlanError("预算14表中没有找到这方面的内容")


def _target(row: dict) -> str:
    cells = row["cells"]
    value = f"{cells.get('指标性质', '')}{cells.get('指标值', '')}{cells.get('度量单位', '')}"
    return f"{cells['活动']}的绩效指标“{cells.get('绩效指标', '')}”，目标为{value}"
