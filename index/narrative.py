"""The narrative parts: 一、部门概况, 三、预算情况说明, 四、名词解释.

The PDF text is wrapped at about 30 characters per line, with page breaks in
the middle of sentences and spaces inserted between CJK characters and
numbers. ``parse_sections`` puts the paragraphs back together under their
heading path; ``parse_facts`` reads the numeric statements out of them
(amounts, changes on last year, shares, counts) as ``Fact`` records.

Nothing here knows a department's names or numbers: headings are recognised
by their enumerators (一、 （一） 1． （1）), paragraphs by line width and
punctuation, and facts by the fixed budget vocabulary (比…增加/减少,
增长/下降, 占, 原因是, （类）（款）（项）, “三公”经费, 机关运行经费).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from index.layout import Part, parse_amount
from index.model import Fact, Line, Section

# --------------------------------------------------------------------------- text


def _is_latin(char: str) -> bool:
    return char.isascii() and char.isalnum()


def tidy(text: str) -> str:
    """Drop the spaces the PDF put between CJK characters and numbers.

    ``"本部门 2030年收入预算 1234.56 万元"`` → ``"本部门2030年收入预算1234.56万元"``;
    a space survives only between two Latin letters/digits (``"web 系统"`` loses
    it, ``"Office 365"`` keeps it).
    """
    chars = [(c, 0) for c in text]
    return "".join(c for c, _ in _tidy_chars(chars))


def _tidy_chars(chars: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """``tidy`` on characters that carry their source line number."""
    out: list[tuple[str, int]] = []
    i = 0
    while i < len(chars):
        char, no = chars[i]
        if not char.isspace():
            out.append((char, no))
            i += 1
            continue
        j = i
        while j < len(chars) and chars[j][0].isspace():
            j += 1
        before = out[-1][0] if out else ""
        after = chars[j][0] if j < len(chars) else ""
        if before and after and _is_latin(before) and _is_latin(after):
            out.append((" ", no))
        i = j
    return out


def join_wrapped(lines: list[Line]) -> tuple[str, list[int]]:
    """Re-join wrapped lines into one text, with the source line of each character.

    Lines are glued without a separator (Chinese has none); where a line ends
    and the next begins with a Latin letter or digit, a space keeps the two
    words apart (Word never wraps inside a word); digits split by a wrap
    (``20`` / ``24年``) belong together.
    """
    chars: list[tuple[str, int]] = []
    for ln in lines:
        text = ln.text.strip()
        if (
            chars
            and text
            and chars[-1][0].isascii()
            and chars[-1][0].isalpha()
            and text[0].isascii()
            and text[0].isalpha()
        ):
            chars.append((" ", ln.no))
        chars.extend((c, ln.no) for c in text)
    tidied = _tidy_chars(chars)
    return "".join(c for c, _ in tidied), [no for _, no in tidied]


def display_width(text: str) -> int:
    """Printed width: a CJK / full-width character counts as two columns."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


# ----------------------------------------------------------------------- headings

PART_RE = re.compile(r"^[一二三四五六七八九十]+、")
CN_ENUM_RE = re.compile(r"^[（(][一二三四五六七八九十]+[）)]")
NUM_ENUM_RE = re.compile(r"^\d{1,2}\s*[．.、](?!\d)")
PAREN_ENUM_RE = re.compile(r"^[（(]\d{1,2}[）)]")
GLOSSARY_TERM_RE = re.compile(r"^[^，。；：:,;\s]{1,40}[：:]")
SENTENCE_END = tuple("。；：;:！？!?")

#: heading levels below the part heading, by enumerator style
LEVELS: list[re.Pattern[str]] = [CN_ENUM_RE, NUM_ENUM_RE, PAREN_ENUM_RE]


def _enum_level(text: str) -> int | None:
    """1 for （一）, 2 for 1．, 3 for （1）; None when the line is not enumerated."""
    for level, pattern in enumerate(LEVELS, start=1):
        if pattern.match(text):
            return level
    return None


@dataclass
class _Layout:
    """Widths of one narrative part, to tell a wrapped line from a short one."""

    full: int

    def is_short(self, text: str) -> bool:
        return display_width(text) < self.full * 0.8


def _layout_of(lines: list[Line]) -> _Layout:
    widths = sorted(display_width(ln.text) for ln in lines) or [60]
    return _Layout(full=widths[int(len(widths) * 0.9)] if len(widths) > 1 else widths[0])


def _is_heading(lines: list[Line], i: int, layout: _Layout) -> int | None:
    """The heading level of ``lines[i]``, or None when it is paragraph text.

    A heading never ends with punctuation. （一） lines are headings however
    long; 1． and （1） lines only when they look like one: short, and followed
    by body text rather than by a sibling item of the same list.
    """
    text = lines[i].text
    level = _enum_level(text)
    if level is None or text.endswith(SENTENCE_END + tuple("，,、")):
        return None
    if level == 1:
        return level
    if not layout.is_short(text):
        return None
    nxt = lines[i + 1].text if i + 1 < len(lines) else ""
    if not nxt or _enum_level(nxt) == level:
        return None
    return level


# --------------------------------------------------------------------- paragraphs


@dataclass
class _Builder:
    """Accumulates the sections of one part while walking its lines."""

    path: list[str]
    sections: list[Section] = field(default_factory=list)
    pending: list[Line] = field(default_factory=list)

    def open(self, path: list[str]) -> None:
        self.flush()
        self.path = path
        self.sections.append(Section(path=list(path), paragraphs=[]))

    def add(self, line: Line) -> None:
        self.pending.append(line)

    def flush(self) -> None:
        if not self.pending:
            return
        text, _ = join_wrapped(self.pending)
        if not self.sections or self.sections[-1].path != self.path:
            self.sections.append(Section(path=list(self.path), paragraphs=[]))
        self.sections[-1].paragraphs.append((text, self.pending[0].no, self.pending[-1].no))
        self.pending = []


def _starts_paragraph(text: str, glossary: bool) -> bool:
    """A line that can only begin a paragraph: an enumerator or a glossary term."""
    if _enum_level(text) is not None:
        return True
    return glossary and bool(GLOSSARY_TERM_RE.match(text))


def _ends_paragraph(text: str, layout: _Layout) -> bool:
    return text.endswith(SENTENCE_END) or layout.is_short(text)


def _part_sections(part: Part) -> list[Section]:
    """Sections of one narrative part, paragraphs re-joined across wraps and pages."""
    heading = part.heading.strip()
    builder = _Builder(path=[heading])
    builder.open([heading])
    body = [ln for ln in part.lines if ln.text.strip()][1:]
    layout = _layout_of(body)
    glossary = part.kind == "glossary"
    for i, ln in enumerate(body):
        text = ln.text
        level = None if glossary else _is_heading(body, i, layout)
        if level is not None:
            builder.open(builder.path[:1] + _trim(builder.path[1:], level - 1) + [text])
            continue
        if _starts_paragraph(text, glossary):
            builder.flush()
        builder.add(ln)
        if _ends_paragraph(text, layout):
            builder.flush()
    builder.flush()
    return builder.sections


def _trim(sub_path: list[str], depth: int) -> list[str]:
    """The ancestors a heading of level ``depth + 1`` keeps from the current path."""
    kept: list[str] = []
    for heading in sub_path:
        level = _enum_level(heading) or 0
        if level and level <= depth:
            kept.append(heading)
    return kept


NARRATIVE_KINDS = ("overview", "tables", "explanation", "glossary")


def parse_sections(parts: list[Part]) -> list[Section]:
    """Every heading of the narrative parts as a Section with its paragraphs.

    Sections come in document order, one per heading (a heading with only
    sub-headings under it has no paragraphs of its own). The 二、…预算表
    part contributes just its heading: the tables are parsed elsewhere.
    """
    sections: list[Section] = []
    for part in parts:
        if part.kind in NARRATIVE_KINDS:
            sections.extend(_part_sections(part))
    return sections


# -------------------------------------------------------------------------- facts

NUMBER = r"\d+(?:,\d{3})*(?:\.\d+)?"
UNITS = ("万元", "亿元", "元", "%", "％", "项", "辆", "户", "家", "个", "台（套）", "套", "台", "人", "名")
COUNT_UNITS = {"项", "辆", "户", "家", "个", "台（套）", "套", "台", "人", "名"}
MENTION_RE = re.compile(
    rf"(?<![\d.])(?P<num>{NUMBER})(?P<unit>{'|'.join(re.escape(u) for u in UNITS)})(?!以上|以下|左右|以内)"
)
UP_WORDS = ("增加", "增长", "上升", "提高")
DOWN_WORDS = ("减少", "下降", "降低", "压减", "节约")
CHANGE_RE = re.compile(r"(?:比|较)[^，。；,;]*?(增加|增长|上升|提高|减少|下降|降低|压减|节约)了?$")
PCT_RE = re.compile(r"(增加|增长|上升|提高|减少|下降|降低|增幅|降幅)(?:了|为)?$")
SHARE_RE = re.compile(r"占[^，。；,;]{0,12}$")
CHAIN_RE = re.compile(r"(.+?)（(类|款|项)）")
REASON_RE = re.compile(
    r"^(?:(?:增长|增加|减少|下降|变化|变动|上升)的?)?(?:主要)?原因(?:主要)?(?:是|为|在于|：|:)?(?P<reason>.+)$"
)
CAUSE_RE = re.compile(r"^(?:主要)?(?:是)?(?:由于|因为|受)")
CLAUSE_DELIMS = "，。；：,;:、"
NAME_PREFIXES = re.compile(
    r"^(?:截至\d{4}年底?|\d{4}年度?|本部门及所属各?预算单位|本部门及所属各?单位|本部门|本单位|"
    r"部门预算安排|预算安排|共批复|共有|共计|共|从预算单位构成看|预算汇总|汇总|项目经费中|涉及)"
)
GENERIC_NAMES = {"", "预算数", "预算", "预算数为", "当年预算数"}
QUALIFIED_NAMES = {"总额", "预算总额", "合计", "金额"}


@dataclass
class _Sentence:
    text: str
    start: int  # offset in the paragraph


def _sentences(text: str) -> list[_Sentence]:
    out, start = [], 0
    for match in re.finditer(r"[。！？]", text):
        out.append(_Sentence(text[start : match.end()], start))
        start = match.end()
    if start < len(text):
        out.append(_Sentence(text[start:], start))
    return out


def _whole_sentences(text: str, start: int, end: int) -> str:
    """The sentences of ``text`` that the span ``[start, end)`` touches."""
    first = max(text.rfind(p, 0, start) for p in "。！？；;") + 1
    stops = [i for i in (text.find(p, max(end - 1, 0)) for p in "。！？；;") if i >= 0]
    last = min(stops) + 1 if stops else len(text)
    return text[first:last].strip()


def _clause_name(context: str) -> str:
    """The noun phrase right before a number: the text after the last delimiter."""
    cut = max(context.rfind(d) for d in CLAUSE_DELIMS)
    return context[cut + 1 :]


def _clean_name(name: str) -> str:
    """``"2022年本部门机关运行经费预算"`` → ``"机关运行经费预算"``."""
    name = PAREN_ENUM_RE.sub("", NUM_ENUM_RE.sub("", name.strip()))
    name = re.sub(r"^.*(?:其中|包括)[，,：:]?", "", name)
    previous = None
    while previous != name:
        previous = name
        name = NAME_PREFIXES.sub("", name)
    name = re.sub(r"\d{4}年度?(?:预算数|预算)?为?$", "", name)
    name = re.sub(r"(?:预算数为|为|是|有|达)$", "", name)
    return name


def _chain(name: str) -> list[tuple[str, str]]:
    """``"A（类）B（款）C（项）"`` → ``[("A","类"), ("B","款"), ("C","项")]``."""
    name = PAREN_ENUM_RE.sub("", name.strip())
    return [(m.group(1), m.group(2)) for m in CHAIN_RE.finditer(name)]


def _heading_item(path: list[str]) -> str:
    """The last heading without its enumerator: ``"1.因公出国（境）费用"`` → ``"因公出国（境）费用"``."""
    last = path[-1] if path else ""
    return tidy(CN_ENUM_RE.sub("", PAREN_ENUM_RE.sub("", NUM_ENUM_RE.sub("", last))))


def _signed(word: str, value: Decimal) -> Decimal:
    return -value if word in DOWN_WORDS or word == "降幅" else value


def _direction(change: Decimal) -> str:
    if change > 0:
        return "增加"
    if change < 0:
        return "减少"
    return "持平"


@dataclass
class _Context:
    """Where a paragraph sits: its section and the codes the glossary gives."""

    section: Section
    year: int | None
    codes: dict[str, list[str]]

    @property
    def label(self) -> str:
        return " › ".join(self.section.path)

    @property
    def three_public(self) -> bool:
        return any("三公" in h for h in self.section.path)


class _FactReader:
    """Reads the facts of one paragraph, mention by mention, left to right."""

    def __init__(self, text: str, lines: tuple[int, int], where: _Context, line_of: list[int] | None):
        self.text = text
        self.lines = lines
        self.where = where
        self.line_of = line_of
        self.facts: list[Fact] = []
        self.spans: list[list[int]] = []  # character span of each fact's words
        self.current: Fact | None = None
        self.current_start = 0

    def read(self) -> list[Fact]:
        for sentence in _sentences(self.text):
            self._read_sentence(sentence)
        for fact, (start, end) in zip(self.facts, self.spans, strict=True):
            fact.text = _whole_sentences(self.text, start, end)
        return self.facts

    def _read_sentence(self, sentence: _Sentence) -> None:
        mentions = list(MENTION_RE.finditer(sentence.text))
        end = 0
        for k, mention in enumerate(mentions):
            context = sentence.text[end : mention.start()]
            self._mention(sentence, mention, context)
            end = mention.end()
            nxt = mentions[k + 1].start() if k + 1 < len(mentions) else len(sentence.text)
            self._after(sentence, sentence.text[end:nxt], last=k + 1 == len(mentions))
        if not mentions and self.current is not None and self.current.change is not None:
            self._reason_sentence(sentence)

    def _mention(self, sentence: _Sentence, mention: re.Match[str], context: str) -> None:
        value = parse_amount(mention.group("num"))
        unit = mention.group("unit").replace("％", "%")
        span = (sentence.start + mention.start(), sentence.start + mention.end())
        share = SHARE_RE.search(context)
        change = CHANGE_RE.search(context)
        pct = PCT_RE.search(context)
        if unit == "%" and share and self.current is not None:
            self._share(value, span, sentence)
        elif unit == "%" and pct and self.current is not None:
            self.current.change_pct = _signed(pct.group(1), value)
            self._extend(span)
        elif change and unit != "%" and self.current is not None:
            self.current.change = _signed(change.group(1), value)
            self.current.direction = _direction(self.current.change)
            self._extend(span)
        else:
            self._base(value, unit, context, span, sentence)

    def _after(self, sentence: _Sentence, trailing: str, last: bool) -> None:
        """What follows a number: 持平, or the reason for a change."""
        fact = self.current
        if fact is None:
            return
        if "持平" in trailing and fact.change is None:
            fact.change, fact.direction = Decimal(0), "持平"
        if not last or fact.change is None or fact.reason:
            return
        clause = trailing.strip("，,。；; ")
        if not clause.startswith(("其中", "具体")):
            fact.reason = _explanation(clause) or clause  # ``，厉行节约，压减项目资金``
        if fact.reason:
            end = sentence.start + len(sentence.text.rstrip())
            self._extend((end - len(trailing.rstrip()), end))

    def _reason_sentence(self, sentence: _Sentence) -> None:
        """A sentence right after a change that explains it (``增长的主要原因是…``)."""
        fact = self.current
        if fact is None or fact.reason:
            return
        fact.reason = _explanation(sentence.text)
        if not fact.reason:
            return
        self._extend((sentence.start, sentence.start + len(sentence.text)))
        self.current = None  # one explanation per change

    def _share(self, value: Decimal, span: tuple[int, int], sentence: _Sentence) -> None:
        """``…X万元，占Y%``: the share of the amount just stated."""
        assert self.current is not None
        fact = self._new("share", self.current.subject, value, "%", (self.current_start, span[1]), sentence)
        fact.code = self.current.code

    def _base(
        self, value: Decimal, unit: str, context: str, span: tuple[int, int], sentence: _Sentence
    ) -> None:
        raw = _clause_name(context)
        start = span[0] - len(raw)
        chain = _chain(raw)
        kind, subject, code = self._classify(raw, unit, chain)
        fact = self._new(kind, subject, value, unit, (start, span[1]), sentence)
        fact.code = code
        self.current, self.current_start = fact, start

    def _classify(self, raw: str, unit: str, chain: list[tuple[str, str]]) -> tuple[str, str, str]:
        """(kind, subject, code) of a stated amount from its name and section."""
        if chain:
            return "subject", chain[-1][0], _subject_code(chain, self.where.codes)
        name = _clean_name(raw)
        if name in QUALIFIED_NAMES and self.current is not None:
            name = self.current.subject + name
        elif raw.startswith("涉及") and self.current is not None:
            name = self.current.subject + "涉及" + name
        money = unit in ("万元", "元", "亿元")
        if money and self.where.three_public:
            if "三公" in name:
                return "three_public", "“三公”经费", ""
            if name in GENERIC_NAMES:
                name = _heading_item(self.where.section.path)
            return "three_public", name, ""
        if money and "机关运行经费" in name:
            return "operating_cost", "机关运行经费", ""
        if name in GENERIC_NAMES:
            name = _heading_item(self.where.section.path)
        if unit in COUNT_UNITS:
            return "count", name, ""
        if unit == "%":
            return "share", name, ""
        return "total", name, ""

    def _new(
        self, kind: str, subject: str, value: Decimal, unit: str, span: tuple[int, int], sentence: _Sentence
    ) -> Fact:
        line_start, line_end = self._lines(span)
        fact = Fact(
            kind=kind,
            subject=subject,
            amount=value,
            unit=unit,
            year=self.where.year,
            section=self.where.label,
            line_start=line_start,
            line_end=line_end,
        )
        self.facts.append(fact)
        self.spans.append(list(span))
        return fact

    def _extend(self, span: tuple[int, int]) -> None:
        """Stretch the current fact to cover its change, percent or reason."""
        if self.current is None:
            return
        index = next(i for i, f in enumerate(self.facts) if f is self.current)
        self.spans[index][1] = max(self.spans[index][1], span[1])
        _, end = self._lines(span)
        self.current.line_end = max(self.current.line_end, end)

    def _lines(self, span: tuple[int, int]) -> tuple[int, int]:
        if not self.line_of:
            return self.lines
        last = len(self.line_of) - 1
        return self.line_of[min(span[0], last)], self.line_of[min(max(span[1] - 1, 0), last)]


def _explanation(text: str) -> str:
    """The reason a sentence gives for a change (``增长的主要原因是X`` → X), or ""."""
    clause = text.strip("，,。；; ")
    match = REASON_RE.match(clause)
    if match:
        return match.group("reason").strip("，,。；; ")
    return clause if CAUSE_RE.match(clause) else ""


def _glossary_codes(sections: list[Section]) -> dict[str, list[str]]:
    """名词解释 gives 科目 codes: ``住房公积金（2210201）：…`` → {"住房公积金": ["2210201"]}."""
    codes: dict[str, list[str]] = {}
    for section in sections:
        for text, _, _ in section.paragraphs:
            match = re.match(r"^(.+?)（(\d{3}(?:\d{2}){0,2})）[：:]", text)
            if match:
                codes.setdefault(match.group(1), []).append(match.group(2))
    return codes


def _subject_code(chain: list[tuple[str, str]], codes: dict[str, list[str]]) -> str:
    """The code of the last 科目 of a chain, when the glossary names it unambiguously.

    The code must have the length of its level (类 3, 款 5, 项 7 digits) and
    start with the codes the glossary gives for its ancestors.
    """
    lengths = {"类": 3, "款": 5, "项": 7}
    name, level = chain[-1]
    candidates = [c for c in codes.get(name, []) if len(c) == lengths[level]]
    for ancestor, ancestor_level in chain[:-1]:
        prefixes = [c for c in codes.get(ancestor, []) if len(c) == lengths[ancestor_level]]
        if prefixes:
            candidates = [c for c in candidates if any(c.startswith(p) for p in prefixes)]
    return candidates[0] if len(set(candidates)) == 1 else ""


FACT_KINDS = ("explanation", "overview")


def parse_facts(sections: list[Section], year: int | None, lines: list[Line] | None = None) -> list[Fact]:
    """The numeric statements of the narrative as Fact records.

    Every ``<name><number><unit>`` is a fact; the words before a number say
    what it is: ``比…增加/减少`` a change of the fact before it, ``增长/下降`` its
    percent change, ``占`` a share (a ``share`` Fact, amount in %). A name
    with （类）（款）（项） makes a ``subject`` fact, the 三公 section
    ``three_public``, 机关运行经费 ``operating_cost``, 项/辆/户/台（套）…
    ``count``; the rest are ``total``. Changes are signed; a stated zero change
    is ``持平``. The reason is the ``…原因是…`` clause, a trailing clause after
    the change, or the next sentence when it explains it (``受…影响``).

    With the document's ``lines``, each fact cites just the lines its words are
    on; without them, its paragraph's lines.
    """
    codes = _glossary_codes(sections)
    by_no = {ln.no: ln for ln in lines} if lines else {}
    facts: list[Fact] = []
    for section in sections:
        if not section.path or _part_of(section) not in FACT_KINDS:
            continue
        where = _Context(section=section, year=year, codes=codes)
        previous: Fact | None = None
        for text, start, end in section.paragraphs:
            if previous is not None and _explains(previous, text, end):
                continue
            line_of = _line_map(text, start, end, by_no)
            found = _FactReader(text, (start, end), where, line_of).read()
            facts.extend(found)
            previous = found[-1] if found else None
    return facts


def _explains(fact: Fact, text: str, end: int) -> bool:
    """A paragraph that only gives the reason for the change just stated (the line
    before it happened to end with 。)."""
    if fact.change is None or fact.reason or MENTION_RE.search(text):
        return False
    fact.reason = _explanation(text)
    if fact.reason:
        fact.text = f"{fact.text}{text}"
        fact.line_end = end
    return bool(fact.reason)


def _part_of(section: Section) -> str:
    """Which part a section belongs to, from the words of its top heading."""
    top = section.path[0].replace(" ", "")
    if "名词解释" in top:
        return "glossary"
    if "预算表" in top:
        return "tables"
    if "部门概况" in top:
        return "overview"
    return "explanation"


def _line_map(text: str, start: int, end: int, by_no: dict[int, Line]) -> list[int] | None:
    """The source line of each character of a paragraph, when the lines are at hand."""
    if not by_no:
        return None
    joined, line_of = join_wrapped([by_no[n] for n in range(start, end + 1) if n in by_no])
    return line_of if joined == text else None
