"""The offline planner: reads a Chinese question and decides which tools answer it.

``decide`` is a pure function of the question, the conversation and the tool
results so far. It returns the next tool calls, or — once every result it
needs is in — the final answer composed from those results. Being a pure
function lets a chat model drive it one step at a time (see ``offline.py``).

The planner knows Chinese budget questions (intents, operators, filters,
follow-ups); it knows nothing of any one document.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from assistant.lexicon import COUNTERS, MEASURES, OUT_OF_SCOPE

NOT_FOUND = "文档中没有这项信息"

#: Kinds in the order a table question prefers them when one name fits several.
TABLE_KINDS = ("project", "unit", "department", "function_subject", "economic_subject", "catalogue", "three_public",
               "total", "fact")
NARRATIVE_KINDS = ("fact", "three_public", "total", "function_subject", "economic_subject", "project", "unit",
                   "department", "catalogue")
#: Kinds that narrow other rows (a unit's subjects, a class's projects).
SCOPES = ("unit", "department")
CLASSIFIERS = ("function_subject", "economic_subject", "catalogue")

DEPARTMENT = {"kind": "department", "key": "department", "name": "全部门"}
_NUM = r"([0-9]+(?:\.[0-9]+)?)"
_CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_ORDINAL = r"([0-9]+|[一二两三四五六七八九十])"

INTENT_PATTERNS: list[tuple[str, str]] = [
    ("definition", r"是指什么|指什么|指的是|什么意思|含义|名词解释|定义|是什么概念"),
    ("reason", r"原因|为什么|为何|为啥|怎么会"),
    ("description", r"统计范围|范围是|包括哪些|用途|用于|做什么|干什么|是干嘛|干嘛|主要内容|职能|职责|绩效目标是什么|"
                    r"目标是什么|管什么|哪些|哪家|什么样|吗[？?]?$"),
    ("change", r"(比|较|相比|对比)(上|去|前)年|比20\d\d年|比上一年|同比|增幅|降幅|增长率|下降率|变化|增减|"
               r"(涨|降|增|减|少|多)了(百分之|多少|几)"),
    ("ratio", r"占|比例|比重|百分比|百分之几|百分之多少|相当于|多少%"),
    ("rank", r"最(多|大|高|贵|少|小|低|便宜|省)|排名|排第|排行|第" + _ORDINAL + r"(名|位|大|多|高|贵|少|小)|前" + _ORDINAL
     + r"(名|个|项|位|大)?|倒数"),
    ("count", r"几个|多少个|多少项|几项|几辆|多少辆|几户|多少户|几家|多少家|几条|多少条|几台|多少台|几次|多少次|"
              r"几部|多少部|几名|多少名|多少人|几人|数量是多少|有几|有多少(?=[个项户辆家条台套人名次部所])"),
    ("diff", r"比.{0,40}?(多|少|高|低|大|小|贵|便宜)\S{0,2}?多少|相差|差(额|距|多少)|差了"),
    ("sum", r"合计|总共|一共|加起来|共计|之和|总和|合起来|总计|加在一起|一起"),
]
FOLLOW_UP = re.compile(r"^(那|那么|那个|其中|这个|该|它|这些|这项|此|那它|另外|还有|再)")
PCT_WORDS = re.compile(r"百分之|%|％|幅度|比率|增长率|下降率|百分比")
YUAN = re.compile(r"多少元|多少块|块钱|折合.{0,6}元|换算.{0,6}元|以元为单位|是多少元|几元")
WAN = re.compile(r"多少万元|万元为单位|折合.{0,6}万元|换算.{0,6}万元")
YEAR = re.compile(r"((?:19|20)\d\d)\s*年")
LAST_YEAR = re.compile(r"去年|上年|上一年|前一年")
QUOTED = re.compile(r"[“\"‘'「『]([^”\"’'」』]{1,40})[”\"’'」』]")

FILTERS: list[tuple[str, str]] = [
    ("name_startswith", r"(?:名称|名字|项目名)?(?:以|用)[“\"‘]?([^”\"’，。？,]{1,20}?)[”\"’]?(?:开头|打头)"),
    ("name_contains", r"(?:名称|名字|项目名称?)[中里]?(?:含有|包含|带有|带|含|有)[“\"‘]?([^”\"’，。？,]{1,12}?)[”\"’]?"
                      r"(?:这?[一二两三四五六七八九十0-9]?个?字|字样)?的"),
    ("name_contains", r"(?:含有|包含|带有|带)[“\"‘]([^”\"’]{1,12})[”\"’](?:这?[一二两三四五六七八九十0-9]?个?字|字样)?的"),
    ("name_contains", r"(?:跟|和|与)[“\"‘]?([^”\"’，。？,]{2,12}?)[”\"’]?(?:有关|相关)的"),
    ("name_contains", r"[“\"‘]?([^”\"’，。？,\s的]{2,6}?)[”\"’]?(?<!分)类(?:的)?项目"),
]
THRESHOLDS: list[tuple[str, str]] = [
    ("min", r"(?:不低于|不少于|不小于|至少|大于等于|大于或等于|≥|>=)\s*" + _NUM + r"\s*(万元|元)?"),
    ("max", r"(?:不超过|不高于|不大于|至多|小于等于|小于或等于|≤|<=)\s*" + _NUM + r"\s*(万元|元)?"),
    ("above", r"(?:高于|超过|大于|多于|>)\s*" + _NUM + r"\s*(万元|元)?"),
    ("below", r"(?:低于|少于|小于|不足|不到|<)\s*" + _NUM + r"\s*(万元|元)?"),
    ("min", _NUM + r"\s*(万元|元)?(?:及)?以上"),
    ("max", _NUM + r"\s*(万元|元)?(?:及)?以下"),
]


@dataclass
class Call:
    tool: str
    args: dict

    def key(self) -> str:
        return self.tool + json.dumps(self.args, ensure_ascii=False, sort_keys=True)


@dataclass
class Final:
    answer: str
    value: str | None = None
    unit: str | None = None
    operator: str | None = None
    formula: str | None = None
    items: list[dict] = field(default_factory=list)
    refused: bool = False
    candidates: list[dict] = field(default_factory=list)
    used: list[str] = field(default_factory=list)  # keys of the calls whose sources back the answer


class Results:
    """Tool results so far, looked up by call."""

    def __init__(self, done: list[tuple[Call, Any]]):
        self._by_key = {call.key(): result for call, result in done}

    def get(self, call: Call) -> Any:
        return self._by_key.get(call.key())

    def has(self, call: Call) -> bool:
        return call.key() in self._by_key


class Pending(Exception):
    """Raised inside planning when a result is still missing; carries the calls to make."""

    def __init__(self, calls: list[Call]):
        self.calls = calls


class ToolFailed(Exception):
    """A tool answered with an error; the planner reports it instead of guessing."""


def need(results: Results, *calls: Call) -> list[Any]:
    """The results of ``calls``; if any is missing, stop planning and ask for it."""
    missing = [c for c in calls if not results.has(c)]
    if missing:
        raise Pending(missing)
    out = [results.get(c) for c in calls]
    for result in out:
        if isinstance(result, dict) and result.get("error"):
            raise ToolFailed(result["error"])
    return out


def decide(question: str, history: list[dict], doc: dict, done: list[tuple[Call, Any]]) -> list[Call] | Final:
    """The next tool calls, or the final answer when the results suffice."""
    try:
        return _plan(Question(question, history, doc), Results(done))
    except Pending as p:
        return p.calls
    except ToolFailed as e:
        return _refuse(str(e))


# -- reading the question ----------------------------------------------------------


@dataclass
class Operand:
    """One thing a question asks a figure of: an entity, maybe within a unit, maybe one measure."""

    entity: dict
    within: list[dict] = field(default_factory=list)
    measure: str | None = None
    start: int = 0
    end: int = 0

    @property
    def name(self) -> str:
        return self.entity["name"]


class Question:
    def __init__(self, text: str, history: list[dict], doc: dict):
        self.text = text.strip()
        self.doc = doc
        self.history = history
        self.previous = next((t["content"] for t in reversed(history) if t.get("role") == "user"), None)
        self.filters, self.masked = _filters(self.text)
        self.intents = [name for name, pattern in INTENT_PATTERNS if re.search(pattern, self.masked)]
        self.years = [int(y) for y in YEAR.findall(self.text)]
        self.follow_up = bool(self.previous) and bool(FOLLOW_UP.search(self.text) or len(self.text) <= 12)
        self.asked_unit = "万元" if WAN.search(self.text) else "元" if YUAN.search(self.text) else None
        self.pct = bool(PCT_WORDS.search(self.text))


def _filters(text: str) -> tuple[dict, str]:
    """Name and amount filters (含有“X”, 以X开头, 不低于N万元); returns them and the question without them."""
    filters: dict = {}
    masked = text
    for key, pattern in FILTERS:
        m = re.search(pattern, masked)
        if m and key not in filters:
            filters[key] = m.group(1)
            masked = masked[: m.start(1)] + "，" * len(m.group(1)) + masked[m.end(1) :]
    for key, pattern in THRESHOLDS:
        m = re.search(pattern, masked)
        if m and not any(k in filters for k in ("min", "max", "above", "below")):
            value = Decimal(m.group(1))
            if m.group(2) == "元":
                value = value / 10000
            filters[key] = str(value)
            masked = masked[: m.start()] + "，" * (m.end() - m.start()) + masked[m.end() :]
    return filters, masked


def _ordinal(text: str) -> int:
    return int(text) if text.isdigit() else _CN_DIGITS.get(text, 1)


def _pick(mention: dict, prefer: tuple[str, ...]) -> dict | None:
    cands = mention["candidates"]
    if not cands:
        return None
    top = cands[0]["score"]
    close = [c for c in cands if c["score"] >= top * 0.95]
    return min(close, key=lambda c: prefer.index(c["kind"]) if c["kind"] in prefer else len(prefer))


def _operands(q: str, mentions: list[dict], prefer: tuple[str, ...]) -> list[Operand]:
    """Turn mentions into operands: a measure word after an entity qualifies it, a unit scopes what follows."""
    operands: list[Operand] = []
    scope: list[dict] = []
    for m in mentions:
        entity = _pick(m, prefer)
        if entity is None:
            continue
        start, end = m["span"]
        gap = q[operands[-1].end : start] if operands else ""
        is_measure = entity["kind"] in ("total", "fact") and _measure_word(entity["name"])
        if is_measure and operands and operands[-1].entity["kind"] not in ("total", "fact") and not _splits(gap):
            operands[-1].measure = _measure_word(entity["name"])
            continue
        op = Operand(entity=entity, within=list(scope) if entity["kind"] not in SCOPES else [], start=start, end=end)
        if entity["kind"] in SCOPES:
            scope = [entity]
        elif operands and operands[-1].entity["kind"] in SCOPES and not _splits(gap):
            operands.pop()  # "<单位>的住房公积金": the unit scopes the subject
        operands.append(op)
    return operands


def _measure_word(name: str) -> str | None:
    for word, column in MEASURES.items():
        if name == word or name.endswith(word):
            return column if word in ("收入合计", "预算合计") else word
    return None


def _splits(gap: str) -> bool:
    return bool(re.search(r"比|占|相当于|和|与|及|、|,|，|减|加|还是|或", gap))


# -- planning ----------------------------------------------------------------------


def _plan(question: Question, results: Results) -> Final:
    doc = question.doc["doc_id"]
    if any(word in question.masked for word in OUT_OF_SCOPE):
        return _refuse("文档只公开预算数字和说明，不包含人员、编制、姓名、联系方式或合同供应商等信息。")
    year = question.doc.get("year")
    prior = [y for y in question.years if year and y == year - 1] or (
        [year - 1] if year and LAST_YEAR.search(question.text) else [])
    other = [y for y in question.years if year and y not in (year, year - 1)]
    if other:
        return _refuse("已载入的预算文档不包含所问年度的数据。")
    resolve = Call("resolve", {"doc": doc, "text": question.masked})
    calls = [resolve]
    if question.follow_up:
        calls.append(Call("resolve", {"doc": doc, "text": question.previous}))
    resolved = need(results, *calls)
    current = resolved[0]
    earlier = resolved[1] if len(resolved) > 1 else None
    intent = _intent(question, current, earlier)
    if prior and intent not in ("change", "reason"):
        intent = "previous"
    return PLANS[intent](question, results, current, earlier)


def _intent(question: Question, current: dict, earlier: dict | None) -> str:
    intents = question.intents
    if not intents and earlier is not None and question.follow_up and question.previous:
        before = Question(question.previous, [], question.doc)
        inherited = _intent(before, earlier, None)
        if inherited not in ("reason", "definition", "description", "lookup"):
            return inherited
    if "reason" in intents and "change" in intents:
        return "change"  # 比去年少了多少，为什么: the change, with its reason
    for name in ("definition", "reason", "change", "ratio", "rank", "diff", "count", "sum", "description"):
        if name in intents:
            if name == "count" and _indicator_hint(question, current, earlier):
                return "indicator"
            return name
    if _indicator_hint(question, current, earlier):
        return "indicator"
    return "lookup"


def _indicator_hint(question: Question, current: dict, earlier: dict | None) -> bool:
    if re.search(r"指标|目标值|绩效目标|要求|达到|不低于|不少于|率", question.masked):
        return True
    projects = [m for m in current["mentions"] if _pick(m, TABLE_KINDS)["kind"] == "project"]
    previous_project = earlier and any(_pick(m, TABLE_KINDS)["kind"] == "project" for m in earlier["mentions"])
    return bool((projects or (previous_project and question.follow_up)) and len(current["leftover"]) >= 2)


def _operands_of(question: Question, current: dict, earlier: dict | None, prefer: tuple[str, ...]) -> list[Operand]:
    operands = _operands(current["question"], current["mentions"], prefer)
    if earlier is None:
        return operands
    before = _operands(earlier["question"], earlier["mentions"], prefer)
    if not operands:
        return before
    if before and all(o.entity["kind"] in SCOPES for o in operands) and before[-1].entity["kind"] not in SCOPES:
        previous = before[-1]  # 那<另一单位>的呢？: the same subject, another unit
        return [Operand(entity=previous.entity, within=[operands[-1].entity], measure=previous.measure)]
    if re.match(r"^(其中|里面|这里面|当中)", question.text) and before:
        scope = before[-1].entity if before[-1].entity["kind"] in SCOPES else None
        for op in operands:
            if scope and not op.within:
                op.within = [scope]
    elif before and len(operands) == 1 and not operands[0].within and before[-1].within:
        if operands[0].entity["kind"] not in SCOPES:
            operands[0].within = before[-1].within
    return operands


# -- one function per intent ---------------------------------------------------------


def _amount(results: Results, doc: str, op: Operand) -> tuple[Call, dict]:
    call = _amount_call(doc, op)
    (result,) = need(results, call)
    return call, result


def _choose_measure(result: dict, op: Operand) -> dict | None:
    measures = result.get("measures") or []
    if not measures:
        return None
    if op.measure:
        for m in measures:
            if m["measure"] == op.measure:
                return m
    return measures[0]


def _convert(results: Results, value: str, unit: str, asked: str | None) -> tuple[str, str, str | None, Call | None]:
    """Convert between 万元 and 元 when the question asks for the other unit (exactly, with the calculator)."""
    if not asked or asked == unit or unit not in ("万元", "元"):
        return value, unit, None, None
    expression = f"{value} * 10000" if asked == "元" else f"{value} / 10000"
    call = Call("calculate", {"expression": expression})
    (result,) = need(results, call)
    return result["value"], asked, f"{expression} = {result['value']}", call


def _money(value: str, unit: str) -> str:
    if unit == "万元":
        return f"{Decimal(value).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}"
    return value


def _basis(result: dict, limit: int = 3) -> str:
    labels = list(dict.fromkeys(s["label"] for s in result.get("sources", [])))
    if not labels:
        return ""
    shown = "、".join(labels[:limit]) + ("等" if len(labels) > limit else "")
    return f"（{shown}）"


def _year(question: Question) -> str:
    return f"{question.doc['year']}年" if question.doc.get("year") else ""


def _refuse(why: str = "") -> Final:
    return Final(answer=f"{NOT_FOUND}。{why}".rstrip("。") + ("。" if why else ""), refused=True)


def _not_found(question: Question, current: dict) -> Final:
    left = current.get("leftover") or ""
    what = f"“{left}”" if len(left) >= 2 and not re.search(r"[0-9]", left) else "这项内容"
    return _refuse(f"在{question.doc.get('department') or '这份预算'}的预算中没有找到{what}。")


def _ambiguous(question: Question, current: dict) -> Final | None:
    for m in current["mentions"]:
        cands = m["candidates"]
        if len(cands) < 2 or cands[0]["full"]:
            continue
        rivals = [c for c in cands if c["kind"] == cands[0]["kind"] and c["score"] >= cands[0]["score"] * 0.9]
        if len(rivals) > 1:
            names = "、".join(f"“{c['name']}”" for c in rivals[:5])
            return Final(answer=f"“{m['text']}”可能指：{names}。请问您问的是哪一个？",
                         candidates=[{"name": c["name"], "kind": c["kind"], "score": c["score"], "key": c["key"]}
                                     for c in rivals[:5]])
    return None


def plan_lookup(question: Question, results: Results, current: dict, earlier: dict | None) -> Final:
    doc = question.doc["doc_id"]
    if (ambiguous := _ambiguous(question, current)) is not None:
        return ambiguous
    operands = _operands_of(question, current, earlier, TABLE_KINDS)
    if not operands:
        return _not_found(question, current)
    if len(operands) > 1 and re.search(r"中|里|其中", question.masked):
        operands = operands[-1:]
    lines, items, used, last = [], [], [], None
    for op in operands:
        call, result = _amount(results, doc, op)
        measure = _choose_measure(result, op)
        if measure is None:
            continue
        value, unit, formula, conv = _convert(results, measure["value"], measure["unit"], question.asked_unit)
        label = op.name + (f"的{op.measure}" if op.measure else "")
        scope = "".join(w["name"] for w in op.within)
        text = f"{scope}{label}{_year(question)}预算{_money(value, unit)}{unit}{_basis(measure)}"
        lines.append(text)
        items.append({"name": label, "value": _money(value, unit), "unit": unit})
        used += [call.key()] + ([conv.key()] if conv else [])
        last = (value, unit, formula or measure.get("formula"))
    if last is None:
        return _not_found(question, current)
    final = Final(answer="；".join(lines) + "。", used=used)
    if len(items) == 1:
        final.value, final.unit, final.formula = _money(last[0], last[1]), last[1], last[2]
    else:
        final.items = items
    return final


def _set_query(question: Question, current: dict) -> tuple[str, dict, str | None]:
    """Which table a question over many rows means, and the filters its names imply."""
    text = question.masked
    filters = dict(question.filters)
    table = "04"
    if "政府购买服务" in text or "购买服务" in text:
        table = "12"
    elif "政府采购" in text:
        table = "05"
    group = None
    for m in current["mentions"]:
        entity = _pick(m, (*CLASSIFIERS, *SCOPES, *TABLE_KINDS))
        if entity is None:
            continue
        if entity["kind"] == "economic_subject":
            filters["economic_code"] = entity["key"]
        elif entity["kind"] == "function_subject":
            filters["function_code"] = entity["key"]
        elif entity["kind"] == "unit":
            filters["unit"] = entity["key"]
        elif entity["kind"] == "catalogue":
            filters["category"] = entity["key"]
            table = "05" if entity["key"].startswith("采购类别") else "12"
    if table == "04" and "项目" not in text:
        if re.search(r"功能分类|科目", text):
            table, group = "07", "function"
        elif re.search(r"经济分类", text):
            table, group = "03", "economic"
        elif re.search(r"单位", text):
            table = "02"
            filters["level"] = "单位"
    return table, filters, group


def _level(text: str) -> int | None:
    for word, digits in (("类级", 3), ("（类）", 3), ("款级", 5), ("（款）", 5), ("项级", 7), ("（项）", 7)):
        if word in text:
            return digits
    return 7 if re.search(r"功能分类|科目", text) else None


def plan_rank(question: Question, results: Results, current: dict, earlier: dict | None) -> Final:
    doc = question.doc["doc_id"]
    table, filters, group = _set_query(question, current)
    text = question.masked
    low = bool(re.search(r"最(少|小|低|便宜|省)|倒数", text))
    op, n = ("min" if low else "max"), 1
    if m := re.search(r"倒数第" + _ORDINAL, text):
        low, op, n = True, "bottom", _ordinal(m.group(1))
    elif m := (re.search(r"前" + _ORDINAL, text) or re.search(r"最\S{1,2}的" + _ORDINAL + "(个|项|名|位)", text)):
        op, n = ("bottom" if low else "top"), _ordinal(m.group(1))
    elif m := re.search(r"第" + _ORDINAL, text):
        op, n = "rank", _ordinal(m.group(1))
    args = {"doc": doc, "table": table, "op": "min" if low and op == "rank" else op, "filters": filters,
            "n": n, "group_by": group, "level": _level(text) if group == "function" else None}
    call = Call("aggregate", args)
    (result,) = need(results, call)
    items = result["items"]
    if re.search(r"倒数第", text):
        items, op = items[n - 1 : n], "nth_lowest"
    if not items:
        return _not_found(question, current)
    named = "、".join(f"{i['name']}（{_money(i['value'], '万元')}万元）" for i in items)
    what = {"rank": f"排第{n}的是", "top": f"排名前{n}的依次是", "bottom": f"最少的{n}个依次是",
            "nth_lowest": f"倒数第{n}的是"}.get(op, "最少的是" if low else "最多的是")
    final = Final(answer=f"{what}{named}，共{result['of']}项{_basis(result)}。",
                  items=[{"name": i["name"], "value": _money(i["value"], "万元"), "unit": "万元", "rank": k}
                         for k, i in enumerate(items, 1)], used=[call.key()])
    if len(items) == 1:
        final.value, final.unit = _money(items[0]["value"], "万元"), "万元"
    return final


def plan_count(question: Question, results: Results, current: dict, earlier: dict | None) -> Final:
    doc = question.doc["doc_id"]
    text = question.masked
    has_scope = any(_pick(m, (*CLASSIFIERS, *SCOPES))["kind"] in (*CLASSIFIERS, "unit") for m in current["mentions"])
    counter = next((c for c in COUNTERS if re.search(f"(几|多少){c}", text)), "个")
    if has_scope or question.filters or re.search(r"项目|政府购买服务|单位", text) and counter in ("个", "项", "户", "家"):
        table, filters, group = _set_query(question, current)
        call = Call("aggregate", {"doc": doc, "table": table, "op": "count", "filters": filters, "n": 1,
                                  "group_by": group, "level": None})
        (result,) = need(results, call)
        if result["value"] != "0" or filters:
            unit = counter if counter in ("个", "项", "户", "家") else "个"
            names = "、".join(i["name"] for i in result["items"][:12]) + ("等" if len(result["items"]) > 12 else "")
            return Final(answer=f"共{result['value']}{unit}{_basis(result)}：{names}。", value=result["value"],
                         unit=unit, items=[{"name": i["name"], "value": i["value"], "unit": "万元"} for i in result["items"]],
                         used=[call.key()])
    call = Call("counts", {"doc": doc})
    (result,) = need(results, call)
    words = current.get("leftover") or text
    best = None
    for c in result["counts"]:
        score = sum(ch in text for ch in c["subject"]) / max(len(c["subject"]), 1)
        if counter != "个" and c["unit"] != counter and not (counter in "个项" and c["unit"] in "个项"):
            continue
        if score > 0 and (best is None or score > best[0]):
            best = (score, c)
    if best is None or not words:
        return _not_found(question, current)
    c = best[1]
    cite = Call("fact", {"doc": doc, "subject": c["subject"]})
    need(results, cite)
    return Final(answer=f"{c['subject']}共{c['value']}{c['unit']}（{c['source']['label']}：{c['source']['text']}）",
                 value=c["value"], unit=c["unit"], used=[cite.key()])


def _amount_call(doc: str, op: Operand) -> Call:
    within = [{"kind": w["kind"], "key": w["key"]} for w in op.within]
    return Call("amounts", {"doc": doc, "kind": op.entity["kind"], "key": op.entity["key"], "within": within})


def _values(question: Question, results: Results, operands: list[Operand]) -> list[tuple[Operand, dict, Call]]:
    """Each operand's figure, fetched in one round of calls."""
    calls = [_amount_call(question.doc["doc_id"], op) for op in operands]
    out = []
    for op, call, result in zip(operands, calls, need(results, *calls), strict=True):
        measure = _choose_measure(result, op)
        if measure is not None:
            out.append((op, measure, call))
    return out


def plan_sum(question: Question, results: Results, current: dict, earlier: dict | None) -> Final:
    doc = question.doc["doc_id"]
    operands = _operands_of(question, current, earlier, TABLE_KINDS)
    named = [o for o in operands if o.entity["kind"] not in CLASSIFIERS]
    classifiers = [o for o in operands if o.entity["kind"] in CLASSIFIERS and not o.within]
    totals_only = all(o.entity["kind"] in ("total", "fact") for o in named)
    if question.filters or (totals_only and classifiers and "项目" in question.masked):
        table, filters, group = _set_query(question, current)
        call = Call("aggregate", {"doc": doc, "table": table, "op": "sum", "filters": filters, "n": 1,
                                  "group_by": group, "level": None})
        (result,) = need(results, call)
        value, unit, conv_formula, conv = _convert(results, result["value"], "万元", question.asked_unit)
        names = "、".join(f"{i['name']}{i['value']}" for i in result["items"][:12])
        return Final(answer=f"合计{_money(value, unit)}{unit}，共{result['count']}项{_basis(result, 2)}：{names}。",
                     value=_money(value, unit), unit=unit, formula=conv_formula or result.get("formula"),
                     items=[{"name": i["name"], "value": i["value"], "unit": "万元"} for i in result["items"]],
                     used=[call.key()] + ([conv.key()] if conv else []))
    values = _values(question, results, named if len(named) >= 2 else operands)
    if len(values) < 2:
        return plan_lookup(question, results, current, earlier)
    units = {m["unit"] for _, m, _ in values}
    if len(units) > 1:
        return _refuse("这些金额单位不同，无法直接相加。")
    expression = " + ".join(m["value"] for _, m, _ in values)
    calc = Call("calculate", {"expression": expression})
    (total,) = need(results, calc)
    unit = units.pop()
    value, unit2, _, conv = _convert(results, total["value"], unit, question.asked_unit)
    parts = "、".join(f"{o.name}{m['value']}{m['unit']}" for o, m, _ in values)
    basis = _basis({"sources": [s for _, m, _ in values for s in m["sources"]]})
    return Final(answer=f"合计{_money(value, unit2)}{unit2}：{parts}{basis}。", value=_money(value, unit2), unit=unit2,
                 formula=f"{expression} = {total['value']}",
                 items=[{"name": o.name, "value": m["value"], "unit": m["unit"]} for o, m, _ in values],
                 used=[c.key() for _, _, c in values] + [calc.key()] + ([conv.key()] if conv else []))


def _two_sides(question: Question, current: dict, earlier: dict | None, word: str) -> tuple[Operand, Operand] | None:
    operands = _operands_of(question, current, earlier, TABLE_KINDS)
    at = current["question"].find(word)
    if at < 0 or len(operands) < 2:
        return (operands[0], operands[1]) if len(operands) >= 2 else None
    left = [o for o in operands if o.start < at]
    right = [o for o in operands if o.start > at]
    if not left or not right:
        return (operands[0], operands[1])
    return left[0], right[0]


def plan_diff(question: Question, results: Results, current: dict, earlier: dict | None) -> Final:
    sides = _two_sides(question, current, earlier, "比")
    if sides is None:
        return _not_found(question, current)
    (a, ma, ca), (b, mb, cb) = _values(question, results, list(sides))
    expression = f"{ma['value']} - {mb['value']}"
    calc = Call("calculate", {"expression": expression})
    (diff,) = need(results, calc)
    delta = Decimal(diff["value"])
    value, unit, _, conv = _convert(results, str(abs(delta)), ma["unit"], question.asked_unit)
    word = "多" if delta >= 0 else "少"
    basis = _basis({"sources": ma["sources"] + mb["sources"]})
    return Final(answer=f"{a.name}比{b.name}{word}{_money(value, unit)}{unit}（{ma['value']} − {mb['value']}）{basis}。",
                 value=_money(value, unit), unit=unit, formula=f"{expression} = {diff['value']}",
                 items=[{"name": a.name, "value": ma["value"], "unit": ma["unit"]},
                        {"name": b.name, "value": mb["value"], "unit": mb["unit"]}],
                 used=[ca.key(), cb.key(), calc.key()] + ([conv.key()] if conv else []))


def plan_ratio(question: Question, results: Results, current: dict, earlier: dict | None) -> Final:
    doc = question.doc["doc_id"]
    word = "占" if "占" in current["question"] else "相当于"
    operands = _operands_of(question, current, earlier, TABLE_KINDS)
    at = current["question"].find(word)
    left = [o for o in operands if o.start < at] if at >= 0 else operands[:1]
    right = [o for o in operands if o.start > at] if at >= 0 else operands[1:2]
    numerator: tuple[str, str, list, list[str], str] | None = None
    if question.filters or any(o.entity["kind"] in CLASSIFIERS for o in left) and "项目" in question.masked[:at]:
        table, filters, group = _set_query(question, current)
        call = Call("aggregate", {"doc": doc, "table": table, "op": "sum", "filters": filters, "n": 1,
                                  "group_by": group, "level": None})
        (result,) = need(results, call)
        label = next((o.name for o in left), "合计")
        numerator = (result["value"], label, result["sources"], [call.key()], "万元")
    elif left:
        (op, m, c), = _values(question, results, left[:1])
        numerator = (m["value"], op.name + (f"的{op.measure}" if op.measure else ""), m["sources"], [c.key()], m["unit"])
    if not right and re.search(r"(全|本|整个)部门|全局|总预算|总额|全部", question.masked[at:]):
        right = [Operand(entity=DEPARTMENT)]
    if numerator is None and not left and earlier is not None:
        before = _operands(earlier["question"], earlier["mentions"], TABLE_KINDS)
        if before:
            (op, m, c), = _values(question, results, before[-1:])
            numerator = (m["value"], op.name, m["sources"], [c.key()], m["unit"])
    if numerator is None or not right:
        return _not_found(question, current)
    (bop, bm, bc), = _values(question, results, right[:1])
    expression = f"{numerator[0]} / {bm['value']} * 100"
    calc = Call("calculate", {"expression": expression, "places": 2})
    (ratio,) = need(results, calc)
    basis = _basis({"sources": numerator[2] + bm["sources"]})
    denominator = bop.name + (f"的{bop.measure}" if bop.measure else "")
    return Final(answer=f"{ratio['value']}%：{numerator[1]}{numerator[0]}{numerator[4]} ÷ {denominator}{bm['value']}{bm['unit']}"
                        f" × 100{basis}。",
                 value=ratio["value"], unit="%", formula=f"{expression} = {ratio['value']}",
                 used=numerator[3] + [bc.key(), calc.key()])


def _subject(question: Question, current: dict, earlier: dict | None) -> dict | None:
    """The narrative subject a change/reason question is about (a fact, else any named thing)."""
    mentions = current["mentions"] or (earlier or {}).get("mentions", [])
    for m in mentions:
        fact = next((c for c in m["candidates"] if c["kind"] == "fact"), None)
        if fact:
            return fact
    for m in mentions:
        entity = _pick(m, NARRATIVE_KINDS)
        if entity:
            return entity
    return None


def plan_change(question: Question, results: Results, current: dict, earlier: dict | None) -> Final:
    doc = question.doc["doc_id"]
    subject = _subject(question, current, earlier)
    call = Call("change", {"doc": doc, "subject": (subject["key"] if subject["kind"] == "fact" else subject["name"])
                           if subject else ""})
    (result,) = need(results, call)
    if result.get("change") is None:
        return _refuse(f"说明中没有给出{result['subject']}与上年相比的变化。")
    subject = {"name": result["subject"]}
    change = Decimal(result["change"])
    direction = result["direction"] or ("增加" if change > 0 else "减少" if change < 0 else "持平")
    note = f"{result['note']}；" if result.get("note") else ""
    basis = f"（{note}{result['sources'][0]['label']}：{result['sources'][0]['text']}）"
    prev_year = (result.get("year") or 1) - 1
    if question.pct and result.get("change_pct") is not None:
        pct = abs(Decimal(result["change_pct"]))
        word = "增长" if change > 0 else "下降"
        return Final(answer=f"{pct}%：{subject['name']}比{prev_year}年{word}{pct}%{basis}", value=str(pct), unit="%",
                     used=[call.key()])
    value, unit, formula, conv = _convert(results, str(abs(change)), result["unit"], question.asked_unit)
    asked = re.search(r"原因|为什么|为何", question.text)
    reason = f"主要原因：{result['reason']}。" if result.get("reason") and asked else ""
    text = f"{_money(value, unit)}{unit}：{subject['name']}{result['year']}年预算{result['amount']}{result['unit']}，比{prev_year}年{direction}{_money(value, unit)}{unit}"
    return Final(answer=text + basis + reason, value=_money(value, unit), unit=unit, formula=formula,
                 used=[call.key()] + ([conv.key()] if conv else []))


def plan_previous(question: Question, results: Results, current: dict, earlier: dict | None) -> Final:
    doc = question.doc["doc_id"]
    subject = _subject(question, current, earlier)
    if subject is None or subject["kind"] != "fact":
        return _refuse(f"文档是{question.doc.get('year')}年的预算，没有单列上一年的这项数据。")
    call = Call("change", {"doc": doc, "subject": subject["key"]})
    (result,) = need(results, call)
    if result.get("previous") is None:
        return _refuse(f"说明中没有给出{subject['name']}与上年的比较，无法推算上一年的数。")
    value, unit, _, conv = _convert(results, result["previous"], result["unit"], question.asked_unit)
    source = result["sources"][0]
    return Final(answer=f"{result['previous_year']}年为{_money(value, unit)}{unit}：由{result['year']}年{result['amount']}{result['unit']}"
                        f"与变化{result['change']}{result['unit']}推算（{source['label']}：{source['text']}）",
                 value=_money(value, unit), unit=unit, formula=result["formula"],
                 used=[call.key()] + ([conv.key()] if conv else []))


def plan_reason(question: Question, results: Results, current: dict, earlier: dict | None) -> Final:
    doc = question.doc["doc_id"]
    subject = _subject(question, current, earlier)
    if subject is not None and subject["kind"] == "fact":
        call = Call("change", {"doc": doc, "subject": subject["key"]})
        (result,) = need(results, call)
        if result.get("reason"):
            source = result["sources"][0]
            return Final(answer=f"{result['reason']}。（{source['label']}：{source['text']}）", used=[call.key()])
    return plan_description(question, results, current, earlier, must=["原因"])


def plan_definition(question: Question, results: Results, current: dict, earlier: dict | None) -> Final:
    doc = question.doc["doc_id"]
    quoted = QUOTED.search(question.text)
    term = quoted.group(1) if quoted else (current["mentions"][0]["text"] if current["mentions"] else "")
    if not term:
        m = re.search(r"(?:什么是|何为)?([^，。？?是]{2,20}?)(?:是指什么|指什么|指的是|是什么意思|的含义|的定义)", question.text)
        term = m.group(1) if m else ""
    if term:
        call = Call("define", {"doc": doc, "term": term})
        (result,) = need(results, call)
        if result.get("definition"):
            return Final(answer=f"{term}：{result['definition']}。（{result['sources'][0]['label']}）", used=[call.key()])
    return plan_description(question, results, current, earlier)


def plan_description(question: Question, results: Results, current: dict, earlier: dict | None,
                     must: list[str] | None = None) -> Final:
    doc = question.doc["doc_id"]
    project = _project(current, earlier if question.follow_up else None)
    if project and not must:
        call = Call("indicators", {"doc": doc, "project": project["key"], "query": ""})
        (result,) = need(results, call)
        if result.get("goal"):
            return Final(answer=f"{project['name']}的绩效目标：{result['goal']}（预算13表·{project['name']}）", used=[call.key()])
    words = [m["text"] for m in current["mentions"]] + (must or [])
    topic = re.findall(r"范围|用途|用于|职能|职责|目标|内容|原因", question.text)
    call = Call("search", {"doc": doc, "query": question.text, "k": 5, "kind": "narrative", "must": words + topic})
    (result,) = need(results, call)
    best = None
    for hit in result["hits"]:
        for sentence in hit["sentences"][:1]:
            score = sum(w in sentence for w in words) * 2 + sum(t in sentence for t in topic)
            if best is None or score > best[0]:
                best = (score, sentence, hit)
    if best is None or best[0] < 2:
        return _not_found(question, current)
    _, sentence, hit = best
    return Final(answer=f"{sentence.strip()}（{hit['source']['label']}）", used=[call.key()])


def _project(current: dict, earlier: dict | None) -> dict | None:
    """The project a question (or, for a follow-up, the previous question) names."""
    for source in (current, earlier):
        for m in (source or {}).get("mentions", []):
            entity = _pick(m, TABLE_KINDS)
            if entity and entity["kind"] == "project":
                return entity
    return None


def plan_indicator(question: Question, results: Results, current: dict, earlier: dict | None) -> Final:
    doc = question.doc["doc_id"]
    project = _project(current, earlier if question.follow_up else None)
    text = current["question"]
    for m in current["mentions"]:  # the project's own name is not the indicator's
        if project and any(c["kind"] == "project" and c["key"] == project["key"] and c["full"] for c in m["candidates"]):
            text = text.replace(m["text"], "，")
    call = Call("indicators", {"doc": doc, "project": project["key"] if project else None, "query": text})
    (result,) = need(results, call)
    if not result["indicators"]:
        if project and re.search(r"目标|干什么|做什么", question.text) and result.get("goal"):
            return Final(answer=f"{project['name']}的绩效目标：{result['goal']}（预算13表）", used=[call.key()])
        if project and not re.search(r"指标|目标|要求|率", question.text):
            return plan_lookup(question, results, current, earlier)
        return _not_found(question, current)
    best = result["indicators"][0]
    explicit = re.search(r"指标|目标|要求|率", question.text) or "count" in question.intents
    if best["coverage"] < 0.5 and not explicit and project:
        return plan_lookup(question, results, current, earlier)
    op = best["operator"]
    value_text = f"{op}{best['value']}{best['unit']}" if op in ("≥", "≤", "=") else f"{best['value']}{best['unit']}"
    return Final(answer=f"{value_text}：{best['project']}的{best['level2']}“{best['name']}”目标为{value_text}（{best['source']['label']}）",
                 value=best["value"], unit=best["unit"], operator=op if op in ("≥", "≤", "=") else None,
                 used=[call.key()])


PLANS = {
    "lookup": plan_lookup,
    "sum": plan_sum,
    "diff": plan_diff,
    "ratio": plan_ratio,
    "rank": plan_rank,
    "count": plan_count,
    "change": plan_change,
    "previous": plan_previous,
    "reason": plan_reason,
    "definition": plan_definition,
    "description": plan_description,
    "indicator": plan_indicator,
}
