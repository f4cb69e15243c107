"""Slot extractors (槽位): each reads one part of a question and says which words it explained.

An extractor returns what it found and the spans it consumed, so the parser can tell
whether every word that carries meaning was understood. Nothing here knows a document;
the vocabulary is budget Chinese.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from assistant.plan import AmountFilter, Membership, NameFilter

_NUM = r"([0-9]+(?:\.[0-9]+)?)"
_UNIT = r"\s*(万元|万|元|块钱|块)?"
_CN_DIGITS = {
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
}
ORDINAL = r"([0-9]+|[一二两三四五六七八九十])"
YEAR = re.compile(r"((?:19|20)\d\d)\s*年")
LAST_YEAR = re.compile(r"去年|上年|上一年|前一年|上个年度")
NEXT_YEAR = re.compile(r"明年|下一年|下年度|后年|未来|以后几年|将来")
YUAN = re.compile(
    r"多少元|多少块|块钱|折合.{0,6}元|换算.{0,6}元|换成元|以元为单位|是多少元|几元|用元|单位.{0,3}元(?!.)|按元"
)
WAN = re.compile(r"多少万元|万元为单位|折合.{0,6}万元|换算.{0,6}万元|换成万元|用万元|按万元")
QUOTED = re.compile(r"[“\"‘'「『]([^”\"’'」』]{1,40})[”\"’'」』]")


def ordinal(text: str) -> int:
    return int(text) if text.isdigit() else _CN_DIGITS.get(text, 1)


#: Tables as people name them (预算08表, 基本支出表 …), most specific first.
TABLE_NAMES: list[tuple[str, str]] = [
    ("08", r"(?:一般公共预算)?(?:财政拨款)?基本支出(?:预算)?表"),
    ("06", r"财政拨款收支(?:预算)?总表"),
    ("07", r"(?:一般公共预算财政拨款|一般公共预算|财政拨款)支出(?:预算)?表"),
    ("01", r"收支(?:预算)?总表"),
    ("02", r"收入(?:预算)?总表"),
    ("03", r"支出(?:预算)?总表"),
    ("04", r"项目支出(?:情况|预算)?表"),
    ("05", r"政府采购(?:预算)?(?:明细)?表"),
    ("11", r"“?三公”?经费(?:支出)?表"),
    ("12", r"(?:政府)?购买服务(?:预算)?(?:财政拨款)?(?:明细)?表"),
    ("13", r"(?:项目支出)?绩效(?:目标)?(?:申报)?表"),
]
_TABLE_NUMBER = re.compile(r"(?:预算)?(?<![0-9])(0?[1-9]|1[0-4])(?:号)?表")


@dataclass
class Slots:
    """What the slot extractors read from one question, and the question with those words masked."""

    text: str
    masked: str
    names: list[NameFilter] = field(default_factory=list)
    amounts: list[AmountFilter] = field(default_factory=list)
    members: list[Membership] = field(default_factory=list)
    answer_unit: str | None = None
    table: str | None = None


def _mask(text: str, start: int, end: int) -> str:
    return text[:start] + "，" * (end - start) + text[end:]


def _wan(value: str, unit: str | None) -> Decimal:
    amount = Decimal(value)
    return amount / 10000 if unit in ("元", "块钱", "块") else amount


# -- name filters: 名称含“X”, 带X字样, 和X沾边, 以X开头, 以X结尾, 不含X ---------------------------

_Q = r"[“\"‘「『]?"
_QE = r"[”\"’」』]?"
_WORD = r"([^”\"’」』，。？?,\s的]{1,12}?)"
_TAIL = r"(?:这?[一二两俩三四五六七八九十0-9]?个?字(?:样|眼)?|字样)?"
NAME_PATTERNS: list[tuple[str, bool, str]] = [
    ("startswith", False, r"(?:名称|名字|项目名称?)?(?:以|用)" + _Q + _WORD + _QE + r"(?:开头|打头|起头)"),
    ("endswith", False, r"(?:名称|名字|项目名称?)?(?:以|用)" + _Q + _WORD + _QE + r"(?:结尾|收尾|结束)"),
    (
        "contains",
        True,
        r"(?:名称|名字|项目名称?)?[中里]?(?:不含|不包含|不带|没有|不包括)" + _Q + _WORD + _QE + _TAIL + r"的",
    ),
    (
        "contains",
        False,
        r"(?:名称|名字|项目名称?|标题)[中里上]?(?:含有|包含|带有|带着|带|含|有|出现|出现了|写着)"
        + _Q
        + _WORD
        + _QE
        + _TAIL
        + r"的",
    ),
    (
        "contains",
        False,
        r"(?:含有|包含|带有|带着|带|含)[“\"‘「『]([^”\"’」』]{1,12})[”\"’」』]" + _TAIL + r"(?:的|(?=\s)|$)",
    ),
    (
        "contains",
        False,
        r"(?:跟|和|与|同)"
        + _Q
        + r"([^”\"’」』，。？?,\s]{2,12}?)"
        + _QE
        + r"(?:有关|相关|沾边|挂钩|有关系|搭边|沾点边)(?:的|系的)",
    ),
    ("contains", False, r"(?:涉及|关于)[“\"‘「『]([^”\"’」』]{1,12})[”\"’」』]的"),
    ("words", False, r"([\u4e00-\u9fff]{2,10}?)(?:相关|有关|方面)的(?=那些|那几个|几个|这些|项目)"),
    ("contains", False, _Q + r"([^”\"’」』，。？?,\s的0-9（）()-]{2,6}?)" + _QE + r"(?<!分)类(?:的)?项目"),
]

# -- amount filters: =, <, <=, >, >=, between ---------------------------------------------------

AMOUNT_PATTERNS: list[tuple[str, str]] = [
    (
        "between",
        r"(?:在|介于)?"
        + _NUM
        + _UNIT
        + r"\s*(?:到|至|~|～|-|—|和)\s*"
        + _NUM
        + _UNIT
        + r"(?:之间|之内|区间)",
    ),
    ("between", r"(?:在|介于)" + _NUM + _UNIT + r"\s*(?:到|至|~|～|-|—)\s*" + _NUM + _UNIT),
    (  # 金额100-500万(含两头): a range written with a dash, its unit once at the end
        "between",
        r"(?:金额|预算|额度)?\s*"
        + _NUM
        + r"(万元|万|元)?\s*(?:-|—|~|～|到|至)\s*"
        + _NUM
        + r"\s*(万元|万|元)"
        + r"(?:[（(]含两头[）)]|[（(]含[）)]|之间)?",
    ),
    ("=", r"(?:刚好|正好|恰好|恰恰|等于|整整|正是|就是)\s*" + _NUM + _UNIT),
    (">=", r"(?:不低于|不少于|不小于|至少|起码|大于等于|大于或等于|≥|>=)\s*" + _NUM + _UNIT),
    ("<=", r"(?:不超过|不高于|不大于|不多于|至多|最多|小于等于|小于或等于|≤|<=)\s*" + _NUM + _UNIT),
    (">", r"(?:高于|超过|超出|大于|多于|>|＞|(?<![不没])超)\s*" + _NUM + _UNIT),  # 超50万的项目
    ("<", r"(?:低于|少于|小于|不足|不到|不满|<|＜)\s*" + _NUM + _UNIT),
    (">=", _NUM + _UNIT + r"\s*(?:及|或)?以上"),
    ("<=", _NUM + _UNIT + r"\s*(?:及|或)?(?:以下|以内)"),
    (
        "=",
        _NUM + r"\s*(万元|万|元|块钱|块)\s*整?的(?=项目|服务|单位|事项|那些|有)",
    ),  # 30万的项目, not 30214的项目
]

# -- membership in another table: 也在政府购买服务里, 没有绩效目标 ----------------------------------

MEMBER_TABLES = {"12": r"政府购买服务|购买服务", "05": r"政府采购|采购", "13": r"绩效目标|绩效指标|绩效表"}
#: Put into a table: 列入, 列进, 纳入, 放进, 写进, 出现在, 在 …
_INTO = r"(?:被)?(?:列入|列进|列在|纳入|放进|放入|放在|进入|写进|写入|编入|出现在|在|进)了?"
_NEG = r"(?:(?:不|没|没有|未|并未|并没有|尚未)" + _INTO + r"|没有|不属于|不含在|不是)"
_POS = r"(?:(?:也|同时|都|也都|还)?" + _INTO + r"|(?:也|同时|都)?(?:属于|是))"


def _membership(text: str) -> tuple[list[Membership], str]:
    found = []
    for table, words in MEMBER_TABLES.items():
        for present, verb in ((False, _NEG), (True, _POS)):
            m = re.search(
                verb + r"(?:" + words + r")(?:预算|明细|项目|表|财政拨款)*(?:[（(](?:预算)?\d+表[)）])?"
                r"(?:表|清单|目录|名单|里|中|范围|明细)*(?:里|中|的|内|$|，|,|？|\?)",
                text,
            )
            if m is None:  # 12表政府购买服务里没出现的: the table first, then whether the row is in it
                after = (
                    r"(?:没|没有|未|不)(?:出现|列入|列|包括|包含)过?"
                    if not present
                    else r"(?:也|同时)?(?:出现|列入)过?"
                )
                m = re.search(
                    r"(?:" + words + r")(?:预算|明细|项目|表|清单)*(?:里|中|内)(?:面)?" + after + r"的", text
                )
            if m is None:  # 04表有、12表没有的; 不在12表里的: the table said by its number
                number = (
                    r"(?:预算)?0?" + str(int(table)) + r"号?表(?:[（(][^）)]{1,12}[)）])?"
                )  # 12表(政府购买服务)
                m = (
                    re.search(number + r"(?:里|中)?(?:面)?(?:没有|没|无|未列)(?!.*" + number + ")", text)
                    or re.search(r"(?:不在|没在|未在|未列入|没列入|没有列入|不属于)" + number, text)
                    if not present
                    else re.search(number + r"(?:里|中)?(?:面)?(?:也|同时)?有的", text)
                    or re.search(r"(?:也|同时)?(?:在|列入了?|属于)" + number + r"(?:里|中|$|[，,？?])", text)
                )
            if m is None and table == "13":
                m = re.search(r"(没有|有)(?:设定?|设置|填报)?(?:" + words + r")的", text)
                if m is not None:
                    present = m.group(1) == "有"
            if m is not None:
                found.append(Membership(table=table, present=present))
                text = _mask(text, m.start(), m.end())
                break
    return found, text


def _table(text: str) -> tuple[str | None, str]:
    """The table a question names, by number or by name; both masked when they name the same one
    (基本支出表(08表))."""
    found, masked = None, text
    if m := _TABLE_NUMBER.search(text):
        found, masked = f"{int(m.group(1)):02d}", _mask(text, m.start(), m.end())
    for number, pattern in TABLE_NAMES:
        if (m := re.search(pattern, masked)) and found in (None, number):
            return number, _mask(masked, m.start(), m.end())
    return found, masked


#: A year written with two digits: 比20年, 和21年相比, 那22年的预算 (not 3年以内, 12年期).
SHORT_YEAR = re.compile(r"(^|[^0-9第近前后每满共过去个])([12]\d)年(?!度|底|初|末|以|内|期|来|间|前|后|左右)")
#: A remark on what a figure includes, or an example: （含项目支出行）, （如30229福利费）.
INCLUDES = re.compile(r"[（(](?:含|包括|包含|如|比如|例如|像)[^（）()]{1,24}[）)]")  # not (不含…): taken out
#: 维修、保险和其他三块合计: a count that closes a list of named things (not 前三项, 第二个).
LIST_COUNT = re.compile(
    r"(?<=[\u4e00-\u9fff0-9])(?<![前第后数有是共的])(?:这|那)?[两二三四五六七八九十]\s*(?:项|块|个|类|部分|笔|样|种|行)"
    r"(?=合计|加起来|加在一起|加总|相加|一共|总共|共|之和|合起来|占|的|，|,|？|\?|$)"
)


def read_slots(text: str) -> Slots:
    """Name, amount and membership filters and the asked unit; the question with them masked."""
    text = SHORT_YEAR.sub(lambda m: f"{m[1]}20{m[2]}年", text)  # 比20年多花了多少: 2020年
    text = re.sub(r"[（(]含[）)]", "", text)  # 100万元(含)到200万元(含): bounds are inclusive anyway
    slots = Slots(text=text, masked=text)
    slots.members, masked = _membership(text)
    for m in INCLUDES.finditer(masked):  # （含50101和50501）: what the whole includes, not more to add
        masked = _mask(masked, m.start(), m.end())
    for mode, negate, pattern in NAME_PATTERNS:
        m = re.search(pattern, masked)
        if m and not slots.names:
            slots.names.append(NameFilter(mode=mode, text=m.group(1), negate=negate))
            masked = _mask(masked, m.start(1), m.end(1))
    found = [(m, op) for op, pattern in AMOUNT_PATTERNS if (m := re.search(pattern, masked))]
    if found:  # the first bound the question states; a later aside (正好…的不算) only restates it
        m, op = min(found, key=lambda t: (t[0].start(), -len(t[0].group())))
        if op == "between":
            low_unit = m.group(2) or m.group(4)
            low, high = _wan(m.group(1), low_unit), _wan(m.group(3), m.group(4) or m.group(2))
            slots.amounts.append(AmountFilter(op="between", value=min(low, high), high=max(low, high)))
        else:
            slots.amounts.append(AmountFilter(op=op, value=_wan(m.group(1), m.group(2))))
        masked = _mask(masked, m.start(), m.end())
        if op in (">", ">=", "<", "<="):  # ≥100万且<200万: a second bound, on the other side
            other = ("<", "<=") if op in (">", ">=") else (">", ">=")
            for second, pattern in AMOUNT_PATTERNS:
                if second in other and (
                    n := re.match(r"[，,\s]*(?:且|并且|而且|但|同时)\s*" + pattern, masked[m.end() :])
                ):
                    slots.amounts.append(AmountFilter(op=second, value=_wan(n.group(1), n.group(2))))
                    masked = _mask(masked, m.end(), m.end() + n.end())
                    break
    if m := LIST_COUNT.search(masked):  # 加油和维修两项合计: the count restates the list
        masked = _mask(masked, m.start(), m.end())
    slots.table, masked = _table(masked)
    slots.answer_unit = "万元" if WAN.search(text) else "元" if YUAN.search(text) else None
    slots.masked = masked
    return slots
