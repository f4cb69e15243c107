"""The performance tables: 预算13表 (项目支出绩效表) and 预算14表 (整体支出绩效目标).

预算13表 prints every project as a block: the unit (``025001-…``, wrapped),
the project code and name (``11010122T00000039`` / ``9544-区某局综合`` /
``性费用`` — the code itself wraps), the category with the amounts
(``31-部门项目 29.000000 29.000000``), the goal text, then one row per
indicator: 一级指标, 二级指标, 三级指标 (wrapped into short pieces),
性质, 指标值, 度量单位, 方向. The table header repeats on every page, and a
project that runs onto the next page is printed again from its unit down to
its goal before its remaining indicators.

Nothing here knows a department's names: lines are recognised by their shape
(codes, amounts) and by the fixed vocabulary of the indicator system.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from index.layout import Part, is_amount, parse_amount
from index.model import Gap, Indicator, Line, Project, Row, Table
from index.narrative import display_width, join_wrapped, tidy

# ------------------------------------------------------------------ vocabulary

LEVEL1 = ("产出指标", "效益指标", "满意度指标", "成本指标")
LEVEL2_OF = {
    "数量指标": "产出指标",
    "质量指标": "产出指标",
    "时效指标": "产出指标",
    "成本指标": "产出指标",
    "经济效益指标": "效益指标",
    "社会效益指标": "效益指标",
    "生态效益指标": "效益指标",
    "可持续影响指标": "效益指标",
    "服务对象满意度指标": "满意度指标",
    "经济成本指标": "成本指标",
    "社会成本指标": "成本指标",
    "生态环境成本指标": "成本指标",
}
LEVEL2 = tuple(sorted(LEVEL2_OF, key=len, reverse=True))
NATURE = r"(?:>=|<=|≥|≤|＝|=|＞|＜|>|<|定性)"
DIRECTION = r"(?:正向指标|反向指标)"
TAIL_RE = re.compile(rf"^(?P<pre>.*)(?:^|\s)(?P<nature>{NATURE})\s*(?P<rest>.*?)\s*(?P<dir>{DIRECTION})$")
BARE_TAIL_RE = re.compile(rf"^(?P<pre>)(?P<nature>{NATURE})\s+(?P<rest>\S+(?:\s+\S+)?)(?P<dir>)$")
HEADER_WORDS = {
    "单位名称", "项目名称", "项目类别", "项目责任人", "电话", "联系电话", "项目总额", "其中：", "其中",
    "绩效目标", "一级指标", "二级指标", "三级指标", "绩效指标性质", "本年绩效指标值", "绩效度量单位",
    "指标方向性", "财政资金", "其他资金", "指标性质", "指标值", "度量单位", "指标方向",
}  # fmt: skip
UNIT_RE = re.compile(r"^(\d{6}(?:\d{3})?)-(.*)$")
CODE_RE = re.compile(r"^\d{6,}[A-Z][0-9A-Z]*(?:-|$)")
CATEGORY_RE = re.compile(r"^\d{1,2}-\S+$")
NO_DATA = "本表无数据"


def _is_header(text: str) -> bool:
    """A line of the repeated table header (column titles, 金额单位)."""
    tokens = text.split()
    return bool(tokens) and all(t in HEADER_WORDS or t.startswith("金额单位") for t in tokens)


def _level1_of(text: str) -> tuple[str, str] | None:
    """``"产出指标 数量指标 …"`` → ``("产出指标", "数量指标 …")``.

    ``成本指标`` is both an old 二级指标 (under 产出指标) and a new 一级指标;
    it is read as 一级 only when a 二级指标 follows it.
    """
    for word in LEVEL1:
        if text == word or text.startswith(word + " "):
            rest = text[len(word) :].strip()
            if word in LEVEL2_OF and rest and not _level2_prefix(rest.split()[0]):
                return None
            return word, rest
    return None


def _level2_prefix(token: str) -> bool:
    return any(name.startswith(token) for name in LEVEL2)


# ------------------------------------------------------------------ indicators


@dataclass
class _Open:
    """An indicator row being read: its pieces until the 性质/指标值 tail arrives."""

    level1: str
    level2: str
    level2_done: bool
    level3: list[Line] = field(default_factory=list)  # pieces in printed order
    line_start: int = 0


@dataclass
class _Tail:
    pre: str
    nature: str
    value: str
    unit: str
    direction: str


def _tail(text: str) -> _Tail | None:
    """The end of an indicator row: ``[三级指标] 性质 指标值 [单位] 方向``."""
    match = TAIL_RE.match(text) or BARE_TAIL_RE.match(text)
    if not match:
        return None
    rest = match.group("rest").split(None, 1)
    value = rest[0] if rest else ""
    unit = rest[1].strip() if len(rest) > 1 else ""
    return _Tail(match.group("pre").strip(), match.group("nature"), value, unit, match.group("dir"))


class _IndicatorReader:
    """Assembles indicator rows from lines; survives page breaks within a project.

    A row starts at a line opening with a 一级指标 (or, when 一级 is a merged
    cell, a 二级指标) and ends at its tail line. 二级指标 may wrap
    (``服务对象满意度`` / ``指标``); 三级指标 pieces between start and tail are
    joined. Text seen while no row is open is kept and put in front of the next
    row's 三级指标 (wrap before the 一级 line); a tail with no row open is a
    row whose 一级/二级 cells were merged with the row above.
    """

    def __init__(self, where: str):
        self.where = where
        self.indicators: list[Indicator] = []
        self.gaps: list[Gap] = []
        self.open: _Open | None = None
        self.pending: list[Line] = []

    def feed(self, line: Line) -> None:
        if self.open is not None and not self.open.level2_done:
            self._continue(line)
            return
        start = self._start(line.text)
        if start is not None:
            self._close_unfinished()
            self.open = _Open(*start[:3], level3=self.pending, line_start=(self.pending or [line])[0].no)
            self.pending = []
            self._rest(start[3], line)
        elif self.open is not None:
            self._continue(line)
        else:
            tail = _tail(line.text)
            if tail and self.indicators:
                last = self.indicators[-1]
                self.open = _Open(
                    last.level1, last.level2, True, self.pending, line_start=(self.pending or [line])[0].no
                )
                self.pending = []
                self._finish(tail, line)
            else:
                self.pending.append(line)

    def finish(self) -> None:
        """End of the project: anything unfinished is reported, never dropped."""
        self._close_unfinished()
        if self.pending:
            text, _ = join_wrapped(self.pending)
            self.gaps.append(Gap(self._at(self.pending[0]), f"text outside any indicator row: {text}"))
            self.pending = []

    def _start(self, text: str) -> tuple[str, str, bool, str] | None:
        """(level1, level2, level2 complete, rest of line) when a row starts here."""
        head = _level1_of(text)
        if head is not None:
            level1, rest = head
            level2, done, rest = _level2_of(rest)
            return level1, level2, done, rest
        first = text.split()[0] if text.split() else ""
        if first in LEVEL2_OF:
            previous = (
                self.open.level1 if self.open else self.indicators[-1].level1 if self.indicators else ""
            )
            level1 = previous if previous in (LEVEL2_OF[first], first) else LEVEL2_OF[first]
            return level1, first, True, text[len(first) :].strip()
        return None

    def _rest(self, rest: str, line: Line) -> None:
        if not rest:
            return
        tail = _tail(rest)
        if tail:
            self._finish(tail, line)
        else:
            assert self.open is not None
            self.open.level3.append(Line(line.no, rest, line.page_start))

    def _continue(self, line: Line) -> None:
        assert self.open is not None
        text = line.text
        if not self.open.level2_done:
            text = self._extend_level2(text)
            if not text:
                return
        tail = _tail(text)
        if tail:
            self._finish(tail, line)
        else:
            self.open.level3.append(Line(line.no, text, line.page_start))

    def _extend_level2(self, text: str) -> str:
        """Add a wrapped piece to the 二级指标; return what is left of the line."""
        assert self.open is not None
        first, _, rest = text.partition(" ")
        candidate = self.open.level2 + first
        if candidate in LEVEL2_OF or (candidate.endswith("指标") and self.open.level2):
            self.open.level2, self.open.level2_done = candidate, True
            return rest.strip()
        if _level2_prefix(candidate) and candidate not in LEVEL2_OF:
            self.open.level2 = candidate
            return rest.strip()
        self.open.level2_done = True
        if self.open.level2 and self.open.level2 not in LEVEL2_OF:
            self.gaps.append(Gap(self.where, f"unknown 二级指标 {self.open.level2!r}"))
        return text

    def _finish(self, tail: _Tail, line: Line) -> None:
        row = self.open
        assert row is not None
        level3 = _join_cell(row.level3, tail.pre)
        self.indicators.append(
            Indicator(
                level1=row.level1,
                level2=row.level2,
                level3=level3,
                nature=tail.nature,
                value=tail.value,
                measure_unit=tail.unit,
                direction=tail.direction,
                line_start=row.line_start,
                line_end=line.no,
            )
        )
        if not level3:
            self.gaps.append(Gap(self._at(line), f"indicator without 三级指标 in {self.where}"))
        self.open = None

    def _close_unfinished(self) -> None:
        row = self.open
        if row is None:
            return
        level3 = _join_cell(row.level3, "")
        self.gaps.append(
            Gap(self.where, f"indicator row without 性质/指标值: {row.level1} {row.level2} {level3}")
        )
        self.open = None

    def _at(self, line: Line) -> str:
        return f"{self.where} line {line.no}"


def _level2_of(rest: str) -> tuple[str, bool, str]:
    """The 二级指标 at the start of ``rest``: (name, complete, remainder)."""
    for name in LEVEL2:
        if rest == name or rest.startswith(name + " "):
            return name, True, rest[len(name) :].strip()
    first, _, remainder = rest.partition(" ")
    if not first:
        return "", False, ""
    if _level2_prefix(first):
        return first, False, remainder.strip()
    if first.endswith("指标"):
        return first, True, remainder.strip()
    return "", True, rest


def _join_cell(lines: list[Line], tail_pre: str) -> str:
    """One table cell re-joined from its wrapped pieces (no separator in Chinese)."""
    pieces = [ln.text for ln in lines] + ([tail_pre] if tail_pre else [])
    return tidy("".join(p.strip() for p in pieces))


# ------------------------------------------------------------------- projects


@dataclass
class _Block:
    """One printing of a project on one page."""

    unit_code: str
    unit_name: str
    code: str = ""
    name: str = ""
    category: str = ""
    amounts: list[Decimal] = field(default_factory=list)
    goal: list[Line] = field(default_factory=list)
    body: list[Line] = field(default_factory=list)
    line_start: int = 0
    line_end: int = 0


def _split_code(lines: list[Line]) -> tuple[str, str, int]:
    """``11010122T00000039`` / ``9544-区某局综合`` → (code, first name piece, lines used).

    A following line continues the code only if it is more code (digits and
    capitals, up to the ``-`` before the name).
    """
    text, used = lines[0].text.replace(" ", ""), 1
    for ln in lines[1:] if "-" not in text else []:
        piece = ln.text.replace(" ", "")
        if not re.match(r"^[0-9A-Z]*(?:-|$)", piece):
            break
        text, used = text + piece, used + 1
        if "-" in piece:
            break
    code, _, name = text.partition("-")
    return code, name, used


def _category(text: str) -> tuple[str, list[Decimal]] | None:
    """``31-部门项目 29.000000 29.000000`` → ("31-部门项目", amounts)."""
    tokens = text.split()
    if not tokens or not CATEGORY_RE.match(tokens[0]):
        return None
    numbers: list[str] = []
    for token in reversed(tokens[1:]):
        if not is_amount(token):
            break
        numbers.insert(0, token)
    if any("." in n for n in numbers):
        while numbers and "." not in numbers[0]:
            numbers.pop(0)  # a phone number in the 电话 column
    if not numbers:
        return None
    return tokens[0], [parse_amount(n) for n in numbers[-3:]]


def _blocks(lines: list[Line], gaps: list[Gap]) -> list[_Block]:
    """Cut the table's lines into project blocks, dropping the page headers."""
    blocks: list[_Block] = []
    unit_code, unit_name, in_unit = "", "", False
    i = 0
    while i < len(lines):
        ln = lines[i]
        unit = UNIT_RE.match(ln.text)
        if _is_header(ln.text):
            in_unit = False
        elif unit and not CODE_RE.match(ln.text):
            unit_code, unit_name, in_unit = unit.group(1), unit.group(2).strip(), True
        elif CODE_RE.match(ln.text):
            in_unit = False
            code, name, used = _split_code(lines[i : i + 3])
            block = _Block(unit_code, unit_name, code=code, name=name, line_start=ln.no, line_end=ln.no)
            blocks.append(block)
            i += max(used, 1)
            continue
        elif in_unit:
            unit_name += ln.text.strip()
        elif blocks:
            blocks[-1].body.append(ln)
            blocks[-1].line_end = ln.no
        else:
            gaps.append(Gap(f"预算13表 line {ln.no}", f"text before the first project: {ln.text}"))
        i += 1
    for block in blocks:
        block.line_end = max(block.line_end, block.line_start)
        _read_head(block, gaps)
    return blocks


def _read_head(block: _Block, gaps: list[Gap]) -> None:
    """Split a block's lines into name pieces, category + amounts, goal and rows."""
    name_pieces = [block.name] if block.name else []
    body = block.body
    for k, ln in enumerate(body):
        category = _category(ln.text)
        if category:
            block.category, block.amounts = category
            block.name = tidy("".join(name_pieces))
            rest = body[k + 1 :]
            cut = next((j for j, r in enumerate(rest) if _opens_rows(r.text)), len(rest))
            block.goal, block.body = rest[:cut], rest[cut:]
            return
        name_pieces.append(ln.text.strip())
    block.name = tidy("".join(name_pieces))
    gaps.append(Gap(f"预算13表 line {block.line_start}", f"project {block.code} has no 项目类别/金额 line"))


def _opens_rows(text: str) -> bool:
    """Where the goal text ends: the first 一级/二级指标 or 性质 … 方向 line."""
    first = text.split()[0] if text.split() else ""
    return bool(_level1_of(text) or first in LEVEL2_OF or _tail(text))


def _normalise(name: str) -> str:
    return re.sub(r"\s+", "", name)


def _match_name(name: str, goal: str, known: dict[str, str]) -> tuple[str, str]:
    """The full name from 预算04表 for a joined 13 name: (name, goal without its stolen start).

    When a wrapped name's last piece landed after the amounts line, it sits at
    the start of the goal text; a 04 name that continues with it takes it back.
    """
    key = _normalise(name)
    if key in known:
        return known[key], goal
    for full_key, full in known.items():
        rest = full_key[len(key) :]
        if key and full_key.startswith(key) and rest and goal.startswith(rest):
            return full, goal[len(rest) :]
    return name, goal


def _amounts(project: Project, amounts: list[Decimal]) -> None:
    """项目总额, 财政资金, 其他资金; a blank 其他资金 cell means zero."""
    if not amounts:
        return
    project.total_13 = amounts[0]
    if len(amounts) >= 2:
        project.fiscal_13 = amounts[1]
    if len(amounts) >= 3:
        project.other_13 = amounts[2]
    elif project.fiscal_13 is not None:
        project.other_13 = project.total_13 - project.fiscal_13


@dataclass
class _ProjectState:
    project: Project
    reader: _IndicatorReader


def parse_performance(part: Part, project_names: list[str]) -> tuple[list[Project], list[Gap]]:
    """Projects of 预算13表 with their goal and indicators, merged across pages.

    ``project_names`` (from 预算04表) only help to restore a name the table
    wraps; a project missing from that list is still returned under the name
    the table prints. Each project appears once, however many pages it spans:
    a block with the same code as the project before it continues it, and its
    repeated goal text is dropped.
    """
    gaps: list[Gap] = []
    lines = [ln for ln in part.lines[1:] if ln.text.strip()]
    if any(NO_DATA in ln.text for ln in lines):
        return [], gaps
    known = {_normalise(n): n for n in project_names}
    states: list[_ProjectState] = []
    for block in _blocks(lines, gaps):
        current = states[-1] if states else None
        if current is not None and block.code and block.code == current.project.code:
            _continue_project(current, block, known, gaps)
        else:
            if current is not None:
                current.reader.finish()
            states.append(_new_project(block, known))
    if states:
        states[-1].reader.finish()
    projects = [s.project for s in states]
    for state in states:
        state.project.indicators = state.reader.indicators
        gaps.extend(state.reader.gaps)
        if not state.project.indicators:
            gaps.append(
                Gap(
                    f"预算13表 line {state.project.line_start}",
                    f"project {state.project.name} has no indicators",
                )
            )
    found = {_normalise(p.name) for p in projects}
    for key, name in known.items():
        if key not in found:
            gaps.append(Gap("预算13表", f"project of 预算04表 without a 绩效目标 block: {name}"))
    return projects, gaps


def _new_project(block: _Block, known: dict[str, str]) -> _ProjectState:
    goal, _ = join_wrapped(block.goal)
    name, goal = _match_name(block.name, goal, known)
    project = Project(
        name=name,
        unit_code=block.unit_code,
        unit_name=tidy(block.unit_name),
        code=block.code,
        category=block.category,
        goal=goal,
        line_start=block.line_start,
        line_end=block.line_end,
    )
    _amounts(project, block.amounts)
    reader = _IndicatorReader(where=f"预算13表 {name}")
    for ln in block.body:
        reader.feed(ln)
    return _ProjectState(project, reader)


def _continue_project(state: _ProjectState, block: _Block, known: dict[str, str], gaps: list[Gap]) -> None:
    """A project printed again on the next page: skip the repeat, read on.

    The repeated goal normally equals the first; if the page break cut an
    indicator row, its remaining pieces follow the repeated goal and are
    handed to the open row.
    """
    project = state.project
    project.line_end = max(project.line_end, block.line_end)
    goal_lines = block.goal
    if state.reader.open is not None:
        goal_lines, carried = _split_repeat(block.goal, project.goal)
        for ln in carried:
            state.reader.feed(ln)
    goal, _ = join_wrapped(goal_lines)
    _, goal = _match_name(block.name, goal, known)
    if len(goal) > len(project.goal) and goal.startswith(project.goal):
        project.goal = goal
    if block.amounts and project.total_13 is not None and block.amounts[0] != project.total_13:
        gaps.append(Gap(f"预算13表 line {block.line_start}", f"{project.name}: amounts differ between pages"))
    for ln in block.body:
        state.reader.feed(ln)


def _split_repeat(lines: list[Line], goal: str) -> tuple[list[Line], list[Line]]:
    """Lines repeating ``goal`` and the lines after them."""
    for k in range(len(lines) + 1):
        text, _ = join_wrapped(lines[:k])
        if len(text) >= len(goal):
            return lines[:k], lines[k:]
    return lines, []


# ---------------------------------------------------------------- 预算14表

OVERALL_COLUMNS = ["栏目", "内容", "活动", "绩效指标", "指标性质", "指标值", "度量单位"]
OVERALL_TAIL_RE = re.compile(
    rf"^(?P<pre>.*?)(?:^|\s)(?P<nature>{NATURE}|产出指标|效益指标|满意度指标|成本指标)\s+(?P<value>\S+)(?:\s+(?P<unit>\S+))?$"
)
FUND_GROUPS = ("财政拨款", "其他资金")
FUND_ITEMS = ("合计", "基本支出", "项目支出")
OVERALL_HEADERS = {"整体绩效目标", "总体资金情况（万元）", "预算支出总额", "财政拨款 其他资金"}


@dataclass
class _Overall:
    """What 预算14表 has been read so far."""

    table: Table
    section: str = ""
    goal: list[Line] = field(default_factory=list)
    other: list[Line] = field(default_factory=list)
    rows_text: list[Line] = field(default_factory=list)
    activity: str = ""
    widest: int = 0


def parse_overall_goals(part: Part) -> Table:
    """预算14表 as a Table.

    Rows, in this order:

    * ``{"栏目": "部门（单位）名称", "内容": name}``
    * ``{"栏目": "总体资金情况（万元）"}`` with amounts ``合计`` / ``基本支出`` /
      ``项目支出`` (预算支出总额), and ``财政拨款合计`` … ``其他资金项目支出`` per
      source; the table prints the 财政拨款 figures and leaves 其他资金 blank,
      so three printed numbers are 财政拨款 and also the totals.
    * ``{"栏目": "整体绩效目标", "内容": text}`` and ``{"栏目": "其他说明", …}``
    * one row per 绩效指标: ``活动``, ``绩效指标``, ``指标性质``, ``指标值``,
      ``度量单位``. An 活动 cell merged over several rows is printed once, on
      the first; the rows below it inherit it.
    """
    title = re.sub(r"^\s*预算\d{2}表\s*", "", part.heading).strip()
    lines = [ln for ln in part.lines[1:] if ln.text.strip()]
    table = Table(number=part.table or "14", title=title, columns=list(OVERALL_COLUMNS))
    table.line_start = part.lines[0].no if part.lines else 0
    table.line_end = part.lines[-1].no if part.lines else 0
    if any(NO_DATA in ln.text for ln in lines):
        table.empty = True
        return table
    state = _Overall(table=table)
    state.widest = _rows_width(lines)
    for ln in lines:
        _overall_line(state, ln)
    _flush_text_rows(state)
    return table


def _rows_width(lines: list[Line]) -> int:
    """Width of the widest wrapped line under the 活动/绩效指标 header (the 绩效指标 column)."""
    start = next((k for k, ln in enumerate(lines) if ln.text.split()[:2] == ["活动", "绩效指标"]), len(lines))
    widths = [
        display_width(ln.text) for ln in lines[start + 1 :] if not OVERALL_TAIL_RE.match(ln.text.strip())
    ]
    return max(widths, default=0)


def _overall_line(state: _Overall, ln: Line) -> None:
    text = ln.text.strip()
    if re.fullmatch(r"[（(]\d{4}年度[）)]", text):
        state.table.note = text
    elif text.startswith("部门（单位）名称") or text.startswith("部门(单位)名称"):
        name = text.split(None, 1)[1] if " " in text else ""
        _add_row(state.table, {"栏目": "部门（单位）名称", "内容": name}, {}, ln, ln)
    elif text in OVERALL_HEADERS or text.startswith("合计 基本支出"):
        if text == "整体绩效目标" and state.section == "":
            state.section = "goal"
    elif all(is_amount(t) for t in text.split()) and state.section in ("", "goal") and not state.goal:
        _funding_row(state.table, [parse_amount(t) for t in text.split()], ln)
    elif text.startswith("其他说明"):
        _flush_text_rows(state)
        state.section = "other"
        state.other.append(Line(ln.no, text[len("其他说明") :].strip(), ln.page_start))
    elif text.split()[:2] == ["活动", "绩效指标"]:
        _flush_text_rows(state)
        state.section = "rows"
    elif state.section == "rows":
        _overall_row_line(state, ln)
    elif state.section == "other":
        state.other.append(ln)
    else:
        state.goal.append(ln)


def _flush_text_rows(state: _Overall) -> None:
    """Emit the 整体绩效目标 / 其他说明 rows once their text is complete."""
    for label, lines in (("整体绩效目标", state.goal), ("其他说明", state.other)):
        if lines:
            text, _ = join_wrapped(lines)
            _add_row(state.table, {"栏目": label, "内容": text}, {}, lines[0], lines[-1])
            lines.clear()


def _funding_row(table: Table, numbers: list[Decimal], ln: Line) -> None:
    amounts: dict[str, Decimal] = {}
    groups = [numbers[i : i + 3] for i in range(0, min(len(numbers), 6), 3)]
    for group_name, values in zip(FUND_GROUPS, groups, strict=False):
        for item, value in zip(FUND_ITEMS, values, strict=False):
            amounts[group_name + item] = value
    for item in FUND_ITEMS:
        parts = [amounts[g + item] for g in FUND_GROUPS if g + item in amounts]
        if parts:
            amounts[item] = sum(parts, Decimal(0))
    _add_row(table, {"栏目": "总体资金情况（万元）"}, amounts, ln, ln)


def _overall_row_line(state: _Overall, ln: Line) -> None:
    """Collect wrapped lines until the 性质 + 指标值 that ends an indicator row."""
    match = OVERALL_TAIL_RE.match(ln.text.strip())
    if not match:
        state.rows_text.append(ln)
        return
    before, state.rows_text = state.rows_text, []
    activity, indicator = _activity_and_indicator(state, before, match.group("pre").strip())
    state.activity = activity
    cells = {
        "活动": activity,
        "绩效指标": indicator,
        "指标性质": match.group("nature"),
        "指标值": match.group("value"),
        "度量单位": match.group("unit") or "",
    }
    _add_row(state.table, cells, {}, (before or [ln])[0], ln)


def _activity_and_indicator(state: _Overall, before: list[Line], pre: str) -> tuple[str, str]:
    """Who is who among a row's wrapped pieces.

    A short line of its own opening the row is a new 活动 (its cell is narrow;
    the 绩效指标 cell is wide). A single line holding both splits at the first
    space. Otherwise the row belongs to the 活动 above (a merged cell).
    """
    if before and _looks_like_activity(state, before[0].text):
        rest = [ln.text for ln in before[1:]] + ([pre] if pre else [])
        return tidy(before[0].text), tidy("".join(rest))
    if not before and " " in pre:
        head, tail = pre.split(" ", 1)
        if not tail.startswith(tuple("、，。；")):
            return tidy(head), tidy(tail)
    pieces = [ln.text for ln in before] + ([pre] if pre else [])
    return state.activity, tidy("".join(pieces))


def _looks_like_activity(state: _Overall, text: str) -> bool:
    return display_width(text) <= state.widest * 0.6 and not text.endswith(tuple("，。；、,;"))


def _add_row(
    table: Table, cells: dict[str, str], amounts: dict[str, Decimal], first: Line, last: Line
) -> None:
    table.rows.append(
        Row(row_no=len(table.rows) + 1, cells=cells, amounts=amounts, line_start=first.no, line_end=last.no)
    )
