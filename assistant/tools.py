"""The assistant's tools: exact reads and arithmetic over the structured store.

Each tool is a plain function of a :class:`Toolbox` returning a JSON-ready
dict; amounts are decimal strings and every result lists the rows or
passages it used under ``sources``. ``langchain_tools`` wraps them for the
agent. Tools know the store; they know nothing of how questions are phrased.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from decimal import Decimal
from functools import lru_cache

from langchain_core.tools import StructuredTool
from pydantic import BaseModel, Field

from assistant.calculator import CalculationError, calculate
from assistant.entities import Catalog, build_catalog, normalize
from assistant.lexicon import TOTALS
from index.corpus import Corpus

#: Which cell names a row of each table, for lists and rankings.
NAME_CELLS = {
    "02": ("单位名称",),
    "03": ("功能分类科目", "部门经济分类"),
    "04": ("项目名称",),
    "05": ("采购类别",),
    "07": ("单位名称", "功能分类科目"),
    "08": ("部门经济分类",),
    "12": ("项目名称",),
}
#: The measure a table is ranked and summed by unless another is named.
PRIMARY_MEASURE = {
    "02": "合计",
    "03": "合计",
    "04": "合计",
    "05": "金额",
    "07": "合计",
    "08": "合计",
    "12": "预算金额",
}
#: Filter keys of ``aggregate`` → the cell they test.
FILTER_CELLS = {
    "unit": "单位编码",
    "function_code": "功能分类科目编码",
    "economic_code": "部门经济分类编码",
    "project": "项目名称",
    "level": "层级",
    "gov_economic_code": "政府经济分类编码",
}
OPS = ("sum", "count", "avg", "max", "min", "top", "bottom", "rank", "list")
GROUPS = {
    "function": ("功能分类科目编码", "功能分类科目"),
    "economic": ("部门经济分类编码", "部门经济分类"),
    "unit": ("单位编码", "单位名称"),
}
_SENTENCE = re.compile(r"[^。；！？]+[。；！？]?")


#: First characters of the units performance targets measure time in (秒, 分钟, 小时, 天, 日, 工作日, 月, 年).
TIME_UNITS = "秒分小天日工月年周"


class ToolError(ValueError):
    """A tool was called with arguments it cannot use; the message says why."""


def money(value: Decimal) -> str:
    return str(value)


class Toolbox:
    """The tools bound to one corpus; catalogs and tables are cached per document (ids are content hashes)."""

    def __init__(self, corpus: Corpus, retriever: str = "hybrid"):
        self.corpus = corpus
        self.retriever = retriever  # hybrid | dense | bm25, for passage search
        self.store = corpus.store
        self._catalogs: dict[str, Catalog] = {}
        self._subject_names: dict[str, dict[str, str]] = {}
        self._tables: dict[tuple[str, str], dict | None] = {}
        self._checks: dict[str, list[dict]] = {}

    # -- plumbing --------------------------------------------------------

    def documents(self) -> list[dict]:
        return [{k: d[k] for k in ("doc_id", "source", "department", "year")} for d in self.store.documents()]

    def document(self, doc: str) -> dict:
        found = self.store.find_document(doc)
        if found is None:
            raise ToolError(
                f"no document {doc!r}; loaded: {', '.join(d['doc_id'] for d in self.documents()) or 'none'}"
            )
        return found

    def catalog(self, doc: str) -> Catalog:
        doc_id = self.document(doc)["doc_id"]
        if doc_id not in self._catalogs:
            self._catalogs[doc_id] = build_catalog(self.store, doc_id)
        return self._catalogs[doc_id]

    def checks(self, doc_id: str) -> list[dict]:
        """The document's reconciliation checks (cached per document)."""
        if doc_id not in self._checks:
            self._checks[doc_id] = self.store.checks(doc_id)
        return self._checks[doc_id]

    def subject_names(self, doc_id: str) -> dict[str, str]:
        """款-level 功能分类科目 names as the narrative prints them (社会福利（20810）,
        …（类）社会福利（款）老年福利（项）): the tables list only the 项 rows."""
        if doc_id not in self._subject_names:
            text = "".join(p.text for p in self.store.passages(doc_id) if p.kind == "narrative")
            text = re.sub(r"\s+", "", text)
            names = {code: name for name, code in re.findall(r"([\u4e00-\u9fff]{2,20})（(\d{5})）", text)}
            for row in self._rows(doc_id, "03"):
                code, item = row["cells"].get("功能分类科目编码", ""), row["cells"].get("功能分类科目", "")
                if len(code) == 7 and code[:5] not in names and item:
                    if m := re.search(r"([\u4e00-\u9fff]{2,20})（款）" + re.escape(item[:4]), text):
                        names[code[:5]] = m.group(1)
            self._subject_names[doc_id] = names
        return self._subject_names[doc_id]

    def table(self, doc_id: str, number: str) -> dict | None:
        if (doc_id, number) not in self._tables:
            self._tables[(doc_id, number)] = self.store.table(doc_id, number)
        return self._tables[(doc_id, number)]

    def _rows(self, doc_id: str, number: str) -> list[dict]:
        table = self.table(doc_id, number)
        return [r for r in table["rows"] if not r["is_total"]] if table else []

    def _total_row(self, doc_id: str, number: str, item: str | None = None) -> dict | None:
        table = self.table(doc_id, number)
        if not table:
            return None
        if item is None:
            return next((r for r in table["rows"] if r["is_total"]), None)
        return next(
            (r for r in table["rows"] if item == "" or r["cells"].get("项目", "").endswith(item)), None
        )

    def row_source(self, doc: dict, number: str, row: dict, label: str = "") -> dict:
        name = label or row_name(number, row) or ("合计" if row["is_total"] else f"第{row['row']}行")
        return {
            "document": doc["doc_id"],
            "source": doc["source"],
            "kind": "table",
            "table": number,
            "row": row["row"],
            "lines": row["lines"],
            "label": f"预算{number}表·{name}",
        }

    def passage_source(
        self, doc: dict, section: str, passage: str | None, lines: list[int], text: str
    ) -> dict:
        label = section.split(" › ")[-1] if section else "说明"
        return {
            "document": doc["doc_id"],
            "source": doc["source"],
            "kind": "passage",
            "section": section,
            "passage": passage,
            "lines": lines,
            "label": label,
            "text": text,
        }

    # -- tools -----------------------------------------------------------

    def resolve(self, doc: str, text: str, limit: int = 5) -> dict:
        """Ranked candidates for every name in ``text``: projects, units, subjects, 三公 items, narrative
        subjects."""
        catalog = self.catalog(doc)
        q, mentions = catalog.resolve(text, limit)
        return {
            "question": q,
            "mentions": [m.as_dict() for m in mentions],
            "leftover": catalog.leftover(q, mentions),
        }

    def amounts(self, doc: str, kind: str, key: str, within: list[dict] | None = None) -> dict:
        """Every amount the document gives for one entity, optionally restricted to rows of another
        (a unit …)."""
        d = self.document(doc)
        entity = self.catalog(doc).get(kind, key)
        if entity is None:
            raise ToolError(f"no {kind} {key!r} in this document; use resolve to find the right key")
        filters = {}
        for other in within or []:
            if other.get("kind") in _FILTER_OF_KIND:
                filters[_FILTER_OF_KIND[other["kind"]]] = other["key"]
        measures = _MEASURERS[kind](self, d, key, entity.name, filters)
        measures = [m for m in measures if m]
        return {
            "entity": entity.as_dict(),
            "within": within or [],
            "measures": measures,
            "sources": [s for m in measures for s in m["sources"]],
        }

    def aggregate(
        self,
        doc: str,
        table: str = "04",
        measure: str | None = None,
        op: str = "sum",
        filters: dict | None = None,
        n: int = 1,
        group_by: str | None = None,
        level: int | None = None,
    ) -> dict:
        """Sum, count, average, max/min, top/bottom-n or rank-n of a table's rows, after filters.

        Filters: name_contains, name_startswith, unit, function_code, economic_code, category
        ("目录三级:<value>" …), min/max (万元, inclusive) and above/below (exclusive).
        ``group_by`` (function | economic | unit) adds rows up per subject first; ``level`` keeps
        function codes of 3, 5 or 7 digits (类/款/项).
        """
        if op not in OPS:
            raise ToolError(f"unknown op {op!r}; expected one of {', '.join(OPS)}")
        d = self.document(doc)
        measure = measure or PRIMARY_MEASURE.get(table, "合计")
        rows = [r for r in self._rows(d["doc_id"], table) if _passes(r, filters or {}, table, measure)]
        entries = [
            {"name": row_name(table, r), "value": r["amounts"].get(measure), "rows": [r], "key": None}
            for r in rows
        ]
        if group_by:
            entries = _group(entries, group_by, level)
        if op != "count":
            entries = [e for e in entries if e["value"] is not None]
        result: dict = {
            "table": table,
            "measure": measure,
            "op": op,
            "filters": filters or {},
            "unit": "万元",
        }
        if op == "count":
            result |= {"value": str(len(entries)), "unit": "个"}
            chosen = entries
        elif op in ("sum", "avg"):
            if not entries:
                raise ToolError("没有符合条件的行")
            expression, total = add_up([e["value"] for e in entries])
            if op == "avg":
                expression = f"({expression}) / {len(entries)}"
                total = calculate(expression, places=2).value
            result |= {
                "value": money(total),
                "formula": f"{expression} = {total}" if len(entries) > 1 else None,
            }
            chosen = entries
        else:
            ranked = sorted(entries, key=lambda e: e["value"], reverse=op in ("max", "top", "rank", "list"))
            for i, e in enumerate(ranked, 1):
                e["rank"] = i
            chosen = {
                "max": ranked[:1],
                "min": ranked[:1],
                "top": ranked[:n],
                "bottom": ranked[:n],
                "rank": ranked[n - 1 : n],
                "list": ranked,
            }[op]
            if op in ("max", "min", "rank") and chosen:
                result["value"] = money(chosen[0]["value"])
            result["of"] = len(ranked)
        result["count"] = len(chosen)
        result["items"] = [
            {
                "name": e["name"],
                "value": None if e["value"] is None else money(e["value"]),
                "rank": e.get("rank"),
                "key": e.get("key"),
            }
            for e in chosen
        ]
        result["sources"] = [self.row_source(d, table, r) for e in chosen for r in e["rows"]][:60]
        return result

    def change(self, doc: str, subject: str = "") -> dict:
        """A year-on-year change the narrative states, and the previous year's amount derived from it.

        With no subject: the department's headline change (its first stated total with a change).
        """
        d = self.document(doc)
        everything = self.store.facts(d["doc_id"])
        note = ""
        if subject:
            facts = [f for f in everything if f.subject == subject]
            if not any(f.change is not None for f in facts):
                facts, note = self._changed_subject(d, subject, everything) or (facts, "")
        else:  # the department's headline change: the first total the narrative compares with last year
            facts = [f for f in everything if f.kind == "total" and f.change is not None][:1]
        if not facts:
            raise ToolError(f"说明中没有关于“{subject}”的表述")
        fact = next((f for f in facts if f.change is not None), facts[0])
        result = {
            "subject": fact.subject,
            "asked": subject,
            "note": note,
            "year": fact.year,
            "amount": _str(fact.amount),
            "unit": fact.unit,
            "change": _str(fact.change),
            "change_pct": _str(fact.change_pct),
            "direction": fact.direction,
            "reason": fact.reason,
            "sources": [self._fact_source(d, fact)],
        }
        if fact.amount is not None and fact.change is not None:
            prev = calculate(f"{fact.amount} - ({fact.change})")
            result |= {
                "previous": prev.text,
                "previous_year": (fact.year or 0) - 1 or None,
                "formula": f"{fact.amount} - ({fact.change}) = {prev.text}",
            }
        return result

    def _changed_subject(self, d: dict, subject: str, facts: list) -> tuple[list, str] | None:
        """The narrative subject whose change answers for ``subject``.

        A longer printed name containing it (职业年金缴费 → 机关事业单位职业年金缴费支出), or — for a
        project that is the only one under its 功能分类科目 — that subject's change.
        """
        wanted = normalize(subject)
        wider = [f for f in facts if f.change is not None and wanted in normalize(f.subject)]
        if wider:
            return wider[:1], f"说明按“{wider[0].subject}”列示"
        whole = (
            "收入合计",
            "支出合计",
            "预算合计",
            "收支总预算",
            "收入预算",
            "支出预算",
        )  # the department's total
        own = [f for f in facts if (f.subject == subject or {f.subject, subject} <= set(whole)) and f.amount]
        equal = [  # 收入合计 equal to 一般公共预算当年拨款, whose change is stated
            f
            for f in facts
            if own and f.change is not None and f.amount == own[0].amount and f.unit == own[0].unit
        ]
        if equal:
            same = equal[0]
            said = f"说明只给出{same.subject}的变化；今年{subject}与它同为{_str(same.amount)}{same.unit}"
            return equal[:1], said
        rows = self._rows(d["doc_id"], "04")
        row = next((r for r in rows if r["cells"].get("项目名称") == subject), None)
        if row is None:
            return None
        code = row["cells"].get("功能分类科目编码", "")
        if sum(1 for r in rows if r["cells"].get("功能分类科目编码") == code) != 1:
            return None
        name = row["cells"].get("功能分类科目", "")
        same = [f for f in facts if f.change is not None and (f.code == code or f.subject == name)]
        if same:
            return same[:1], f"该项目是{code} {name}科目下唯一的项目，说明按科目列示"
        return None

    def fact(self, doc: str, subject: str) -> dict:
        """Everything the narrative states about one subject (amounts, counts, shares, reasons)."""
        d = self.document(doc)
        facts = [f for f in self.store.facts(d["doc_id"]) if f.subject == subject]
        if not facts:
            raise ToolError(f"说明中没有关于“{subject}”的表述")
        return {
            "subject": subject,
            "facts": [
                {
                    "kind": f.kind,
                    "amount": _str(f.amount),
                    "unit": f.unit,
                    "change": _str(f.change),
                    "change_pct": _str(f.change_pct),
                    "direction": f.direction,
                    "reason": f.reason,
                    "year": f.year,
                    "text": f.text,
                    "source": self._fact_source(d, f),
                }
                for f in facts
            ],
            "sources": [self._fact_source(d, f) for f in facts],
        }

    def counts(self, doc: str) -> dict:
        """The counts the narrative states (units, vehicles, projects …) with their counting words."""
        d = self.document(doc)
        facts = [f for f in self.store.facts(d["doc_id"]) if f.kind == "count"]
        return {
            "counts": [
                {
                    "subject": f.subject,
                    "value": _str(f.amount),
                    "unit": f.unit,
                    "source": self._fact_source(d, f),
                }
                for f in facts
            ],
            "sources": [],
        }

    def indicators(self, doc: str, project: str | None = None, query: str = "", level2: str = "") -> dict:
        """Performance targets (预算13表) of a project — or of all projects — best match to ``query`` first;
        ``level2`` keeps one class of targets (数量指标, 成本指标 …)."""
        d = self.document(doc)
        projects = [p for p in self.store.projects(d["doc_id"]) if project in (None, "", p.name)]
        if project and not projects:
            raise ToolError(f"no project {project!r}")
        q = re.sub("[的了]", "", normalize(query))
        counters = set(re.findall(r"(?:多少|几)(\w)", q))
        if re.search(
            r"多久|多长时间|多快|时限|多少时间", q
        ):  # asked as a time: the targets counted in time units
            counters |= set(TIME_UNITS)
        found = []
        for p in projects:
            rest = re.sub(
                r"项目|绩效|目标|指标|[^\w|]", "|", _without_name(q, normalize(p.name)) if project else q
            )
            for ind in (i for i in p.indicators if level2 in i.level2):
                name = re.sub("[的了]", "", normalize(ind.level3))
                score = _overlap(name, q) if q else 0.0
                lcs, run = alignment(re.sub(r"\W", "", name), rest) if q else (0, 0)
                own = lcs if run >= 2 else 0  # named by the words beside the project's name
                unit = set(re.findall(r"[\u4e00-\u9fff]", normalize(ind.measure_unit)))
                boost = 0.0
                if (score or (project and _only_words_of(rest, name, counters))) and unit & counters:
                    boost = 3.0  # 多少台 asks for the indicator counted in 台
                elif score and unit & set(q):
                    boost = 1.0
                coverage = alignment(name, q)[0] / max(len(name), 1) if q else 0.0
                found.append((own + boost, score + boost, p, ind, coverage))
        found.sort(key=lambda t: (-t[0], -t[1]))
        if q:
            found = [t for t in found if t[1] >= 2]
        out = []
        for own, score, p, ind, coverage in found[:8]:
            out.append(
                {
                    "project": p.name,
                    "level1": ind.level1,
                    "level2": ind.level2,
                    "name": ind.level3,
                    "operator": {"＝": "=", "==": "="}.get(ind.nature, ind.nature),
                    "value": ind.value,
                    "unit": ind.measure_unit,
                    "direction": ind.direction,
                    "score": round(score, 3),
                    "own": round(float(own), 3),  # named by words other than the project's own
                    "coverage": round(coverage, 3),
                    "source": {
                        "document": d["doc_id"],
                        "source": d["source"],
                        "kind": "table",
                        "table": "13",
                        "lines": [ind.line_start, ind.line_end],
                        "label": f"预算13表·{p.name}·{ind.level3}",
                    },
                }
            )
        goal = projects[0].goal if len(projects) == 1 else None
        return {"indicators": out, "goal": goal, "sources": [i["source"] for i in out]}

    def define(self, doc: str, term: str) -> dict:
        """A term's explanation from 名词解释 (or wherever the text defines it as ``term：…``)."""
        d = self.document(doc)
        t = normalize(term)
        fallback = None
        for p in self.store.passages(d["doc_id"]):
            if p.kind != "narrative":
                continue
            body = p.text.split("：", 1)[1] if p.section and p.text.startswith(p.section) else p.text
            for m in re.finditer(r"([^。：]{2,40}?)(?:（[0-9]+）)?：([^。]+。)", body):
                if normalize(m.group(1)).endswith(t):
                    text = f"{m.group(1)}：{m.group(2)}"
                    return {
                        "term": term,
                        "definition": m.group(2).rstrip("。"),
                        "sources": [
                            self.passage_source(d, p.section, p.id, [p.line_start, p.line_end], text)
                        ],
                    }
            said = re.search(re.escape(term) + r"的?(?:统计)?(?:范围|口径)(?:为|是)([^。]+。)", p.text)
            if said and fallback is None:  # 机关运行经费的统计范围为…: a definition in running text
                text = said.group(0)
                fallback = {
                    "term": term,
                    "definition": text.rstrip("。"),
                    "sources": [self.passage_source(d, p.section, p.id, [p.line_start, p.line_end], text)],
                }
        return fallback or {"term": term, "definition": None, "sources": []}

    def search(
        self, doc: str, query: str, k: int = 5, kind: str | None = None, must: Iterable[str] = ()
    ) -> dict:
        """Hybrid passage search; each hit carries its best sentences for the query."""
        d = self.document(doc)
        filters = {"doc_id": d["doc_id"]} | ({"kind": kind} if kind else {})
        hits = self.corpus.search(query, k=k, mode=self.retriever, filters=filters)
        words = [normalize(w) for w in must if w]
        out = []
        for hit in hits:
            p = hit.passage
            body = p.text[len(p.section) + 1 :] if p.section and p.text.startswith(p.section) else p.text
            sentences = [s for s in _SENTENCE.findall(body) if s.strip()]
            ranked = sorted(
                sentences,
                key=lambda s: (
                    -(_overlap(normalize(s), normalize(query)) + 5 * sum(w in normalize(s) for w in words))
                ),
            )
            if p.kind == "row" and p.table:
                source = {
                    "document": d["doc_id"],
                    "source": d["source"],
                    "kind": "table",
                    "table": p.table,
                    "row": p.row,
                    "passage": p.id,
                    "lines": [p.line_start, p.line_end],
                    "label": f"预算{p.table}表·{p.project or f'第{p.row}行'}",
                    "text": p.text,
                }
            else:
                source = self.passage_source(
                    d, p.section, p.id, [p.line_start, p.line_end], ranked[0] if ranked else p.text
                )
            out.append(
                {
                    "passage": p.id,
                    "kind": p.kind,
                    "section": p.section,
                    "table": p.table,
                    "text": p.text,
                    "sentences": ranked[:3],
                    "score": hit.score,
                    "source": source,
                }
            )
        return {"hits": out, "sources": [h["source"] for h in out]}

    def calculate(self, expression: str, places: int | None = None) -> dict:
        """Exact Decimal arithmetic on an expression (+ - * / parentheses); no floats, no eval."""
        try:
            result = calculate(expression, places)
        except CalculationError as e:
            raise ToolError(str(e)) from e
        return {"expression": result.expression, "value": result.text, "sources": []}

    # -- helpers ---------------------------------------------------------

    def _fact_source(self, d: dict, fact) -> dict:
        return self.passage_source(d, fact.section, None, [fact.line_start, fact.line_end], fact.text)

    def _measure(
        self, d: dict, number: str, rows: list[dict], measures: Iterable[str] | None = None
    ) -> list[dict]:
        """Sum each measure over ``rows`` of one table (a single row needs no arithmetic)."""
        out = []
        if not rows:
            return out
        names = list(measures) if measures else list(dict.fromkeys(m for r in rows for m in r["amounts"]))
        for measure in names:
            used = [r for r in rows if measure in r["amounts"]]
            if not used:
                continue
            expression, total = add_up([r["amounts"][measure] for r in used])
            out.append(
                {
                    "table": number,
                    "measure": measure,
                    "value": money(total),
                    "unit": "万元",
                    "rows": [r["row"] for r in used],
                    "formula": f"{expression} = {total}" if len(used) > 1 else None,
                    "sources": [self.row_source(d, number, r) for r in used],
                }
            )
        return out


def project_source(doc: dict, project, part: str = "") -> dict:
    """Where a project's block of 预算13表 is printed (its goal, targets and 项目总额)."""
    return {
        "document": doc["doc_id"],
        "source": doc["source"],
        "kind": "table",
        "table": "13",
        "label": f"预算13表·{project.name}" + (f"·{part}" if part else ""),
        "lines": [project.line_start, project.line_end],
    }


def add_up(values: list[Decimal]) -> tuple[str, Decimal]:
    """An exact sum and its written form; Decimal addition keeps the cents (1084.00, not 1084)."""
    return " + ".join(str(v) for v in values), sum(values, Decimal(0))


def _str(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def row_name(number: str, row: dict) -> str:
    cells = row["cells"]
    parts = [cells.get(c, "") for c in NAME_CELLS.get(number, ())]
    if number == "03" and parts[1]:
        parts = [parts[0], parts[1]]
    return "·".join(p for p in parts if p) or cells.get("项目", "") or cells.get("年度", "")


@lru_cache(maxsize=4096)
def alignment(name: str, text: str) -> tuple[int, int]:
    """(characters of ``name`` found in ``text`` in order, longest run found side by side)."""
    best, n, m = 0, len(name), len(text)
    prev = [0] * (m + 1)
    run_prev = [0] * (m + 1)
    for i in range(1, n + 1):
        cur = [0] * (m + 1)
        run = [0] * (m + 1)
        for j in range(1, m + 1):
            if name[i - 1] == text[j - 1]:
                run[j] = run_prev[j - 1] + 1
                cur[j] = prev[j - 1] + 1
            else:
                cur[j] = max(prev[j], cur[j - 1])
            best = max(best, run[j])
        prev, run_prev = cur, run
    return prev[m], best


def _only_words_of(rest: str, name: str, counters: set[str]) -> bool:
    """Every content character of ``rest`` (the question without the project's name and asking words) is
    in the target's name: 至少要办多少项 fits 开展热线诉求办理; 要培训多少人 does not fit 话务服务人员."""
    left = re.sub(
        r"一年|全年|每年|至少|最少|最多|至多|不少于|不超过|要求|需要|达到|完成|多少|几|要|得|能|是|有|的|了|吗|呢|那个|这个",
        "",
        rest,
    )
    return all(ch in name or ch in counters for ch in re.findall(r"[\u4e00-\u9fff]", left))


def _without_name(text: str, name: str) -> str:
    """``text`` with every run of two or more characters that ``name`` contains blanked out."""
    out, i = [], 0
    while i < len(text):
        j = i + 2
        while j <= len(text) and text[i:j] in name:
            j += 1
        if j - 1 - i >= 2:
            out.append("|")
            i = j - 1
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def _overlap(name: str, text: str) -> float:
    """How well ``text`` names ``name``: characters found in order (LCS), favouring names covered whole.

    Zero unless at least two characters match side by side.
    """
    lcs, best = alignment(name, text)
    return lcs + lcs / len(name) + 0.1 * best if best >= 2 else 0.0


def _passes(row: dict, filters: dict, table: str, measure: str) -> bool:
    cells = row["cells"]
    name = normalize(row_name(table, row))
    for key, value in filters.items():
        if value in (None, "", []):
            continue
        if key == "name_contains" and normalize(value) not in name:
            return False
        if key == "name_startswith" and not normalize(cells.get("项目名称", row_name(table, row))).startswith(
            normalize(value)
        ):
            return False
        if key in FILTER_CELLS:
            cell = cells.get(FILTER_CELLS[key], "")
            wanted = value if isinstance(value, list) else [value]
            if not any(cell == w or (key == "function_code" and cell.startswith(w)) for w in wanted):
                return False
        if key == "category":
            level, _, wanted = value.partition(":")
            if cells.get(level) != wanted and _strip(cells.get(level, "")) != _strip(wanted):
                return False
        amount = row["amounts"].get(measure)
        if key in ("min", "max", "above", "below"):
            if amount is None:
                return False
            bound = Decimal(str(value))
            if (
                (key == "min" and amount < bound)
                or (key == "max" and amount > bound)
                or (key == "above" and amount <= bound)
                or (key == "below" and amount >= bound)
            ):
                return False
    return True


def _strip(value: str) -> str:
    return re.sub(r"^[0-9A-Z]+[-－]", "", value)


def _group(entries: list[dict], group_by: str, level: int | None) -> list[dict]:
    if group_by not in GROUPS:
        raise ToolError(f"unknown group_by {group_by!r}; expected one of {', '.join(GROUPS)}")
    code_cell, name_cell = GROUPS[group_by]
    groups: dict[str, dict] = {}
    for e in entries:
        row = e["rows"][0]
        code = row["cells"].get(code_cell, "")
        if level and (len(code) != level):
            continue
        g = groups.setdefault(
            code, {"name": row["cells"].get(name_cell, code), "key": code, "rows": [], "values": []}
        )
        g["rows"].append(row)
        if e["value"] is not None:
            g["values"].append(e["value"])
    return [
        {
            "name": g["name"],
            "key": g["key"],
            "rows": g["rows"],
            "value": add_up(g["values"])[1] if g["values"] else None,
        }
        for g in groups.values()
    ]


# -- what "amounts" reads for each kind of entity ---------------------------------

_FILTER_OF_KIND = {
    "unit": "unit",
    "function_subject": "function_code",
    "economic_subject": "economic_code",
    "project": "project",
    "gov_economic_subject": "gov_economic_code",
}


def _project_amounts(box: Toolbox, d: dict, key: str, name: str, filters: dict) -> list[dict]:
    doc_id = d["doc_id"]
    out = box._measure(d, "04", [r for r in box._rows(doc_id, "04") if r["cells"].get("项目名称") == key])
    out += box._measure(d, "12", [r for r in box._rows(doc_id, "12") if r["cells"].get("项目名称") == key])
    for p in box.store.projects(doc_id):  # 预算13表 prints the 项目总额 to six decimals
        if p.name == key and p.total_13 is not None:
            source = project_source(d, p)
            out.append(
                {
                    "table": "13",
                    "measure": "项目总额",
                    "value": str(p.total_13),
                    "unit": "万元",
                    "rows": [],
                    "formula": None,
                    "sources": [source],
                }
            )
    return out


def _unit_amounts(box: Toolbox, d: dict, key: str, name: str, filters: dict) -> list[dict]:
    doc_id = d["doc_id"]
    out = []
    if not filters:
        out += box._measure(
            d, "02", [r for r in box._rows(doc_id, "02") if r["cells"].get("单位编码") == key]
        )
    rows07 = [
        r
        for r in box._rows(doc_id, "07")
        if r["cells"].get("单位编码") == key and _passes(r, filters, "07", "合计")
    ]
    out += box._measure(d, "07", rows07)
    return out


def _department_amounts(box: Toolbox, d: dict, key: str, name: str, filters: dict) -> list[dict]:
    doc_id = d["doc_id"]
    dept = [r for r in box._rows(doc_id, "02") if r["cells"].get("层级") == "部门"]
    if not dept and (total := box._total_row(doc_id, "02")):
        dept = [total]
    out = box._measure(d, "02", dept)
    for number in ("03", "07"):
        if total := box._total_row(doc_id, number):
            out += box._measure(d, number, [total])
    return out


def _function_amounts(box: Toolbox, d: dict, key: str, name: str, filters: dict) -> list[dict]:
    doc_id = d["doc_id"]
    f = filters | {"function_code": key}
    out = box._measure(d, "07", [r for r in box._rows(doc_id, "07") if _passes(r, f, "07", "合计")])
    if not filters.get("unit"):
        out += box._measure(d, "03", [r for r in box._rows(doc_id, "03") if _passes(r, f, "03", "合计")])
        for number in ("01", "06"):
            rows = [
                r
                for r in box._rows(doc_id, number)
                if r["cells"].get("方向") == "支出"
                and r["cells"].get("项目", "").endswith(name)
                and r["amounts"]
            ]
            out += box._measure(d, number, rows[:1])
    return out


def _economic_amounts(box: Toolbox, d: dict, key: str, name: str, filters: dict) -> list[dict]:
    doc_id = d["doc_id"]
    f = filters | {"economic_code": key}
    out = box._measure(d, "03", [r for r in box._rows(doc_id, "03") if _passes(r, f, "03", "合计")])
    out += box._measure(d, "08", [r for r in box._rows(doc_id, "08") if _passes(r, f, "08", "合计")])
    out += box._measure(
        d, "04", [r for r in box._rows(doc_id, "04") if _passes(r, f, "04", "合计")], ["合计"]
    )
    return out


def _gov_economic_amounts(box: Toolbox, d: dict, key: str, name: str, filters: dict) -> list[dict]:
    f = filters | {"gov_economic_code": key}
    out = box._measure(d, "03", [r for r in box._rows(d["doc_id"], "03") if _passes(r, f, "03", "合计")])
    out += box._measure(d, "08", [r for r in box._rows(d["doc_id"], "08") if _passes(r, f, "08", "合计")])
    return out


def _catalogue_amounts(box: Toolbox, d: dict, key: str, name: str, filters: dict) -> list[dict]:
    level, _, value = key.partition(":")
    number = "05" if level == "采购类别" else "12"
    rows = [r for r in box._rows(d["doc_id"], number) if r["cells"].get(level) == value]
    total = box._total_row(d["doc_id"], number)
    if not rows and level == "采购类别" and total is not None:  # a class the table does not list: none
        source = box.row_source(d, number, total, f"合计（未列{value}类）")
        return [
            {"table": number, "measure": "金额", "value": money(Decimal(0)), "unit": "万元"}
            | {"rows": [total["row"]], "formula": None, "sources": [source]}
        ]
    return box._measure(d, number, rows)


def _three_public_amounts(box: Toolbox, d: dict, key: str, name: str, filters: dict) -> list[dict]:
    rows = [r for r in box._rows(d["doc_id"], "11") if key in r["amounts"]]
    return box._measure(d, "11", rows[:1], [key])


def _fact_amounts(box: Toolbox, d: dict, key: str, name: str, filters: dict) -> list[dict]:
    out = []
    for f in box.store.facts(d["doc_id"]):
        if f.subject == key and f.amount is not None and f.kind != "share":
            out.append(
                {
                    "table": None,
                    "measure": f.kind,
                    "value": str(f.amount),
                    "unit": f.unit,
                    "rows": [],
                    "formula": None,
                    "sources": [box._fact_source(d, f)],
                }
            )
    return out


def _total_amounts(box: Toolbox, d: dict, key: str, name: str, filters: dict) -> list[dict]:
    out = []
    unit = filters.get("unit")
    if set(filters) - {"unit"}:
        return []  # a department total restricted to a subject is not a total the tables print
    for number, measure, item in TOTALS[key][1]:
        if unit is not None:  # 中心的收入合计: the unit's own line of the table, when it has one
            rows = [r for r in box._rows(d["doc_id"], number) if r["cells"].get("单位编码") == unit]
            if item is None and len(rows) == 1 and measure in rows[0]["amounts"]:
                out += box._measure(d, number, rows, [measure])
            continue
        row = box._total_row(d["doc_id"], number, item)
        if row and measure in row["amounts"]:
            out += box._measure(d, number, [row], [measure])
    return out


_MEASURERS: dict[str, Callable[[Toolbox, dict, str, str, dict], list[dict]]] = {
    "project": _project_amounts,
    "unit": _unit_amounts,
    "department": _department_amounts,
    "function_subject": _function_amounts,
    "economic_subject": _economic_amounts,
    "gov_economic_subject": _gov_economic_amounts,
    "catalogue": _catalogue_amounts,
    "three_public": _three_public_amounts,
    "fact": _fact_amounts,
    "total": _total_amounts,
}


# -- LangChain wrappers -------------------------------------------------------------


class _DocArgs(BaseModel):
    doc: str = Field(description="document id (see the system message)")


class ResolveArgs(_DocArgs):
    text: str = Field(description="the question or the informal name to resolve, e.g. 公车")
    limit: int = Field(5, ge=1, le=20)


class EntityRef(BaseModel):
    kind: str
    key: str


class AmountsArgs(_DocArgs):
    kind: str = Field(description="entity kind from resolve: project, unit, function_subject, …")
    key: str = Field(description="entity key from resolve")
    within: list[EntityRef] = Field(
        default_factory=list, description="restrict to rows of these (e.g. a unit)"
    )


class AggregateArgs(_DocArgs):
    table: str = Field(
        "04", description="table number: 04 projects, 12 purchased services, 07 by unit/subject …"
    )
    measure: str | None = Field(None, description="column, default the table's total column")
    op: str = Field("sum", description="sum | count | avg | max | min | top | bottom | rank | list")
    filters: dict = Field(
        default_factory=dict,
        description="name_contains, name_startswith, unit, function_code, "
        "economic_code, category, min, max, above, below, level",
    )
    n: int = Field(1, ge=1, le=100, description="how many for top/bottom, which place for rank")
    group_by: str | None = Field(None, description="function | economic | unit")
    level: int | None = Field(None, description="function-code digits to keep when grouping: 3, 5 or 7")


class SubjectArgs(_DocArgs):
    subject: str = Field(description="a narrative subject (a 'fact' key from resolve)")


class IndicatorArgs(_DocArgs):
    project: str | None = Field(None, description="project name (key from resolve); empty = all projects")
    query: str = Field("", description="words of the indicator asked about, e.g. 接通率")


class DefineArgs(_DocArgs):
    term: str


class SearchArgs(_DocArgs):
    query: str
    k: int = Field(5, ge=1, le=20)
    kind: str | None = Field(None, description="narrative | project | row")
    must: list[str] = Field(default_factory=list, description="words the best sentence should contain")


class CalculateArgs(BaseModel):
    expression: str = Field(description="arithmetic with + - * / and parentheses, e.g. 487.41 - 284.60")
    places: int | None = Field(None, ge=0, le=20, description="round half-up to this many decimals")


TOOL_SPECS: list[tuple[str, type[BaseModel], str]] = [
    (
        "resolve",
        ResolveArgs,
        "Find the projects, units, subjects, 三公 items and narrative subjects a text names.",
    ),
    ("amounts", AmountsArgs, "Every amount the tables give for one entity (万元 unless stated)."),
    ("aggregate", AggregateArgs, "Sum/count/average/max/min/top-n/rank-n over a table's rows after filters."),
    (
        "change",
        SubjectArgs,
        "Year-on-year change stated in the narrative, its reason, and last year's amount.",
    ),
    ("fact", SubjectArgs, "Everything the narrative states about one subject."),
    ("counts", _DocArgs, "The counts the narrative states (units, vehicles, projects …)."),
    (
        "indicators",
        IndicatorArgs,
        "Performance targets (预算13表) of a project, best match to the query first.",
    ),
    ("define", DefineArgs, "A term's definition from 名词解释."),
    ("search", SearchArgs, "Hybrid search over the document's passages; returns the best sentences."),
    (
        "calculate",
        CalculateArgs,
        "Exact decimal arithmetic. Use it for every sum, difference, share or conversion.",
    ),
]


def langchain_tools(box: Toolbox) -> list[StructuredTool]:
    """The toolbox as LangChain tools; results are JSON strings, errors are ``{"error": …}``."""

    def wrap(name: str) -> Callable[..., str]:
        method = getattr(box, name)

        def run(**kwargs) -> str:
            kwargs = {
                k: (
                    [v.model_dump() if isinstance(v, BaseModel) else v for v in val]
                    if isinstance(val, list)
                    else val
                )
                for k, val in kwargs.items()
            }
            try:
                result = method(**kwargs)
            except (ToolError, CalculationError) as e:
                result = {"error": str(e)}
            return json.dumps(result, ensure_ascii=False, default=str)

        return run

    return [
        StructuredTool.from_function(func=wrap(name), name=name, description=description, args_schema=schema)
        for name, schema, description in TOOL_SPECS
    ]
