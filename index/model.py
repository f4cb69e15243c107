"""The budget document model: what the parser produces and the store keeps.

Plain dataclasses; every amount is a ``Decimal`` and every record knows the
source lines it came from (1-based, inclusive), so any answer can cite it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass
class Line:
    """One non-blank line of the source text."""

    no: int
    text: str
    page_start: bool = False  # the PDF extraction starts a page with a leading space


@dataclass
class Row:
    """One record of a budget table (预算NN表)."""

    row_no: int
    cells: dict[str, str]
    amounts: dict[str, Decimal]
    line_start: int
    line_end: int
    is_total: bool = False


@dataclass
class Table:
    """One of the 14 standard tables: 预算01表 … 预算14表."""

    number: str  # "01" … "14"
    title: str
    columns: list[str]
    rows: list[Row] = field(default_factory=list)
    line_start: int = 0
    line_end: int = 0
    empty: bool = False  # 本表无数据
    note: str = ""

    @property
    def total(self) -> Row | None:
        return next((r for r in self.rows if r.is_total), None)

    @property
    def data_rows(self) -> list[Row]:
        return [r for r in self.rows if not r.is_total]


@dataclass
class Indicator:
    """A performance indicator of a project (预算13表): 一级/二级/三级指标."""

    level1: str
    level2: str
    level3: str
    nature: str  # 性质: ≥ ＝ ≤ 定性
    value: str  # 指标值 as printed
    measure_unit: str  # 度量单位
    direction: str  # 正向指标 / 反向指标
    line_start: int
    line_end: int


@dataclass
class Project:
    """A project (项目), joined across 预算04表, 12 and 13."""

    name: str
    unit_code: str = ""
    unit_name: str = ""
    code: str = ""  # 项目编码 (12/13), e.g. 11010122T000000399544
    category: str = ""  # 项目类别 (13), e.g. 31-部门项目
    amount: Decimal | None = None  # 预算04表 合计
    total_13: Decimal | None = None  # 预算13表 项目总额 at full precision
    fiscal_13: Decimal | None = None  # 预算13表 财政资金
    other_13: Decimal | None = None  # 预算13表 其他资金
    goal: str = ""  # 绩效目标
    subjects: dict[str, str] = field(default_factory=dict)  # 预算04表 功能/经济分类 codes and names
    purchase: dict[str, str] = field(default_factory=dict)  # 预算12表 指导性目录 一级/二级/三级, 服务领域
    purchase_amount: Decimal | None = None  # 预算12表 预算金额
    indicators: list[Indicator] = field(default_factory=list)
    line_start: int = 0  # lines of its 预算13表 block
    line_end: int = 0


@dataclass
class Section:
    """A narrative section with its heading path, e.g. 三、… › （五）… › 3．…"""

    path: list[str]
    paragraphs: list[tuple[str, int, int]]  # (text, line_start, line_end)


@dataclass
class Fact:
    """A numeric statement of the narrative (三、预算情况说明).

    ``kind`` says what is stated: subject (a 功能分类 科目's amount and change),
    total, three_public (“三公”经费 and its items), operating_cost (机关运行经费),
    count (vehicles, projects, …), share (a stated percentage).
    """

    kind: str
    subject: str
    amount: Decimal | None = None
    unit: str = "万元"
    change: Decimal | None = None  # signed: negative for 减少/下降
    change_pct: Decimal | None = None  # signed percent
    direction: str = ""  # 增加 / 减少 / 持平
    reason: str = ""
    year: int | None = None
    code: str = ""  # function-subject code when the narrative gives or implies one
    text: str = ""
    section: str = ""
    line_start: int = 0
    line_end: int = 0


@dataclass
class Gap:
    """Something the parser expected and did not find (e.g. a truncated document)."""

    where: str
    message: str


@dataclass
class ParsedDocument:
    doc_id: str
    source: str  # file name
    department: str
    year: int | None
    lines: list[Line]
    tables: dict[str, Table] = field(default_factory=dict)
    sections: list[Section] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)


@dataclass
class Passage:
    """A retrievable piece of text; its metadata lets a hit cite itself."""

    id: str
    doc_id: str
    text: str
    kind: str  # narrative | project | row
    section: str = ""
    table: str = ""
    row: int | None = None
    project: str = ""
    line_start: int = 0
    line_end: int = 0

    def metadata(self) -> dict[str, str | int]:
        """Flat metadata for Chroma (no None values allowed there)."""
        return {
            "doc_id": self.doc_id,
            "kind": self.kind,
            "section": self.section,
            "table": self.table,
            "row": -1 if self.row is None else self.row,
            "project": self.project,
            "line_start": self.line_start,
            "line_end": self.line_end,
        }
