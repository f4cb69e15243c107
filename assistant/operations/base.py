"""What every operation needs: the plan, the document, and exact reads of operands.

An operand is either a named entity (its amounts as the tables give them) or a row set
(rows of one table after filters). Rows are de-duplicated by their table and row number,
so one row reached by two paths is counted once. All arithmetic is ``Decimal``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

import jieba

from assistant.contract import PlanResult, Source
from assistant.entities import normalize
from assistant.lexicon import THREE_PUBLIC_PARTS
from assistant.plan import EntityRef, Operand, QueryPlan, RowSet, alternatives
from assistant.tools import PRIMARY_MEASURE, Toolbox, row_name
from index.bm25 import ensure_jieba
from index.subjects import class_name
from index.tables import SPECS

NOT_FOUND = "文档中没有这项信息"
CENT = Decimal("0.01")
WAN = Decimal("10000")
#: Cells a scope entity narrows rows by.
SCOPE_CELLS = {
    "unit": "单位编码",
    "function_subject": "功能分类科目编码",
    "economic_subject": "部门经济分类编码",
    "gov_economic_subject": "政府经济分类编码",
    "project": "项目名称",
}


class PlanError(ValueError):
    """The plan cannot be run on this document (an unknown entity, an empty set); the message says why."""


@dataclass
class Figure:
    """One amount with what backs it."""

    label: str
    value: Decimal
    unit: str
    sources: list[dict] = field(default_factory=list)
    formula: str | None = None
    cells: tuple = ()  # the (table, row, column) cells it adds up, to count each cell once

    def key(self) -> tuple:
        return self.cells or tuple((s.get("table"), s.get("row"), s.get("label")) for s in self.sources)


@dataclass
class Entry:
    """One row (or a group of rows) of a row set: its name, its amount in the measure, its rows."""

    name: str
    value: Decimal | None
    rows: list[dict]
    key: str | None = None


#: Department totals whose rows a unit can be picked from (预算12表 rows by their 04表 project's unit).
UNIT_TABLES = {"政府购买服务": "12"}


@dataclass
class Context:
    plan: QueryPlan
    toolbox: Toolbox
    doc: dict
    _unit_of: dict[str, str] = field(default_factory=dict, init=False, repr=False)

    @property
    def doc_id(self) -> str:
        return self.doc["doc_id"]

    # -- entities ------------------------------------------------------------

    def figure(self, operand: Operand) -> Figure:
        """The amount of a named entity in the measure asked (its total unless one is named)."""
        entity = operand.entity
        if entity is None:
            return self.rows_figure(operand)
        if (
            entity.kind in SCOPE_CELLS
            and entity.kind != "unit"
            and self.toolbox.catalog(self.doc_id).get(entity.kind, entity.key) is None
        ):
            # a class (206, 20502, 503) the tables print only inside longer codes: its rows, added up
            table = "07" if entity.kind == "function_subject" else "03"
            rows = RowSet(table=table, within=[*operand.within, entity])
            figure = self.rows_figure(Operand(rows=rows, measure=operand.measure))
            figure.label = entity.name
            return figure
        if (
            entity.kind == "total"
            and entity.key in UNIT_TABLES
            and any(w.kind == "unit" for w in operand.within)
        ):
            # 仲裁院的政府购买服务: that unit's rows of the table the total sums
            rows = RowSet(table=UNIT_TABLES[entity.key], within=list(operand.within))
            figure = self.rows_figure(Operand(rows=rows))
            figure.label = f"{operand.within[-1].name}的{entity.name}"
            return figure
        if entity.kind == "fact" and any(w.kind == "unit" for w in operand.within):
            raise PlanError(
                f"说明只给出全部门的{entity.name}，没有分单位的数"
            )  # never the whole as the unit's
        within = [{"kind": w.kind, "key": w.key} for w in operand.within]
        result = self.toolbox.amounts(self.doc_id, entity.kind, entity.key, within)
        measures = result.get("measures") or []
        if operand.measure:
            measures = [m for m in measures if m["measure"] == operand.measure] or (
                [] if entity.kind not in ("total", "fact") else measures
            )
        if not measures and entity.kind == "three_public" and entity.key in THREE_PUBLIC_PARTS:
            return self._three_public_whole(entity)  # a parent printed blank: the sum of its parts
        if not measures:
            what = f"{entity.name}的{operand.measure}" if operand.measure else entity.name
            raise PlanError(f"表中没有“{what}”的金额")
        m = measures[0]
        if m.get("table") and len(m.get("rows") or []) > 1:
            self.trust(m["table"])  # a sum of several rows of a table that was not read whole
        label = (
            "".join(w.name for w in operand.within)
            + entity.name
            + (f"的{operand.measure}" if operand.measure else "")
        )
        cells = tuple((m.get("table"), row, m["measure"]) for row in m.get("rows") or [])
        return Figure(label, Decimal(m["value"]), m["unit"], m["sources"], m.get("formula"), cells)

    def _three_public_whole(self, entity: EntityRef) -> Figure:
        parts = [
            e for e in self.parts(Operand(rows=RowSet(table="11", within=[entity]))) if e.value is not None
        ]
        if not parts:
            raise PlanError(f"表中没有“{entity.name}”的金额")
        total = sum((e.value for e in parts), Decimal(0))
        formula = " + ".join(str(e.value) for e in parts) + f" = {total}"
        return Figure(entity.name, total, "万元", self.sources(parts, table="11"), formula)

    # -- the document's own consistency ----------------------------------------

    def incomplete(self, table: str) -> str | None:
        """Why a table's rows cannot be trusted as a whole: a failed 各行之和 = 合计 (or row count) check —
        rows were lost or misread at ingest, so any sum, count or ranking over them would be wrong."""
        for check in self.toolbox.checks(self.doc_id):
            if check["status"] == "fail" and re.match(
                rf"(预算{table}表 .*各行之和 = 合计|.*= 预算{table}表行数)", check["name"]
            ):
                return (
                    f"预算{table}表没有被完整读出（{check['name']}：表中印的是{check['expected']}，"
                    f"读出的各行合计{check['actual']}），按这张表计算的结果不可靠，所以不作答"
                )
        return None

    def trust(self, table: str) -> None:
        if (why := self.incomplete(table)) is not None:
            raise PlanError(why)

    def shares_money(self, a: Figure, b: Figure) -> bool:
        """Do two figures add up some of the same money: a row of one table read in the same column, or in
        a column that contains the other's (a subject's 合计 and its own 基本支出) — and a table's 合计 row
        holds every row of it?"""
        totals: dict[str, set[int]] = {}
        for table, row, column in a.cells:
            for other_table, other_row, other in b.cells:
                if table != other_table:
                    continue
                if (
                    table not in totals
                ):  # a 合计 row, or the department's own row (层级 部门) holding its units'
                    totals[table] = {
                        r["row"]
                        for r in (self.toolbox.table(self.doc_id, table) or {"rows": []})["rows"]
                        if r["is_total"] or r["cells"].get("层级") == "部门"
                    }
                if (row == other_row or row in totals[table] or other_row in totals[table]) and (
                    other in _columns_within(table, column) or column in _columns_within(table, other)
                ):
                    return True
        return False

    # -- row sets ------------------------------------------------------------

    def measure_of(self, operand: Operand) -> str:
        """The column a row set is read in: the one asked for when the table prints it, else its total."""
        number = operand.rows.table if operand.rows else "04"
        table = self.toolbox.table(self.doc_id, number)
        if operand.measure and table and operand.measure in table["columns"]:
            return operand.measure
        return PRIMARY_MEASURE.get(number, "合计")

    def parts(self, operand: Operand) -> list[Entry]:
        """The parts of a “三公” item (预算11表), each a column of the one row; a part printed blank is
        the sum of its own parts."""
        rows = operand.rows or RowSet()
        table = self.toolbox.table(self.doc_id, "11")
        row = next((r for r in (table or {"rows": []})["rows"] if not r["is_total"]), None)
        if row is None:
            raise PlanError("这份预算没有“三公”经费表")
        parent = next((w.key for w in rows.within if w.kind == "three_public"), "“三公”经费财政拨款预算总额")
        if parent not in THREE_PUBLIC_PARTS:
            raise PlanError(f"“{parent}”没有再细分的分项")

        def amount(column: str) -> Decimal | None:
            if column in row["amounts"]:
                return row["amounts"][column]
            children = [amount(c) for c in THREE_PUBLIC_PARTS.get(column, ())]
            return sum((c for c in children if c is not None), Decimal(0)) if children else None

        return [Entry(column, amount(column), [row], column) for column in THREE_PUBLIC_PARTS[parent]]

    def entries(self, operand: Operand) -> list[Entry]:
        """The rows of a row set that pass its filters, once each."""
        rows = operand.rows or RowSet()
        if rows.table == "11":
            return self.parts(operand)
        self.trust(rows.table)
        measure = self.measure_of(operand)
        table = self.toolbox.table(self.doc_id, rows.table)
        if table is None:
            raise PlanError(f"这份预算没有预算{rows.table}表")
        members = {m.table: self._names_in(m.table) for m in rows.members}
        self._unit_of = (
            self._project_units()
            if any(w.kind == "unit" for w in [*rows.within, *operand.within, *rows.without])
            else {}
        )
        columns = set(table.get("columns", [])) | (
            {"单位编码"} if "项目名称" in table.get("columns", []) else set()
        )
        for scope in [*rows.within, *operand.within]:
            if scope.kind in SCOPE_CELLS and SCOPE_CELLS[scope.kind] not in columns:
                raise PlanError(f"预算{rows.table}表没有按{scope.name}区分的列")  # never a silent 0
        seen: set[int] = set()
        out = []
        for row in table["rows"]:
            if row["is_total"] or row["row"] in seen or row["cells"].get("层级") == "部门":
                continue
            if not self._passes(row, rows, operand, measure, members):
                continue
            seen.add(row["row"])
            out.append(Entry(row_name(rows.table, row), row["amounts"].get(measure), [row]))
        return out

    def rows_figure(self, operand: Operand) -> Figure:
        entries = [e for e in self.entries(operand) if e.value is not None]
        if not entries:
            raise PlanError("没有符合条件的行")
        if operand.rank:
            by = entries
            if operand.ranked_by:
                by = [
                    e
                    for e in self.entries(operand.model_copy(update={"measure": operand.ranked_by}))
                    if e.value
                ]
            ranked = sorted(grouped(self, by), key=lambda e: e.value, reverse=not operand.lowest)
            if operand.rank > len(ranked):
                raise PlanError(f"只有{len(ranked)}项，没有第{operand.rank}名")
            e = ranked[operand.rank - 1]
            if operand.ranked_by:  # the row the ranking chose, in the measure now asked
                e = next((g for g in grouped(self, entries) if (g.key or g.name) == (e.key or e.name)), None)
                if e is None:
                    raise PlanError("所选的一项没有所问的金额")
            place = f"{'倒数' if operand.lowest else ''}第{operand.rank}名"
            return Figure(f"{place}{e.name}", e.value, "万元", self.sources([e], table=operand.rows.table))
        total = sum((e.value for e in entries), Decimal(0))
        formula = " + ".join(str(e.value) for e in entries) + f" = {total}" if len(entries) > 1 else None
        table = operand.rows.table if operand.rows else None
        measure = self.measure_of(operand)
        cells = tuple((table, r["row"], measure) for e in entries for r in e.rows)
        return Figure("合计", total, "万元", self.sources(entries, table=table), formula, cells)

    def _names_in(self, table: str) -> set[str]:
        if table == "13":
            return {
                normalize(p.name) for p in self.toolbox.store.projects(self.doc_id) if p.indicators or p.goal
            }
        rows = (self.toolbox.table(self.doc_id, table) or {"rows": []})["rows"]
        return {normalize(r["cells"].get("项目名称", "")) for r in rows if not r["is_total"]}

    def unit_of(self, entry: Entry) -> str | None:
        """The name of the unit a project row belongs to (预算12表 rows by their 04表 project)."""
        cells = entry.rows[0]["cells"] if len(entry.rows) == 1 else {}
        if not cells.get("项目名称"):
            return None
        names = {
            r["cells"]["单位编码"]: r["cells"].get("单位名称", "")
            for r in (self.toolbox.table(self.doc_id, "04") or {"rows": []})["rows"]
            if r["cells"].get("单位编码")
        }
        code = cells.get("单位编码") or self._project_units().get(normalize(cells["项目名称"]), "")
        return names.get(code) or None

    def _project_units(self) -> dict[str, str]:
        """Project name → its unit's code, from 预算04表; a name two units share maps to nothing."""
        found: dict[str, set[str]] = {}
        for r in (self.toolbox.table(self.doc_id, "04") or {"rows": []})["rows"]:
            if not r["is_total"] and r["cells"].get("项目名称") and r["cells"].get("单位编码"):
                found.setdefault(normalize(r["cells"]["项目名称"]), set()).add(r["cells"]["单位编码"])
        return {name: next(iter(codes)) for name, codes in found.items() if len(codes) == 1}

    def _passes(
        self, row: dict, rows: RowSet, operand: Operand, measure: str, members: dict[str, set[str]]
    ) -> bool:
        cells = row["cells"]
        name = normalize(cells.get("项目名称") or row_name(rows.table, row))
        if "单位编码" not in cells and cells.get(
            "项目名称"
        ):  # 预算12表 prints no unit: the project's, from 04
            cells = {**cells, "单位编码": self._unit_of.get(name, "")}
        for f in rows.names:
            text = normalize(f.text)
            hit = {
                "contains": text in name,
                "startswith": name.startswith(text),
                "endswith": name.endswith(text),
                "equals": name == text,
                "words": f.mode == "words" and all(w in name for w in words(text)),
            }[f.mode]
            if hit == f.negate:
                return False
        amount = row["amounts"].get(measure)
        for f in rows.amounts:
            if amount is None or not f.holds(amount):
                return False
        for group in alternatives([*rows.within, *operand.within]):
            if not any(_in_scope(cells, scope) for scope in group):
                return False
        if any(_in_scope(cells, left_out) for left_out in rows.without):
            return False
        for m in rows.members:
            if (name in members[m.table]) != m.present:
                return False
        code = cells.get("功能分类科目编码", "")
        return not (rows.level and code and len(code) != rows.level and not self.plan.group_by)

    def sources(self, entries: list[Entry], limit: int = 60, table: str | None = None) -> list[dict]:
        first = self.plan.operands[0].rows if self.plan.operands else None
        table = table or (first.table if first else "04")
        seen: set[tuple] = set()
        out = []
        for e in entries:
            for r in e.rows:
                label = e.key if table == "11" else ""
                if (table, r["row"], label) not in seen:
                    seen.add((table, r["row"], label))
                    out.append(self.toolbox.row_source(self.doc, table, r, label or ""))
        return out[:limit]

    # -- answers -------------------------------------------------------------

    def convert(self, figure: Figure) -> tuple[Decimal, str, str | None]:
        """The figure in the unit the question asked for (万元 ↔ 元), exactly, with the conversion written
        out."""
        asked = self.plan.answer_unit if self.plan.answer_unit in ("万元", "元") else None
        if not asked or asked == figure.unit or figure.unit not in ("万元", "元"):
            return figure.value, figure.unit, None
        if asked == "元":
            value = figure.value * WAN
            return value, "元", f"{figure.value} * 10000 = {money(value, '元')}"
        value = figure.value / WAN
        return value, "万元", f"{figure.value} / 10000 = {value}"

    def year(self) -> str:
        return f"{self.doc['year']}年" if self.doc.get("year") else ""


def _columns_within(table: str, column: str) -> set[str]:
    """A column and every column its table's identities make a part of it (合计 ⊃ 基本支出 ⊃ 人员经费)."""
    spec = SPECS.get(table or "")
    out, todo = {column}, [column]
    while todo and spec:
        whole = todo.pop()
        for total, parts in spec.identities:
            if total == whole:
                todo += [p for p in parts if p not in out]
                out.update(parts)
    return out


GROUP_CELLS = {
    "function": ("功能分类科目编码", "功能分类科目"),
    "economic": ("部门经济分类编码", "部门经济分类"),
    "unit": ("单位编码", "单位名称"),
    "catalogue1": ("目录一级", "目录一级"),
    "catalogue2": ("目录二级", "目录二级"),
    "catalogue3": ("目录三级", "目录三级"),
}


def grouped(ctx: Context, entries: list[Entry]) -> list[Entry]:
    if not ctx.plan.group_by:
        return entries
    code_cell, name_cell = GROUP_CELLS[ctx.plan.group_by]
    level = ctx.plan.operands[0].rows.level if ctx.plan.operands[0].rows else None
    groups: dict[str, Entry] = {}
    for e in entries:
        cells = e.rows[0]["cells"]
        if ctx.plan.group_by == "unit" and code_cell not in cells and (unit := ctx.unit_of(e)):
            cells = {**cells, code_cell: unit, name_cell: unit}  # 预算12表 rows: their 04表 project's unit
        code = cells.get(code_cell, "")
        if ctx.plan.group_by == "function" and level:
            code = code[:level]
        name = (
            cells.get(name_cell, code)
            if not level or len(cells.get(code_cell, "")) == level
            else (class_name(code) if ctx.plan.group_by == "function" and level == 3 else code) or code
        )
        if name == code and ctx.plan.group_by == "function":  # a 款 the tables print only by its 项 rows
            name = ctx.toolbox.subject_names(ctx.doc["doc_id"]).get(code, code)
        g = groups.setdefault(code, Entry(name, None, [], code))
        g.rows += e.rows
        if e.value is not None:
            g.value = (g.value or Decimal(0)) + e.value
    return list(groups.values())


def words(text: str) -> list[str]:
    """The words of a name as jieba cuts them (背街小巷整治 → 背街小巷, 整治)."""
    ensure_jieba()
    return [w for w in jieba.lcut(text) if w.strip()]


def _in_scope(cells: dict, scope: EntityRef) -> bool:
    if scope.kind == "catalogue":
        level, _, value = scope.key.partition(":")
        return cells.get(level) == value
    cell = SCOPE_CELLS.get(scope.kind)
    if cell is None:
        return True
    value = cells.get(cell, "")
    if scope.kind in ("function_subject", "economic_subject", "gov_economic_subject"):
        return value.startswith(scope.key)
    return value == scope.key


def money(value: Decimal, unit: str) -> str:
    """万元 with two decimals (as printed), 元 without trailing zeros beyond cents."""
    if unit == "万元":
        return str(value.quantize(CENT, rounding=ROUND_HALF_UP))
    if unit == "元":
        q = value.quantize(CENT, rounding=ROUND_HALF_UP)
        return str(q.quantize(Decimal(1))) if q == q.to_integral_value() else str(q)
    return str(value)


def basis(sources: list[dict], limit: int = 3) -> str:
    labels = list(dict.fromkeys(s["label"] for s in sources))
    if not labels:
        return ""
    return "（" + "、".join(labels[:limit]) + ("等" if len(labels) > limit else "") + "）"


def as_sources(raw: list[dict]) -> list[Source]:
    seen: set[tuple] = set()
    out = []
    for s in raw:
        source = Source(**{k: v for k, v in s.items() if k in Source.model_fields})
        if source.key() not in seen:
            seen.add(source.key())
            out.append(source)
    return out


def refuse(why: str = "") -> PlanResult:
    return PlanResult(answer=f"{NOT_FOUND}。{why}".rstrip("。") + ("。" if why else ""), refused=True)
