"""The executor: runs a :class:`QueryPlan` against the store and returns a :class:`PlanResult`.

The operation named by the plan does the work (see :mod:`assistant.operations`); the
executor binds it to the document, renders the plan in Chinese, and turns a plan the
document cannot satisfy into a refusal that says why. It is also the ``run_plan`` tool,
so the offline parser and an LLM reach the store the same way.
"""

from __future__ import annotations

import json

from langchain_core.tools import StructuredTool
from pydantic import BaseModel, Field

from assistant.contract import PlanResult
from assistant.operations import operation
from assistant.operations.base import Context, PlanError, refuse
from assistant.plan import QueryPlan, describe
from assistant.tools import Toolbox, ToolError


def interpret(plan: QueryPlan) -> str:
    """The plan as one Chinese line, with the operation's own verb."""
    try:
        verb = operation(plan.operation).verb(plan.operation).format(n=plan.n or 1)
    except KeyError:
        verb = plan.operation
    return describe(plan, verb)


def execute(plan: QueryPlan, toolbox: Toolbox) -> PlanResult:
    """Run a plan on its document (the first of ``plan.documents``)."""
    interpretation = interpret(plan)
    try:
        op = operation(plan.operation)
        if not plan.documents:
            raise PlanError("计划没有指明文档")
        doc = toolbox.document(plan.documents[0])
        result = op.run(Context(plan, toolbox, doc))
    except PlanError as e:
        result = refuse(str(e))
    except (ToolError, KeyError):
        result = refuse("表中没有找到所问的内容")
    result.interpretation = interpretation
    return result


class RunPlanArgs(BaseModel):
    plan: QueryPlan = Field(
        description="the query plan: documents, operands (entities or filtered row sets), "
        "operation, answer unit"
    )


def run_plan_tool(toolbox: Toolbox) -> StructuredTool:
    """``run_plan`` for the agent: the plan in, the PlanResult (JSON) out."""

    def run(plan: QueryPlan | dict) -> str:
        plan = plan if isinstance(plan, QueryPlan) else QueryPlan.model_validate(plan)
        return json.dumps(execute(plan, toolbox).model_dump(mode="json"), ensure_ascii=False)

    return StructuredTool.from_function(
        func=run,
        name="run_plan",
        args_schema=RunPlanArgs,
        description="Run a typed query plan exactly and return the answer with its "
        "sources and the plan rendered in Chinese.",
    )
