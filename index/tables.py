"""Row grammars of 预算01表 … 预算12表 (13 and 14 live in ``performance``).

Every table is parsed in two steps: lines are grouped into rows (undoing
wrapped names and the header blocks repeated after page breaks), then each
row's printed numbers are placed into columns by ``columns.assign`` with the
table's identities and hints from other tables.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from index.columns import ColumnError, Identity, assign
from index.layout import Part, is_amount, parse_amount
from index.model import Gap, Line, Row, Table

TOTAL = re.compile(r"^合\s*计(?:\s+-?[\d,]+(?:\.\d+)?)*\s*$")
UNIT_LINE = re.compile(r"^金额单位")
NOTE = re.compile(r"^注[:：]")


@dataclass
class RawRow:
    """A row's lines before its numbers are placed."""

    lines: list[Line]
    is_total: bool = False

    @property
    def text(self) -> str:
        return "\n".join(ln.text for ln in self.lines)

    @property
    def span(self) -> tuple[int, int]:
        return self.lines[0].no, self.lines[-1].no


@dataclass
class Grouped:
    rows: list[RawRow] = field(default_factory=list)
    note: str = ""


def group_rows(
    part: Part, starts: re.Pattern[str], cells: Callable[[str], dict[str, str] | None] | None = None
) -> Grouped:
    """Group a table's lines into rows that begin at ``starts`` (or 合计).

    Lines before the first row are the header; the same header lines repeated
    at the top of a later page are dropped. A line that looks like a row start (a
    wrapped 7-digit subject code under a unit code) continues a row whose ``cells``
    are still incomplete and that has printed no number yet.
    """
    out = Grouped()
    header: set[str] = set()
    skipping_header = False
    for ln in part.lines[1:]:
        if UNIT_LINE.match(ln.text):
            continue
        if NOTE.match(ln.text) or "本表无数据" in ln.text:
            out.note = (out.note + ln.text).strip()
            continue
        if ln.page_start and ln.text in header:
            skipping_header = True
        if skipping_header:
            if ln.text in header and not starts.match(ln.text):
                continue
            skipping_header = False
        if TOTAL.match(ln.text):
            out.rows.append(RawRow([ln], is_total=True))
        elif starts.match(ln.text) and not (cells and _incomplete(out.rows, cells)):
            out.rows.append(RawRow([ln]))
        elif out.rows and not out.rows[-1].is_total:
            out.rows[-1].lines.append(ln)
        elif not out.rows:
            header.add(ln.text)
    return out


def _incomplete(rows: list[RawRow], cells: Callable[[str], dict[str, str] | None]) -> bool:
    if not rows or rows[-1].is_total:
        return False
    head, numbers = split_amounts(rows[-1].text)
    return not numbers and cells(head) is None


def split_amounts(text: str) -> tuple[str, list[Decimal]]:
    """Trailing printed amounts of a row, and the text before them."""
    tokens = text.split()
    numbers: list[str] = []
    while tokens and is_amount(tokens[-1]):
        numbers.insert(0, tokens.pop())
    head = text
    for token in reversed(numbers):
        head = head[: head.rstrip().rfind(token)]
    return head.strip(), [parse_amount(n) for n in numbers]


def squash(text: str) -> str:
    """Re-join a wrapped cell: Chinese names carry no inner spaces."""
    return re.sub(r"\s+", "", text)


def code_name(text: str) -> tuple[str, str]:
    """``"2060101-行政运行"`` → ``("2060101", "行政运行")``."""
    match = re.match(r"^\s*([0-9A-Za-z]+)\s*-\s*(.*)$", text, re.S)
    if not match:
        return "", squash(text)
    return match.group(1), squash(match.group(2))


# --------------------------------------------------------------------------
# Table specifications

Hints = Callable[[dict[str, str]], dict[str, Decimal]]


@dataclass
class Spec:
    """How to read one table kind."""

    number: str
    starts: re.Pattern[str]
    dims: list[str]
    measures: list[str]
    cells: Callable[[str], dict[str, str] | None]
    identities: list[Identity] = field(default_factory=list)


def _cells_02(head: str) -> dict[str, str] | None:
    match = re.match(r"^(\d{3,})\s+(.*)$", head, re.S)
    if not match:
        return None
    code = match.group(1)
    return {
        "单位编码": code,
        "单位名称": squash(match.group(2)),
        "层级": "部门" if len(code) <= 3 else "单位",
    }


def _cells_03(head: str) -> dict[str, str] | None:
    match = re.match(r"^(\d{7}-.*?)\s+(\d{5}-.*?)\s+(\d{5}-.*)$", head, re.S)
    if not match:
        return None
    cells: dict[str, str] = {}
    for key, group in zip(("功能分类科目", "政府经济分类", "部门经济分类"), match.groups(), strict=True):
        code, name = code_name(group)
        cells[key + "编码"], cells[key] = code, name
    return cells


def _cells_04(head: str) -> dict[str, str] | None:
    match = re.match(
        r"^(\d{6,})\s*-(.*?)\s(\d{1,2}-\S*?单位)\s+(.*?)\s+(\d{7}-.*?)\s+(\d{5}-.*?)\s+(\d{5}-.*)$",
        head,
        re.S,
    )
    if not match:
        return None
    unit_code, unit_name, kind, project, function, gov, dept = match.groups()
    cells = {
        "单位编码": unit_code,
        "单位名称": squash(unit_name),
        "单位类型": squash(kind),
        "项目名称": squash(project),
    }
    for key, group in zip(
        ("功能分类科目", "政府经济分类", "部门经济分类"), (function, gov, dept), strict=True
    ):
        code, name = code_name(group)
        cells[key + "编码"], cells[key] = code, name
    return cells


def _cells_05(head: str) -> dict[str, str] | None:
    return {"采购类别": squash(head)} if head else None


def _cells_07(head: str) -> dict[str, str] | None:
    match = re.match(r"^(\d{6,})\s*-(.*?)\s(\d{7})\s+(.*)$", head, re.S)
    if not match:
        return None
    unit_code, unit_name, function_code, function = match.groups()
    return {
        "单位编码": unit_code,
        "单位名称": squash(unit_name),
        "功能分类科目编码": function_code,
        "功能分类科目": squash(function),
    }


def _cells_08(head: str) -> dict[str, str] | None:
    match = re.match(r"^(\d{5}-.*?)\s+(\d{5}-.*)$", head, re.S)
    if not match:
        return None
    cells: dict[str, str] = {}
    for key, group in zip(("政府经济分类", "部门经济分类"), match.groups(), strict=True):
        code, name = code_name(group)
        cells[key + "编码"], cells[key] = code, name
    return cells


def _cells_12(head: str) -> dict[str, str] | None:
    """项目 code-name, 目录 一级/二级/三级 and 服务领域, each possibly wrapped."""
    match = re.match(
        r"^([0-9A-Z]{12,})\s*-(.*?)(?:^|\s)(\d{2}-.*?)(?:^|\s)(\d{4}-.*?)\s(\d{3}-\S+)$", head, re.S | re.M
    )
    if not match:
        return None
    code, name, level1, rest, domain = match.groups()
    level2, level3 = _split_catalogue(rest)
    return {
        "项目编码": code,
        "项目名称": squash(name),
        "目录一级": squash(level1),
        "目录二级": level2,
        "目录三级": level3,
        "服务领域": squash(domain),
    }


def _split_catalogue(text: str) -> tuple[str, str]:
    """二级 (a coded name that may wrap) and 三级 (plain words) of the 指导性目录."""
    lines = [ln.strip() for ln in text.strip().split("\n") if ln.strip()]
    first = lines[0]
    if " " in first:
        level2, _, start3 = first.partition(" ")
        return squash(level2), squash(start3 + "".join(lines[1:]))
    level2 = [first]
    rest = lines[1:]
    while len(rest) > 1 and " " not in rest[0]:
        level2.append(rest.pop(0))
    return squash("".join(level2)), squash("".join(rest))


FUNCTION_ROW = re.compile(r"^\d{7}-")
FUNCTION_COLUMNS = ["合计", "基本支出", "项目支出"]
#: 功能分类 and both 经济分类 of a spending row (03, 09, 10), each as code and name.
SUBJECT_DIMS = [
    "功能分类科目编码",
    "功能分类科目",
    "政府经济分类编码",
    "政府经济分类",
    "部门经济分类编码",
    "部门经济分类",
]
#: 预算02表: this year's income by source, and funds carried over from last year.
INCOME_CURRENT = [
    "一般公共预算资金",
    "政府性基金预算资金",
    "国有资本经营预算资金",
    "财政专户管理资金",
    "事业收入",
    "事业单位经营收入",
    "上级补助收入",
    "附属单位上缴收入",
    "其他收入",
]
INCOME_CARRIED = [
    "上年结转一般公共预算资金",
    "上年结转政府性基金预算资金",
    "上年结转国有资本经营预算资金",
    "上年结转财政专户管理资金",
    "上年结转单位资金",
]
#: 预算04表: a project's funds by source.
PROJECT_FUNDS = [
    "本年拨款一般公共预算",
    "本年拨款政府性基金预算",
    "本年拨款国有资本经营预算",
    "结转结余一般公共预算",
    "结转结余政府性基金预算",
    "结转结余国有资本经营预算",
    "财政专户管理资金",
    "单位资金",
]
SPENDING_KINDS = ["基本支出", "项目支出", "事业单位经营支出", "上缴上级支出", "对附属单位补助支出"]

SPECS: dict[str, Spec] = {
    "02": Spec(
        "02",
        re.compile(r"^\d{3,}(?:\s|$)"),
        ["单位编码", "单位名称", "层级"],
        ["合计", "本年收入小计", *INCOME_CURRENT, "上年结转结余小计", *INCOME_CARRIED],
        _cells_02,
        [
            ("合计", ["本年收入小计", "上年结转结余小计"]),
            ("本年收入小计", INCOME_CURRENT),
            ("上年结转结余小计", INCOME_CARRIED),
        ],
    ),
    "03": Spec(
        "03", FUNCTION_ROW, SUBJECT_DIMS, ["合计", *SPENDING_KINDS], _cells_03, [("合计", SPENDING_KINDS)]
    ),
    "04": Spec(
        "04",
        re.compile(r"^\d{6,}\s*-(?!\S+\s+\d{5}-\S)"),
        ["单位编码", "单位名称", "单位类型", "项目名称", *SUBJECT_DIMS],
        ["合计", *PROJECT_FUNDS],
        _cells_04,
        [("合计", PROJECT_FUNDS)],
    ),
    "05": Spec("05", re.compile(r"^[A-Z]\s*-"), ["采购类别"], ["金额"], _cells_05),
    "07": Spec(
        "07",
        re.compile(r"^\d{6,}\s*-"),
        ["单位编码", "单位名称", "功能分类科目编码", "功能分类科目"],
        ["合计", "基本支出", "人员经费", "公用经费", "项目支出", "扣除基建项目后预算数"],
        _cells_07,
        [
            ("合计", ["基本支出", "项目支出"]),
            ("基本支出", ["人员经费", "公用经费"]),
            ("项目支出", ["扣除基建项目后预算数"]),
        ],
    ),
    "08": Spec(
        "08",
        re.compile(r"^\d{5}-"),
        ["政府经济分类编码", "政府经济分类", "部门经济分类编码", "部门经济分类"],
        ["合计", "人员经费", "公用经费"],
        _cells_08,
        [("合计", ["人员经费", "公用经费"])],
    ),
    "09": Spec(
        "09", FUNCTION_ROW, SUBJECT_DIMS, FUNCTION_COLUMNS, _cells_03, [("合计", FUNCTION_COLUMNS[1:])]
    ),
    "10": Spec(
        "10", FUNCTION_ROW, SUBJECT_DIMS, FUNCTION_COLUMNS, _cells_03, [("合计", FUNCTION_COLUMNS[1:])]
    ),
    "12": Spec(
        "12",
        re.compile(r"^[0-9A-Z]{12,}\s*-"),
        ["项目编码", "项目名称", "目录一级", "目录二级", "目录三级", "服务领域"],
        ["预算金额"],
        _cells_12,
    ),
}

#: 部门经济分类 classes counted as 人员经费 (工资福利, 对个人和家庭的补助); the rest is 公用经费.
PERSONNEL_CLASSES = ("301", "303")


def parse_rows(part: Part, spec: Spec, hints: Hints | None = None) -> tuple[Table, list[Gap]]:
    """Parse a row-per-record table with its spec; unplaceable rows become gaps."""
    grouped = group_rows(part, spec.starts, spec.cells)
    table = Table(
        number=spec.number,
        title=_title(part),
        columns=spec.dims + spec.measures,
        line_start=part.lines[0].no,
        line_end=part.lines[-1].no,
        note=grouped.note,
    )
    gaps: list[Gap] = []
    for raw in grouped.rows:
        head, numbers = split_amounts(raw.text)
        cells = {} if raw.is_total else spec.cells(head)
        if cells is None:
            gaps.append(
                Gap(f"预算{spec.number}表 line {raw.span[0]}", f"row not understood: {squash(raw.text)[:60]}")
            )
            continue
        if raw.is_total:
            cells = {spec.dims[0]: "合计"}
        expected = hints(cells) if hints and not raw.is_total else None
        try:
            amounts = assign(numbers, spec.measures, spec.identities, expected)
        except ColumnError as exc:
            gaps.append(Gap(f"预算{spec.number}表 line {raw.span[0]}", str(exc)))
            continue
        table.rows.append(Row(len(table.rows) + 1, cells, amounts, *raw.span, is_total=raw.is_total))
    table.empty = not table.data_rows and not any(r.amounts for r in table.rows)
    return table, gaps


def _title(part: Part) -> str:
    match = re.match(r"^\s*预算\d{2}表\s*(.*)$", part.heading)
    return match.group(1).strip() if match else part.heading


# --------------------------------------------------------------------------
# 预算01表 and 预算06表: two-sided 收入 | 支出 statements

ITEM = re.compile(
    r"(?:(?<=\s)|^)((?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)\S*|本年收入合计|本年支出合计|上年结转结余|年终结转结余|收入总计|支出总计)"
)
INCOME_WORDS = ("收入", "资金", "拨款", "上年结转")
TOTAL_ITEMS = ("本年收入合计", "本年支出合计", "收入总计", "支出总计")


def parse_statement(part: Part) -> Table:
    """A 收支总表: each item a row with its side (收入/支出) and 预算数."""
    table = Table(
        number=part.table,
        title=_title(part),
        columns=["方向", "项目", "预算数"],
        line_start=part.lines[0].no,
        line_end=part.lines[-1].no,
    )
    for ln in part.lines[1:]:
        matches = list(ITEM.finditer(ln.text))
        if not matches:
            continue
        for i, match in enumerate(matches):
            end = matches[i + 1].start() if i + 1 < len(matches) else len(ln.text)
            segment = ln.text[match.start() : end].split()
            name = segment[0]
            amounts = [parse_amount(t) for t in segment[1:] if is_amount(t)]
            side = _side(name, i, len(matches))
            row = Row(
                len(table.rows) + 1,
                {"方向": side, "项目": name},
                {"预算数": amounts[0]} if amounts else {},
                ln.no,
                ln.no,
                is_total=name in TOTAL_ITEMS,
            )
            table.rows.append(row)
    return table


def _side(name: str, index: int, count: int) -> str:
    if count == 2:
        return "收入" if index == 0 else "支出"
    if "支出" in name or "年终结转" in name:
        return "支出"
    return "收入" if any(w in name for w in INCOME_WORDS) else "支出"


# --------------------------------------------------------------------------
# 预算11表: “三公”经费, one row per year

THREE_PUBLIC = [
    "“三公”经费财政拨款预算总额",
    "因公出国（境）费用",
    "公务接待费",
    "公务用车购置费",
    "公务用车运行维护费",
    "公务用车加油",
    "公务用车维修",
    "公务用车保险",
    "其他",
]
THREE_PUBLIC_IDENTITIES: list[Identity] = [
    ("“三公”经费财政拨款预算总额", ["因公出国（境）费用", "公务接待费", "公务用车购置及运行维护费"]),
    ("公务用车购置及运行维护费", ["公务用车购置费", "公务用车运行维护费"]),
    ("公务用车运行维护费", ["公务用车加油", "公务用车维修", "公务用车保险", "其他"]),
]


def parse_three_public(part: Part) -> Table:
    """“三公”经费: the year then its items; 公务用车购置及运行维护费 is printed by some years only."""
    table = Table(
        number="11",
        title=_title(part),
        columns=["年度", *THREE_PUBLIC[:3], "公务用车购置及运行维护费", *THREE_PUBLIC[3:]],
        line_start=part.lines[0].no,
        line_end=part.lines[-1].no,
    )
    for ln in part.lines[1:]:
        tokens = ln.text.split()
        if (
            len(tokens) < 2
            or not re.fullmatch(r"20\d{2}", tokens[0])
            or not all(is_amount(t) for t in tokens[1:])
        ):
            continue
        numbers = [parse_amount(t) for t in tokens[1:]]
        columns = list(THREE_PUBLIC)
        if len(numbers) == len(THREE_PUBLIC) + 1:
            columns.insert(3, "公务用车购置及运行维护费")
        amounts = assign(numbers, columns, THREE_PUBLIC_IDENTITIES)
        table.rows.append(Row(len(table.rows) + 1, {"年度": tokens[0]}, amounts, ln.no, ln.no))
    table.empty = not table.rows
    return table
