"""Reconciliation (勾稽关系): every identity the layout implies, checked with sources.

Published budgets round each cell on its own, so a difference of one or two
units in the last printed digit is ``rounding``, not ``fail``. A check that
fails because of the parser is a parser bug; one that fails in the source is
the document's own inconsistency, reported with both numbers.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from index.model import Fact, ParsedDocument, Row, Table
from index.subjects import class_name, strip_ordinal
from index.tables import SPECS, THREE_PUBLIC_IDENTITIES

ZERO = Decimal(0)
TEN_THOUSAND = Decimal(10000)


@dataclass
class Check:
    name: str
    status: str  # pass | rounding | fail
    expected: Decimal
    actual: Decimal
    difference: Decimal
    sources: list[dict] = field(default_factory=list)


def source(table: Table, row: Row | None = None, column: str = "") -> dict:
    """Where a figure was printed: table, row and column, and its source lines."""
    out: dict = {"table": table.number, "title": table.title}
    if row is not None:
        out.update(row=row.row_no, label=_label(row), lines=[row.line_start, row.line_end])
    if column:
        out["column"] = column
    return out


def fact_source(fact: Fact) -> dict:
    return {"section": fact.section, "text": fact.text[:120], "lines": [fact.line_start, fact.line_end]}


def _label(row: Row) -> str:
    return " ".join(v for k, v in row.cells.items() if not k.endswith("编码") and k != "层级")[:80]


def compare(name: str, expected: Decimal, actual: Decimal, sources: list[dict]) -> Check:
    """pass when equal; rounding when within two units of the last printed digit."""
    difference = actual - expected
    unit = max(_last_digit(expected), _last_digit(actual))
    if difference == 0:
        status = "pass"
    elif abs(difference) <= 2 * unit:
        status = "rounding"
    else:
        status = "fail"
    return Check(name, status, expected, actual, difference, sources)


def _last_digit(value: Decimal) -> Decimal:
    exponent = value.normalize().as_tuple().exponent if value else 0
    return Decimal(1).scaleb(min(int(exponent), 0)) if isinstance(exponent, int) else Decimal(1)


def _sum(rows: list[Row], column: str) -> Decimal:
    return sum((r.amounts.get(column, ZERO) for r in rows), ZERO)


def reconcile(doc: ParsedDocument) -> list[Check]:
    checks: list[Check] = []
    for check in (_column_sums, _row_identities, _statements, _cross_tables, _projects, _narrative):
        checks.extend(check(doc))
    return checks


def _column_sums(doc: ParsedDocument) -> list[Check]:
    """Each table's rows add up to its 合计 row, column by column."""
    checks = []
    for number in ("02", "03", "04", "05", "07", "08", "09", "10", "12"):
        table = doc.tables.get(number)
        if table is None or table.total is None or not table.data_rows:
            continue
        rows = [r for r in table.data_rows if r.cells.get("层级") != "部门"]
        for column in SPECS[number].measures:
            printed = table.total.amounts.get(column, ZERO)
            added = _sum(rows, column)
            if not printed and not added:
                continue
            checks.append(
                compare(
                    f"预算{number}表 {column}: 各行之和 = 合计",
                    printed,
                    added,
                    [source(table, table.total, column)],
                )
            )
    return checks


def _row_identities(doc: ParsedDocument) -> list[Check]:
    """Within a row: 合计 = 基本支出 + 项目支出, 基本支出 = 人员经费 + 公用经费, …

    Rows that hold are summarised in one check per table; each row that does
    not is reported on its own, with its line numbers.
    """
    checks = []
    for number, spec in SPECS.items():
        table = doc.tables.get(number)
        if table is None or not spec.identities:
            continue
        held = 0
        for row in table.rows:
            for parent, children in spec.identities:
                if parent not in row.amounts and not any(c in row.amounts for c in children):
                    continue
                expected = row.amounts.get(parent, ZERO)
                actual = sum((row.amounts.get(c, ZERO) for c in children), ZERO)
                check = compare(
                    f"预算{number}表 第{row.row_no}行 {parent} = {' + '.join(children)}",
                    expected,
                    actual,
                    [source(table, row, parent)],
                )
                if check.status == "pass":
                    held += 1
                else:
                    checks.append(check)
        checks.append(
            Check(f"预算{number}表 行内等式成立 {held} 处", "pass", Decimal(held), Decimal(held), ZERO)
        )
    table = doc.tables.get("11")
    for row in table.rows if table else []:
        amounts = dict(row.amounts)
        vehicles = "公务用车购置及运行维护费"
        if vehicles not in amounts:  # a group heading without its own column in some years
            amounts[vehicles] = amounts.get("公务用车购置费", ZERO) + amounts.get("公务用车运行维护费", ZERO)
        for parent, children in THREE_PUBLIC_IDENTITIES:
            if parent in row.amounts:
                actual = sum((amounts.get(c, ZERO) for c in children), ZERO)
                checks.append(
                    compare(
                        f"预算11表 {parent} = {' + '.join(children)}",
                        amounts[parent],
                        actual,
                        [source(table, row, parent)],
                    )
                )
    return checks


def _statement_items(table: Table, side: str) -> dict[str, Row]:
    return {strip_ordinal(r.cells["项目"]): r for r in table.rows if r.cells["方向"] == side}


def _statements(doc: ParsedDocument) -> list[Check]:
    """预算01/06表: the class items add to the year's totals."""
    checks = []
    for number, income_total, spend_total in (
        ("01", "本年收入合计", "本年支出合计"),
        ("06", "本年收入", "本年支出"),
    ):
        table = doc.tables.get(number)
        if table is None:
            continue
        income, spend = _statement_items(table, "收入"), _statement_items(table, "支出")
        if spend_total in spend:
            classes = [
                r
                for name, r in spend.items()
                if name.endswith("支出") and name not in (spend_total, "本年支出合计") or name == "预备费"
            ]
            checks.append(
                compare(
                    f"预算{number}表 各类支出之和 = {spend_total}",
                    spend[spend_total].amounts.get("预算数", ZERO),
                    _sum(classes, "预算数"),
                    [source(table, spend[spend_total], "预算数")],
                )
            )
        if income_total in income:
            if number == "01":
                items = [r for name, r in income.items() if name.endswith("收入") and name != income_total]
            else:
                items = [
                    r for r in table.rows if r.cells["方向"] == "收入" and r.cells["项目"].startswith("（")
                ][:3]
            checks.append(
                compare(
                    f"预算{number}表 各项收入之和 = {income_total}",
                    income[income_total].amounts.get("预算数", ZERO),
                    _sum(items, "预算数"),
                    [source(table, income[income_total], "预算数")],
                )
            )
        for grand, parts in (
            ("收入总计", [income_total, "上年结转结余", "上年结转"]),
            ("支出总计", [spend_total, "年终结转结余"]),
        ):
            side = income if grand == "收入总计" else spend
            if grand in side:
                actual = sum((side[p].amounts.get("预算数", ZERO) for p in parts if p in side), ZERO)
                checks.append(
                    compare(
                        f"预算{number}表 {grand}",
                        side[grand].amounts.get("预算数", ZERO),
                        actual,
                        [source(table, side[grand], "预算数")],
                    )
                )
    return checks


def _total(doc: ParsedDocument, number: str, column: str) -> tuple[Decimal, dict] | None:
    table = doc.tables.get(number)
    if table is None:
        return None
    if number in ("01", "06"):
        for row in table.rows:
            if strip_ordinal(row.cells["项目"]) in ("收入总计",):
                return row.amounts.get("预算数", ZERO), source(table, row, "预算数")
        return None
    if table.total is None:
        return None
    return table.total.amounts.get(column, ZERO), source(table, table.total, column)


def _cross_tables(doc: ParsedDocument) -> list[Check]:
    """The same figure printed in several tables."""
    checks = []
    pairs = [
        (("01", "预算数"), ("02", "合计")),
        (("01", "预算数"), ("03", "合计")),
        (("01", "预算数"), ("06", "预算数")),
        (("01", "预算数"), ("07", "合计")),
        (("07", "基本支出"), ("08", "合计")),
        (("07", "人员经费"), ("08", "人员经费")),
        (("07", "公用经费"), ("08", "公用经费")),
        (("03", "基本支出"), ("07", "基本支出")),
        (("03", "项目支出"), ("07", "项目支出")),
        (("03", "项目支出"), ("04", "合计")),
    ]
    for (ta, ca), (tb, cb) in pairs:
        a, b = _total(doc, ta, ca), _total(doc, tb, cb)
        if a and b:
            checks.append(compare(f"预算{ta}表 {ca} = 预算{tb}表 {cb}", a[0], b[0], [a[1], b[1]]))
    checks.extend(_classes_vs_statement(doc))
    checks.extend(_functions_03_vs_07(doc))
    return checks


def _functions_03_vs_07(doc: ParsedDocument) -> list[Check]:
    """Each 功能分类科目 (项): 预算03表's rows and 预算07表's rows add to the same amount."""
    table03, table07 = doc.tables.get("03"), doc.tables.get("07")
    if table03 is None or table07 is None:
        return []
    sums: dict[str, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    names: dict[str, str] = {}
    for index, table in enumerate((table03, table07)):
        for row in table.data_rows:
            code = row.cells["功能分类科目编码"]
            sums[code][index] += row.amounts.get("合计", ZERO)
            names[code] = row.cells["功能分类科目"]
    return [
        compare(
            f"{code} {names[code]}: 预算03表各行之和 = 预算07表各行之和",
            b,
            a,
            [source(table03), source(table07)],
        )
        for code, (a, b) in sorted(sums.items())
    ]


def _classes_vs_statement(doc: ParsedDocument) -> list[Check]:
    """预算01表's 类 amounts equal 预算07表's rows summed by 类 code."""
    table01, table07 = doc.tables.get("01"), doc.tables.get("07")
    if table01 is None or table07 is None:
        return []
    by_class: dict[str, Decimal] = defaultdict(Decimal)
    for row in table07.data_rows:
        by_class[class_name(row.cells["功能分类科目编码"])] += row.amounts.get("合计", ZERO)
    checks = []
    for name, row in _statement_items(table01, "支出").items():
        if name in by_class:
            checks.append(
                compare(
                    f"预算01表 {name} = 预算07表 {name}各项之和",
                    row.amounts.get("预算数", ZERO),
                    by_class[name],
                    [source(table01, row, "预算数"), source(table07)],
                )
            )
    return checks


def _projects(doc: ParsedDocument) -> list[Check]:
    """Each project's 预算04表 amount equals its 预算13表 项目总额 (rounded to cents)."""
    checks = []
    table04, table13 = doc.tables.get("04"), doc.tables.get("13")
    for project in doc.projects:
        if project.amount is None or project.total_13 is None:
            continue
        rounded = project.total_13.quantize(Decimal("0.01"), ROUND_HALF_UP)
        sources = [
            {"table": "04", "project": project.name},
            {"table": "13", "project": project.name, "lines": [project.line_start, project.line_end]},
        ]
        check = compare(
            f"项目 {project.name}: 预算04表 = 预算13表 项目总额", project.amount, rounded, sources
        )
        check.actual = project.total_13
        checks.append(check)
    if table04 is not None and table04.total is not None and doc.projects and table13 is None:
        return checks
    total13 = sum((p.total_13 for p in doc.projects if p.total_13 is not None), ZERO)
    if table04 is not None and table04.total is not None and total13:
        checks.append(
            compare(
                "预算04表 合计 = 预算13表 项目总额之和",
                table04.total.amounts.get("合计", ZERO),
                total13.quantize(Decimal("0.01"), ROUND_HALF_UP),
                [source(table04, table04.total, "合计"), {"table": "13"}],
            )
        )
    return checks


#: Narrative totals (三、预算情况说明) and the table figure each restates.
NARRATIVE_TOTALS = {
    "收支总预算": ("03", "合计"),
    "收入预算": ("02", "合计"),
    "支出预算": ("03", "合计"),
    "财政拨款收支总预算": ("07", "合计"),
    "一般公共预算当年拨款": ("07", "合计"),
    "基本支出": ("03", "基本支出"),
    "一般公共预算基本支出": ("08", "合计"),
    "项目支出": ("03", "项目支出"),
    "人员经费": ("08", "人员经费"),
    "公用经费": ("08", "公用经费"),
    "项目预算总额": ("04", "合计"),
    "政府采购总额": ("05", "金额"),
    "政府购买服务项目预算总额": ("12", "预算金额"),
}
#: Narrative counts and the table whose data rows they count.
NARRATIVE_COUNTS = {"项目预算": "04", "政府购买服务项目": "12", "申报绩效目标的项目": "04"}


def _narrative(doc: ParsedDocument) -> list[Check]:
    """Amounts and counts stated in 三、预算情况说明 against the tables."""
    checks = []
    table07 = doc.tables.get("07")
    by_subject: dict[str, Decimal] = defaultdict(Decimal)
    by_code: dict[str, Decimal] = defaultdict(Decimal)
    for row in table07.data_rows if table07 else []:
        by_subject[row.cells["功能分类科目"]] += row.amounts.get("合计", ZERO)
        by_code[row.cells["功能分类科目编码"]] += row.amounts.get("合计", ZERO)
    table01 = doc.tables.get("01")
    classes = _statement_items(table01, "支出") if table01 else {}
    for fact in doc.facts:
        if fact.amount is None:
            continue
        amount = fact.amount / TEN_THOUSAND if fact.unit == "元" else fact.amount
        name = f"说明 {fact.subject}"
        if fact.kind == "subject":
            table_amount = by_code.get(fact.code) if fact.code else by_subject.get(fact.subject)
            if table_amount is not None and table07 is not None:
                checks.append(
                    compare(f"{name} = 预算07表", table_amount, amount, [source(table07), fact_source(fact)])
                )
        elif fact.kind == "total" and fact.subject in NARRATIVE_TOTALS:
            total = _total(doc, *NARRATIVE_TOTALS[fact.subject])
            if total:
                checks.append(
                    compare(
                        f"{name} = 预算{total[1]['table']}表", total[0], amount, [total[1], fact_source(fact)]
                    )
                )
        elif fact.kind == "total" and fact.subject in classes:
            row = classes[fact.subject]
            checks.append(
                compare(
                    f"{name} = 预算01表",
                    row.amounts.get("预算数", ZERO),
                    amount,
                    [source(table01, row, "预算数"), fact_source(fact)],
                )
            )
        elif fact.kind == "count" and fact.subject in NARRATIVE_COUNTS:
            table = doc.tables.get(NARRATIVE_COUNTS[fact.subject])
            if table is not None:
                rows = len({r.cells.get("项目名称") for r in table.data_rows})
                checks.append(
                    compare(
                        f"{name}个数 = 预算{table.number}表行数",
                        Decimal(rows),
                        fact.amount,
                        [source(table), fact_source(fact)],
                    )
                )
    table11 = doc.tables.get("11")
    if table11 is not None and table11.rows:
        row = table11.rows[0]
        for fact in doc.facts:
            column = "“三公”经费财政拨款预算总额" if fact.subject == "“三公”经费" else fact.subject
            if fact.kind == "three_public" and fact.amount is not None and column in row.amounts:
                amount = fact.amount / TEN_THOUSAND if fact.unit == "元" else fact.amount
                checks.append(
                    compare(
                        f"说明 {fact.subject} = 预算11表",
                        row.amounts[column],
                        amount,
                        [source(table11, row, column), fact_source(fact)],
                    )
                )
    return checks
