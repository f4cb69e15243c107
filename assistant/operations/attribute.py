"""A row's printed attributes (属性): which catalogue class, subject, unit or category a project is
filed under."""

from __future__ import annotations

from assistant.contract import PlanResult
from assistant.entities import strip_code
from assistant.lexicon import ATTRIBUTES
from assistant.operations import Operation, register
from assistant.operations.base import Context, PlanError, as_sources


@register
class Attribute(Operation):
    names = ("attribute",)
    verbs = {"attribute": "查所列的类别"}

    def run(self, ctx: Context) -> PlanResult:
        entity = ctx.plan.operands[0].entity if ctx.plan.operands else None
        if entity is None or entity.kind != "project":
            raise PlanError("没有指明是哪个项目")
        columns = [c for c in (ctx.plan.topic or "").split("、") if c]
        found, sources = [], []
        for number in ("12", "04"):
            table = ctx.toolbox.table(ctx.doc_id, number) or {"rows": []}
            for row in table["rows"]:
                if row["is_total"] or row["cells"].get("项目名称") != entity.key:
                    continue
                cells = [(c, row["cells"][c]) for c in columns if row["cells"].get(c)]
                if cells and not found:
                    found = cells
                    sources.append(ctx.toolbox.row_source(ctx.doc, number, row))
        if not found:
            raise PlanError(f"表中没有列出{entity.name}的{'、'.join(columns)}")
        shown = "，".join(f"{ATTRIBUTES.get(c, c)}为“{strip_code(v)}”（{v}）" for c, v in found)
        return PlanResult(
            answer=f"{entity.name}：{shown}（{sources[0]['label']}）。", sources=as_sources(sources)
        )
