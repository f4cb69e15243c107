"""Informal names → the things a budget document names (实体解析).

People write 便民热线 for a project called 便民服务咨询热线运行费, 发改委 for
发展和改革委员会, 公车 for 公务用车. A name matches when a stretch of the
question is a *subsequence* of it (the characters in order, gaps allowed),
weighted by how rare those characters are among all names, so 便民热线 finds
the hotline project while 东城区 or 项目 alone find nothing.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

import jieba

from assistant.lexicon import (
    ABBREVIATION_SKIP,
    GENERIC_WORDS,
    ORG_SUFFIXES,
    PROCUREMENT_CLASSES,
    STOP_CHARS,
    SYNONYMS,
    TOTALS,
)
from index.bm25 import ensure_jieba
from index.store import Store
from index.subjects import FUNCTION_CLASSES, strip_ordinal

KINDS = (
    "department",
    "unit",
    "project",
    "function_subject",
    "economic_subject",
    "catalogue",
    "three_public",
    "fact",
    "total",
)

_QUOTES = str.maketrans({c: None for c in "“”\"‘’'「」『』《》 \u3000\t"})
_WIDTH = str.maketrans("（）：，；０１２３４５６７８９ＡＢＣＭｍ", "():,;0123456789ABCMm")
_YEAR = re.compile(r"(?:19|20)\d\d\s*年度?")
_CODE = re.compile(r"(?<![0-9A-Za-z])\d{3,7}(?![0-9A-Za-z])")
LONG_NAME = 6  # names this long, written out in full, are taken as they stand
MIN_PARTIAL = 6.0  # below this a partial match is coincidence (两个字碰巧相同)
_CODE_PREFIX = re.compile(r"^[0-9A-Z]+[-－—]\s*")


def normalize(text: str) -> str:
    """The form both questions and names are matched in: no quotes or spaces, half-width, lower case."""
    return text.translate(_QUOTES).translate(_WIDTH).lower()


def expand_synonyms(question: str) -> str:
    for colloquial, printed in SYNONYMS.items():
        if colloquial in question and printed not in question:
            question = question.replace(colloquial, printed)
    return question


def strip_code(name: str) -> str:
    """``30213-维修（护）费`` → ``维修（护）费``."""
    return _CODE_PREFIX.sub("", name).strip()


def abbreviation(name: str) -> str | None:
    """发展和改革委员会 → 发改委, 卫生健康委员会 → 卫健委: the initials people use."""
    for suffix in ORG_SUFFIXES:
        if name.endswith(suffix) and len(name) >= len(suffix) + 2:
            ensure_jieba()
            words = [w for w in jieba.lcut(name[: -len(suffix)]) if w not in ABBREVIATION_SKIP]
            if len(words) >= 2:
                return "".join(w[0] for w in words) + suffix[0]
            if suffix == "委员会" and len(words) == 1 and len(words[0]) >= 2:
                return words[0][0] + "委"  # 教育委员会 → 教委
    return None


def office_shorts(core: str) -> list[str]:
    """What people call an office: its initials (发改委), and X局 for an XX管理局 (应急管理局 → 应急局)."""
    forms = [abbreviation(core) or ""]
    if re.fullmatch(r"[\u4e00-\u9fff]{2}管理局", core):
        forms.append(core[:2] + "局")
    return [f for f in forms if f]


def short_forms(name: str, parent: str = "") -> list[str]:
    """The short names people use for a unit: its initials (发改委), and for a two-character suffix the
    initials of its first two words kept with the whole suffix (环境卫生服务中心 → 环卫中心) — also of what
    follows the department's own name (发展和改革综合保障中心 → 综保中心)."""
    forms = [abbreviation(name) or ""]
    stems = [parent, next((parent.removesuffix(x) for x in ORG_SUFFIXES if parent.endswith(x)), parent)]
    stem = next((x for x in stems if x and name.startswith(x) and len(name) > len(x)), "")
    rest = name[len(stem) :] if stem else ""
    for text, least in ((name, 3), (rest, 2)):
        for suffix in ("中心", "委员会", "管理局", "办公室"):
            if text.endswith(suffix) and len(text) >= len(suffix) + 4:
                ensure_jieba()
                words = [
                    piece
                    for w in jieba.lcut(text[: -len(suffix)])
                    if w not in ABBREVIATION_SKIP
                    for piece in ([w[:2], w[2:]] if len(w) == 4 else [w])  # 环境卫生 → 环境, 卫生
                ]
                if len(words) >= least and all(len(w) >= 2 for w in words[:2]):
                    forms.append(words[0][0] + words[1][0] + suffix)
                break
    if school := re.search(
        r"第([一二三四五六七八九十]+)(中|小|幼)", name
    ):  # 第二中学 → 二中, 第一幼儿园 → 一幼
        forms.append(school.group(1) + school.group(2))
    if school := re.search(r"([\u4e00-\u9fff])[\u4e00-\u9fff](小学|中学)$", name):  # 实验小学 → 实小
        forms.append(school.group(1) + school.group(2)[0])
    if seat := re.fullmatch(
        r"[\u4e00-\u9fff]{2,}?([\u4e00-\u9fff]{2}[院馆所站])", name
    ):  # 争议仲裁院 → 仲裁院
        forms.append(seat.group(1))
    if service := re.fullmatch(r"([\u4e00-\u9fff]{2,4})服务中心", name):  # 社区服务中心 → 社区中心
        forms.append(service.group(1) + "中心")
    if troop := re.search(r"(大队|支队|中队)$", name):  # 执法监察大队 → 大队 (dropped if two units share it)
        forms.append(troop.group(1))
    return list(dict.fromkeys(f for f in forms if f))


def core_name(name: str) -> str:
    """Drop the 北京市/XX区 prefix an organisation's name carries."""
    return re.sub(r"^(北京市)?[^市区]{1,3}区", "", name)  # 顺义区社区服务中心: the district only


@dataclass(frozen=True)
class Entity:
    kind: str
    key: str
    name: str
    aliases: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        return {"kind": self.kind, "key": self.key, "name": self.name}


@dataclass
class Match:
    entity: Entity
    start: int
    end: int
    score: float
    full: bool


@dataclass
class Mention:
    """A stretch of the question and the entities it may name, best first."""

    text: str
    start: int
    end: int
    candidates: list[Match] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "text": self.text,
            "span": [self.start, self.end],
            "candidates": [
                m.entity.as_dict() | {"score": round(m.score, 3), "full": m.full} for m in self.candidates
            ],
        }


class Catalog:
    """Every nameable thing of one document, with the character weights used to match them."""

    def __init__(self, entities: list[Entity], words: set[str] | None = None):
        self.entities = entities
        #: Two-character pieces of everything the document prints (names, categories, column heads):
        #: a question word made of them means something here, so it must be understood, not skipped.
        self.bigrams = {
            w[i : i + 2]
            for w in (words or set()) | {normalize(e.name) for e in entities}
            for i in range(len(w) - 1)
        }
        self._aliases = [(normalize(a), e) for e in entities for a in (e.name, *e.aliases) if a]
        df = Counter(c for alias, _ in self._aliases for c in set(alias))
        n = len(self._aliases) or 1
        self._weight = {c: math.log(1 + n / (1 + k)) for c, k in df.items()}
        generic = sorted({normalize(w) for w in GENERIC_WORDS}, key=len, reverse=True)
        self._generic = re.compile(
            "(?=(" + "|".join(map(re.escape, generic)) + "))"
        )  # every start, longest first
        #: project name → the code of the unit that runs it (预算04表), to tell twin projects apart
        self.project_units: dict[str, str] = {}
        #: project name → the names of its performance indicators (预算13表 三级指标), as typed
        self.indicator_names: dict[str, set[str]] = {}
        #: table number → title of the tables printed without data (their note says why)
        self.empty_tables: dict[str, str] = {}
        self._long = sorted(
            ((a, e) for a, e in self._aliases if len(a) >= LONG_NAME), key=lambda t: -len(t[0])
        )

    def add_whole_names(self, names: Iterable[tuple[str, Entity]]) -> None:
        """Names matched only when written out in full, never in part (a project without its district)."""
        self._long = sorted(
            [*self._long, *((n, e) for n, e in names if len(n) >= LONG_NAME)], key=lambda t: -len(t[0])
        )

    def by_kind(self, kind: str) -> list[Entity]:
        return [e for e in self.entities if e.kind == kind]

    def get(self, kind: str, key: str) -> Entity | None:
        return next((e for e in self.entities if e.kind == kind and e.key == key), None)

    # -- matching --------------------------------------------------------

    def informative(self, text: str) -> list[bool]:
        """Which characters can identify something: not particles, generic words or bare numbers."""
        flags = [c not in STOP_CHARS and not c.isdigit() and c.isalnum() for c in text]  # punctuation: no
        for m in re.finditer(r"[0-9]+(?=[a-z])|(?<=[a-z])[0-9]+", text):  # 5G, 4K: part of a name
            flags[m.start() : m.end()] = [True] * (m.end() - m.start())
        for m in self._generic.finditer(text):
            flags[m.start() : m.start() + len(m.group(1))] = [False] * len(m.group(1))
        return flags

    def _best_span(
        self, alias: str, q: str, free: list[bool], info: list[bool], generic_ok: bool
    ) -> Match | None:
        best: tuple[float, int, int, bool] | None = None
        chars = set(alias)
        for i in range(len(q)):
            if not free[i] or q[i] not in chars:
                continue
            pos, p, j = [], 0, i
            while j < len(q) and free[j]:
                k = alias.find(q[j], p)
                if k < 0:
                    break
                pos.append(k)
                p, j = k + 1, j + 1
            while j > i:
                span = q[i:j]
                full = span == alias
                weight = sum(self._weight.get(c, 1.0) for c, f in zip(span, info[i:j], strict=True) if f)
                useful = sum(info[i:j])
                if (full and (useful or generic_ok)) or (useful >= 2 and weight > 0):
                    blocks = (
                        1
                        if span in alias
                        else 1 + sum(1 for a, b in zip(pos, pos[1:], strict=False) if b != a + 1)
                    )
                    coverage = len(span) / len(alias)
                    score = (weight + (2.0 if full else 0.0)) * (0.6 + 0.4 * coverage) * (0.8 ** (blocks - 1))
                    if not full:  # a piece of a longer word in the question is not a mention
                        if (i > 0 and info[i - 1] and free[i - 1]) or (j < len(q) and info[j] and free[j]):
                            score *= 0.7
                        if score < MIN_PARTIAL:
                            break
                    if best is None or score > best[0]:
                        best = (score, i, j, full)
                    break
                j -= 1
                pos = pos[: j - i]
        if best is None:
            return None
        return Match(entity=Entity("", "", ""), start=best[1], end=best[2], score=best[0], full=best[3])

    def _whole_names(self, q: str, free: list[bool]) -> list[Mention]:
        """Long names written out in full, found first so a year inside one (…-2020年度…) stays part of it."""
        mentions: dict[tuple[int, int], Mention] = {}
        for alias, entity in self._long:
            at = q.find(alias)
            while at >= 0 and not all(free[at : at + len(alias)]) and (at, at + len(alias)) not in mentions:
                at = q.find(alias, at + 1)
            if at < 0:
                continue
            span = (at, at + len(alias))
            score = sum(self._weight.get(c, 1.0) for c in alias) + 2.0
            mention = mentions.setdefault(span, Mention(alias, *span))
            if all(c.entity != entity for c in mention.candidates):
                mention.candidates.append(Match(entity, *span, score, True))
            free[span[0] : span[1]] = [False] * len(alias)
        return list(mentions.values())

    def resolve(self, question: str, limit: int = 5) -> tuple[str, list[Mention]]:
        """The entities a question names, in question order; returns the normalised question too."""
        q = normalize(expand_synonyms(question))
        free = [True] * len(q)
        info = self.informative(q)
        mentions: list[Mention] = self._whole_names(q, free)
        named = {(c.entity.kind, c.entity.key) for m in mentions for c in m.candidates}
        for m in _YEAR.finditer(q):
            free[m.start() : m.end()] = [False] * (m.end() - m.start())
        for m in _CODE.finditer(q):
            hits = [
                e
                for e in self.entities
                if (e.key == m.group() and (e.kind.endswith("subject") or e.kind == "unit"))
                or (e.kind == "catalogue" and re.fullmatch(rf"目录.级:{m.group()}-.*", e.key))  # 二级目录0511
            ]
            if hits:
                mention = Mention(
                    m.group(), m.start(), m.end(), [Match(e, m.start(), m.end(), 50.0, True) for e in hits]
                )
                free[m.start() : m.end()] = [False] * (m.end() - m.start())
                for e in hits:  # "2060101 行政运行": the name after the code is the same mention
                    name = normalize(e.name)
                    at = q.find(name, m.end())
                    if 0 <= at <= m.end() + 2:
                        free[at : at + len(name)] = [False] * len(name)
                        mention.end = at + len(name)
                # the name after the code, already found whole, is this mention (the code says which kind)
                mentions = [x for x in mentions if not (mention.start <= x.start and x.end <= mention.end)]
                mentions.append(mention)
        while True:
            found: list[Match] = []
            for alias, entity in self._aliases:
                match = self._best_span(alias, q, free, info, entity.kind == "total")
                if match and (match.full or (entity.kind, entity.key) not in named):
                    match.entity = entity
                    found.append(match)
            if not found:
                break
            found.sort(key=lambda m: (-m.score, -(m.end - m.start), m.start))
            top = found[0]
            same = [
                m for m in found if m.start < top.end and top.start < m.end and m.score >= top.score * 0.75
            ]
            seen: set[tuple[str, str]] = set()
            candidates = []
            for m in same:
                ident = (m.entity.kind, m.entity.key)
                if ident not in seen:
                    seen.add(ident)
                    candidates.append(m)
            mentions.append(Mention(q[top.start : top.end], top.start, top.end, candidates[:limit]))
            named.update((m.entity.kind, m.entity.key) for m in candidates)
            free[top.start : top.end] = [False] * (top.end - top.start)
        mentions.sort(key=lambda m: m.start)
        return q, mentions

    def leftover(self, q: str, mentions: list[Mention]) -> str:
        """The longest informative stretch of the question that no mention explains."""
        info = self.informative(q)
        for m in _YEAR.finditer(q):
            info[m.start() : m.end()] = [False] * (m.end() - m.start())
        for m in mentions:
            info[m.start : m.end] = [False] * (m.end - m.start)
        mask = "".join("1" if f and "\u4e00" <= c <= "\u9fff" else "0" for c, f in zip(q, info, strict=True))
        longest = max(re.findall(r"1+", mask), key=len, default="")
        return q[mask.find(longest) : mask.find(longest) + len(longest)] if longest else ""


def _short_names(department: str, projects: list[str]) -> list[str]:
    """区X局 prefixes of project names whose characters spell the department's name in order."""
    core = core_name(department)
    prefixes = Counter(
        m.group(1) for name in projects if (m := re.match(r"区?([\u4e00-\u9fff]{1,8}?[局委办])", name))
    )

    return [short for short in prefixes if len(short) >= 3 and in_order(short, core)]


def in_order(word: str, name: str) -> bool:
    """Every character of ``word`` occurs in ``name``, in the same order (运维 in 运行维护)."""
    at = 0
    for ch in word:
        at = name.find(ch, at) + 1
        if at == 0:
            return False
    return True


def build_catalog(store: Store, doc_id: str) -> Catalog:
    """Collect every project, unit, subject, 三公 item, narrative subject and total of a document."""
    entities: dict[tuple[str, str], Entity] = {}
    words: set[str] = set()

    def add(kind: str, key: str, name: str, *aliases: str) -> None:
        name = name.strip()
        if name and (kind, key) not in entities:
            entities[(kind, key)] = Entity(kind, key, name, tuple(a for a in aliases if a and a != name))

    doc = next(d for d in store.documents() if d["doc_id"] == doc_id)
    department = doc["department"] or ""
    if department:
        core = core_name(department)
        add(
            "department",
            "department",
            department,
            core,
            *(form for short in office_shorts(core) for form in (short, "区" + short)),
        )
    empty_tables: dict[str, str] = {}  # printed without data: their note says why
    for number in store.table_numbers(doc_id):
        table = store.table(doc_id, number) or {"rows": []}
        if table.get("empty"):
            empty_tables[number] = table.get("title", "")
        words.update(normalize(c) for c in table.get("columns", []))
        for row in table["rows"]:  # names and categories, not the sentences of goals and indicators
            words.update(
                normalize(v) for v in row["cells"].values() if v and not v.isdigit() and len(v) <= 30
            )
            if row["is_total"]:
                continue
            cells = row["cells"]
            code, unit = cells.get("单位编码", ""), cells.get("单位名称", "")
            if unit and cells.get("层级") != "部门":
                core = core_name(unit)
                names = [re.sub(r"（.*?）", "", core), *map(core_name, re.findall(r"（(.*?)）", core))]
                shorts = [
                    f for n in names for f in short_forms(n.removesuffix("本级"), core_name(department))
                ]
                add(
                    "unit",
                    code or unit,
                    unit,
                    core,
                    *names,  # 社区服务中心（社会组织服务中心）: each of its two names
                    *[s + "本级" if core.endswith("本级") else s for s in shorts],
                )
            if cells.get("功能分类科目"):
                add(
                    "function_subject",
                    cells.get("功能分类科目编码") or cells["功能分类科目"],
                    cells["功能分类科目"],
                )
            if cells.get("政府经济分类"):
                add(
                    "gov_economic_subject",
                    cells.get("政府经济分类编码") or cells["政府经济分类"],
                    strip_code(cells["政府经济分类"]),
                )
            if cells.get("部门经济分类"):
                add(
                    "economic_subject",
                    cells.get("部门经济分类编码") or cells["部门经济分类"],
                    strip_code(cells["部门经济分类"]),
                )
            for level in ("目录一级", "目录二级", "目录三级"):
                if cells.get(level):
                    add("catalogue", f"{level}:{cells[level]}", strip_code(cells[level]))
            if number == "05" and cells.get("采购类别"):
                add("catalogue", f"采购类别:{cells['采购类别']}", strip_code(cells["采购类别"]))
            if number in ("01", "06") and cells.get("方向") == "支出":
                name = strip_ordinal(cells.get("项目", ""))
                code = next((c for c, n in FUNCTION_CLASSES.items() if n == name), "")
                if code:
                    add("function_subject", code, name)
        if number == "05":  # 工程类 not listed: the table lists every class bought, so that class is none
            listed = {strip_code(r["cells"].get("采购类别", "")) for r in table["rows"]}
            for word in PROCUREMENT_CLASSES:
                if word not in listed:
                    add("catalogue", f"采购类别:{word}", word)
        if number == "11":
            for column in table.get("columns", [])[1:]:
                add("three_public", column, column.replace("财政拨款预算总额", ""))
    for project in store.projects(doc_id):  # 机房-2024年度租用服务 is 机房租用服务 when said
        add(
            "project",
            project.name,
            project.name,
            re.sub(r"[-－—]?(?:19|20)\d\d年度?[-－—]?", "", project.name),
        )
    if department:  # 区退役军人局…经费: the short name the department's own project names begin with
        for short in _short_names(department, [p.name for p in store.projects(doc_id)]):
            entities[("department", "department")] = Entity(
                "department",
                "department",
                department,
                (*entities[("department", "department")].aliases, short),
            )
    for fact in store.facts(doc_id):
        add("fact", fact.subject, fact.subject)
        kuan = re.search(r"（类）([^（）\s]{2,20})（款）", fact.text or "")
        if (
            kuan and fact.code and len(fact.code) == 7
        ):  # …（类）基层医疗卫生机构（款）…（项）: the 款 and its code
            add("function_subject", fact.code[:5], kuan.group(1))
    numbers = set(store.table_numbers(doc_id))
    for name, (aliases, sources) in TOTALS.items():
        if any(table in numbers for table, _, _ in sources):
            add("total", name, name, *aliases)
    catalog = Catalog(_unshared_unit_aliases(list(entities.values())), words)
    printed = {normalize(p.name) for p in store.projects(doc_id)}
    catalog.add_whole_names(  # 编码11010122T000000399629的项目: a project by its 项目编码
        (normalize(p.code), e)
        for p in store.projects(doc_id)
        if p.code and (e := catalog.get("project", p.name)) is not None
    )
    catalog.add_whole_names(  # X区某服务项目 said without its district, unless another is printed so
        (core, e)
        for e in catalog.by_kind("project")
        if (core := normalize(core_name(e.name))) != normalize(e.name) and core not in printed
    )
    catalog.project_units = {p.name: p.unit_code for p in store.projects(doc_id)}
    catalog.empty_tables = empty_tables
    catalog.indicator_names = {
        p.name: {normalize(i.level3) for i in p.indicators if i.level3} for p in store.projects(doc_id)
    }
    return catalog


def _unshared_unit_aliases(entities: list[Entity]) -> list[Entity]:
    """A short form two units both produce (发改中心) names neither: it is dropped from both."""
    counts: dict[str, int] = {}
    for e in entities:
        if e.kind == "unit":
            for a in set(e.aliases):
                counts[a] = counts.get(a, 0) + 1
    return [
        replace(e, aliases=tuple(a for a in e.aliases if counts.get(a, 0) < 2)) if e.kind == "unit" else e
        for e in entities
    ]
