"""The default brain: a chat model that plans tool calls without any network or API key.

It is a LangChain ``BaseChatModel`` so the same LangGraph agent drives it and
an LLM alike. Each call reads the conversation — the document line of the
system message, earlier turns, the question, the tool results so far — and
asks :func:`assistant.planner.decide` for the next step: more tool calls, or
the final answer (whose structured fields ride in ``additional_kwargs``).
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage, ToolMessage
from langchain_core.outputs import ChatGeneration, ChatResult

from assistant.planner import Call, Final, decide

DOCUMENT_TAG = "DOCUMENT="


def document_line(doc: dict) -> str:
    """The system-message line that tells every backend which document the question is about."""
    fields = {k: doc.get(k) for k in ("doc_id", "source", "department", "year")}
    return DOCUMENT_TAG + json.dumps(fields, ensure_ascii=False)


def read_conversation(messages: list[BaseMessage]) -> tuple[str, list[dict], dict, list[tuple[Call, Any]]]:
    """Split the agent's messages into question, history, document and finished tool calls."""
    doc: dict = {}
    for m in messages:
        if isinstance(m, SystemMessage):
            for line in str(m.content).splitlines():
                if line.startswith(DOCUMENT_TAG):
                    doc = json.loads(line[len(DOCUMENT_TAG) :])
    last = max(i for i, m in enumerate(messages) if isinstance(m, HumanMessage))
    history = [
        {"role": "user" if isinstance(m, HumanMessage) else "assistant", "content": str(m.content)}
        for m in messages[:last]
        if isinstance(m, HumanMessage) or (isinstance(m, AIMessage) and not m.tool_calls)
    ]
    results = {m.tool_call_id: m.content for m in messages[last:] if isinstance(m, ToolMessage)}
    done = []
    for m in messages[last:]:
        if isinstance(m, AIMessage):
            for tc in m.tool_calls:
                if tc["id"] in results:
                    content = results[tc["id"]]
                    try:
                        result = json.loads(content) if isinstance(content, str) else content
                    except json.JSONDecodeError:
                        result = {"error": str(content)}
                    done.append((Call(tc["name"], tc["args"]), result))
    return str(messages[last].content), history, doc, done


class OfflinePlanner(BaseChatModel):
    """Deterministic, offline tool-calling model for budget questions."""

    max_steps: int = 10

    @property
    def _llm_type(self) -> str:
        return "budgetqa-offline"

    def bind_tools(self, tools: Any, **kwargs: Any) -> OfflinePlanner:
        return self

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None, run_manager: Any = None,
                  **kwargs: Any) -> ChatResult:
        question, history, doc, done = read_conversation(messages)
        steps = sum(1 for m in messages if isinstance(m, AIMessage) and m.tool_calls)
        decision = decide(question, history, doc, done) if steps < self.max_steps else None
        if isinstance(decision, list):
            offset = len(done)
            message = AIMessage(content="", tool_calls=[
                {"name": c.tool, "args": c.args, "id": f"call_{offset + i}", "type": "tool_call"}
                for i, c in enumerate(decision)
            ])
        else:
            final = decision or Final(answer="文档中没有这项信息。（查询步骤过多，已停止）", refused=True)
            message = AIMessage(content=final.answer, additional_kwargs={"budgetqa": asdict(final)})
        return ChatResult(generations=[ChatGeneration(message=message)])
