"""The assistant: picks the document, runs the LangGraph agent, returns an :class:`Answer`.

One agent (``langchain.agents.create_agent``) over one set of tools; the brain
is the offline planner by default or any OpenAI-compatible LLM when
``BUDGETQA_LLM_MODEL`` is set. Conversation history is passed in explicitly.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from langchain.agents import create_agent
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage, ToolMessage

from assistant.contract import Answer, Candidate, Item, Source, ToolCall, Turn
from assistant.english import gloss, is_english
from assistant.entities import core_name, in_order, normalize, office_shorts
from assistant.executor import interpret, run_plan_tool
from assistant.guard import guard
from assistant.lexicon import DISTRICTS
from assistant.llm import SYSTEM_PROMPT, LLMSettings, chat_model
from assistant.offline import STRUCTURED, OfflinePlanner, document_line
from assistant.operations.base import NOT_FOUND
from assistant.plan import QueryPlan
from assistant.slots import YEAR
from assistant.tools import Toolbox, langchain_tools
from assistant.understand import Parser
from index.corpus import Corpus

MAX_QUESTION_CHARS = 1000
RECURSION_LIMIT = 16
_VALUE_UNIT = re.compile(r"([0-9][0-9,]*(?:\.[0-9]+)?)\s*(万元|元|%|个|项|户|辆|家|条|台|套|天|小时|次)")


class QuestionError(ValueError):
    """The question cannot be asked as given (empty, too long); the message says why."""


def _doc_names(doc: dict) -> list[str]:
    department = doc.get("department") or ""
    core = core_name(department)
    return [normalize(n) for n in (department, core, *office_shorts(core)) if n and len(n) >= 2]


def _not_loaded(q: str, docs: list[dict], districts: list[str]) -> str | None:
    """A department named right after its district (朝阳区科信局) that none of that district's loaded
    documents is, spelled out or shortened."""
    if any(name in q for d in docs for name in _doc_names(d)):
        return None
    stems = "|".join(re.escape(x) for d in districts for x in (d, d.removesuffix("区")))
    ends = (  # not …办理
        r"(?=[^\u4e00-\u9fff]|$|的|今年|明年|去年|预算|有|是|一共|总共|花|拿|三公|经费|项目|人员|基本|收入|支出|给)"
    )
    for m in re.finditer(rf"(?:{stems})([\u4e00-\u9fff]{{1,8}}?(?:委员会|管理局|局|委|办公室|办)){ends}", q):
        name = m.group(1)
        if not re.search(r"^区|的|项目|经费|指标", name) and not any(
            in_order(name, normalize(d.get("department") or "")) for d in docs
        ):
            return name
    return None


def _district(doc: dict) -> str | None:
    return next((d for d in DISTRICTS if d in (doc.get("department") or "")), None)


def _is(doc: dict, ref: str) -> bool:
    return ref in (doc["doc_id"], doc["source"]) or doc["doc_id"].startswith(ref)


def choose_document(
    question: str, docs: list[dict], preferred: str | None = None
) -> tuple[dict | None, str, list[dict]]:
    """The document a question is about: by the department and year it names, else the caller's, else the
    only one.

    Returns (document, refusal message, candidates); exactly one of the first two is set unless
    the choice is ambiguous, when both are empty and ``candidates`` lists the documents.
    """
    if not docs:
        return None, "还没有载入任何预算文档。", []
    q = normalize(question)
    districts = [
        d for d in DISTRICTS if d in q or d.removesuffix("区") in q
    ]  # 西城教委: a district by its stem
    if districts:
        docs = [d for d in docs if any(x in (d.get("department") or "") for x in districts)]
        if not docs:
            return None, f"没有载入{'、'.join(districts)}的预算文档。", []
        if missing := _not_loaded(q, docs, districts):
            return None, f"没有载入{districts[0]}{missing}的预算文档。", []
    named = [d for d in docs if any(name in q for name in _doc_names(d))]
    current = next((d for d in docs if preferred and _is(d, preferred)), None)
    if current and named and current not in named and re.search(r"今年|本年|当年|this year", q):
        other = named[0]  # 延庆卫健委今年预算多少 while reading a 2024 budget: that one is of 2019
        if other.get("year") != current.get("year"):
            return (
                None,
                f"没有载入{other['department']}{current.get('year')}年的预算（已载入的是{other.get('year')}年的）。",
                [],
            )
    if current and named and current not in named and not districts and re.search(r"(?<![市省])区", q):
        home = _district(
            current
        )  # 区教委 while reading one district's budget: that district's, not another loaded one
        if home and all(_district(d) != home for d in named):
            loaded = "、".join(f"{d['department']}{d.get('year') or ''}年" for d in named)
            return None, f"没有载入{home}这个部门的预算文档（已载入的是{loaded}的）。", []
    pool = named or docs
    years = {int(y) for y in YEAR.findall(question)}
    if (
        preferred
    ):  # the caller's document unless the question names another department; its parser judges years
        chosen = [d for d in pool if _is(d, preferred)]
        if chosen:
            return chosen[0], "", []
    if years:
        exact = [d for d in pool if d.get("year") in years]
        following = [d for d in pool if d.get("year") and d["year"] - 1 in years]
        if exact:
            pool = exact
        elif following:
            pool = following
        else:
            loaded = "、".join(sorted({f"{d['department']}" for d in pool}))
            return None, f"已载入的预算（{loaded}）不包含所问年度。", []
    if len(pool) == 1:
        return pool[0], "", []
    return None, "", pool


class Assistant:
    """Answers questions about the documents of one corpus."""

    def __init__(self, corpus: Corpus, settings: LLMSettings | None = None, retriever: str = "hybrid"):
        self.corpus = corpus
        self.toolbox = Toolbox(corpus, retriever)
        self.settings = settings
        self.backend = "llm" if settings else "offline"
        self._parsers: dict[str, Parser] = {}
        model = chat_model(settings) if settings else OfflinePlanner(parser_for=self.parser)
        self.graph = create_agent(model, [*langchain_tools(self.toolbox), run_plan_tool(self.toolbox)])

    def parser(self, doc: dict) -> Parser:
        """The offline parser for one document, fed by that document's vocabulary (cached per document)."""
        if doc["doc_id"] not in self._parsers:
            self._parsers[doc["doc_id"]] = Parser(self.toolbox.catalog(doc["doc_id"]), doc)
        return self._parsers[doc["doc_id"]]

    @classmethod
    def from_env(cls, corpus: Corpus) -> Assistant:
        return cls(corpus, LLMSettings.from_env())

    def ask(self, question: str, history: list[Turn | dict] | None = None, doc: str | None = None) -> Answer:
        """Answer one question; ``history`` holds the earlier turns of the conversation."""
        for kind, payload in self.steps(question, history, doc):
            if kind == "answer":
                return payload
        raise AssertionError("steps() always ends with an answer")

    def steps(
        self,
        question: str,
        history: list[Turn | dict] | None = None,
        doc: str | None = None,
    ) -> Iterator[tuple[str, Any]]:
        """The agent's steps as they happen — ("call", ToolCall) and ("result", ToolCall) — then
        ("answer", Answer)."""
        question = (question or "").strip()
        if not question:
            raise QuestionError("问题是空的：请输入一个关于部门预算的问题。")
        if len(question) > MAX_QUESTION_CHARS:
            raise QuestionError(f"问题太长（{len(question)} 字）：请控制在 {MAX_QUESTION_CHARS} 字以内。")
        turns = [t if isinstance(t, Turn) else Turn(**t) for t in history or []]
        probe = (gloss(question) or question) if is_english(question) else question  # the department it names
        chosen, refusal, candidates = choose_document(probe, self.toolbox.documents(), doc)
        if chosen is None:
            if refusal:
                yield (
                    "answer",
                    Answer(
                        question=question,
                        answer=f"{NOT_FOUND}：{refusal}",
                        refused=True,
                        backend=self.backend,
                    ),
                )
                return
            names = "、".join(f"{d['department']}{d['year']}年（{d['doc_id']}）" for d in candidates)
            yield (
                "answer",
                Answer(
                    question=question,
                    answer=f"已载入多份预算，请指明是哪一份：{names}。",
                    backend=self.backend,
                    candidates=[
                        Candidate(name=f"{d['department']}{d['year']}年", kind="document", key=d["doc_id"])
                        for d in candidates
                    ],
                ),
            )
            return
        messages: list[BaseMessage] = [SystemMessage(self._system(chosen))]
        messages += [HumanMessage(t.content) if t.role == "user" else AIMessage(t.content) for t in turns]
        messages.append(HumanMessage(question))
        produced: list[BaseMessage] = []
        calls: dict[str, ToolCall] = {}
        for update in self.graph.stream(
            {"messages": messages}, config={"recursion_limit": RECURSION_LIMIT}, stream_mode="updates"
        ):
            for node in update.values():
                for m in (node or {}).get("messages", []):
                    produced.append(m)
                    if isinstance(m, AIMessage):
                        for tc in m.tool_calls:
                            calls[tc["id"]] = ToolCall(tool=tc["name"], args=tc["args"])
                            yield "call", calls[tc["id"]]
                    elif isinstance(m, ToolMessage) and m.tool_call_id in calls:
                        yield "result", calls[m.tool_call_id].model_copy(update={"result": _parse(m.content)})
        yield "answer", self._answer(question, chosen, produced)

    def _system(self, doc: dict) -> str:
        prompt = SYSTEM_PROMPT if self.settings else "budgetqa offline planner"
        return f"{prompt}\n{document_line(doc)}"

    def _answer(self, question: str, doc: dict, produced: list[BaseMessage]) -> Answer:
        results = {m.tool_call_id: m.content for m in produced if isinstance(m, ToolMessage)}
        trace: list[ToolCall] = []
        for m in produced:
            if isinstance(m, AIMessage):
                for tc in m.tool_calls:
                    trace.append(
                        ToolCall(tool=tc["name"], args=tc["args"], result=_parse(results.get(tc["id"])))
                    )
        final = next((m for m in reversed(produced) if isinstance(m, AIMessage) and not m.tool_calls), None)
        text = str(final.content) if final else NOT_FOUND
        structured = (final.additional_kwargs.get(STRUCTURED) if final else None) or {}
        sources = [Source(**s) for s in structured["sources"]] if structured else _sources(trace)
        plan_text = (structured.get("interpretation"), structured.get("plan")) if structured else ()
        text, flags = guard(
            text,
            [question, doc.get("year"), *plan_text, *[t.args for t in trace], *[t.result for t in trace]],
        )
        answer = Answer(
            question=question,
            answer=text,
            sources=sources,
            trace=trace,
            document=doc["doc_id"],
            flags=flags,
            backend=self.backend,
        )
        if structured:
            answer.value, answer.unit = structured.get("value"), structured.get("unit")
            answer.operator, answer.formula = structured.get("operator"), structured.get("formula")
            answer.refused = bool(structured.get("refused"))
            answer.items = [
                Item(**{k: v for k, v in i.items() if k in Item.model_fields})
                for i in structured.get("items") or []
            ]
            answer.candidates = [Candidate(**c) for c in structured.get("candidates") or []]
            answer.interpretation = structured.get("interpretation") or None
            if structured.get("plan"):
                answer.plan = QueryPlan.model_validate(structured["plan"])
        else:
            answer.plan = _plan_of(trace)
            answer.interpretation = interpret(answer.plan) if answer.plan else None
            answer.refused = NOT_FOUND in text
            if not answer.refused and (m := _VALUE_UNIT.search(text)):
                answer.value, answer.unit = m.group(1).replace(",", ""), m.group(2)
        if answer.refused:
            answer.value = None
        return answer


def _parse(content: Any) -> Any:
    if not isinstance(content, str):
        return content
    try:
        return json.loads(content)
    except json.JSONDecodeError:
        return {"text": content}


def _plan_of(trace: list[ToolCall]) -> QueryPlan | None:
    """The last plan an LLM ran, so its answer shows how it understood the question too."""
    for t in reversed(trace):
        if t.tool == "run_plan" and isinstance(t.args.get("plan"), dict):
            try:
                return QueryPlan.model_validate(t.args["plan"])
            except ValueError:
                return None
    return None


def _sources(trace: list[ToolCall]) -> list[Source]:
    seen: set[tuple] = set()
    out: list[Source] = []
    for t in trace:
        result = t.result if isinstance(t.result, dict) else {}
        for raw in result.get("sources") or []:
            source = Source(**{k: v for k, v in raw.items() if k in Source.model_fields})
            if source.key() not in seen:
                seen.add(source.key())
                out.append(source)
    return out
