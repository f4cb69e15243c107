"""Score one assistant answer against one benchmark question.

Implements the "correct when" rules of ``shared/benchmarks/README.md`` so that every
suite (the public seed, the colloquial suite, generated variant questions) is judged
the same way:

- value / unit: the gold number in the gold unit or any ``accept`` entry, compared as
  ``Decimal`` (``20.9`` == ``20.90``); 元, 万元 and 亿元 convert and must agree within half
  a cent of the gold unit; percentages within 0.005 points; counts exactly. The
  structured ``value``/``unit`` decide when both are given; otherwise the number is
  looked for in the answer text, followed by its unit.
- indicator: value and unit as above, and the operator (``=``/``＝``/``==``,
  ``≥``/``>=``, ``≤``/``<=``) from ``operator`` or from the text around the number.
- text: every phrase occurs in the answer after removing whitespace (quote styles
  “”"" are treated alike, nothing else).
- rank: the items occur in the answer text, in order when ``ordered``; whether their
  values were stated is reported but not required.
- refuse: the answer refuses (``refused`` or a "没有…信息/数据/披露" sentence), has no
  ``value`` and no number except years that occur in the question (table labels such
  as 预算04表 are names, not numbers).

An answer with ``refused: true`` to an answerable question is wrong.

Every verdict also has an ``outcome`` that says *how* an answer failed, so that a run can
tell a wrong answer from a non-answer:

- ``correct``: as above.
- ``wrong``: a value or text that is not the gold, including any ``value`` given to an
  unanswerable question and a refusal of an unanswerable one that states numbers.
- ``refused``: the answer refuses (``refused`` or the :func:`refuses` sentence) and gives
  no ``value``.
- ``clarified``: the answer asks back and gives no ``value``: it has ``candidates``, or its
  text asks a question (ends with ？/? or says 请问/请指明/哪一个/哪一份/是指).

When an answer both refuses and asks back, the ``refused`` flag decides first, then
``candidates``, then the refusal sentence, then the question in the text.
"""

from __future__ import annotations

import json
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, model_validator

from assistant.contract import Answer

TYPES = (
    "lookup",
    "sum",
    "diff",
    "ratio",
    "rank",
    "count",
    "indicator",
    "text",
    "change",
    "unit_conversion",
    "multi_turn",
    "unanswerable",
)
FIELDS = ("id", "doc", "type", "question", "answer", "accept", "evidence", "history")
OPERATORS = ("=", "≥", "≤")
#: How an answer fared; everything but ``correct`` is a failure.
OUTCOMES = ("correct", "wrong", "refused", "clarified")
Outcome = Literal["correct", "wrong", "refused", "clarified"]

CENT = Decimal("0.01")
HALF_CENT = Decimal("0.005")
#: 元 per unit, for the money units an amount may be stated in.
MONEY = {
    "元": Decimal(1),
    "块": Decimal(1),
    "块钱": Decimal(1),
    "万元": Decimal(10000),
    "万": Decimal(10000),
    "亿元": Decimal(10) ** 8,
    "亿": Decimal(10) ** 8,
}
_MONEY_UNITS = sorted(MONEY, key=len, reverse=True)

_FULLWIDTH = str.maketrans(
    {
        **{chr(0xFF10 + i): str(i) for i in range(10)},
        "％": "%",
        "．": ".",
        "＝": "=",
        "＞": ">",
        "＜": "<",
        "　": " ",
    }
)
_QUOTES = str.maketrans({"“": '"', "”": '"', "＂": '"', "‘": "'", "’": "'", "＇": "'"})
_NUMBER = re.compile(r"(?<![\d.])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?![\d])")
_OPERATOR_WORDS = {
    "≥": "≥",
    ">=": "≥",
    "≧": "≥",
    "大于等于": "≥",
    "大于或等于": "≥",
    "不低于": "≥",
    "不少于": "≥",
    "不小于": "≥",
    "至少": "≥",
    "≤": "≤",
    "<=": "≤",
    "≦": "≤",
    "小于等于": "≤",
    "小于或等于": "≤",
    "不高于": "≤",
    "不超过": "≤",
    "不多于": "≤",
    "不大于": "≤",
    "至多": "≤",
    "最多": "≤",
    "==": "=",
    "=": "=",
    "等于": "=",
}
_OPERATOR_RE = re.compile("|".join(re.escape(w) for w in sorted(_OPERATOR_WORDS, key=len, reverse=True)))
_AFTER_UNIT = (("及以上", "≥"), ("以上", "≥"), ("及以下", "≤"), ("以下", "≤"), ("以内", "≤"))
_REFUSAL = re.compile(
    r"(没有|未|无|不包含|不含|并不包含|找不到|查不到|无法)[^。！？\n]{0,16}?"
    r"(信息|数据|披露|提及|记载|列示|列出|公开|说明|相关|内容|包含|涉及|回答|找到|查到|提供)"
)
#: The text asks the reader back: a question mark at the end, or a request to choose.
_ASKS_BACK = re.compile(r"[？?]\s*$|请问|请指明|哪一个|哪一份|是指")
_TABLE_LABEL = re.compile(r"预算\s*\d{1,2}\s*表")
#: A measurement unit that goes on (次 → 次/年, 台 → 台（套）) is a different unit.
_UNIT_GOES_ON = re.compile(r"/|\([台套部件辆个项次人篇本份]")


class Score(BaseModel):
    """The verdict on one answer; ``reason`` says why it failed (empty when correct).

    ``outcome`` is ``correct`` exactly when ``correct`` is true; when it is not given it
    defaults to ``correct`` or ``wrong`` (:func:`score` always sets it).
    """

    correct: bool
    outcome: Outcome | None = None
    reason: str = ""
    shape: str = ""
    values_stated: bool | None = None  # rank questions only: did the answer give each item's amount

    @model_validator(mode="after")
    def _agree(self) -> Score:
        if self.outcome is None:
            self.outcome = "correct" if self.correct else "wrong"
        elif (self.outcome == "correct") != self.correct:
            raise ValueError(f"outcome {self.outcome!r} contradicts correct={self.correct}")
        return self


class SuiteError(ValueError):
    """A suite line that does not follow the benchmark schema."""


# --------------------------------------------------------------------------- normalising


def normalise(text: str) -> str:
    """Full-width digits and ％．＝ to ASCII, so numbers and units can be found."""
    return text.translate(_FULLWIDTH)


def squeeze(text: str) -> str:
    """Remove all whitespace and unify quote styles (the must_contain comparison)."""
    return re.sub(r"\s+", "", text.translate(_QUOTES))


def _unit(unit: str | None) -> str:
    """A unit for comparison: NFKC (（套） → (套), ％ → %) without spaces."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", unit or ""))


def operator(op: str | None) -> str | None:
    """``＝``/``=``/``==`` → ``=``, ``>=`` → ``≥``, ``<=`` → ``≤``; None when not an operator."""
    if op is None:
        return None
    op = normalise(op).strip()
    return _OPERATOR_WORDS.get(op)


def decimal(value: Any) -> Decimal | None:
    """A decimal from a string like ``"4,994.18"``; None when it is not a number."""
    if value is None:
        return None
    try:
        return Decimal(normalise(str(value)).replace(",", "").strip())
    except InvalidOperation:
        return None


def _half_up(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


# --------------------------------------------------------------------------- numbers


def _same(number: Decimal, unit: str, gold: Decimal, gold_unit: str) -> bool:
    """Does ``number unit`` state ``gold gold_unit``? Money converts, % rounds half up."""
    unit, gold_unit = _unit(unit), _unit(gold_unit)
    if unit in MONEY and gold_unit in MONEY:  # within half a cent of the gold unit
        return abs(number * MONEY[unit] - gold * MONEY[gold_unit]) <= HALF_CENT * MONEY[gold_unit]
    if gold_unit == "%":  # within 0.005 points
        return unit == "%" and abs(number - gold) <= HALF_CENT
    return _same_count_unit(unit, gold_unit) and number == gold


#: Counting words that count the same things (30个项目 = 30项).
COUNT_SYNONYMS = ({"个", "项"},)


def _same_count_unit(unit: str, gold: str) -> bool:
    """Equal, synonyms (个/项), or a printed unit that lists the gold as its alternative (台(套) states
    套)."""
    if unit == gold or any({unit, gold} <= group for group in COUNT_SYNONYMS):
        return True
    return (
        bool(gold)
        and re.fullmatch(rf"[^()]*\({re.escape(gold)}\)|{re.escape(gold)}\([^()]*\)", unit) is not None
    )


def _mentions(text: str) -> list[tuple[Decimal, int, int]]:
    """Every number in the text: (value, start, end), thousands separators stripped."""
    out = []
    for m in _NUMBER.finditer(text):
        value = decimal(m.group(1))
        if value is not None:
            out.append((value, m.start(1), m.end(1)))
    return out


def _stated_in_text(text: str, gold: Decimal, gold_unit: str) -> list[tuple[int, int]]:
    """Where the text states ``gold gold_unit``: spans from the number to the end of its unit."""
    text = normalise(text)
    want = _unit(gold_unit)
    spans = []
    for value, start, end in _mentions(text):
        tail = _unit(text[end : end + 24])
        if want in MONEY:
            unit = next((u for u in _MONEY_UNITS if tail.startswith(u)), None)
        else:
            unit = want if tail.startswith(want) and not _UNIT_GOES_ON.match(tail[len(want) :]) else None
        if unit is None and want == "%" and text[max(0, start - 3) : start] == "百分之":
            unit = "%"
        if unit is not None and _same(value, unit, gold, gold_unit):
            spans.append((start, end + _unit_length(text[end:], unit)))
    return spans


def _unit_length(rest: str, unit: str) -> int:
    """How many characters of ``rest`` the unit covers (it may be preceded by spaces)."""
    stripped = rest.lstrip()
    skipped = len(rest) - len(stripped)
    covered, i = "", 0
    while i < len(stripped) and len(_unit(covered)) < len(unit):
        covered += stripped[i]
        i += 1
    return skipped + i


def _text_operator(text: str, start: int, end: int) -> str | None:
    """The comparator written next to a number: before it (≥, 不低于 …) or after its
    unit (以上, 以内 …); None when the number stands alone."""
    before = text[max(0, start - 10) : start]
    cut = max((before.rfind(c) for c in "，。；,;、\n"), default=-1)
    for i, ch in enumerate(before):
        if ch.isdigit():
            cut = max(cut, i)
    before = before[cut + 1 :]
    found = list(_OPERATOR_RE.finditer(before))
    if found:
        return _OPERATOR_WORDS[found[-1].group(0)]
    after = text[end : end + 6].lstrip()
    return next((op for word, op in _AFTER_UNIT if after.startswith(word)), None)


# --------------------------------------------------------------------------- shapes


def shape_of(gold: dict) -> str:
    """The answer shape of a gold answer: refuse, rank, text, indicator or value."""
    if gold.get("refuse"):
        return "refuse"
    if "must_contain" in gold:
        return "rank" if "values" in gold or "ordered" in gold else "text"
    if "operator" in gold:
        return "indicator"
    return "value"


def _options(question: dict) -> list[dict]:
    """The gold answer and every ``accept`` entry (which inherit the gold operator)."""
    gold = question["answer"]
    out = [gold]
    for extra in question.get("accept") or []:
        out.append({"operator": gold.get("operator"), **extra})
    return out


def _describe(option: dict) -> str:
    op = f"{option['operator']} " if option.get("operator") else ""
    return f"{op}{option['value']} {option['unit']}"


def _score_value(question: dict, answer: Answer, indicator: bool) -> Score:
    shape = "indicator" if indicator else "value"
    options = _options(question)
    wanted = " / ".join(_describe(o) for o in options)
    value = decimal(answer.value)
    structured = value is not None and bool(answer.unit)
    wrong_operator = None
    for option in options:
        gold = Decimal(option["value"])
        if structured:
            if not _same(value, answer.unit or "", gold, option["unit"]):
                continue
        elif not _stated_in_text(answer.answer, gold, option["unit"]):
            continue
        if not indicator:
            return Score(correct=True, shape=shape)
        op = operator(answer.operator) or _operator_from_text(answer.answer, option) or "="
        if op == operator(option["operator"]):
            return Score(correct=True, shape=shape)
        wrong_operator = wrong_operator or f"operator {op} ≠ {option['operator']} (gold {wanted})"
    if wrong_operator:
        return Score(correct=False, shape=shape, reason=wrong_operator)
    if structured:
        stated = f"{answer.operator + ' ' if answer.operator else ''}{answer.value} {answer.unit}"
        return Score(correct=False, shape=shape, reason=f"stated {stated}, gold {wanted}")
    return Score(correct=False, shape=shape, reason=f"answer does not state {wanted}")


def _operator_from_text(text: str, option: dict) -> str | None:
    """The operator written at the first place the text states the option's number."""
    norm = normalise(text)
    for start, end in _stated_in_text(text, Decimal(option["value"]), option["unit"]):
        op = _text_operator(norm, start, end)
        if op is not None:
            return op
    return None


def _score_text(question: dict, answer: Answer) -> Score:
    said = squeeze(answer.answer)
    missing = [p for p in question["answer"]["must_contain"] if squeeze(p) not in said]
    if missing:
        return Score(correct=False, shape="text", reason="missing: " + "、".join(missing))
    return Score(correct=True, shape="text")


def _score_rank(question: dict, answer: Answer) -> Score:
    gold = question["answer"]
    said = squeeze(answer.answer)
    names = [squeeze(n) for n in gold["must_contain"]]
    stated = _values_stated(gold.get("values") or [], answer)
    missing = [raw for name, raw in zip(names, gold["must_contain"], strict=True) if name not in said]
    if missing:
        return Score(
            correct=False, shape="rank", values_stated=stated, reason="missing: " + "、".join(missing)
        )
    if gold.get("ordered"):
        position = 0
        for name, raw in zip(names, gold["must_contain"], strict=True):
            found = said.find(name, position)
            if found < 0:
                return Score(
                    correct=False,
                    shape="rank",
                    values_stated=stated,
                    reason=f"out of order: {raw} should come after the items before it",
                )
            position = found + len(name)
    return Score(correct=True, shape="rank", values_stated=stated)


def _values_stated(values: list[dict], answer: Answer) -> bool | None:
    """Whether every ranked item's amount appears in the text or in ``items``."""
    if not values:
        return None
    given = [(decimal(i.value), i.unit or "") for i in answer.items if decimal(i.value) is not None]
    for v in values:
        gold, unit = Decimal(v["value"]), v["unit"]
        if _stated_in_text(answer.answer, gold, unit):
            continue
        if any(_same(n, u, gold, unit) for n, u in given if n is not None):
            continue
        return False
    return True


def refuses(text: str) -> bool:
    """Does the text say the document does not contain the answer?"""
    return bool(_REFUSAL.search(text))


def asks_back(text: str) -> bool:
    """Does the text ask the reader a question (which item, which document) instead of answering?"""
    return bool(_ASKS_BACK.search(text.strip()))


def outcome(question: dict, answer: Answer | dict, correct: bool) -> Outcome:
    """How an answer fared: correct, wrong, refused or clarified (see the module docstring).

    ``question`` needs ``answer`` (the gold) and ``question`` (its text); nothing else is read.
    """
    if correct:
        return "correct"
    ans = _as_answer(question, answer)
    if ans.value is not None and ans.value.strip():
        return "wrong"
    if shape_of(question.get("answer") or {}) == "refuse" and _stray_numbers(
        question.get("question", ""), ans.answer
    ):
        return "wrong"  # a number given to an unanswerable question, even inside a refusal
    if ans.refused:
        return "refused"
    if ans.candidates:
        return "clarified"
    if refuses(ans.answer):
        return "refused"
    if asks_back(ans.answer):
        return "clarified"
    return "wrong"


def _stray_numbers(question: str, text: str) -> list[str]:
    """Numbers in the answer other than years: those of the question, and a year written as one (2022年) — a
    refusal that says which years are loaded gives no figure."""
    years = {m.group(0) for m in re.finditer(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)", normalise(question))}
    text = re.sub(r"(?<!\d)(1[89]\d\d|20\d\d)年", "", _TABLE_LABEL.sub("", normalise(text)))
    return [m.group(1) for m in _NUMBER.finditer(text) if m.group(1) not in years]


def _score_refuse(question: dict, answer: Answer) -> Score:
    if not (answer.refused or refuses(answer.answer)):
        return Score(correct=False, shape="refuse", reason="did not say the document lacks this")
    if answer.value is not None:
        return Score(correct=False, shape="refuse", reason=f"refusal gives a value {answer.value}")
    stray = _stray_numbers(question["question"], answer.answer)
    if stray:
        return Score(correct=False, shape="refuse", reason="refusal states numbers: " + ", ".join(stray))
    return Score(correct=True, shape="refuse")


def _as_answer(question: dict, answer: Answer | dict) -> Answer:
    if isinstance(answer, Answer):
        return answer
    return Answer.model_validate({"question": question.get("question", ""), "answer": "", **answer})


def score(question: dict, answer: Answer | dict) -> Score:
    """Judge one answer by the README's rules for the question's answer shape, with its outcome."""
    ans = _as_answer(question, answer)
    verdict = _verdict(question, ans)
    verdict.outcome = outcome(question, ans, verdict.correct)
    return verdict


def _verdict(question: dict, ans: Answer) -> Score:
    shape = shape_of(question["answer"])
    if shape == "refuse":
        return _score_refuse(question, ans)
    if ans.refused:
        return Score(correct=False, shape=shape, reason="refused an answerable question")
    if shape == "text":
        return _score_text(question, ans)
    if shape == "rank":
        return _score_rank(question, ans)
    return _score_value(question, ans, indicator=shape == "indicator")


# --------------------------------------------------------------------------- suites


def _check_amount(entry: Any, where: str, with_operator: bool = False) -> None:
    if not isinstance(entry, dict):
        raise SuiteError(f"{where} must be an object")
    for key in ("value", "unit"):
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            raise SuiteError(f"{where} needs a non-empty string '{key}'")
    if decimal(entry["value"]) is None or "," in entry["value"]:
        raise SuiteError(f"{where}: value {entry['value']!r} is not a plain decimal string")
    if with_operator and operator(entry.get("operator")) is None:
        raise SuiteError(f"{where}: operator {entry.get('operator')!r} is not one of {', '.join(OPERATORS)}")


def _check_phrases(phrases: Any, where: str) -> None:
    if (
        not isinstance(phrases, list)
        or not phrases
        or not all(isinstance(p, str) and p.strip() for p in phrases)
    ):
        raise SuiteError(f"{where}: must_contain must be a non-empty list of non-empty strings")


def validate_question(question: Any) -> None:
    """Raise ``SuiteError`` naming the first field that breaks the benchmark schema."""
    if not isinstance(question, dict):
        raise SuiteError("a question must be a JSON object")
    missing = [f for f in FIELDS if f not in question]
    if missing:
        raise SuiteError("missing field(s): " + ", ".join(missing))
    for key in ("id", "doc", "question", "evidence"):
        if not isinstance(question[key], str) or not question[key].strip():
            raise SuiteError(f"'{key}' must be a non-empty string")
    kind = question["type"]
    if kind not in TYPES:
        raise SuiteError(f"unknown type {kind!r}")
    gold = question["answer"]
    if not isinstance(gold, dict) or not gold:
        raise SuiteError("'answer' must be a non-empty object")
    shape = shape_of(gold)
    expected = {
        "unanswerable": {"refuse"},
        "text": {"text"},
        "rank": {"rank"},
        "indicator": {"indicator"},
        "multi_turn": {"value", "indicator", "text", "rank"},
    }.get(kind, {"value"})
    if shape not in expected:
        raise SuiteError(f"type {kind!r} cannot have a {shape!r} answer")
    if shape == "refuse" and gold != {"refuse": True}:
        raise SuiteError('a refusal answer must be exactly {"refuse": true}')
    if shape in ("value", "indicator"):
        _check_amount(gold, "'answer'", with_operator=shape == "indicator")
    if shape in ("text", "rank"):
        _check_phrases(gold["must_contain"], "'answer'")
    if shape == "rank":
        values = gold.get("values", [])
        if not isinstance(values, list) or (values and len(values) != len(gold["must_contain"])):
            raise SuiteError("'answer.values' must give one amount per item of must_contain")
        for i, v in enumerate(values):
            _check_amount(v, f"'answer.values[{i}]'")
        if "ordered" in gold and not isinstance(gold["ordered"], bool):
            raise SuiteError("'answer.ordered' must be true or false")
    if not isinstance(question["accept"], list):
        raise SuiteError("'accept' must be a list")
    if question["accept"] and shape not in ("value", "indicator"):
        raise SuiteError(f"'accept' must be empty for a {shape!r} answer")
    for i, extra in enumerate(question["accept"]):
        _check_amount(extra, f"'accept[{i}]'", with_operator=shape == "indicator" and "operator" in extra)
    history = question["history"]
    if not isinstance(history, list):
        raise SuiteError("'history' must be a list")
    for i, turn in enumerate(history):
        if (
            not isinstance(turn, dict)
            or turn.get("role") not in ("user", "assistant")
            or not isinstance(turn.get("content"), str)
            or not turn["content"].strip()
        ):
            raise SuiteError(f'\'history[{i}]\' must be {{"role": "user"|"assistant", "content": text}}')
    if kind == "multi_turn" and not history:
        raise SuiteError("a multi_turn question needs a non-empty history")


def read_suite(path: str | Path) -> tuple[list[dict], list[str]]:
    """Read a JSONL suite leniently: the valid questions, and one message per bad line (which is skipped).

    Unknown fields are kept. A file that cannot be read at all is one problem, not an exception.
    """
    path = Path(path)
    questions: list[dict] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        return [], [f"{path}: cannot read the suite ({exc})"]
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            question = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"{path}:{number}: not valid JSON ({exc.msg}); line skipped")
            continue
        try:
            validate_question(question)
        except SuiteError as exc:
            ident = question.get("id", "?") if isinstance(question, dict) else "?"
            problems.append(f"{path}:{number} ({ident}): {exc}; line skipped")
            continue
        if question["id"] in seen:
            problems.append(
                f"{path}:{number}: duplicate id {question['id']!r} (first on line {seen[question['id']]}); "
                "line skipped"
            )
            continue
        seen[question["id"]] = number
        questions.append(question)
    return questions, problems


def load_suite(path: str | Path) -> list[dict]:
    """Read a JSONL suite strictly: the first bad line raises :class:`SuiteError` naming it."""
    questions, problems = read_suite(path)
    if problems:
        raise SuiteError(problems[0].removesuffix("; line skipped"))
    return questions
