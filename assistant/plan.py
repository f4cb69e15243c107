"""The query plan (查询计划): the one typed representation of what a question asks.

The offline parser builds it from Chinese, an LLM may emit it through the ``run_plan``
tool, the executor runs it against the store, and every answer carries it rendered in
Chinese (:func:`describe`) so a reader sees at once how the question was understood.
Amount bounds are 万元 and exact; nothing here touches the store.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field

#: Tables a row set may range over, as people call their rows.
TABLE_ROWS = {
    "02": "单位收入",
    "03": "支出（按科目）",
    "04": "项目",
    "05": "政府采购",
    "07": "财政拨款支出（按单位、科目）",
    "08": "基本支出（按经济分类）",
    "11": "“三公”经费",
    "12": "政府购买服务",
    "13": "绩效目标项目",
}
#: Grouping dimensions: a unit, a function subject (功能分类科目) or an economic class (经济分类).
GROUPS = {
    "unit": "单位",
    "function": "功能分类科目",
    "economic": "经济分类",
    "catalogue1": "一级目录",
    "catalogue2": "二级目录",
    "catalogue3": "三级目录",
}
KIND_WORDS = {
    "project": "项目",
    "unit": "单位",
    "department": "部门",
    "function_subject": "功能分类科目",
    "economic_subject": "经济分类科目",
    "gov_economic_subject": "政府经济分类",
    "catalogue": "类别",
    "three_public": "三公经费分项",
    "fact": "说明",
    "total": "",
}


class EntityRef(BaseModel):
    """Something the document names: a project, unit, subject, category, total …"""

    kind: str
    key: str
    name: str


class AmountFilter(BaseModel):
    """An amount bound in 万元: ``=``, ``<``, ``<=``, ``>``, ``>=`` or ``between`` (inclusive)."""

    op: Literal["=", "<", "<=", ">", ">=", "between"]
    value: Decimal
    high: Decimal | None = None

    def holds(self, amount: Decimal) -> bool:
        v = self.value
        return {
            "=": amount == v,
            "<": amount < v,
            "<=": amount <= v,
            ">": amount > v,
            ">=": amount >= v,
            "between": self.high is not None and v <= amount <= self.high,
        }[self.op]


class NameFilter(BaseModel):
    """A test on a row's name: contains, starts with, ends with or equals a text, or holds all its words
    (背街小巷整治 → 背街小巷 and 整治); maybe negated."""

    mode: Literal["contains", "startswith", "endswith", "equals", "words"] = "contains"
    text: str
    negate: bool = False


class Membership(BaseModel):
    """Whether a project also appears in another table (05 采购, 12 购买服务, 13 绩效目标)."""

    table: Literal["05", "12", "13"]
    present: bool = True


class RowSet(BaseModel):
    """The rows of one table that pass every filter; ``within`` narrows by unit, subject or category."""

    table: str = "04"
    names: list[NameFilter] = Field(default_factory=list)
    amounts: list[AmountFilter] = Field(default_factory=list)
    within: list[EntityRef] = Field(default_factory=list)
    without: list[EntityRef] = Field(
        default_factory=list, description="除了…: rows of these units, subjects or projects left out"
    )
    members: list[Membership] = Field(default_factory=list)
    level: int | None = Field(None, description="function-code digits to keep: 3 类, 5 款, 7 项")


class Operand(BaseModel):
    """One thing a figure is asked of: a named entity (maybe within a unit), or a set of rows."""

    entity: EntityRef | None = None
    rows: RowSet | None = None
    within: list[EntityRef] = Field(default_factory=list)
    measure: str | None = Field(
        None, description="the column asked for, e.g. 人员经费; default the entity's total"
    )
    rank: int | None = Field(
        None, ge=1, description="the n-th largest row of the row set instead of their sum"
    )
    lowest: bool = Field(False, description="count the rank from the smallest row (最便宜的)")
    ranked_by: str | None = Field(
        None, description="rank by this column, then report ``measure`` of the row chosen (那它的人员经费呢)"
    )


class QueryPlan(BaseModel):
    """What a question asks: documents, operands (row sets or entities), the operation and the answer unit."""

    documents: list[str] = Field(
        default_factory=list, description="document ids; empty = the chosen document"
    )
    operation: str = Field(description="a registered operation, e.g. value, sum, count, top, share, change")
    operands: list[Operand] = Field(default_factory=list)
    group_by: Literal["unit", "function", "economic", "catalogue1", "catalogue2", "catalogue3"] | None = None
    n: int | None = Field(None, ge=1, le=100, description="how many for top/bottom; which place for rank")
    year: Literal["current", "previous"] = "current"
    answer_unit: str | None = Field(
        None, description="万元 or 元 for amounts; the counting word (个, 项 …) for counts"
    )
    percent: bool = Field(False, description="a change asked as a percentage")
    topic: str | None = Field(None, description="indicator words, a term to define, or what a text is about")
    excluded: list[EntityRef] = Field(
        default_factory=list, description="parts the question takes out of the operands' whole (除了加油)"
    )


# -- the plan in Chinese --------------------------------------------------------------


def _money(value: Decimal) -> str:
    return f"{value.normalize():f}万元"


def quoted(name: str) -> str:
    """A name in “”, its own quotes dropped (“三公”经费 → “三公经费”)."""
    return "“" + name.replace("“", "").replace("”", "") + "”"


def describe_amount(f: AmountFilter) -> str:
    if f.op == "between":
        return f"金额在{_money(f.value)}到{_money(f.high or f.value)}之间"
    word = {"=": "等于", "<": "低于", "<=": "不超过", ">": "高于", ">=": "不低于"}[f.op]
    return f"金额{word}{_money(f.value)}"


def describe_name(f: NameFilter) -> str:
    word = {"contains": "含", "startswith": "以", "endswith": "以", "equals": "为", "words": "含词"}[f.mode]
    tail = {"startswith": "开头", "endswith": "结尾"}.get(f.mode, "")
    return f"名称{'不' if f.negate else ''}{word}“{f.text}”{tail}"


def alternatives(scopes: list[EntityRef]) -> list[list[EntityRef]]:
    """Scopes grouped into either-or choices: a row has one code per classification (and one unit), so
    two codes of one kind where neither contains the other mean rows under either (31007、31099)."""
    groups: list[list[EntityRef]] = []
    for scope in scopes:
        level = scope.key.partition(":")[0] if scope.kind == "catalogue" else ""
        group = next(
            (
                g
                for g in groups
                if g[0].kind == scope.kind
                and (g[0].key.partition(":")[0] if scope.kind == "catalogue" else "") == level
                and not any(o.key.startswith(scope.key) or scope.key.startswith(o.key) for o in g)
            ),
            None,
        )
        if group is None:
            groups.append([scope])
        else:
            group.append(scope)
    return groups


def describe_rows(rows: RowSet) -> str:
    parts = [f"预算{rows.table}表"]
    parts += [
        KIND_WORDS.get(g[0].kind, "") + "或".join(quoted(w.name) for w in g) + "下"
        for g in alternatives(rows.within)
    ]
    parts += [f"除{KIND_WORDS.get(w.kind, '')}{quoted(w.name)}外" for w in rows.without]
    parts += [describe_name(f) for f in rows.names]
    parts += [describe_amount(f) for f in rows.amounts]
    parts += [f"{'也' if m.present else '不'}在预算{m.table}表中" for m in rows.members]
    if rows.level:
        parts.append({3: "类级", 5: "款级", 7: "项级"}.get(rows.level, f"{rows.level}位编码"))
    noun = TABLE_ROWS.get(rows.table, "行")
    return " ".join(parts) + f"的{noun}"


def describe_operand(op: Operand) -> str:
    if op.rows is not None:
        text = describe_rows(op.rows)
    elif op.entity is not None:
        kind = KIND_WORDS.get(op.entity.kind, "")
        text = f"{kind}{quoted(op.entity.name)}"
    else:
        text = "（未指明）"
    scope = "".join(f"{quoted(w.name)}的" for w in op.within)
    by = f"按{op.ranked_by}" if op.ranked_by else ""
    rank = f"中{by}{'倒数' if op.lowest else ''}第{op.rank}名" if op.rank else ""
    return scope + text + rank + (f"的{op.measure}" if op.measure else "")


def describe(plan: QueryPlan, verb: str) -> str:
    """``按 预算04表 名称含“运维”的项目 计数`` — the plan as one line a reader can check."""
    operands = "；".join(describe_operand(o) for o in plan.operands) or "本部门"
    text = f"按 {operands}"
    if plan.excluded:
        text += "（" + "、".join(f"除{quoted(e.name)}外" for e in plan.excluded) + "）"
    if plan.group_by:
        text += f" 按{GROUPS[plan.group_by]}分组"
    text += f" {verb}"
    if topic := re.sub(r"^[，,、\s]+|[，,]{2,}", "", plan.topic or ""):  # the words left once names are read
        text += f"（{topic}）"
    if plan.year == "previous":
        text += "，上一年"
    if plan.answer_unit in ("万元", "元"):
        text += f"，以{plan.answer_unit}为单位"
    return text
