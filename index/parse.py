"""From budget text to a ``ParsedDocument``: tables, projects, narrative, facts.

The order matters: 预算04表's projects tell 预算03表 and 预算07表 which amounts are
项目支出, and 03's economic classes tell 07 which basic amounts are 人员经费.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from decimal import Decimal

from index.layout import (
    NotABudgetError,
    Part,
    drop_page_numbers,
    find_year,
    split_lines,
    split_parts,
)
from index.model import Gap, ParsedDocument, Project, Table
from index.narrative import parse_facts, parse_sections
from index.performance import parse_overall_goals, parse_performance
from index.tables import PERSONNEL_CLASSES, SPECS, parse_rows, parse_statement, parse_three_public

TABLE_NUMBERS = [f"{n:02d}" for n in range(1, 15)]
#: Fewer standard tables than this and the text is not a budget of this layout.
MIN_TABLES = 3


def document_id(text: str) -> str:
    """A content hash: the same text is the same document, whatever its file name."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def parse_text(text: str, source: str = "") -> ParsedDocument:
    """Parse a whole budget document; raise ``NotABudgetError`` if it is not one."""
    lines = drop_page_numbers(split_lines(text))
    parts = split_parts(lines)
    table_parts = {p.table: p for p in parts if p.kind == "table"}
    if len(table_parts) < MIN_TABLES:
        raise NotABudgetError(
            f"found {len(table_parts)} of the 14 standard tables (预算01表…预算14表); "
            "this does not look like a department budget of the standard layout"
        )
    doc = ParsedDocument(
        doc_id=document_id(text), source=source, department="", year=find_year(text), lines=lines
    )
    _parse_tables(doc, table_parts)
    doc.projects = _join_projects(doc, table_parts.get("13"))
    doc.sections = parse_sections(parts)
    doc.facts = parse_facts(doc.sections, doc.year, doc.lines)
    doc.department = _department(doc, text)
    for number in TABLE_NUMBERS:
        if number not in table_parts:
            doc.gaps.append(Gap(f"预算{number}表", "table missing (truncated or not printed)"))
    for kind in ("overview", "explanation"):
        if not any(p.kind == kind for p in parts):
            doc.gaps.append(Gap(kind, "narrative part missing"))
    return doc


def _parse_tables(doc: ParsedDocument, parts: dict[str, Part]) -> None:
    def run(number: str, hints=None) -> None:
        if number in parts:
            table, gaps = parse_rows(parts[number], SPECS[number], hints)
            doc.tables[number] = table
            doc.gaps.extend(gaps)

    for number in ("01", "06"):
        if number in parts:
            doc.tables[number] = parse_statement(parts[number])
    run("02")
    run("04")
    run("05")
    projects = _project_sums(doc.tables.get("04"))
    run("03", lambda c: {"项目支出": projects["by_codes"][_codes(c)]})
    classes = _basic_classes(doc.tables.get("03"))
    run("07", lambda c: _hints_07(c, projects, classes))
    run("08", _hints_08)
    run("09")
    run("10")
    run("12")
    if "11" in parts:
        doc.tables["11"] = parse_three_public(parts["11"])
    if "14" in parts:
        doc.tables["14"] = parse_overall_goals(parts["14"])


def _codes(cells: dict[str, str]) -> tuple[str, str, str]:
    return (
        cells.get("功能分类科目编码", ""),
        cells.get("政府经济分类编码", ""),
        cells.get("部门经济分类编码", ""),
    )


def _project_sums(table: Table | None) -> dict[str, dict]:
    """项目支出 per (功能, 政府经济, 部门经济) codes and per (单位, 功能) from 预算04表."""
    by_codes: dict[tuple, Decimal] = defaultdict(Decimal)
    by_unit: dict[tuple, Decimal] = defaultdict(Decimal)
    for row in table.data_rows if table else []:
        amount = row.amounts.get("合计", Decimal(0))
        by_codes[_codes(row.cells)] += amount
        by_unit[(row.cells["单位编码"], row.cells["功能分类科目编码"])] += amount
    return {"by_codes": by_codes, "by_unit": by_unit}


def _basic_classes(table: Table | None) -> dict[str, set[str]]:
    """Per 功能分类科目, which kinds of basic spending 预算03表 shows (人员经费/公用经费)."""
    kinds: dict[str, set[str]] = defaultdict(set)
    for row in table.data_rows if table else []:
        if row.amounts.get("基本支出"):
            kinds[row.cells["功能分类科目编码"]].add(_basic_kind(row.cells["部门经济分类编码"]))
    return kinds


def _basic_kind(economic_code: str) -> str:
    return "人员经费" if economic_code.startswith(PERSONNEL_CLASSES) else "公用经费"


def _hints_07(cells: dict[str, str], projects: dict, classes: dict[str, set[str]]) -> dict[str, Decimal]:
    project = projects["by_unit"][(cells["单位编码"], cells["功能分类科目编码"])]
    hints = {"项目支出": project, "扣除基建项目后预算数": project}
    kinds = classes.get(cells["功能分类科目编码"])
    if kinds:
        for kind in ("人员经费", "公用经费"):
            if kind not in kinds:
                hints[kind] = Decimal(0)
    return hints


def _hints_08(cells: dict[str, str]) -> dict[str, Decimal]:
    other = "公用经费" if _basic_kind(cells["部门经济分类编码"]) == "人员经费" else "人员经费"
    return {other: Decimal(0)}


def _join_projects(doc: ParsedDocument, part13: Part | None) -> list[Project]:
    """Projects of 预算04表, completed by 12 (购买服务) and 13 (绩效)."""
    projects: dict[str, Project] = {}
    for row in doc.tables["04"].data_rows if "04" in doc.tables else []:
        name = row.cells["项目名称"]
        project = projects.setdefault(
            name,
            Project(
                name=name,
                unit_code=row.cells["单位编码"],
                unit_name=row.cells["单位名称"],
                subjects={k: v for k, v in row.cells.items() if "分类" in k or k == "单位类型"},
            ),
        )
        project.amount = (project.amount or Decimal(0)) + row.amounts.get("合计", Decimal(0))
    for row in doc.tables["12"].data_rows if "12" in doc.tables else []:
        project = projects.get(row.cells["项目名称"])
        if project is not None:
            project.code = project.code or row.cells["项目编码"]
            project.purchase = {k: v for k, v in row.cells.items() if k not in ("项目名称", "项目编码")}
            project.purchase_amount = row.amounts.get("预算金额")
    if part13 is not None:
        performance, gaps = parse_performance(part13, list(projects))
        doc.gaps.extend(gaps)
        for found in performance:
            project = projects.setdefault(found.name, found)
            if project is not found:
                _merge_performance(project, found)
    return list(projects.values())


def _merge_performance(project: Project, found: Project) -> None:
    """Take 预算13表's fields into a project known from 预算04表."""
    project.code = found.code or project.code
    project.category = found.category
    project.total_13, project.fiscal_13, project.other_13 = found.total_13, found.fiscal_13, found.other_13
    project.goal = found.goal
    project.indicators = found.indicators
    project.line_start, project.line_end = found.line_start, found.line_end
    project.unit_code = project.unit_code or found.unit_code
    project.unit_name = project.unit_name or found.unit_name


def _department(doc: ParsedDocument, text: str) -> str:
    """The department: 预算02表's department row, else 预算14表's name, else the signature."""
    table = doc.tables.get("02")
    for row in table.data_rows if table else []:
        if row.cells.get("层级") == "部门":
            return row.cells["单位名称"]
    match = re.search(r"部门（单位）名称\s*(\S+?)(?:（|\s|$)", text)
    if match:
        return match.group(1)
    match = re.search(r"\n\s*(北京市\S{2,30}?)\s*\n+\s*20\d{2}\s*年\s*\d{1,2}\s*月", text)
    return match.group(1) if match else ""
