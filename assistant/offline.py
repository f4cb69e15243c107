"""The default brain: a chat model that turns a question into one ``run_plan`` call, offline.

It is a LangChain ``BaseChatModel`` so the same LangGraph agent drives it and an LLM
alike. On the first step it parses the question (with the conversation so far) into a
:class:`QueryPlan` and calls ``run_plan`` with it — exactly as an LLM would; on the next
it relays the executor's result as the final answer, whose structured fields ride in
``additional_kwargs``. A question it cannot turn into a plan (a clarification, a refusal,
a word it did not understand) is answered at once without a tool call.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage, ToolMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import ConfigDict

from assistant.contract import PlanResult
from assistant.plan import QueryPlan
from assistant.understand import Parser

DOCUMENT_TAG = "DOCUMENT="
STRUCTURED = "budgetqa"


def document_line(doc: dict) -> str:
    """The system-message line that tells every backend which document the question is about."""
    fields = {k: doc.get(k) for k in ("doc_id", "source", "department", "year")}
    return DOCUMENT_TAG + json.dumps(fields, ensure_ascii=False)


def read_conversation(messages: list[BaseMessage]) -> tuple[str, list[dict], dict, list[ToolMessage]]:
    """Split the agent's messages into question, earlier turns, document and this turn's tool results."""
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
    results = [m for m in messages[last:] if isinstance(m, ToolMessage)]
    return str(messages[last].content), history, doc, results


def final_message(result: PlanResult, plan: QueryPlan | None) -> AIMessage:
    payload = result.model_dump(mode="json") | {"plan": plan.model_dump(mode="json") if plan else None}
    return AIMessage(content=result.answer, additional_kwargs={STRUCTURED: payload})


class OfflinePlanner(BaseChatModel):
    """Deterministic, offline tool-calling model for budget questions."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    parser_for: Callable[[dict], Parser]

    @property
    def _llm_type(self) -> str:
        return "budgetqa-offline"

    def bind_tools(self, tools: Any, **kwargs: Any) -> OfflinePlanner:
        return self

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: Any = None,
        **kwargs: Any,
    ) -> ChatResult:
        question, history, doc, results = read_conversation(messages)
        if results:  # the plan has run: relay its result
            plan = next(
                (
                    tc["args"].get("plan")
                    for m in messages
                    if isinstance(m, AIMessage)
                    for tc in m.tool_calls
                    if tc["id"] == results[-1].tool_call_id
                ),
                None,
            )
            result = PlanResult.model_validate_json(str(results[-1].content))
            message = final_message(result, QueryPlan.model_validate(plan) if plan else None)
        else:
            parsed = self.parser_for(doc).parse(question, history)
            if isinstance(parsed, QueryPlan):
                message = AIMessage(
                    content="",
                    tool_calls=[
                        {
                            "name": "run_plan",
                            "id": "call_plan",
                            "type": "tool_call",
                            "args": {"plan": parsed.model_dump(mode="json")},
                        }
                    ],
                )
            else:
                message = final_message(parsed, None)
        return ChatResult(generations=[ChatGeneration(message=message)])
