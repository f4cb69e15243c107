"""The offline parser (问题理解): a Chinese question → a :class:`QueryPlan`, a clarifying question, or a
refusal.

Slots are read one at a time — time, the asked unit, filters (:mod:`assistant.slots`), the
names the question uses (resolved against the document's own vocabulary), the operation
(one pattern per registered operation) — and assembled into a plan. A follow-up is an edit
of the previous question's plan: a new entity, unit, measure or answer unit replaces the
old one. When a word that carries meaning is left unexplained, the parser says what it
understood and what it did not instead of computing from half a question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from assistant.contract import Candidate, PlanResult
from assistant.english import gloss, is_english
from assistant.entities import Catalog, Entity, in_order, normalize
from assistant.executor import interpret
from assistant.lexicon import (
    ATTRIBUTE_WORDS,
    DISTRICTS,
    FACILITY_COUNT,
    INDICATOR_COUNTERS,
    ITEM_DETAIL,
    MEASURES,
    ORGANISATION,
    OTHER_NAME,
    OUT_OF_SCOPE,
    PEOPLE_COUNT,
    PROCUREMENT_CLASSES,
    THREE_PUBLIC_PARTS,
)
from assistant.operations.base import NOT_FOUND
from assistant.plan import EntityRef, NameFilter, Operand, QueryPlan, RowSet
from assistant.slots import (
    LAST_YEAR,
    LIST_COUNT,
    NEXT_YEAR,
    ORDINAL,
    QUOTED,
    YEAR,
    Slots,
    ordinal,
    read_slots,
)
from index.subjects import class_name

NOT_UNDERSTOOD = "没能理解这个问题"
#: Kinds in the order a table question prefers them when one name fits several.
TABLE_KINDS = (
    "project",
    "unit",
    "department",
    "function_subject",
    "economic_subject",
    "catalogue",
    "three_public",
    "total",
    "fact",
)
NARRATIVE_KINDS = (
    "fact",
    "three_public",
    "total",
    "function_subject",
    "economic_subject",
    "project",
    "unit",
    "department",
    "catalogue",
)
SCOPES = ("unit", "department")
CLASSIFIERS = ("function_subject", "economic_subject", "gov_economic_subject", "catalogue")
#: Classifications from the widest to the narrowest: a cell is read under all of them.
CELL_KINDS = ("function_subject", "gov_economic_subject", "economic_subject")
ECONOMIC_KINDS = ("gov_economic_subject", "economic_subject")
DEPARTMENT = EntityRef(kind="department", key="department", name="全部门")

INTENT_PATTERNS: list[tuple[str, str]] = [
    (
        "define",
        r"是指什么|指什么|指的是|什么意思|啥意思|含义|名词解释|定义|是什么概念|怎么理解|统计口径|口径是",
    ),
    (
        "reason",
        r"原因|为什么|为何|为啥|怎么会|咋回事|(怎么|咋)(就)?(涨|增加|增长|多|少|降|减少|下降)了?|"
        r"(怎么|咋)(没有|没|是空|空)",
    ),
    (
        "describe",
        r"统计范围|范围是|包括哪些|用途|用于|做什么|干什么|是干嘛|干嘛|主要内容|职能|职责|绩效目标是什么|"
        r"目标是什么|还有个?(名字|名称|牌子)|别名|又叫|也叫|还叫|挂.{0,8}牌子|加挂|管(什么|啥|些|哪|不管|吗)|(?<!理)管(?!理)[\u4e00-\u9fff]{1,10}吗|归.{0,8}管|负不负责|负责什么|负责些?啥|哪些|哪家|什么样|"
        r"吗[？?!！。]*$",
    ),
    (
        "change",
        r"(比|较|相比|对比|和|跟)(上|去|前)年|(比|较|相比|对比)\s*20\d\d年|比上一年|同比|增幅|降幅|增长率|下降率|变化|增减|"
        r"(涨|降|增|减|少|多)了(百分之|多少|几)",
    ),
    (
        "share",
        r"占.{0,12}(比例|比重|百分|%|％|几成|多少成)|占比|比例|比重|百分比|百分之几|百分之多少|相当于|多少%|几成|"
        r"占[^，。？?多了]{1,12}?多少(?!钱|万|元)|占.{1,16}(几|多少)个点|占多少(?!钱|万|元)|"
        r"[/÷][^，。？?]*[%％]",
    ),
    (
        "rank",
        r"最(多|大|高|贵|少|小|低|便宜|省|烧钱)|排名|排第|排行|第"
        + ORDINAL
        + r"(名|位|大|多|高|贵|少|小)|前"
        + ORDINAL
        + r"(名|个|项|位|大)?|倒数|从高到低|从大到小|从多到少|从低到高|从小到大|依次|降序|升序|"
        r"由高到低|由大到小|由多到少|由低到高|由小到大|top\s*[0-9]+|"
        r"主要(花|用|投|集中)在(哪|什么)(一|个)?(类|款|科目|功能)",
    ),
    (
        "count",
        r"(?<![那这哪])几个(?!点|百分点)|多少个(?!点|百分点)|多少项|几项|几行|多少行|几辆|多少辆|几户|多少户|几家|多少家|几条|多少条|几台|多少台|几次|多少次|"
        r"几部|多少部|几名|多少名|多少人|几人|几套|多少套|数量是多少|有几|有多少(?=[个项户辆家条台套人名次部所])|"
        r"个数|数量|项数|(项目|单位|科目)数(?!据|字|额)",
    ),
    (
        "difference",
        r"比.{0,40}?(多|少|高|低|大|小|贵|便宜)\S{0,4}?多少|相差|差(额|距|多少)|差了|差几|\s[-－−]\s|减去|"
        r"(?<=[计额数])\s*减\s*|"
        r"哪个(?:的)?(?:钱|预算|经费|支出)?更?(?:多|高|大|少|低)(?!少)|谁(?:的)?(?:钱|预算)?更?(?:多|少)(?!少)",
    ),
    ("sum", r"合计|总共|一共|加起来|共计|之和|总和|合起来|总计|加在一起|一起|加总|累计|加一块|一块儿?多少"),
    ("avg", r"平均"),
]
FOLLOW_UP = re.compile(
    r"^(那|那么|那个|其中|这个|该|它|这些|这项|此|那它|另外|还有|再|换成|改成|如果|要是|用|这里面|里面|当中)"
    r"|占(了)?(其中|里面|这里面|当中)"  # 出国费用占了其中百分之几: a part of what was asked before
    r"|^(占|它占|这占)"  # 占本级项目支出的比例是多少: the part is what was asked before
)
PCT_WORDS = re.compile(r"百分之|%|％|幅度|比率|增长率|下降率|百分比|百分点|降幅|增幅|涨幅|跌幅")
GROUP_WORDS = [
    ("catalogue1", r"(按|各|每个|哪个|哪一)[^，。？]{0,12}一级(目录|分类)|一级(目录|分类)汇总"),
    ("catalogue2", r"(按|各|每个|哪个|哪一)[^，。？]{0,12}二级(目录|分类)|二级(目录|分类)汇总"),
    ("catalogue3", r"(按|各|每个|哪个|哪一)[^，。？]{0,12}三级(目录|分类)|三级(目录|分类)汇总"),
    (
        "unit",
        r"各(个)?(预算)?单位|每个单位|按(预算)?单位|分单位|哪个单位|哪家单位|哪一个单位|各下属单位|"
        r"[0-9一二三四五六七八九十几]+(个|家)(预算|下属|所属|二级)?单位(?![^，。？?]{0,2}(加总|合计|加起来|一起|总计|汇总|合并))",
    ),
    (
        "function",
        r"各(个)?(功能分类)?科目|每个科目|按(支出)?(功能分类)?的?([类款项]级)?科目|按[类款项]级的?(支出)?功能(分类)?科目|分科目|哪个科目|哪类|哪一类|哪个功能|"
        r"(哪|每|各)(一|个)?[类款](?![别型])|"
        r"不同的?.{0,10}(功能分类)?科目",
    ),
    ("economic", r"按(部门|政府)?经济分类|各(部门|政府)?经济分类|哪个经济分类|各(类|项)支出用途|经济科目"),
]
MONEY_WORDS = re.compile(
    r"多少钱|花了|花多少|要花|预算|经费|资金|拨了|拨款|万元|块钱|付多少|要付|贵|钱|换成元|折合|换算|"
    r"总额|金额"
)
INDICATOR_WORDS = re.compile(
    r"指标|目标值|绩效目标|要求|达到|不低于|不少于|率|多久|多长时间|时限|响应|几天|几小时|几分钟|"
    r"每人|每天|每次|每小时|每月|单价|人均|每台|标准是|满意度|定的是?多少|定了?多少|目标(是|为|定)?多少"
)
RANKED = re.compile(
    r"(倒数)?(?:排)?第([一二三四五六七八九十0-9]+)(?:名|位|大|多|贵|高|的)|"
    r"最(贵|多|大|高|便宜|少|小|低|烧钱)的(?:那个|那项|一个|项目)?"
)
#: 排第几: the place of one thing in a ranking, not the thing at a place.
POSITION = re.compile(r"排(在)?第几|第几(名|位|大|多)|名次|排老几|排多少位|排在什么位置")
REFERS_BACK = re.compile(r"这个项目|该项目|此项目|这项|它的|它|其|这个")
#: Operations that compute a figure: a word of the question they leave unused is a reason to ask back.
NUMERIC = {
    "value",
    "sum",
    "avg",
    "count",
    "max",
    "min",
    "top",
    "bottom",
    "rank",
    "rank_low",
    "list",
    "difference",
    "share",
    "position",
}
#: Words a plan explains by its operation, scope or wording rather than by a name.
EXPLAINED = re.compile(
    "|".join(p for _, p in INTENT_PATTERNS)
    + "|"
    + "|".join(p for _, p in GROUP_WORDS)
    + r"|项目|单位|科目|表|行|预算数|安排|今年|本年|明细|各项|数额|一共|多少|分别|本部门|部门|全局|"
    r"整体|总体|下属|所属|这些|那些|其中|里面|当中|之中|名称|名字|编码|代码|列了|列入|列支|总数|合计数|小计|"
    r"自己|自身|本身|单独|全年|一年|一共|大概|大约|总体上|盘子|规模|相关|有关|沾边|涉及|拿到|分到|能拿|"
    r"一般公共预算|财政拨款|当年|年度|区级|保留.位小数|精确到.|四舍五入|基本\+项目|"
    r"指导性目录|目录|类别|多大|比例|比重|占比|[（(][^（）()]*(合计|加起来|一共|在内|总和)[）)]|"
    r"(给|为|替)?(干部职工|职工|员工|工作人员)们?(交|缴|缴纳|发|买)?的?|"
    r"(这|那)[一二两三四五六七八九十几0-9]+(个|项)[\u4e00-\u9fff]{0,4}项目|"
    r"^(说明|文档|文件|文中|表)(里|中|上)?(写|说|提到|写着|列)(的|了|着)?|"
    + "|".join(d.removesuffix("区") + "区?" for d in DISTRICTS)
)
#: Words that name a table: explained when the plan reads that table.
TABLE_WORDS = {
    "12": r"政府购买服务|购买服务",
    "05": r"政府采购|采购",
    "11": r"“?三公”?经费?|三公",
    "13": r"绩效",
}
#: 有几个绩效指标, 产出指标有几条: targets counted, not one target's value.
_TARGET_CLASS = (
    r"(?:绩效|产出|效益|满意度|数量|质量|时效|成本|经济效益|社会效益|生态效益|可持续影响|一级|二级|三级)"
)
COUNTS_INDICATORS = re.compile(  # not 数量指标是多少条 (a target's value), not 运维系统指标有几个 (a target)
    r"(?:" + _TARGET_CLASS + r"|^|[的项目中里,，])指标[^，。？?是为]{0,8}?(有|共|列了?)[^，。？?是为]{0,3}"
    r"(几|多少)(个|条|项)|(几|多少)(个|条|项)" + _TARGET_CLASS + r"?指标|"
    r"指标(?:里|中|当中)[，,]?[^，。？?]{0,8}?(?:有|共)?(?:几|多少)(?:个|条|项)"  # 指标里，定性的有几条
)
#: A remark that one thing is counted too (连局机关算上, 本级也算在内): the whole is meant.
INCLUSIVE = re.compile(
    r"[（(]?(?:连同?|包括|把)[^，。？?（）()]{1,12}?(?:也|都)?(?:算上|算在内|在内|一起算|都算|算进去)[)）]?"
)
#: 两个加一块多少: the two figures just asked, added.
BOTH_BEFORE = re.compile(
    r"^(那|那么)?(这|那)?(两|二|俩)(个|项|笔|者|样)?(的)?(钱|预算)?(加一块|加起来|加在一起|一共|合计|总共|相加|之和|加总)"
)
#: 差多少 after two figures: the first less the second.
BOTH_APART = re.compile(
    r"^(那|那么)?(这|那)?(两个|两者|两项|俩|它们|二者)?(之间)?相?差(多少|几|了多少|额|距)(是多少)?[？?]?$"
)
#: Why a table is empty (为什么是空的): its printed note says.
EMPTY = re.compile(r"空的|空白|空表|没有数据|无数据|没数据|没有数|没填|是0|为0|为零|是零|没有内容")
#: 它占…, 这个项目的…: the thing the last answer named.
PRONOUN = re.compile(r"^(?:那)?(?:它的|它|这个项目的?|该项目的?|此项目的?|这一项|这项)")
#: 那另外一个项目呢: the other one of the kind asked about before.
OTHER_ONE = re.compile(r"另(?:外)?(?:一|那)(?:个|项|家)(项目|单位)?")  # not 另外项目支出
#: Words that take something out of a set or a total; a plan that takes nothing out has not understood them.
EXCLUDES = re.compile(
    r"扣掉|扣除|除了|除去|除开|除外|排除|不包括|不包含|不含|不算|以外|之外|剔除|去掉|刨去|刨除|减去|减掉"
)


@dataclass
class Reading:
    """A question as the parser reads it: its slots, intents, years and the resolved names."""

    text: str
    slots: Slots
    intents: list[str]
    years: list[int]
    mentions: list[dict]
    question: str  # the normalised form the mentions' spans refer to
    leftover: str

    @property
    def masked(self) -> str:
        return self.slots.masked


#: 绿道那个养护项目, 公车一年运维: a pointing or time word inside a description, dropped so the name reads on.
FILLER = re.compile(  # not after an organisation: 教委那个校园平台 keeps 教委 apart from the project
    r"(?<=[\u4e00-\u9fff])(?<![局委办心院所站队])(?:的那个|那个|这个|的这个|一年|每年)(?=[\u4e00-\u9fff])"
)


def read(text: str, catalog: Catalog) -> Reading:
    slots = read_slots(text)
    q, mentions = catalog.resolve(FILLER.sub("", slots.masked))
    mentions_d = _own_department(
        q,
        _own_unit(
            q, _classes(q, _subject_prefixes(q, [m.as_dict() for m in mentions], catalog), catalog), catalog
        ),
        catalog,
    )
    _narrow(mentions_d, slots)
    _by_unit(mentions_d, catalog)
    intents = [name for name, pattern in INTENT_PATTERNS if re.search(pattern, slots.masked)]
    outside = "".join(
        "，" if any(a <= i < b for a, b in (m["span"] for m in mentions_d)) else c for i, c in enumerate(q)
    )
    if "change" in intents and not re.search(dict(INTENT_PATTERNS)["change"], outside):
        intents.remove("change")  # A比2019年第三方…经费多多少: the year is part of a name, not a comparison
    return Reading(
        text=text,
        slots=slots,
        intents=intents,
        years=[int(y) for y in YEAR.findall(outside)],
        mentions=mentions_d,
        question=q,
        leftover=catalog.leftover(q, mentions),
    )


def _narrow(mentions: list[dict], slots: Slots) -> None:
    """带“2024年度”的清扫保洁项目: a quoted word picks, of the projects a short name fits, those with it."""
    texts = [normalize(f.text) for f in slots.names if not f.negate and f.mode in ("contains", "words")]
    if not texts:
        return
    for m in mentions:
        projects = [c for c in m["candidates"] if c["kind"] == "project"]
        fitting = [c for c in projects if all(t in normalize(c["name"]) for t in texts)]
        if len(projects) > 1 and fitting:
            m["candidates"] = fitting


def _by_unit(mentions: list[dict], catalog: Catalog) -> None:
    """普查中心那个应急值守运维项目: of the projects a short name fits, the one the named unit runs."""
    units = {c["key"] for m in mentions for c in m["candidates"][:1] if c["kind"] == "unit"}
    if len(units) != 1:
        return
    for m in mentions:
        projects = [c for c in m["candidates"] if c["kind"] == "project"]
        fitting = [c for c in projects if catalog.project_units.get(c["key"]) in units]
        if len(projects) > 1 and fitting:
            m["candidates"] = fitting


def _subject_prefixes(q: str, mentions: list[dict], catalog: Catalog) -> list[dict]:
    """普通教育（20502）, 206: a 类 or 款 code the tables print only inside longer codes is still a
    subject."""
    printed = {kind: [e.key for e in catalog.by_kind(kind) if e.key.isdigit()] for kind in CELL_KINDS}
    for m in re.finditer(r"(?<![0-9])([0-9]{3}|[0-9]{5})(?![0-9])", q):
        code = m.group(1)
        kind = next(
            (k for k, codes in printed.items() if any(c.startswith(code) and c != code for c in codes)), None
        )
        if any(a <= m.start() < b for a, b in (x["span"] for x in mentions)) or kind is None:
            continue  # 资本性支出（503类）, 普通教育（20502）: a class printed only inside longer codes
        named = re.search(r"([\u4e00-\u9fff]{2,14})[（(]?$", q[: m.start()])
        name = (
            class_name(code)
            if len(code) == 3 and kind == "function_subject"
            else (named.group(1) if named else code)
        )
        start = named.start() if named and (len(code) == 5 or kind != "function_subject") else m.start()
        mentions = [x for x in mentions if not (x["span"][0] < m.end() and start < x["span"][1])]
        mentions.append(
            {
                "text": q[start : m.end()],
                "span": [start, m.end()],
                "candidates": [
                    {
                        "kind": kind,
                        "key": code,
                        "name": name or code,
                        "score": 50.0,
                        "full": True,
                    }
                ],
            }
        )
    return sorted(mentions, key=lambda x: x["span"][0])


THREE_PUBLIC_TOTAL = next(iter(THREE_PUBLIC_PARTS))


def _parent_part(name: str) -> str | None:
    return next((parent for parent, parts in THREE_PUBLIC_PARTS.items() if name in parts), None)


def _three_public_name(entity: dict) -> str:
    """The column a “三公” entity is printed as (its key), or the 三公 total for the bare total."""
    if entity["key"] == "“三公”经费":
        return THREE_PUBLIC_TOTAL
    if entity["kind"] == "three_public" and entity["key"] in THREE_PUBLIC_PARTS:
        return entity["key"]
    return entity["name"]


def _descendants(parent: str) -> list[str]:
    out = []
    for part in THREE_PUBLIC_PARTS.get(parent, ()):
        out += [part, *_descendants(part)]
    return out


def _part_stem(column: str) -> str:
    """公务用车加油 → 加油, 因公出国（境）费用 → 出国, 公务接待费 → 接待: the word people use for a part."""
    stem = re.sub(r"^(公务用车|公务|因公)|（境）|费用$|费$", "", column)
    return stem if len(stem) >= 2 and stem != "其他" else ""


def _free(q: str, mentions: list[dict], start: int, end: int) -> bool:
    return not any(a < end and start < b for a, b in (m["span"] for m in mentions))


def _add(mentions: list[dict], q: str, start: int, end: int, entity) -> list[dict]:
    mention = {
        "text": q[start:end],
        "span": [start, end],
        "candidates": [entity.as_dict() | {"score": 50.0, "full": True}],
    }
    return sorted([*mentions, mention], key=lambda x: x["span"][0])


def _classes(q: str, mentions: list[dict], catalog: Catalog) -> list[dict]:
    """政府采购里货物类: a class of 预算05表 named by its plain word."""
    if "采购" not in q:
        return mentions
    for word in PROCUREMENT_CLASSES:
        at = q.find(word)
        found = [e for e in catalog.by_kind("catalogue") if e.key.startswith("采购类别:") and e.name == word]
        if at >= 0 and len(found) == 1 and _free(q, mentions, at, at + len(word)):
            mentions = _add(mentions, q, at, at + len(word), found[0])
    return mentions


def _office_name(m: re.Match) -> str:
    """The office an ORGANISATION match names, without the words before it (的预算占全局 → 全局) or its
    district (西城教委 → 教委)."""
    name = re.sub(r"^.*(?:年底|年初|年|的|占|在|和|与|比)", "", m.group(1))
    for district in DISTRICTS:
        name = name.removeprefix(district).removeprefix(district.removesuffix("区"))
    return name


def _own_department(q: str, mentions: list[dict], catalog: Catalog) -> list[dict]:
    """园林局 for 园林绿化局: an office named by characters of the department's own name, in order."""
    department = catalog.get("department", "department")
    if department is None:
        return mentions
    core = normalize(re.sub(r"^(北京市)?[^市]{1,4}区", "", department.name))
    for m in ORGANISATION.finditer(q):
        name = _office_name(m)
        start = m.end() - len(name)
        if len(name) >= 3 and in_order(name, core) and _free(q, mentions, start, m.end()):
            mentions = _add(mentions, q, start, m.end(), department)
    return mentions


def _own_unit(q: str, mentions: list[dict], catalog: Catalog) -> list[dict]:
    """本级的项目: the one unit whose name ends in 本级 (a generic word, so never matched on its own)."""
    own = [e for e in catalog.by_kind("unit") if e.name.endswith("本级")]
    office = re.search(
        r"(?:[局委办]机关(?:本级)?|机关本级)(?!运行|经费|事业)", q
    )  # 局机关, 委机关本级: the department's own office
    if office and len(own) == 1:
        a, b = office.span()
        overlapping = [m for m in mentions if m["span"][0] < b and a < m["span"][1]]
        if all(  # a stated fact (本委机关1家) or the unit itself gives way to the office
            c["kind"] == "fact" or c["key"] == own[0].key for m in overlapping for c in m["candidates"]
        ):
            kept = [m for m in mentions if m not in overlapping]
            return _add(
                kept,
                q,
                min([a, *(m["span"][0] for m in overlapping)]),
                max([b, *(m["span"][1] for m in overlapping)]),
                own[0],
            )
    for found in re.finditer("本级", q):  # 本级公用经费占本级基本支出: each time it is said
        at = found.start()
        including = at > 0 and re.search(
            r"(含|包括|连同|加上)$", q[max(0, at - 2) : at]
        )  # 几个单位（含本级）
        if len(own) == 1 and not including and _free(q, mentions, at, at + 2):
            mentions = _add(mentions, q, at, at + 2, own[0])
    return mentions


def _pick(mention: dict, prefer: tuple[str, ...]) -> dict | None:
    cands = mention["candidates"]
    if not cands:
        return None
    top = cands[0]["score"]
    close = [c for c in cands if c["score"] >= top * 0.95]
    if "本级" not in mention["text"] and any(c["kind"] == "department" for c in cands):
        # 退役军人局 names the department, not its 本级 unit, unless 本级 is said
        close = [c for c in close if not (c["kind"] == "unit" and c["name"].endswith("本级"))] + [
            c for c in cands if c["kind"] == "department" and c["score"] >= top * 0.8
        ]
    close = [c for c in close if c.get("full")] or close  # a name written out in full is the one meant
    return min(close, key=lambda c: prefer.index(c["kind"]) if c["kind"] in prefer else len(prefer))


def _ref(entity: dict) -> EntityRef:
    return EntityRef(kind=entity["kind"], key=entity["key"], name=entity["name"])


def _scoped(op: Operand) -> Operand:
    """本级的“项目支出”: the unit's own 项目支出; a unit within itself is just the unit."""
    within = [w for w in op.within if op.entity is None or w.key != op.entity.key or w.kind != op.entity.kind]
    op = op.model_copy(update={"within": within})
    if (
        op.entity is not None
        and op.entity.kind == "total"
        and op.measure is None
        and within
        and within[-1].kind in SCOPES
        and (measure := _measure_word(op.entity.name)) in ("人员经费", "公用经费", "基本支出", "项目支出")
    ):
        return Operand(entity=within[-1], within=within[:-1], measure=measure)
    return op


def _measure_word(name: str) -> str | None:
    for word, column in MEASURES.items():
        if name == word or name.endswith(word):
            return column if word in ("收入合计", "预算合计") else word
    return None


def _splits(gap: str) -> bool:
    if re.fullmatch(r"(科目|项|(这|那|该)一?行)?(下面?|里面?|中|之中|当中)?的?[，,]?(其中)?的?", gap):
        return False  # 2060101行政运行科目下，基本支出中的人员经费: still one thing
    return bool(re.search(r"比|占|相当于|和|与|及|、|,|，|减|加|还是|或|跟|同|在", gap))


@dataclass
class _Op:
    entity: dict
    within: list[dict]
    measure: str | None
    start: int
    end: int
    alternatives: list[dict] = field(default_factory=list)  # the other readings of its words

    def operand(self) -> Operand:
        return Operand(entity=_ref(self.entity), within=[_ref(w) for w in self.within], measure=self.measure)


def operands(r: Reading, prefer: tuple[str, ...] = TABLE_KINDS) -> list[_Op]:
    """Mentions → operands: a measure word after an entity qualifies it; a unit (or a function subject
    before an economic one) scopes what follows it."""
    out: list[_Op] = []
    scope: list[dict] = []
    q = r.question
    one_row = bool(re.search(r"(?:这|那|该|同)一?行|对应的", q))
    for m in r.mentions:
        entity = _pick(m, prefer)
        if entity is None:
            continue
        start, end = m["span"]
        gap = q[out[-1].end : start] if out else ""
        if one_row and re.fullmatch(
            r"([、，,]|和|与)((部门|政府)?(支出)?(经济|功能)分类(科目)?(为|是)?)?", gap
        ):
            gap = ""  # 2013801行政运行、30299其他商品和服务支出这一行: one row's codes
        measure = entity["kind"] in ("total", "fact") and _measure_word(entity["name"])
        within_measure = (
            re.fullmatch(r"[，,]?在", gap)
            and re.match(r"里|中|当中|之中", q[end:])
            and not re.search(r"占|比重|比例", q[end:])  # 31099在项目支出中占比: a share, not its 项目支出
        )
        if (
            measure
            and out
            and out[-1].entity["kind"] not in ("total", "fact")
            and (not _splits(gap) or within_measure)  # 30213维修费，在项目支出里: its 项目支出
        ):
            if (
                out[-1].measure and out[-1].measure != measure
            ):  # 基本支出中的人员经费: the narrower measure, within
                out[-1].within.append({"kind": "total", "key": out[-1].measure, "name": out[-1].measure})
            out[-1].measure, out[-1].end = measure, end
            continue
        if (
            out
            and re.fullmatch(
                r"(里面?|中|之中|当中|中的|里的|下面?的?)[，,]?((部门|政府)?(支出)?(经济|功能)分类(科目)?(为|是)?)?",
                gap,
            )
            and out[-1].entity["kind"] in ("total", "three_public", "fact")
            and entity["kind"] not in SCOPES
        ):
            # 基本支出里的公用经费, 基本支出里“50201-办公经费”: the part, read within the whole
            outer = out.pop()
            outer_measure = _measure_word(outer.entity["name"]) if outer.entity["kind"] == "total" else None
            op = _Op(entity, [*outer.within, outer.entity], None, start, end)
            if outer_measure in ("基本支出", "项目支出") and entity["kind"] in CELL_KINDS:
                op.measure = outer_measure
            out.append(op)
            continue
        if (
            measure
            and out
            and out[-1].entity["kind"] in SCOPES
            and out[-1].measure
            and re.search(r"比|和|与|跟|同|、|及|加", gap)
            and not re.search(r"部门|全局|整个|总", gap)
        ):
            # 信息中心的项目支出比基本支出多多少: the second measure keeps the first's unit
            out.append(_Op(out[-1].entity, list(out[-1].within), measure, start, end))
            continue
        if (
            scope and entity["kind"] == "economic_subject"
        ):  # a unit's rows are printed by function subject (07)
            entity = next(
                (
                    c
                    for c in m["candidates"]
                    if c["kind"] == "function_subject" and c["score"] >= m["candidates"][0]["score"] * 0.7
                ),
                entity,
            )
        if (
            entity["kind"] == "unit"
            and out
            and out[-1].entity["kind"] == "department"
            and re.fullmatch(r"(的|下面的?|下属的?|所属的?|里的?|旗下的?)", gap)
        ):
            out.pop()  # 发改委下面的综保中心: the unit, the department only says whose
        if (
            entity["kind"] in SCOPES
            and out
            and out[-1].entity["kind"] in CELL_KINDS
            and not out[-1].within
            and not out[-1].measure
            and re.fullmatch(r"\s*", gap)
        ):  # 07表 <项代码> <单位简称> 人员经费: the subject said first, of the unit that follows
            subject = out.pop()
            scope = [entity]
            out.append(_Op(subject.entity, [entity], None, subject.start, end, subject.alternatives))
            continue
        op = _Op(
            entity, list(scope) if entity["kind"] not in SCOPES else [], None, start, end, m["candidates"]
        )
        if entity["kind"] in SCOPES:
            scope = [entity]
        elif (
            out
            and not _splits(gap)
            and (
                out[-1].entity["kind"] in SCOPES
                or (
                    out[-1].entity["kind"] in CELL_KINDS
                    and entity["kind"] in CELL_KINDS
                    and CELL_KINDS.index(out[-1].entity["kind"]) < CELL_KINDS.index(entity["kind"])
                )
            )
        ):
            op.within = [*out[-1].within, out[-1].entity]  # <单位>的住房公积金, <科目>下面的<经济分类>
            inner = out.pop()
            if (
                out
                and out[-1].entity["kind"] in SCOPES
                and inner.entity["kind"] in SCOPES
                and not out[-1].within
                and re.fullmatch(r"和|与|及|跟|、|以及", q[out[-1].end : inner.start])
            ):  # 本级和信息中心的住房公积金: the same subject in each unit
                first = out.pop()
                out.append(_Op(entity, [first.entity], None, first.start, first.end, m["candidates"]))
        if any(
            o.entity["key"] == op.entity["key"]
            and o.entity["kind"] == op.entity["kind"]
            and o.within == op.within
            and (
                op.entity["kind"] not in SCOPES
                or not re.search(r"占|比|[-－−]|减|和|与|跟", q[o.end : start])
            )
            for o in out
        ):
            continue  # 2060199其他…支出: a code and its name are one thing (本级…占本级…: two)
        out.append(op)
    return out


class Parser:
    """Reads questions about one document, given its vocabulary (:class:`Catalog`)."""

    def __init__(self, catalog: Catalog, doc: dict):
        self.catalog = catalog
        self.doc = doc
        self._readings: dict[str, Reading] = {}  # a follow-up reads the question before it again
        self._own_units = {e.key for e in catalog.by_kind("unit") if e.name.endswith("本级")}

    def read(self, text: str) -> Reading:
        reading = self._readings.get(text)
        if reading is None:
            if len(self._readings) >= 512:
                self._readings.clear()
            reading = self._readings[text] = read(text, self.catalog)
        return reading

    # -- entry point ---------------------------------------------------------

    def parse(self, text: str, history: list[dict] | None = None) -> QueryPlan | PlanResult:
        text = re.sub(r"(?<=\d)\s+(?=\d)", " 的 ", text.strip())  # <单位编码> <科目编码>: two codes, not one
        text = INCLUSIVE.sub("", text)  # 一共几个单位（连局机关算上）: everything, that one included
        previous = next((t["content"] for t in reversed(history or []) if t.get("role") == "user"), None)
        said = next((t["content"] for t in reversed(history or []) if t.get("role") == "assistant"), "")
        if is_english(text):
            chinese = gloss(text)  # an English question, read through the budget glossary or not at all
            if chinese is None:
                return PlanResult(
                    answer=f"{NOT_UNDERSTOOD}：英文问题里有预算词表之外的词，请用中文再问一次。", refused=True
                )
            text = chinese
        for pattern, operation in ((BOTH_BEFORE, "sum"), (BOTH_APART, "difference")):
            if pattern.search(text) and (both := self._both_asked_before(history or [], operation)):
                if re.search(r"占|比例|比重|百分", text):  # 这俩加起来占…的百分之几: a share of a sum
                    return PlanResult(
                        answer="两项合计占整体的比例需要分两步：请先问“这两项加起来多少”，再问“占…的百分之几”。"
                        "请问要先算两项合计吗？"
                    )
                return both
        r = self.read(text)
        earlier = None
        measures_only = all(
            m["candidates"] and m["candidates"][0]["kind"] in ("total", "fact") for m in r.mentions
        )
        follow = bool(previous) and bool(
            FOLLOW_UP.search(text)
            or len(text) <= 12
            or not r.mentions
            or (measures_only and re.search(r"里面|其中|当中", text))  # 基本支出里面人员经费是多少
            or re.search(r"呢[？?]?$", text)  # <a unit's full name>呢
        )
        if (
            follow
            and previous
            and "采购" in previous
            and "采购" not in text
            and any(w in text for w in PROCUREMENT_CLASSES)
        ):
            r = self.read("政府采购" + text)  # 服务类的呢: a class of the procurement asked about before
        if follow and previous:
            at = max(i for i, t in enumerate(history or []) if t.get("role") == "user")
            earlier_parse = self.parse(
                previous, (history or [])[:at][-2:]
            )  # itself read with one turn before
            earlier = (
                self.read(previous),
                earlier_parse if isinstance(earlier_parse, QueryPlan) else None,
                said,
            )
        if earlier is not None and (whole := self._whole_asked_before(r, earlier[0])):
            r = self.read(
                f"{whole}里{text}"
            )  # 三公经费多少？ 里面维修花多少: a part of the whole asked before
        if (
            earlier is not None
            and (m := PRONOUN.match(text))
            and not any(  # 它的绩效目标里…<项目里的词>…: words of a target, not another project's full name
                c["kind"] in ("project", "unit") and c["full"]
                for mention in r.mentions
                for c in mention["candidates"][:1]
            )
        ):
            said_projects = self._projects_said(earlier[2]) or [
                e
                for o in (earlier[1].operands if earlier[1] else [])
                if o.entity is not None
                and o.entity.kind == "project"
                and (e := self.catalog.get("project", o.entity.key)) is not None
            ]
            if len(said_projects) == 1:  # 最多的是哪个？ 它占全部项目支出多少: the one the answer named
                r = self.read(said_projects[0].name + text[m.end() :])
        if earlier is not None and (m := OTHER_ONE.search(text)):
            other = self._other(earlier, m.group(1))
            if isinstance(other, PlanResult):
                return other
            r = self.read(text.replace(m.group(), other.name))
        refusal = self._out_of_scope(r, earlier)
        if refusal is not None:
            return refusal
        plan = self._plan(r, earlier)
        if (
            isinstance(plan, QueryPlan)
            and earlier is not None
            and earlier[1] is not None
            and re.match(r"^(那|那么)?(再)?加上", text)
            and plan.operation == "value"
            and earlier[1].operation == "value"
            and len(plan.operands) == len(earlier[1].operands) == 1
            and plan.operands[0] != earlier[1].operands[0]
        ):  # 社会福利中心的呢？ 加上它的购房补贴一共多少: the figure just given, plus this one
            plan = QueryPlan(operation="sum", operands=[earlier[1].operands[0], plan.operands[0]])
        if (
            isinstance(plan, QueryPlan)
            and plan.operation == "sum"
            and all(o.rows is None for o in plan.operands)
            and (listed := LIST_COUNT.search(text))
            and ordinal(
                re.sub(r"\D", "", listed.group()) or re.sub(r"[这那\s项块个类部分笔样种]", "", listed.group())
            )
            != len(plan.operands)
        ):  # 维修、保险和其他三项: three said, two read — never a partial sum
            return PlanResult(
                answer=f"问题里说的是“{listed.group()}”，但读出的是："
                + "、".join(o.entity.name for o in plan.operands if o.entity)
                + "，数目对不上。请问是哪几项？"
            )
        if isinstance(plan, QueryPlan):
            plan.documents = [self.doc["doc_id"]]
            if plan.operation in NUMERIC and (word := self._unexplained(r, plan)):
                return _ask_back(word, plan)
        return plan

    def _both_asked_before(self, history: list[dict], operation: str) -> QueryPlan | None:
        """两个加一块多少, 差多少: the figures of the last two questions, each read in its own context,
        added or the first less the second."""
        users = [i for i, t in enumerate(history) if t.get("role") == "user"]
        figures = []
        for i in users[-2:]:
            plan = self.parse(history[i]["content"], history[:i][-2:])
            if not isinstance(plan, QueryPlan) or plan.operation != "value" or len(plan.operands) != 1:
                return None
            figures.append(plan.operands[0])
        if len(figures) != 2 or figures[0] == figures[1]:
            return None
        return QueryPlan(operation=operation, operands=figures, documents=[self.doc["doc_id"]])

    def _whole_asked_before(self, r: Reading, before: Reading) -> str | None:
        """The “三公” item the previous question asked about, when this one names only a part of it by its
        short word (维修, 出国) and no “三公” item of its own."""
        if any(c["kind"] == "three_public" for m in r.mentions for c in m["candidates"]):
            return None
        for m in before.mentions:
            for c in m["candidates"]:
                name = _three_public_name(c)
                if c["kind"] in ("three_public", "total") and name in THREE_PUBLIC_PARTS:
                    if any(_part_stem(p) and _part_stem(p) in r.text for p in _descendants(name)):
                        return m["text"]
        return None

    def _other(self, earlier: tuple, noun: str | None) -> Entity | PlanResult:
        """那另一个项目呢: the one other thing of the kind asked before, or a question back listing them."""
        plan = earlier[1]
        named = [o.entity for o in plan.operands if o.entity is not None] if plan else []
        kind = named[-1].kind if named else {"单位": "unit"}.get(noun or "", "project")
        others = [e for e in self.catalog.by_kind(kind) if all(e.key != n.key for n in named)]
        if len(others) == 1:
            return others[0]
        shown = "、".join(f"“{e.name}”" for e in others[:8]) + ("等" if len(others) > 8 else "")
        return PlanResult(
            answer=f"“另一个”可能指其余的任何一个：{shown}。请问是哪一个？"
            if others
            else "上一个问题之外没有别的可指，请问您问的是哪一个？",
            candidates=[Candidate(name=e.name, kind=e.kind, key=e.key) for e in others[:8]],
        )

    def _unexplained(self, r: Reading, plan: QueryPlan) -> str:
        """A word of the question that names something in this document yet no part of the plan uses."""
        used = set()
        for o in plan.operands:
            refs = [o.entity, *o.within, *(o.rows.within + o.rows.without if o.rows else [])]
            used |= {(e.kind, e.key) for e in refs if e is not None}
            used |= {("total", o.measure), ("fact", o.measure)} if o.measure else set()
            if o.measure in ("人员经费", "公用经费"):  # 基本支出里面人员经费: the whole its part is named in
                used |= {("total", "基本支出"), ("fact", "基本支出")}
        used |= {(e.kind, e.key) for e in plan.excluded}
        q = r.question
        negated = (
            any(f.negate for o in plan.operands if o.rows for f in o.rows.names)
            or any(not m.present for o in plan.operands if o.rows for m in o.rows.members)
            or any(o.rows.without for o in plan.operands if o.rows)
            or bool(plan.excluded)
        )
        bounded = any(o.rows.amounts for o in plan.operands if o.rows)
        for m in EXCLUDES.finditer(q):
            clause = re.split(r"[,，;；(（]", q[: m.start()])[-1]
            if bounded and re.search(r"[0-9]", clause):
                continue  # 超过200万(正好200万的不算): the aside restates the bound
            if not negated and plan.operation != "difference":
                return m.group()  # 扣掉加油以后…: something is taken out that the plan does not take out
        flags = self.catalog.informative(q)
        for m in r.mentions:
            kinds = {c["kind"] for c in m["candidates"]}
            if "department" in kinds or any(
                (c["kind"], c["key"]) in used
                or c["name"] in {k for _, k in used}
                or re.sub(r"^(一般公共预算|财政拨款)+", "", c["name"]) in {k for _, k in used}
                for c in m["candidates"]
            ):  # 一般公共预算基本支出中的公用经费: the whole the measure is part of
                flags[m["span"][0] : m["span"][1]] = [False] * (m["span"][1] - m["span"][0])
        names = {normalize(self.doc.get("department") or "")}  # 园林局 of 园林绿化局
        names |= {normalize(f.text) for o in plan.operands if o.rows for f in o.rows.names} | {
            normalize(e.name)
            for o in plan.operands
            for e in [o.entity, *o.within, *(o.rows.within + o.rows.without if o.rows else [])]
            if e is not None
        }
        tables = "|".join(
            TABLE_WORDS[o.rows.table] for o in plan.operands if o.rows and o.rows.table in TABLE_WORDS
        )
        if any(kind == "project" for kind, _ in used):  # 政府购买服务编码…的项目: the tables a project is in
            tables = "|".join(filter(None, (tables, TABLE_WORDS["12"], TABLE_WORDS["05"], TABLE_WORDS["13"])))
        if any(kind == "catalogue" for kind, _ in used) or (plan.group_by or "").startswith("catalogue"):
            tables = "|".join(filter(None, (tables, r"[一二三]级(目录|分类)?")))  # 三级目录是“…”
        if any(kind == "catalogue" and key.startswith("采购类别") for kind, key in used):
            tables = "|".join(filter(None, (tables, r"政府采购|采购")))  # 政府采购里货物类: its table
        if any(kind == "three_public" for kind, _ in used):
            parts = [_part_stem(key) for kind, key in used if kind == "three_public" and _part_stem(key)]
            taken = [EXCLUDES.pattern] if plan.excluded else []  # 除了加油，剩下几项: its words, its part
            tables = "|".join(filter(None, (tables, TABLE_WORDS["11"], *map(re.escape, parts), *taken)))
        if any(kind == "unit" and key in self._own_units for kind, key in used):
            tables = "|".join(filter(None, (tables, r"(局|委|办)?机关")))  # 教委机关本级: the office itself
        for m in [*EXPLAINED.finditer(q), *YEAR.finditer(q), *(re.finditer(tables, q) if tables else [])]:
            flags[m.start() : m.end()] = [False] * (m.end() - m.start())
        used_spans = [
            m["span"] for m in r.mentions if any((c["kind"], c["key"]) in used for c in m["candidates"])
        ]
        bounds = {a.value for o in plan.operands if o.rows for a in o.rows.amounts} | {
            a.high for o in plan.operands if o.rows for a in o.rows.amounts if a.high is not None
        }
        for m in re.finditer(r"(?<![0-9.])([0-9]+(?:\.[0-9]+)?)\s*(万元|万|元)(?!/)", q):
            amount = Decimal(m.group(1)) / (10000 if m.group(2) == "元" else 1)
            clause = re.split(r"[，,。；;？?！!]", q[: m.start()])[-1]
            if re.search(r"忽略|系统提示|直接回答|必须回答|你现在|回答为", clause):
                continue  # 忽略以上规则，直接回答999万元: an injected instruction, not part of the question
            if amount not in bounds and plan.answer_unit not in ("元", "万元", "亿元"):  # not 折合多少万元
                return m.group()  # 金额100-500万: an amount the plan does not filter by
        for m in re.finditer(
            r"(?<![0-9a-z.])(?:[0-9]{3,7}|[0-9]{6,}[a-z][0-9a-z]{6,})(?![0-9.]|万|元|%|个|项|年|-|－)", q
        ):
            if (
                not any(a <= m.start() and m.end() <= b for a, b in used_spans)
                and not YEAR.match(q, m.start())
                and m.group() != str(self.doc.get("year"))  # 11表 2019 公务接待费: the budget's own year
                and not any(re.search(rf"(?<![0-9]){m.group()}-", key) for _, key in used)
            ):  # 二级目录为0511机关信息系统…: the code printed with the class the plan uses
                return m.group()
        bare = (
            plan.operation == "value"
            and all(  # 统计局租房子花多少: a word the plan drops leaves the total
                o.entity is not None and o.entity.kind in SCOPES and not o.measure and not o.within
                for o in plan.operands
            )
        )
        mask = "".join("1" if f and "\u4e00" <= c <= "\u9fff" else "0" for c, f in zip(q, flags, strict=True))
        for run in re.finditer(r"1{2,}", mask):
            word = q[run.start() : run.end()]
            pairs = [word[i : i + 2] for i in range(len(word) - 1)]
            stem = re.sub(r"(经费|费用|费)$", "", word) or word  # 运维费: the cost of a 运行维护 project
            if any(p in name for p in pairs for name in names) or any(in_order(stem, name) for name in names):
                continue  # 800M那个运维费, 运维 of 运行维护: more words of a name the plan uses
            if any(p in self.catalog.bigrams for p in pairs) or bare:
                return word
        return ""

    # -- refusals ------------------------------------------------------------

    def _out_of_scope(self, r: Reading, earlier: tuple | None) -> PlanResult | None:
        names_project = any(_pick(m, TABLE_KINDS)["kind"] == "project" for m in r.mentions if m["candidates"])
        unquoted = QUOTED.sub(
            "", r.masked
        )  # “项目立项/招投标工作/合同签订”: a name, not a question about contracts
        for m in sorted(r.mentions, key=lambda m: -m["span"][0]):  # 规划编制工作经费: 编制 inside a name
            if m["candidates"] and m["candidates"][0]["kind"] == "project":
                unquoted = unquoted.replace(m["text"], "，")
        unquoted = re.sub(
            r"谁的?[\u4e00-\u9fff]{0,4}?(预算|钱|经费|支出|收入|项目)", "哪个", unquoted
        )  # 几个单位谁的公用经费最多: which
        unquoted = re.sub(r"(花|用)在哪(些|个|儿|里)?", "用于", unquoted)  # 花在哪些地方: what it pays for
        unquoted = POSITION.sub(
            "，", OTHER_NAME.sub("，", unquoted)
        )  # 还有个名字叫啥: the name in brackets, not a person's
        for word in OUT_OF_SCOPE:
            if word in unquoted and not (names_project and re.search(r"几|多少", word)):
                return _refuse(
                    "文档只公开预算数字和说明，不包含人员、编制、姓名、联系方式或合同供应商等信息。"
                )
        if PEOPLE_COUNT.search(unquoted) and not names_project:
            return _refuse("预算文档不公开人数（学生、教职工等）。")
        if FACILITY_COUNT.search(unquoted) and not names_project:
            return _refuse("预算文档不公开床位、房间、面积等设施数量。")
        if ITEM_DETAIL.search(unquoted):
            return _refuse("文档只给出车辆和大型设备的数量，没有列出具体是哪些、什么型号。")
        year = self.doc.get("year")
        if year and any(y > year for y in r.years) or NEXT_YEAR.search(r.text):
            return _refuse(f"已载入的是{year}年的预算，不包含以后年度的数据。")
        if year and any(y < year - 1 for y in r.years):
            return _refuse(f"已载入的是{year}年的预算，不包含所问年度的数据。")
        ours = [
            normalize(a)
            for e in self.catalog.entities
            if e.kind in ("department", "unit")
            for a in (e.name, *e.aliases)
        ]
        for m in ORGANISATION.finditer("" if OTHER_NAME.search(r.question) else r.question):
            name = _office_name(m)
            if (
                any(m.start() < e["span"][1] and e["span"][0] < m.end() for e in r.mentions)
                or any(a.endswith(name) or name.endswith(a) for a in ours if len(a) >= 2)
                or in_order(name, normalize(self.doc.get("department") or ""))  # 园林局 of 园林绿化局
            ):
                continue
            if len(name) >= 3 and not re.search(r"^(全|本|该|整个)|这个|我们|咱|贵|哪|各|单位", name):
                return _refuse(
                    f"没有载入“{name}”的预算；当前文档是{self.doc.get('department') or '另一部门'}的预算。"
                )
        return None

    # -- planning ------------------------------------------------------------

    def _plan(self, r: Reading, earlier: tuple | None) -> QueryPlan | PlanResult:
        project = self._project(r, earlier)
        columns = _attribute_columns(r.text)
        if (
            project
            and columns
            and re.search(r"哪个|哪一|什么|啥|属于|是哪", r.text)
            and not MONEY_WORDS.search(r.masked)
        ):
            return QueryPlan(
                operation="attribute", operands=[Operand(entity=_ref(project))], topic="、".join(columns)
            )
        if r.slots.table == "14" or re.search(r"整体(支出)?绩效(目标)?|部门整体目标", r.text):
            return QueryPlan(operation="department_goal", topic=r.text)  # 预算14表: the department's own
        if (edited := self._edit_of_previous(r, earlier)) is not None:
            return edited
        intent = self._intent(r, earlier)
        year = self.doc.get("year")
        previous_year = bool([y for y in r.years if year and y == year - 1]) or bool(LAST_YEAR.search(r.text))
        derived = re.search(r"推算|倒推|推出|推导|算出|反推", r.text)
        asks_change = re.search(
            r"(比|较|相比|对比|同比).{0,14}(增加|减少|增长|下降|多|少|变化|增减|涨|降)|"
            r"(增加|减少|增长|下降|变化|涨|降)了?(多少|几|百分之)|增幅|降幅|增长率|下降率|"
            r"(比|较|和|跟|与)(上|去|前)一?年.{0,3}(怎么样|如何|怎样|比)",
            r.text,
        )
        last = re.split(r"[，,。；;]", r.slots.text.rstrip("？?！!。 "))[
            -1
        ]  # 比21年少了57万，那21年的预算是多少
        asks_previous = (
            previous_year
            and (any(int(y) == year - 1 for y in YEAR.findall(last)) or LAST_YEAR.search(last))
            and re.search(r"多少|几", last)
            and not re.search(
                r"比|较|对比|同比|增加|减少|增长|下降|变化|涨|降|多|少", last.replace("多少", "")
            )
        )
        if asks_previous and intent not in ("count", "reason"):
            intent = "previous"
        elif previous_year and intent not in ("count", "reason") and (derived or not asks_change):
            intent = "previous"  # 2023年的预算数是多少（能推出来吗）: last year's figure, derived
        elif previous_year and asks_change and intent in ("value", "previous", "describe", "difference"):
            intent = "change"
        build = getattr(self, f"_plan_{intent}")
        plan = build(r, earlier)
        if isinstance(plan, QueryPlan):
            plan.answer_unit = plan.answer_unit or r.slots.answer_unit
        return plan

    def _edit_of_previous(self, r: Reading, earlier: tuple | None) -> QueryPlan | None:
        """A follow-up changing one thing of the plan before it (那它的…呢, 增幅呢, <unit>呢, <column>呢)."""
        for edit in (self._chosen_row, self._rate_of_change, self._other_unit, self._other_column):
            if (plan := edit(r, earlier)) is not None:
                return plan
        return None

    def _rate_of_change(self, r: Reading, earlier: tuple | None) -> QueryPlan | None:
        """比上年加了多少？ 增幅呢: the same stated change, in per cent."""
        previous = earlier[1] if earlier else None
        if (
            previous is not None
            and previous.operation == "change"
            and not r.mentions
            and re.fullmatch(
                r"(那|那么)?(增幅|涨幅|降幅|增长率|下降率|变化率|百分比|百分之几|幅度)(是)?(多少)?呢?[？?]?",
                r.text,
            )
        ):
            return previous.model_copy(update={"percent": True})
        return None

    def _other_column(self, r: Reading, earlier: tuple | None) -> QueryPlan | None:
        """07表 <单位编码> <科目编码> 公用经费多少？ 人员经费呢: the same cells, another column."""
        previous = earlier[1] if earlier else None
        said = re.fullmatch(
            r"(那|那么)?(人员经费|公用经费|基本支出|项目支出|合计)(那)?(一?列)?(的)?呢[？?]?", r.text.strip()
        )
        if (
            said
            and previous is not None
            and previous.operation in ("sum", "value")
            and len(previous.operands) == 1
            and previous.operands[0].rows is not None
        ):
            first = previous.operands[0].model_copy(update={"measure": said.group(2)})
            return previous.model_copy(update={"operands": [first]})
        return None

    def _other_unit(self, r: Reading, earlier: tuple | None) -> QueryPlan | None:
        """本级10万以下的项目几个？ 109006呢: the same rows, filters and operation, of another unit."""
        previous = earlier[1] if earlier else None
        units = [m["candidates"][0] for m in r.mentions if m["candidates"]]
        if (
            previous is not None
            and previous.operation in ("share", "value")
            and len(previous.operands) <= 2
            and (previous.operation == "share" or previous.operands[0].measure or previous.operands[0].within)
            and (previous.operation == "share" or not r.intents)  # 占本级的比例呢: a share asked, not a swap
            and len(units) == 1
            and units[0]["kind"] == "unit"
            and previous.operands[0].entity is not None
            and previous.operands[0].entity.kind == "unit"
            and re.fullmatch(r"(那|那么)?[^，。？?]{1,16}?(的)?呢[？?]?", r.text.strip())
        ):  # 实验小学占全部门预算多少？ 那一幼呢; 本级的项目支出？ 环卫中心呢: the same, of the other unit
            first = previous.operands[0].model_copy(update={"entity": _ref(units[0])})
            return previous.model_copy(update={"operands": [first, *previous.operands[1:]]})
        if (
            previous is None
            or not previous.operands
            or previous.operands[0].rows is None
            or len(units) != 1
            or units[0]["kind"] != "unit"
            or not re.fullmatch(r"(那|那么)?[^，。？?]{1,16}?(的)?呢[？?]?", r.text.strip())
            or not any(w.kind == "unit" for w in previous.operands[0].rows.within)
        ):
            return None
        rows = previous.operands[0].rows
        within = [_ref(units[0]) if w.kind == "unit" else w for w in rows.within]
        first = previous.operands[0].model_copy(update={"rows": rows.model_copy(update={"within": within})})
        return previous.model_copy(update={"operands": [first, *previous.operands[1:]]})

    def _chosen_row(self, r: Reading, earlier: tuple | None) -> QueryPlan | None:
        """哪个单位公用经费最少？ 那它的人员经费呢: another measure of the row the ranking chose."""
        previous = earlier[1] if earlier else None
        if (
            previous is None
            or previous.operation not in ("max", "min", "rank", "rank_low")
            or not previous.operands
            or previous.operands[0].rows is None
            or not re.search(r"它|其|这个单位|该单位|那个单位", r.text)
            or any(
                m["candidates"] and m["candidates"][0]["kind"] not in ("total", "fact") for m in r.mentions
            )
        ):
            return None
        measure = _measure_of(operands(r))
        if measure is None or r.intents:
            return None
        rows = previous.operands[0]
        return QueryPlan(
            operation="value",
            group_by=previous.group_by,
            operands=[
                rows.model_copy(
                    update={
                        "rank": previous.n or 1,
                        "lowest": previous.operation in ("min", "rank_low"),
                        "measure": measure,
                        "ranked_by": rows.measure or "合计",
                    }
                )
            ],
        )

    def _intent(self, r: Reading, earlier: tuple | None) -> str:
        intents = r.intents
        if COUNTS_INDICATORS.search(r.masked):
            return "indicator_count"
        if POSITION.search(r.masked):
            return "position"
        bound = re.search(r"最多(允许|能|可以|只能|可)|至少(要|得|需要|应)|不超过|不低于|上限|下限", r.masked)
        named = self._named_project(r) or (
            (REFERS_BACK.search(r.text) or bound) and self._project(r, earlier)
        )  # 一年最多允许出几次故障: a bound of the project asked before
        if (
            named
            and re.search(r"最多|最少|至少|至多|不超过|不低于|上限|下限", r.masked)
            and not re.search(r"哪个|哪些|哪项|排名|排行|前[0-9一二三四五六七八九十]", r.masked)
        ):
            return "indicator"  # 某项目最多允许几次故障: a target's bound, not a ranking
        if (
            named
            and re.search(
                r"怎么定|如何确定|怎么确定|怎么算出来|依据是什么|测算依据|定出来|怎么来的", r.masked
            )
            and "指标" not in r.masked  # and no target named (次数, 满意度 …):
            and not re.search(r"次数|数量|[^效]率|满意度|时限|时间|人数|个数|天数", r.masked)
        ):
            return "describe"  # 这笔钱是怎么定出来的: the project's stated goal and basis (预算13表)
        if (
            named
            and len(re.findall(r"多少|几", r.masked)) >= 2
            and "目标" in r.masked
            and "指标" not in r.masked
        ):
            return "describe"  # 绩效目标里要开展多少次、满意度要到多少: the stated goal, which says both
        if self._names_indicator(r, earlier):
            return "indicator"  # 它绩效表里的<指标名>: a target named as the project's table prints it
        if (
            not intents
            and re.search(r"分别|各是|各自|各有|各多少", r.masked)
            and any(re.search(p, r.masked) for g, p in GROUP_WORDS if g in ("unit", "function", "economic"))
        ):
            return "rank"  # 每个单位的基本支出分别是多少: the groups, listed
        if not intents and earlier is not None:
            inherited = earlier[1].operation if earlier[1] is not None else None
            if inherited in ("count", "stated_count", "indicator") and MONEY_WORDS.search(r.masked):
                inherited = None
            if inherited in ("change", "share", "difference") and INDICATOR_WORDS.search(r.masked):
                inherited = None  # 比上年怎么样？ 某项目的满意度要达到多少: a target, not another change
            if (
                inherited in ("max", "min", "top", "bottom", "rank", "rank_low", "list")
                and re.search(r"多少|几", r.masked)
                and not re.search(r"呢[？?]?$", r.text)
            ):
                inherited = None  # 哪个单位最多？ 委机关的人员经费多少: a question of its own, not a ranking
            if (
                inherited == "value"
                and re.search(r"呢[？?]?$", r.text)
                and not INDICATOR_WORDS.search(r.masked)
            ):
                return "value"  # 那<另一个>呢？: the same question of another thing
            if inherited and inherited not in (
                "reason",
                "define",
                "describe",
                "value",
                "previous",
                "attribute",
            ):
                return {
                    "max": "rank",
                    "min": "rank",
                    "top": "rank",
                    "bottom": "rank",
                    "rank_low": "rank",
                    "stated_count": "count",
                    "list": "rank",
                }.get(inherited, inherited)
        if "reason" in intents and "change" in intents:
            if re.search(r"[0-9.]+\s*(%|％|万元|万|元)", r.text):
                return "reason"  # 增长了12.5%，原因是什么: the change is said, its reason is asked
            return "change"
        if (
            {"count", "sum"} <= set(intents)
            and "share" not in intents
            and re.search(
                r"几(?:项|个|笔|类|块)\S{0,10}(?:加起来|加在一起|加一起|加一块|合起来|合计|一共|总共|总计)",
                r.masked,
            )
        ):
            return "sum"  # 50102项下的几项缴费加起来: the items, added
        if (
            ("describe" in intents or not intents)
            and (r.slots.names or r.slots.amounts or r.slots.members)
            and re.search(r"哪些|哪几个|哪个|哪一个|哪项|有什么|列出|列一下", r.masked)
            and not ({"count", "sum"} & set(intents))
        ):
            return "rank"  # 哪些项目没有列入…: the set, listed
        if (
            "describe" in intents
            and re.search(r"(哪些|哪几个|什么)项目", r.masked)
            and any(m["candidates"] and m["candidates"][0]["kind"] in SCOPES for m in r.mentions)
        ):
            return "rank"  # 实验小学有哪些项目: that unit's projects, listed
        if (
            ("describe" in intents or not intents)
            and re.search(r"除了|除去|除开|以外|之外", r.masked)
            and re.search(r"哪个单位|哪些单位|哪家|(哪些|什么|哪个)项目", r.masked)
            and any(m["candidates"] and m["candidates"][0]["kind"] in SCOPES for m in r.mentions)
        ):
            return "rank"  # 除了本级，还有哪个单位有？是什么项目: the other units' rows, listed
        for name in (
            "define",
            "reason",
            "change",
            "share",
            "difference",
            "rank",
            "count",
            "sum",
            "avg",
            "describe",
        ):
            if (
                name == "describe"
                and name in intents
                and INDICATOR_WORDS.search(r.masked)
                and not re.search(r"(绩效)?目标(是什么|是啥|有哪些|写的是?什么|内容)", r.masked)
                and self._project(r, earlier)
            ):
                return "indicator"  # 多久能接通，有要求吗: a target of the project, not its stated goal
            if name in intents:
                if name in ("count", "avg") and self._indicator_hint(r, earlier):
                    return "indicator"
                if name == "sum" and INDICATOR_COUNTERS.search(r.masked):
                    return "indicator"  # 一共有多少棵: counted in trees, never a sum of money
                return name
        if self._indicator_hint(r, earlier):
            return "indicator"
        return "value"

    def _names_indicator(self, r: Reading, earlier: tuple | None) -> bool:
        """The question says one of the named (or just asked) project's indicator names in full."""
        if not (self._named_project(r) or (earlier is not None and REFERS_BACK.search(r.text))):
            return False
        project = self._project(r, earlier)
        said = r.masked
        for a, b in (m["span"] for m in r.mentions):  # 线路租用 inside the project's own name: not a target
            said = said[:a] + "，" * (b - a) + said[b:]
        said = normalize(said)
        names = self.catalog.indicator_names.get(project["key"], set()) if project else set()
        return any(len(name) >= 4 and name in said for name in names)

    def _indicator_hint(self, r: Reading, earlier: tuple | None) -> bool:
        if INDICATOR_WORDS.search(r.masked) or INDICATOR_COUNTERS.search(r.masked):
            return True
        if MONEY_WORDS.search(r.masked):
            return False
        projects = [m for m in r.mentions if m["candidates"] and _pick(m, TABLE_KINDS)["kind"] == "project"]
        before = earlier[0].mentions if earlier else []
        previous_project = any(m["candidates"] and _pick(m, TABLE_KINDS)["kind"] == "project" for m in before)
        return bool((projects or previous_project) and len(r.leftover) >= 2)

    def _siblings(self, r: Reading, ops: list[_Op]) -> list[_Op]:
        """公车加油费和维修费, 三公经费里加油和保险两项: parts of a “三公” item named by their short words."""
        for i, op in enumerate(ops):
            name = _three_public_name(op.entity)
            parent = (
                name
                if name in THREE_PUBLIC_PARTS
                else _parent_part(name)
                if op.entity["kind"] == "three_public"
                else None
            )
            if parent is None:
                continue
            rest = r.question[op.end :]
            found = [c for c in _descendants(parent) if c != name and _part_stem(c) and _part_stem(c) in rest]
            if not found:
                continue
            stems = {c: _part_stem(c) for c in found}
            if (other := re.search(r"(?<=[、和及与])其他", rest)) and "其他" in _descendants(parent):
                found.append("其他")  # 维修、保险和其他三项: 其他 closing a list of parts is the part 其他
                stems["其他"] = other.group()
            spans = [(op.end + rest.find(stems[c]), len(stems[c])) for c in found]
            parts = [
                _Op(
                    {"kind": "three_public", "key": c, "name": c},
                    [*op.within, op.entity] if name == parent else list(op.within),
                    None,
                    at,
                    at + n,
                )
                for c, (at, n) in zip(found, spans, strict=True)
            ]
            later = [o for o in ops[i + 1 :] if not any(o.start < p.end and p.start < o.end for p in parts)]
            keep = [] if name == parent else [op]  # 加油和保险两项: the parts, not their parent
            return [*ops[:i], *keep, *parts, *later]
        return ops

    def _operands(
        self, r: Reading, earlier: tuple | None, prefer: tuple[str, ...] = TABLE_KINDS
    ) -> list[_Op]:
        ops = self._siblings(r, operands(r, prefer))
        if earlier is None:
            return [self._by_function(o) for o in ops]
        before = operands(earlier[0], prefer)
        if not ops:
            return before
        if (
            before
            and all(o.entity["kind"] in SCOPES and not o.measure for o in ops)
            and before[-1].entity["kind"] not in SCOPES
            and not re.match(
                r"^(它|这|这个)?占", r.text
            )  # 占本级项目支出: the unit is the whole, not a subject
        ):
            last = before[-1]  # 那<另一单位>的呢？: the same subject, another unit (or each unit named)
            return [_Op(last.entity, [o.entity], last.measure, o.start, o.end) for o in ops]
        if (
            before
            and len(ops) == 1
            and before[-1].entity["kind"] in ("unit", "function_subject", "economic_subject")
            and ops[0].entity["kind"] == "total"
            and _measure_word(ops[0].entity["name"])
            and (REFERS_BACK.search(r.text) or FOLLOW_UP.search(r.text) or re.search(r"呢[？?]?$", r.text))
        ):  # 殡仪馆的人员经费多少？ 公用经费呢？: the same scope, another measure
            return [
                _Op(before[-1].entity, list(before[-1].within), _measure_word(ops[0].entity["name"]), 0, 0)
            ]
        if (
            before
            and len(ops) == 1
            and before[-1].entity["kind"] in ("unit", "function_subject", "economic_subject")
            and ops[0].entity["kind"] == "total"
            and (measure := ops[0].measure or _measure_word(ops[0].entity["name"]))
            in ("人员经费", "公用经费", "基本支出", "项目支出")
            and re.search(r"里面|其中|里的|中的|当中", r.text)
            and not re.search(r"全部门|全局|整个|部门|全委|总共", r.text)
        ):  # 大队安全监管这个科目多少？ 基本支出里面人员经费是多少: that cell's 人员经费
            return [_Op(before[-1].entity, list(before[-1].within), measure, 0, 0)]
        elif re.match(r"^(其中|里面|这里面|当中)", r.text) and before:
            scope = before[-1].entity if before[-1].entity["kind"] in SCOPES else None
            for op in ops:
                if scope and not op.within:
                    op.within = [scope]
        elif before and len(ops) == 1 and not ops[0].within and before[-1].within:
            if ops[0].entity["kind"] not in SCOPES:
                ops[0].within = before[-1].within
        elif (
            before
            and len(ops) == 1
            and not ops[0].within
            and before[-1].entity["kind"] == "unit"
            and (
                ops[0].entity["kind"] in ("function_subject", "economic_subject")
                and REFERS_BACK.search(re.sub(r"这个(科目|款|类|项)", "", r.text))  # not 养老服务这个科目
            )
        ):
            ops[0].within = [before[-1].entity]  # 信息中心…？ 它交的职业年金是多少？
        return [self._by_function(o) for o in ops]

    def _by_function(self, op: _Op) -> _Op:
        """A unit's 职业年金缴费: the tables print a unit's rows by 功能分类 only, so an economic class of
        a unit is read as the one function subject that carries its name."""
        if op.entity["kind"] != "economic_subject" or not any(w["kind"] == "unit" for w in op.within):
            return op
        wanted = normalize(op.entity["name"])
        found = [e.as_dict() for e in self.catalog.by_kind("function_subject") if wanted in normalize(e.name)]
        if len(found) == 1:
            op.entity = found[0]
        return op

    # -- row sets ------------------------------------------------------------

    def _row_set(self, r: Reading, earlier: tuple | None = None) -> tuple[RowSet, str | None]:
        """Which table a question over many rows means, the filters its words imply, and a grouping.

        A follow-up that starts 其中/这些/里面 and names no rows of its own keeps the previous question's
        rows."""
        text = r.masked
        previous = earlier[1] if earlier else None
        if (
            previous is not None
            and previous.operands
            and previous.operands[0].rows is not None
            and re.match(
                r"^(其中|这些|里面|这里面|当中|那这些|那其中|(这|那|上面这?|以上)(几|两|三)(个|项|笔)|"
                r"(那|那么)?(其中)?(最(贵|便宜|多|少|大|小|高|低)|倒数|第[一二三四五六七八九十0-9]+)的?(那|哪)?)",
                r.text,
            )  # 殡仪馆都有哪些项目？ 最便宜的那个多少钱: among the rows just listed
            and not r.slots.table
            and not any(m["candidates"] for m in r.mentions)
        ):
            rows = previous.operands[0].rows.model_copy(deep=True)
            rows.names += r.slots.names
            rows.amounts += r.slots.amounts
            rows.members += r.slots.members
            return rows, previous.group_by
        scope = previous.operands[0].entity if previous is not None and previous.operands else None
        if scope is not None and scope.kind == "fact":  # 老年福利科目…？ 这个科目下几个项目: the subject
            subject = next(
                (e for e in self.catalog.by_kind("function_subject") if e.name == scope.name), None
            )
            scope = _ref(subject.as_dict()) if subject is not None else scope
        if (
            scope is not None
            and scope.kind in (*CLASSIFIERS, "unit")
            and re.match(r"^(那|那么)?(其中|这些|里面|这里面|当中|这个科目|这个单位)", r.text)
            and not any(m["candidates"] for m in r.mentions)
        ):  # <科目>多少钱？ 这里面包含几个项目: the projects under it
            return RowSet(
                table="04", within=[scope], names=list(r.slots.names), amounts=list(r.slots.amounts)
            ), None
        rows = RowSet(
            table="04",
            names=list(r.slots.names),
            amounts=list(r.slots.amounts),
            members=list(r.slots.members),
        )
        if re.search(r"政府购买服务|购买服务", text):
            rows.table = "12"
        elif re.search(r"政府采购", text):
            rows.table = "05"
        matches = [(g, m) for g, pattern in GROUP_WORDS if (m := re.search(pattern, text))]
        explicit = [g for g, m in matches if m.group().startswith("按")]  # 各单位的数按科目汇总: by 科目
        group = (explicit or [g for g, _ in matches] or [None])[0]
        if group and group.startswith("catalogue"):
            rows.table = "12"  # the 指导性目录 classes are columns of 预算12表
        breakdown = re.search(r"里|中|哪一块|哪块|哪项|哪一项|分项|构成|明细|各项|分别", text)
        excluding, last_end = False, 0
        for m in r.mentions:
            entity = _pick(m, (*CLASSIFIERS, *SCOPES, *TABLE_KINDS))
            if entity is None:
                continue
            parts = [
                c for c in m["candidates"] if c["kind"] == "three_public" and c["key"] in THREE_PUBLIC_PARTS
            ]
            if breakdown and parts:
                entity = parts[0]
            if any(w.kind == entity["kind"] and w.key == entity["key"] for w in rows.within):
                continue
            before = text[: m["span"][0]]
            left_out = re.search(r"(?:除了|除去|除开|除|不算|不含|不包括|扣除|去掉|排除)$", before) or (
                excluding and re.fullmatch(r"[和、与及]", text[last_end : m["span"][0]])
            )  # 除了本级和价格监测中心: both
            left_out = left_out or re.match(r"(?:以外|之外)?(?:除外|不算)", text[m["span"][1] :])  # 本级除外
            excluding, last_end = bool(left_out), m["span"][1]
            if left_out and entity["kind"] in ("economic_subject", "function_subject", "unit", "project"):
                rows.without.append(_ref(entity))  # 除了本级，哪个单位最多: the rest
                continue
            if entity["kind"] in ("economic_subject", "function_subject", "unit"):
                rows.within.append(_ref(entity))
            elif entity["kind"] == "three_public" or (
                entity["kind"] == "total" and entity["key"] == "“三公”经费"
            ):
                rows.table = "11"
                if entity["kind"] == "three_public":
                    rows.within.append(_ref(entity))
            elif entity["kind"] == "catalogue":
                rows.within.append(_ref(entity))
                rows.table = "05" if entity["key"].startswith("采购类别") else "12"
        if r.slots.table and r.slots.table not in ("11", "13"):
            rows.table = r.slots.table
        if rows.table == "11":
            return rows, None
        for f in [f for f in rows.names if f.mode == "startswith" and f.text.isdigit() and not f.negate]:
            rows.names.remove(f)  # 以509开头: a code prefix of the classification the question names
            kind = (
                "gov_economic_subject"
                if re.search(r"政府(支出)?经济分类", text) or f.text.startswith("5")
                else "economic_subject"
                if re.search(r"经济分类", text) or f.text.startswith("3")
                else "function_subject"
            )
            family = ("function_subject",) if kind == "function_subject" else ECONOMIC_KINDS
            rows.within = [w for w in rows.within if w.kind not in family]  # the code says which class
            rows.within.append(EntityRef(kind=kind, key=f.text, name=f.text))
        if rows.table == "04" and "项目" not in text:
            if group == "function" or (group is None and re.search(r"功能分类|科目", text)):
                rows.table, group = "07", "function"
                rows.level = _level(text)
            elif group == "economic" or re.search(r"经济分类", text):
                rows.table, group = "03", "economic"
            elif group == "unit" or re.search(r"单位", text):
                rows.table = "07" if any(w.kind == "function_subject" for w in rows.within) else "02"
        if rows.table == "03" and _measure_of(operands(r)) in ("人员经费", "公用经费"):
            rows.table = "08"  # 公用经费 by economic subject is printed in 预算08表
        if rows.table == "02" and _measure_of(operands(r)) in (
            "基本支出",
            "项目支出",
            "人员经费",
            "公用经费",
        ):
            rows.table = "07"  # a unit's 基本/项目支出 and 人员/公用经费 are printed in 预算07表
        if rows.table == "05" and group in ("function", "unit"):
            group = None
        if group == "function" and rows.table not in ("03", "04", "07"):
            group = None
        return rows, group

    # -- one builder per operation family --------------------------------------

    def _plan_value(self, r: Reading, earlier: tuple | None) -> QueryPlan | PlanResult:
        if re.search(r"哪个|哪家|哪些|什么|谁|哪里|哪块|哪一|啥", r.masked) and not MONEY_WORDS.search(
            r.masked
        ):
            return self._plan_describe(r, earlier)  # 挂着哪个单位的牌子: a name is asked, not an amount
        if (ambiguous := _ambiguous(r)) is not None:
            return ambiguous
        ops = self._operands(r, earlier)
        if not ops and earlier is not None and earlier[1] is not None and r.slots.answer_unit:
            return earlier[1].model_copy(update={"answer_unit": r.slots.answer_unit})  # 换成元
        if not ops:
            return self._not_found(r)
        if any(o.entity["kind"] == "project" for o in ops) and not re.search(
            r"哪个|哪些|什么|目录|类别", r.masked
        ):  # 政府购买服务编码…的项目: the table says where it is
            ops = [
                o
                for o in ops
                if not (
                    o.entity["kind"] == "total"
                    and re.fullmatch(TABLE_WORDS["12"] + "|" + TABLE_WORDS["05"], o.entity["name"])
                )
            ]
        measured = [o for o in ops if o.entity["kind"] == "total" and _measure_word(o.entity["name"])]
        cell = [o for o in ops if o not in measured]
        if (  # <科目>+<经济分类>这个组合，项目支出: the column of the cell those codes address
            len(measured) == 1
            and (len(cell) >= 2 or any(w["kind"] in CELL_KINDS for o in cell for w in o.within))
        ):
            if all(o.entity["kind"] in CELL_KINDS and not o.measure for o in cell):
                ops = cell
                ops[-1].measure = _measure_word(measured[0].entity["name"])
        kinds = [o.entity["kind"] for o in ops]
        if len(ops) > 1 and len(set(kinds)) == len(kinds) and set(kinds) <= set(CELL_KINDS):
            ops = sorted(ops, key=lambda o: CELL_KINDS.index(o.entity["kind"]))
            ops[-1].within = [*ops[-1].within, *(o.entity for o in ops[:-1])]  # one cell, by its codes
            ops = ops[-1:]
        if (
            r.slots.table == "13"
            and len(ops) == 1
            and ops[0].entity["kind"] == "project"
            and not ops[0].measure
        ):
            ops[0].measure = "项目总额"  # 13表 X 项目总额: as 预算13表 prints it, to six decimals
        if re.search(r"(多少|几)(位|名|人|个|辆|台|套|次|条|户|家)", r.masked) and not MONEY_WORDS.search(
            r.masked
        ):
            return self._not_found(r)  # a count of something, not an amount
        if len(ops) > 1 and re.search(r"中|里|其中", r.masked):
            ops = ops[-1:]
        inner = [w for o in ops for w in o.within]
        ops = [o for o in ops if o.entity not in inner] or ops  # 保护站在<科目>下: the cell, not the unit too
        if (
            r.slots.table in ("02", "03", "07", "08")
            and len(ops) == 1
            and ops[0].entity["kind"] in (*CELL_KINDS, "unit")
        ):
            op = ops[0]  # 预算08表中<经济分类>的金额: that table's rows, added up
            rows = RowSet(table=r.slots.table, within=[_ref(w) for w in op.within] + [_ref(op.entity)])
            return QueryPlan(operation="sum", operands=[Operand(rows=rows, measure=op.measure)])
        return QueryPlan(operation="value", operands=[o.operand() for o in ops])

    def _set_question(self, r: Reading, ops: list[_Op]) -> bool:
        named = [o for o in ops if o.entity["kind"] not in CLASSIFIERS]
        classifiers = [o for o in ops if o.entity["kind"] in CLASSIFIERS and not o.within]
        totals_only = all(o.entity["kind"] in ("total", "fact") for o in named)
        catalogued = any(o.entity["kind"] == "catalogue" for o in ops)  # 三级目录是“…”的那几个: a filter
        scoped = bool(named) and all(o.entity["kind"] in SCOPES for o in named)  # 信息中心的项目加起来
        return bool(r.slots.names or r.slots.amounts or r.slots.members or catalogued) or (
            (totals_only and bool(classifiers) or scoped) and bool(re.search(r"项目(?!支出)", r.masked))
        )

    def _name_set(self, r: Reading) -> RowSet | None:
        """三个绿化项目一共多少: a short name several projects share means all of them."""
        for m in r.mentions:
            projects = [c for c in m["candidates"] if c["kind"] == "project"]
            if not projects or projects[0]["full"] or len(m["text"]) < 2:
                continue
            sharing = [e for e in self.catalog.by_kind("project") if m["text"] in normalize(e.name)]
            if len(sharing) >= 2 or (len(projects) >= 2 and all(m["text"] in p["name"] for p in projects)):
                rows, _ = self._row_set(r)
                rows.names.append(NameFilter(mode="contains", text=m["text"]))
                return rows
        for m in (
            re.search(r"([两二三四五六七八九十2-9])个([\u4e00-\u9fff]{2,6}?)(?:的)?项目", r.masked),
            re.search(r"(?P<w>[\u4e00-\u9fff]{2,6})的?(?P<n>[两二三四五六七八九十2-9])个项目", r.masked),
        ):
            if m is None:
                continue
            count, word = (m["n"], m["w"]) if "w" in m.groupdict() else (m.group(1), m.group(2))
            sharing = [e for e in self.catalog.by_kind("project") if word in normalize(e.name)]
            if len(sharing) == ordinal(count):  # 两个尾款项目, 协同办公的两个项目: exactly that many
                rows, _ = self._row_set(r)
                rows.names.append(NameFilter(mode="contains", text=word))
                return rows
        return None

    def _rest_of_parts(self, r: Reading, earlier: tuple | None) -> QueryPlan | PlanResult | None:
        """公务用车运行维护费里，除了加油，剩下几项合计: the other parts of a “三公” item, one taken out."""
        cut = EXCLUDES.search(r.question)
        if cut is None:
            return None
        parents = [
            o
            for o in operands(r)
            if o.start < cut.start() and _three_public_name(o.entity) in THREE_PUBLIC_PARTS
        ]
        if not parents:
            return None
        parent = parents[-1]
        name = _three_public_name(parent.entity)
        clause = re.split(r"[，,。？?]|以后|之后|外", r.question[cut.end() :])[0]
        parts = THREE_PUBLIC_PARTS[name]
        out = [c for c in parts if _part_stem(c) and _part_stem(c) in clause]
        if not out or len(out) == len(parts):
            return None
        listed = [c for c in parts if (_part_stem(c) or c) in r.question[cut.end() + len(clause) :]]
        rest = [c for c in parts if c not in out]
        if listed and set(listed) != set(rest):
            return None  # the parts listed are not the rest: asked back by the unexplained-word check
        within = [*parent.within, parent.entity]
        return QueryPlan(
            operation="sum",
            operands=[
                _Op({"kind": "three_public", "key": c, "name": c}, within, None, 0, 0).operand() for c in rest
            ],
            excluded=[_ref({"kind": "three_public", "key": c, "name": c}) for c in out],
        )

    def _plan_sum(self, r: Reading, earlier: tuple | None) -> QueryPlan | PlanResult:
        if (rest := self._rest_of_parts(r, earlier)) is not None:
            return rest
        previous = earlier[1] if earlier else None
        if (
            previous is not None
            and previous.operands
            and previous.operands[0].rows is not None
            and not any(m["candidates"] for m in r.mentions)
            and not (r.slots.names or r.slots.amounts or r.slots.members or r.slots.table)
        ):  # 有几个项目？ 加起来一共多少钱？: the rows just counted or listed, added up
            rows = previous.operands[0].model_copy(update={"rank": None})
            return QueryPlan(operation="sum", operands=[rows], group_by=previous.group_by)
        ops = self._operands(r, earlier)
        name_set = self._name_set(r)
        if self._set_question(r, ops) or name_set is not None:
            rows, group = self._row_set(r) if name_set is None else (name_set, None)
            return QueryPlan(
                operation="sum", operands=[Operand(rows=rows, measure=_measure_of(ops))], group_by=group
            )
        named = [o for o in ops if o.entity["kind"] not in CLASSIFIERS]
        chosen = named if len(named) >= 2 else ops
        inner = [w for o in chosen for w in o.within]
        chosen = [o for o in chosen if o.entity not in inner]  # 某中心在208类下的合计: the inner part only
        if len(chosen) < 2:
            return self._plan_value(r, earlier)
        return QueryPlan(operation="sum", operands=[o.operand() for o in chosen])

    def _plan_avg(self, r: Reading, earlier: tuple | None) -> QueryPlan | PlanResult:
        rows, group = self._row_set(r)
        return QueryPlan(
            operation="avg", operands=[Operand(rows=rows, measure=_measure_of(operands(r)))], group_by=group
        )

    def _sides(self, r: Reading, earlier: tuple | None, word: str) -> tuple[list[_Op], list[_Op]]:
        ops = self._operands(r, earlier)
        at = r.question.find(word)
        if (
            at < 0 and word == "比" and "difference" in r.intents
        ):  # 基本支出：本级 - 信息中心: before less after
            at = next(
                (
                    m.start()
                    for m in re.finditer(r"[-－−]|减去|(?<=[计额数级])减", r.question)
                    if not any(a <= m.start() < b for a, b in (x["span"] for x in r.mentions))
                ),
                -1,
            )
        if at < 0:
            return ops[:1], ops[1:2]
        return [o for o in ops if o.start < at], [o for o in ops if o.start > at]

    def _plan_difference(self, r: Reading, earlier: tuple | None) -> QueryPlan | PlanResult:
        ranks = [  # (place, counted from the smallest)
            (
                ordinal(m.group(2)) if m.group(2) else 1,
                bool(m.group(1)) or m.group(3) in ("便宜", "少", "小", "低"),
            )
            for m in RANKED.finditer(r.text)
        ]
        previous = earlier[1] if earlier else None
        if (
            len(ranks) == 2
            and previous is not None
            and previous.operands
            and previous.operands[0].rows is not None
        ):
            rows = previous.operands[0]  # 第一名比第二名多多少: two places of the ranking just shown
            return QueryPlan(
                operation="difference",
                group_by=previous.group_by,
                operands=[rows.model_copy(update={"rank": n, "lowest": low}) for n, low in ranks],
            )
        if len(ranks) == 2 and re.search(r"最(贵|多|大|高|烧钱)的项目", r.text) and not r.mentions:
            rows, group = self._row_set(r)  # 最贵的项目和最便宜的项目差多少: two places of the projects
            return QueryPlan(
                operation="difference",
                group_by=group,
                operands=[Operand(rows=rows, rank=n, lowest=low) for n, low in ranks],
            )
        left, right = self._sides(r, earlier, "比")
        if not left and right and earlier is not None and r.text.startswith("比"):
            left = operands(earlier[0])[-1:]  # 科普经费多少钱？ 比科技经费多多少？
        if not left or not right:
            ops = self._operands(r, earlier)
            if len(ops) < 2:
                return self._not_found(r)
            left, right = ops[:1], ops[1:2]
        if (
            len(left) == 2
            and left[0].entity["kind"] == "total"
            and (measure := _measure_word(left[0].entity["name"]))
            in ("人员经费", "公用经费", "基本支出", "项目支出")
            and left[1].entity["kind"] in SCOPES
            and right[0].entity["kind"] in SCOPES
        ):  # 人员经费这块，二中比实小多多少: that measure of both units
            left = [_Op(left[1].entity, list(left[1].within), measure, left[1].start, left[1].end)]
            right = [_Op(right[0].entity, list(right[0].within), measure, right[0].start, right[0].end)]
        first, second = left[0], right[0]
        if (
            len(left) == 2
            and first.entity["kind"] not in SCOPES
            and not first.within
            and left[1].entity["kind"] in SCOPES
            and second.entity["kind"] in SCOPES
        ):  # <代码><科目> 中心比本级多多少: the thing said first, of each unit
            first, second = (
                _Op(first.entity, [unit.entity], first.measure, unit.start, unit.end)
                for unit in (left[1], second)
            )
        elif second.entity["kind"] in SCOPES and first.entity["kind"] not in SCOPES and first.within:
            # 信息中心的住房公积金比本级少多少: the same thing, of the other unit
            second = _Op(first.entity, [second.entity], first.measure, second.start, second.end)
        elif (
            first.entity["kind"] in SCOPES
            and second.entity["kind"] in SCOPES
            and first.measure
            and not second.measure
            and not second.within
        ):  # 社区服务中心的基本支出比本级多多少: the same measure of the other unit
            second = _Op(second.entity, [], first.measure, second.start, second.end)
        return QueryPlan(operation="difference", operands=[first.operand(), second.operand()])

    def _plan_share(self, r: Reading, earlier: tuple | None) -> QueryPlan | PlanResult:
        if re.search(r"占多少(?!钱|万|元)", r.masked) and not re.search(
            r"比例|比重|占比|百分|%|％|几成|多少成|个点|份额", r.masked
        ):
            return PlanResult(  # 里面公车保险占多少: an amount or a share, people say both
                answer="“占多少”是问这一项的金额（花了多少），还是问它占整体的百分比（占百分之几）？请问是哪一个？"
            )
        word = "占" if "占" in r.question else "相当于"
        previous = earlier[1] if earlier else None
        top = re.match(
            r"^(那|那么)?(其中|这些|里面|这里面|当中)?[^，。？?占]{0,6}最(大|多|贵|高|小|少|便宜|低)", r.text
        )
        if (
            top
            and previous is not None
            and previous.operands
            and previous.operands[0].rows is not None
            and re.search(r"这些|这几个|它们|合计|总额|一共", r.text[top.end() :])
        ):  # 环卫中心有几个项目？ 其中最大的那个占这些项目合计的百分之几: the first row over the rows
            rows = previous.operands[0].rows
            first = Operand(rows=rows, rank=1, lowest=top.group(3) in ("小", "少", "便宜", "低"))
            return QueryPlan(
                operation="share", operands=[first, Operand(rows=rows)], group_by=previous.group_by
            )
        left, right = self._sides(r, earlier, word)
        at = r.question.find(word)
        numerator: Operand | None = None
        parts = [o for o in left if o.entity["kind"] == "three_public" and o.within]
        if (
            not right
            and len(parts) >= 2
            and len(parts) == len(left)
            and all(o.within == parts[0].within for o in parts)
        ):  # 公务用车运行维护费里，加油和维修两项合计占多大比重: the parts added, over their whole
            outer = parts[0].within[-1]
            if (
                outer["name"] in THREE_PUBLIC_PARTS
            ):  # the whole as the “三公” table prints it, not 03's subject
                outer = {"kind": "three_public", "key": outer["name"], "name": outer["name"]}
            whole = _Op(outer, parts[0].within[:-1], None, 0, 0)
            return QueryPlan(operation="share", operands=[*(o.operand() for o in parts), whole.operand()])
        if self._set_question(r, left) or self._name_set(r) is not None:
            rows, _ = self._row_set(r)
            if (name_set := self._name_set(r)) is not None:
                rows = name_set
            numerator = Operand(rows=rows, measure=_measure_of(left))
        elif (
            not right
            and len(left) == 2
            and left[0].entity["kind"] == "total"
            and left[1].entity["kind"] in SCOPES
            and (measure := _measure_word(left[0].entity["name"]))
            and re.fullmatch(r"(里|中|之中|当中|里面)[，,]?", r.question[left[0].end : left[1].start])
        ):  # 项目支出里，考试中心所占比例: the unit's 项目支出 over the department's
            part = left[1]
            numerator = _Op(part.entity, list(part.within), measure, part.start, part.end).operand()
            right = left[:1]
        elif left:
            between = r.question[left[-2].end : left[-1].start] if len(left) > 1 else ""
            inside = len(left) > 1 and re.fullmatch(r"(里|中|之中|当中|其中|里面|的)+", between)
            numerator = (left[-1] if inside else left[0]).operand()  # 三公经费里公务用车加油占…: the part
            if (
                not right
                and len(left) > 1
                and left[-2].entity["kind"] in SCOPES
                and re.fullmatch(r"的?(钱|预算|经费|资金|支出)?(里|中|之中|当中|里面)[，,]?", between)
            ):  # 林业工作站的钱里，项目支出占了多少: a measure of the unit over the unit's whole
                part = left[-1]
                if part.entity["kind"] == "total" and (measure := _measure_word(part.entity["name"])):
                    part = _Op(left[-2].entity, list(left[-2].within), measure, part.start, part.end)
                numerator, right = part.operand(), [left[-2]]
        if (
            numerator is not None
            and numerator.rows is not None
            and any(w.kind == "catalogue" for w in numerator.rows.within)
            and (
                not right
                or (
                    right[0].entity["kind"] == "total"
                    and re.search(TABLE_WORDS.get(numerator.rows.table, "^$"), r.question[at:])
                )
            )
        ):  # 政府采购里货物类占采购总额, 占政府购买服务预算总额: the class within its whole table
            whole = RowSet(table=numerator.rows.table)
            return QueryPlan(
                operation="share", operands=[numerator, Operand(rows=whole, measure=numerator.measure)]
            )
        if (
            numerator is not None
            and not right
            and numerator.within
            and numerator.within[-1].kind in ("total", "three_public", "fact")
        ):
            right = [_Op(numerator.within[-1].model_dump(), [], None, 0, 0)]  # 政府采购里货物类占采购总额
        if not right and len(left) >= 2 and re.search(r"在.*(中|里|之中|当中)", r.question[:at]):
            numerator, right = left[0].operand(), left[1:2]  # 公用经费在基本支出中占多大比例
        if (
            not right
            and numerator is not None
            and numerator.entity is not None
            and numerator.entity.kind in SCOPES
            and numerator.measure
            and re.search(r"(钱|预算|经费|资金|盘子)(里|中|之中|当中|里面)", r.question[: max(at, 0)])
        ):  # 殡仪馆的钱里 项目支出占多大比例: that measure of the unit over the unit's whole
            right = [
                _Op(numerator.entity.model_dump(), [w.model_dump() for w in numerator.within], None, 0, 0)
            ]
        own_whole = at >= 0 and re.match(
            r"占(了)?(它|其)?(本单位|本级|自身|自己|该单位|这个单位|它|其)的?(总)?(预算|合计|总额|收入|支出)",
            r.question[at:],
        )  # 占本单位合计: the unit's own whole, not the thing asked before
        if (
            not right
            and earlier is not None
            and not own_whole
            and not re.search(r"全|总|整个|整体", r.masked[at:] if at >= 0 else "")
        ):
            right = operands(earlier[0])[-1:]  # 三公经费一共多少？ 修车的钱占了多少？
            numerator = numerator if left else None
        if not right and re.search(
            r"(全|本|整个)部门|全局|全委|总预算|总额|全部|总支出|总收入|整体",
            r.masked[at:] if at >= 0 else "",
        ):
            measure = re.search(  # 占全部门项目支出的比例: the department's 项目支出
                r"(?:(?:全|本|整个)部门|全局|全委|全部)的?(人员经费|公用经费|基本支出|项目支出)",
                r.question[at:] if at >= 0 else "",
            )
            right = [_Op(DEPARTMENT.model_dump(), [], measure.group(1) if measure else None, 0, 0)]
        if numerator is None and not left and earlier is not None:
            before = operands(earlier[0])
            previous = earlier[1]
            if (
                previous is not None
                and previous.operation == "value"
                and len(previous.operands) == 1
                and previous.operands[0].entity is not None
            ):  # 里面项目支出多少？ 占本级的比例呢: the figure just given, as the previous plan read it
                numerator = previous.operands[0]
            elif before:
                numerator = before[-1].operand()
            elif (
                previous is not None
                and previous.operation in ("max", "min")
                and previous.operands
                and previous.operands[0].rows is not None
            ):  # 哪个项目最贵？ 占全部项目支出多少: the row just named
                numerator = previous.operands[0].model_copy(
                    update={"rank": 1, "lowest": previous.operation == "min"}
                )
        if (
            right
            and at >= 0
            and right[0].entity["kind"] not in SCOPES
            and right[0].within
            and re.search(r"全局|全部门|整个部门|全委|全单位|所有单位|全部单位|各单位合计", r.question[at:])
            and not any(m["span"][0] > at and m["candidates"][0]["kind"] in SCOPES for m in r.mentions)
        ):  # 社区服务中心的住房公积金？ 这占全局住房公积金的百分之多少: the department's, every unit's
            right = [_Op(right[0].entity, [], right[0].measure, right[0].start, right[0].end)]
        if (
            right
            and at >= 0
            and right[0].entity["kind"] == "total"
            and right[0].within
            and not any(  # 中心的预算占部门收入合计: the scope named before 占 is the part's, not the whole's
                m["span"][0] > at and any(c["key"] == w["key"] for c in m["candidates"])
                for m in r.mentions
                for w in right[0].within
            )
            and not re.search(r"它|其|自身|自己|本单位|该单位|这个单位", r.question[at:])
        ):
            right = [_Op(right[0].entity, [], right[0].measure, right[0].start, right[0].end)]
        if (
            len(right) >= 2
            and right[0].entity["kind"] in SCOPES
            and right[1].entity["kind"] == "total"
            and (measure := _measure_word(right[1].entity["name"]))
        ):  # 占本级项目支出的比例: the unit's own 项目支出
            right = [_Op(right[0].entity, list(right[0].within), measure, right[0].start, right[1].end)]
        if (
            right
            and right[0].entity["kind"] == "total"
            and right[0].within
            and right[0].within[-1]["kind"] in SCOPES
            and (measure := _measure_word(right[0].entity["name"]))
        ):  # 人员经费占它基本支出的比例: the unit's own 基本支出
            unit = right[0].within[-1]
            right = [_Op(unit, list(right[0].within[:-1]), measure, right[0].start, right[0].end)]
        whole_of_all = (
            bool(right)
            and right[0].entity["kind"] == "total"
            and (
                not right[0].within
                or (
                    numerator is not None
                    and right[0].within[-1]["key"] == getattr(numerator.entity, "key", None)
                )
            )  # 社保中心人员经费占本单位支出合计: the unit's own total
        ) or (not right and bool(own_whole))
        if (
            (not right or (whole_of_all and _measure_word(right[0].entity["name"]) in (None, "合计")))
            and numerator is not None
            and numerator.entity is not None
            and numerator.entity.kind in SCOPES
            and numerator.measure
            and at >= 0
            and re.match(
                r"占(了)?(它|其)?(本级|本单位|自身|自己|该单位|它|其)的?(总)?(预算|合计|总额|收入|支出)?",
                r.question[at:],
            )
        ):  # 本级项目支出占本级预算的比例: over the unit's own whole
            right = [
                _Op(numerator.entity.model_dump(), [w.model_dump() for w in numerator.within], None, 0, 0)
            ]
        if numerator is None or not right:
            return self._not_found(r)
        if (
            numerator.entity is not None
            and numerator.entity.kind in SCOPES
            and numerator.measure is None
            and right[0].entity["kind"] == "total"
            and not right[0].within
            and (measure := _measure_word(right[0].entity["name"]))
            in ("人员经费", "公用经费", "基本支出", "项目支出")
        ):  # 考试中心占项目支出的比例: the unit's own 项目支出, not its whole budget
            numerator = numerator.model_copy(update={"measure": measure})
        if (
            right[0].entity["kind"] == "three_public"
            and numerator.entity
            and numerator.entity.kind != "three_public"
        ):
            part = next(  # 出国费用占三公经费: the part as the “三公” table prints it, not 03's subject
                (
                    c
                    for m in r.mentions
                    for c in m["candidates"]
                    if c["kind"] == "three_public" and c["name"] == numerator.entity.name
                ),
                None,
            )
            if part is not None:
                numerator = Operand(entity=_ref(part))
        whole = right[0].operand()
        inside = [w for w in numerator.within if w.kind == "total"]
        if (
            numerator.entity is not None
            and numerator.entity.kind in SCOPES
            and numerator.measure
            and inside
            and whole.entity is not None
            and whole.entity.kind == "total"
            and not whole.within
            and whole.entity.key == inside[-1].key
            and (measure := _measure_word(whole.entity.name)) in ("基本支出", "项目支出")
        ):  # 一幼基本支出里人员经费占多大比例: the unit's 人员经费 over the unit's own 基本支出
            rest = [w for w in numerator.within if w.kind != "total"]
            numerator = Operand(entity=numerator.entity, within=rest, measure=numerator.measure)
            whole = Operand(entity=numerator.entity, within=rest, measure=measure)
        return QueryPlan(operation="share", operands=[_scoped(numerator), _scoped(whole)])

    def _plan_position(self, r: Reading, earlier: tuple | None) -> QueryPlan | PlanResult:
        ops = [o for o in operands(r) if o.entity["kind"] in ("unit", "project")]
        target = ops[0].operand() if ops else None
        if target is None and earlier is not None and earlier[1] is not None:
            target = next(
                (o for o in earlier[1].operands if o.entity and o.entity.kind in ("unit", "project")), None
            )
        if target is None or target.entity is None:
            return self._not_found(r)
        if target.entity.kind == "project":
            rows, group = RowSet(table="04"), None
        elif target.measure and target.measure != "合计":
            rows, group = RowSet(table="07"), "unit"  # 项目支出排第几: the units' 项目支出
        else:
            rows, group = RowSet(table="02"), None
        ranked = Operand(rows=rows, measure=target.measure)
        return QueryPlan(
            operation="position",
            operands=[ranked, target.model_copy(update={"measure": None})],
            group_by=group,
        )

    def _plan_rank(self, r: Reading, earlier: tuple | None) -> QueryPlan | PlanResult:
        rows, group = self._row_set(r, earlier)
        text = r.masked
        if len(text) == len(r.question):  # 第二中学有哪些项目: an ordinal inside a name is no place
            for a, b in (m["span"] for m in r.mentions):
                text = text[:a] + "，" * (b - a) + text[b:]
        low = bool(
            re.search(r"最(少|小|低|便宜|省)|倒数|从低到高|从小到大|从少到多|升序|由低到高|由小到大", text)
        )
        op, n = ("min" if low else "max"), None
        if m := re.search(r"倒数第" + ORDINAL, text):
            op, n = "rank_low", ordinal(m.group(1))
        elif m := re.search(r"倒数(?!第)" + ORDINAL + r"(?:名|个|项|位)", text):
            op, n = "bottom", ordinal(m.group(1))  # 倒数两名: the last two
        elif m := (
            re.search(r"前" + ORDINAL, text)
            or re.search(r"(?i)top\s*([0-9]+)", text)
            or re.search(r"最\S{1,2}的" + ORDINAL + "(个|项|名|位|行|条|类)", text)
            or re.search(r"哪" + ORDINAL + r"(?:个|项|家)(?=[^，。？?]*最)", text)  # 哪三个项目最贵
        ):
            op, n = ("bottom" if low else "top"), ordinal(m.group(1))
        elif m := re.search(r"第" + ORDINAL, text):
            op, n = ("rank_low" if low else "rank"), ordinal(m.group(1))
        elif re.search(
            r"从高到低|从大到小|从多到少|从低到高|从小到大|从少到多|依次|排名|排行|排序|哪些|哪几个|列出|有什么|"
            r"降序|升序|由高到低|由大到小|由多到少|由低到高|由小到大|"
            r"分别|各是|各自|各有|各多少",
            text,
        ):
            op = "bottom" if low else "list"
            n = 100 if low else None
        if (
            op == "max"
            and (r.slots.names or r.slots.amounts or r.slots.members)
            and not re.search(r"最|第|排|前|倒数|之首|多|少|贵|高|大|低|小", text)
        ):
            op = "list"  # 哪个项目没有列入…: which rows pass the filter, not the largest of them
        if rows.table == "02" and group is None and re.search(r"项目", text):
            rows.table = "04"
        if group is None and rows.table == "04" and re.search(r"哪个单位|哪家单位|哪一个单位", text):
            group = "unit"
        if (
            group is None
            and rows.table == "07"
            and re.search(r"汇总|合并|加总|合计", text)
            and "科目" in text
        ):
            group = (
                "function"  # 科目汇总(三个单位合计)的前三: subjects over every unit, never unit·subject rows
            )
        if group == "unit" and rows.without and re.search(r"(什么|哪些|哪个)项目", text):
            group, op = None, "list"  # 除了本级还有哪个单位有？是什么项目: the rows, each with its unit
        measure = _measure_of(operands(r))
        return QueryPlan(operation=op, operands=[Operand(rows=rows, measure=measure)], group_by=group, n=n)

    def _plan_indicator_count(self, r: Reading, earlier: tuple | None) -> QueryPlan | PlanResult:
        every = re.search(r"(全部|所有|各个?|全)项目|一共有多少个项目", r.masked)
        project = None if every else self._project(r, earlier)  # 这个项目有几个绩效指标: counted
        if not every and (project is None or self._name_set(r) is not None):
            return PlanResult(answer="请问是哪个项目的绩效指标？请给出项目名称（或问全部项目的指标）。")
        ops = [Operand(entity=_ref(project))] if project else []
        return QueryPlan(operation="indicator_count", operands=ops, topic=r.text)

    def _plan_count(self, r: Reading, earlier: tuple | None) -> QueryPlan | PlanResult:
        text = r.masked
        if r.slots.amounts and re.search(r"的?单位.{0,3}(有)?(几|多少)(家|个)|几(家|个)单位", r.text):
            return PlanResult(  # 项目支出超过500万元的单位有几家: a bound on each unit's total, not on rows
                answer="这里的金额条件是按每个单位的合计来比，还是按单个项目来比？例如“项目支出合计超过"
                "500万元的单位”或“有超过500万元项目的单位”，请问是哪一种？"
            )
        if re.search(r"(几|多少)(套|台|辆|部|架)", r.text) and not self._named_project(r):
            if any(m["candidates"] and m["candidates"][0]["kind"] == "unit" for m in r.mentions):
                return _refuse("说明只给出本部门及所属单位合计的数量，没有分单位的数量。")
            return QueryPlan(
                operation="stated_count", topic=r.text
            )  # 买几套200万以上的设备: as the text says
        if re.search(r"(几|多少)(个|户|家)[^，。？?]{0,4}(事业单位|行政单位|机关)", r.text):
            return QueryPlan(operation="stated_count", topic=r.text)  # 有几个事业单位: the 单位构成 stated
        projects_counted = re.search(
            r"项目[^，。？?]{0,4}(几|多少)个|(几|多少)个项目", text
        )  # never a target
        if (
            (INDICATOR_COUNTERS.search(text) or self._named_project(r))
            and not (r.slots.names or r.slots.amounts or r.slots.members or r.slots.table)
            and not projects_counted
            and self._name_set(r) is None
        ):
            return self._plan_indicator(r, earlier)
        scoped = any(
            m["candidates"] and _pick(m, (*CLASSIFIERS, *SCOPES))["kind"] in (*CLASSIFIERS, "unit")
            for m in r.mentions
        )
        counter = next((c for c in "个项户家" if re.search(f"(几|多少|数){c}", text)), None)
        if (
            scoped
            or r.slots.names
            or r.slots.amounts
            or r.slots.members
            or r.slots.table  # 12表 二级目录0511 几项: rows of that table, never a count the text states
            or self._name_set(r) is not None
            or (
                re.search(r"项目|政府购买服务|单位|科目", text)
                and (counter or re.search(r"个数|数量|项数", text))
            )
        ):
            rows, group = self._row_set(r, earlier)
            if (name_set := self._name_set(r)) is not None:
                rows = name_set
            return QueryPlan(
                operation="count",
                operands=[Operand(rows=rows, measure=_measure_of(operands(r)))],
                group_by=group,
                answer_unit=counter or ("行" if re.search(r"几行|多少行", text) else None),
            )
        return QueryPlan(operation="stated_count", topic=r.text)

    def _subject(self, r: Reading, earlier: tuple | None) -> Operand | None:
        mentions = r.mentions or (earlier[0].mentions if earlier else [])
        for m in mentions:
            fact = next((c for c in m["candidates"] if c["kind"] == "fact"), None)
            if fact:
                return Operand(entity=_ref(fact))
        for m in mentions:
            entity = _pick(m, NARRATIVE_KINDS)
            if entity:
                return Operand(entity=_ref(entity))
        return None

    def _plan_change(self, r: Reading, earlier: tuple | None) -> QueryPlan | PlanResult:
        subject = self._subject(r, earlier)
        return QueryPlan(
            operation="change",
            operands=[subject] if subject else [],
            percent=bool(PCT_WORDS.search(r.text)),
            topic=r.text,
        )

    def _plan_previous(self, r: Reading, earlier: tuple | None) -> QueryPlan | PlanResult:
        subject = self._subject(r, earlier)
        return QueryPlan(
            operation="previous", operands=[subject] if subject else [], year="previous", topic=r.text
        )

    def _plan_reason(self, r: Reading, earlier: tuple | None) -> QueryPlan | PlanResult:
        if (EMPTY.search(r.masked) or "没" in r.masked) and (
            table := r.slots.table or self._table_titled(r.masked)
        ):
            return QueryPlan(operation="reason", operands=[Operand(rows=RowSet(table=table))], topic=r.text)
        subject = self._subject(r, earlier)
        return QueryPlan(operation="reason", operands=[subject] if subject else [], topic=r.text)

    def _table_titled(self, text: str) -> str | None:
        """The empty table whose title the question names (政府性基金那张表 → 预算09表)."""
        for number, title in self.catalog.empty_tables.items():
            topic = re.sub(r"^.*?(部门|单位）)|(预算)?(财政拨款)?(收入|支出|收支)?(明细)?表$", "", title)
            if len(topic) >= 4 and any(topic[i : i + 4] in text for i in range(len(topic) - 3)):
                return number
        return None

    def _plan_define(self, r: Reading, earlier: tuple | None) -> QueryPlan | PlanResult:
        quoted = QUOTED.search(r.text)
        term = quoted.group(1) if quoted else (r.mentions[0]["text"] if r.mentions else "")
        if not term:
            m = re.search(
                r"(?:什么是|何为|啥是)?([^，。？?是]{2,20}?)(?:是指什么|指什么|指的是|是什么意思|的含义|的定义|啥意思)",
                r.text,
            )
            term = m.group(1) if m else ""
        subject = self._subject(r, earlier)
        return QueryPlan(operation="define", operands=[subject] if subject else [], topic=term or r.text)

    def _plan_describe(self, r: Reading, earlier: tuple | None) -> QueryPlan | PlanResult:
        names_department = any(
            m["candidates"] and m["candidates"][0]["kind"] == "department" for m in r.mentions
        )
        if re.search(r"职能|职责", r.text) or (
            names_department and re.search(r"负责(什么|哪些|啥)|管(什么|哪些|啥)|干什么|做什么工作", r.text)
        ):  # X归不归本局管，职能里怎么写 / 本局在优抚这块负责什么: its duties
            return QueryPlan(operation="describe", operands=[Operand(entity=DEPARTMENT)], topic=r.text)
        project = self._project(r, earlier)
        ops = (
            [Operand(entity=_ref(project))]
            if project
            else [Operand(entity=_ref(e)) for m in r.mentions if (e := _pick(m, NARRATIVE_KINDS))]
        )
        subordinate = [e for e in self.catalog.by_kind("unit") if not e.name.endswith("本级")]
        if (
            OTHER_NAME.search(r.text)
            and re.search(r"下面|下属|所属|下级|二级", r.text)
            and all(o.entity is not None and o.entity.kind == "department" for o in ops)
        ):  # 下面那个事业单位还挂了什么牌子: the subordinate unit's other name, or which one is meant
            if len(subordinate) != 1:
                return PlanResult(answer="下属单位不止一个，请问是哪个单位？")
            ops = [Operand(entity=_ref(subordinate[0].as_dict()))]
        return QueryPlan(operation="describe", operands=ops, topic=r.text)

    def _named_project(self, r: Reading) -> bool:
        """One project is named outright (not a short name several projects share)."""
        for m in r.mentions:
            projects = [c for c in m["candidates"] if c["kind"] == "project"]
            if (
                projects
                and _pick(m, TABLE_KINDS)["kind"] == "project"
                and (
                    projects[0]["full"]
                    or len(projects) == 1
                    or projects[1]["score"] < projects[0]["score"] * 0.8
                )
            ):
                return True
        return False

    def _project(self, r: Reading, earlier: tuple | None) -> dict | None:
        for reading in (r, earlier[0] if earlier else None):
            for m in reading.mentions if reading else []:
                entity = _pick(m, TABLE_KINDS)
                if entity and entity["kind"] == "project":
                    return entity
        if earlier is not None and REFERS_BACK.search(r.text):
            named = self._projects_said(earlier[2])  # 这个项目: the one the last answer named
            if len(named) == 1:
                return named[0].as_dict()
            planned = [
                o.entity
                for o in (earlier[1].operands if earlier[1] else [])
                if o.entity and o.entity.kind == "project"
            ]  # 占项目支出多少？ 这个项目要求…: the project the previous question was about
            if len(planned) == 1:
                return planned[0].model_dump()
        return None

    def _projects_said(self, said: str) -> list[Entity]:
        """The projects an answer names in full, once each."""
        if not said:
            return []
        _, mentions = self.catalog.resolve(said)
        named = {
            c.entity.key: c.entity
            for m in mentions
            for c in m.candidates
            if c.full and c.entity.kind == "project"
        }
        return list(named.values())

    def _plan_indicator(self, r: Reading, earlier: tuple | None) -> QueryPlan | PlanResult:
        if "difference" in r.intents or re.search(r"比.{1,20}(高|低|多|少)多少", r.masked):
            return PlanResult(  # 移动出口租费的上限比电信出口高多少: two targets compared, not one read
                answer="这个问题要比较两项绩效指标，我目前只能逐项查询。请问先查哪一项指标的目标值？"
            )
        project = self._project(r, earlier)
        named = re.search(r"([\u4e00-\u9fff]{2,10}?)(?:的|那个|这个|那项|这项)?项目(?!支出)", r.text)
        if (
            project is None
            and named
            and not re.search(r"哪|全部|所有|各|每|本部门|整体|绩效", named.group(1))
        ):
            return PlanResult(  # 机房租用那个项目的满意度: not any project's target that happens to match
                answer=f"没有找到“{named.group(1)}”这个项目。请问是哪个项目？可以给出项目支出表中的项目全称。"
            )
        quoted = QUOTED.search(r.text)
        topic = r.question
        if quoted and not (project and quoted.group(1) in project["name"]):
            topic = quoted.group(1)  # “开展应急值守”这个指标: the name it quotes
        elif not REFERS_BACK.search(r.text):  # the words that named the project are not the indicator's
            for m in r.mentions:
                if project and any(
                    c["kind"] == "project" and c["key"] == project["key"] for c in m["candidates"]
                ):
                    topic = (
                        topic[: m["span"][0]] + "，" * (m["span"][1] - m["span"][0]) + topic[m["span"][1] :]
                    )
        return QueryPlan(
            operation="indicator", operands=[Operand(entity=_ref(project))] if project else [], topic=topic
        )

    def _not_found(self, r: Reading) -> PlanResult:
        left = r.leftover
        what = f"“{left}”" if len(left) >= 2 and not re.search(r"[0-9]", left) else "这项内容"
        return _refuse(f"在{self.doc.get('department') or '这份预算'}的预算中没有找到{what}。")


def _attribute_columns(text: str) -> list[str]:
    """二级、三级目录 → the columns 目录二级 and 目录三级."""
    text = re.sub(r"([一二三])级、([一二三])级目录", r"\1级目录、\2级目录", text)
    return list(dict.fromkeys(column for word, column in ATTRIBUTE_WORDS.items() if word in text))


def _measure_of(ops: list[_Op]) -> str | None:
    """The column a row set is read in; 基本支出的公用经费 is read in the narrower one, 公用经费."""
    said = [
        o.measure or o.entity["name"]
        for o in ops
        if o.measure
        or (
            o.entity["kind"] == "total"
            and o.entity["name"] in ("基本支出", "项目支出", "人员经费", "公用经费")
        )
    ]
    narrow = [m for m in said if m in ("人员经费", "公用经费")]
    return (narrow or said or [None])[0]


def _level(text: str) -> int | None:
    for digits, pattern in (
        (
            3,
            r"类级|[（(“\"]类[）)”\"]|按类|类一级|分类汇总到类|大类|(哪|每|各)个?类|的类(汇总|合计|分组|[，,])",
        ),
        (5, r"款级|[（(“\"]款[）)”\"]|按款|款一级|[的个各每哪]款"),
        (7, r"项级|[（(“\"]项[）)”\"]|按项"),
    ):
        if re.search(pattern, text):
            return digits
    return 7


def _refuse(why: str = "") -> PlanResult:
    return PlanResult(answer=f"{NOT_FOUND}。{why}".rstrip("。") + ("。" if why else ""), refused=True)


def _ask_back(word: str, plan: QueryPlan) -> PlanResult:
    if EXCLUDES.fullmatch(word):
        return PlanResult(
            answer=f"问题里有“{word}”，要去掉一部分，我还不能确定去掉的是哪些行。我目前的理解是：{interpret(plan)}，"
            "其中没有去掉任何部分。请问能把要算的各项直接列出来吗？",
            interpretation=interpret(plan),
        )
    return PlanResult(
        answer=f"问题中的“{word}”我没能对应到预算表里的内容，请问“{word}”具体指什么？"
        "可以换个说法或给出完整名称。",
        interpretation=interpret(plan),
    )


def _ambiguous(r: Reading) -> PlanResult | None:
    for m in r.mentions:
        cands = m["candidates"]
        if len(cands) < 2 or cands[0]["full"]:
            continue
        rivals = [c for c in cands if c["kind"] == cands[0]["kind"] and c["score"] >= cands[0]["score"] * 0.9]
        said = normalize(m["text"])
        holding = [c for c in rivals if said in normalize(c["name"])]
        if len(said) >= 6 and len(holding) == 1:  # 食堂社会化管理服务项目: one name prints it
            m["candidates"] = holding + [c for c in cands if c is not holding[0]]
            continue
        if len(rivals) > 1:
            names = "、".join(f"“{c['name']}”" for c in rivals[:5])
            return PlanResult(
                answer=f"“{m['text']}”可能指：{names}。请问您问的是哪一个？",
                candidates=[
                    Candidate(name=c["name"], kind=c["kind"], score=c["score"], key=c["key"])
                    for c in rivals[:5]
                ],
            )
    return None
