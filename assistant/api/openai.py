"""OpenAI-compatible ``POST /v1/chat/completions`` and ``GET /v1/models`` for front-ends such as
Open WebUI or Dify.

The answer text is the message content; everything structured (value, sources, the query plan and
its Chinese interpretation) rides in ``reference``: on the message, or on the last chunk when streamed.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from typing import Any, Literal

from fastapi import APIRouter, HTTPException
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from assistant.agent import QuestionError
from assistant.api.common import MAX_HISTORY_TURNS, MODEL_ID, ServiceDep
from assistant.contract import Answer, Turn

router = APIRouter(tags=["openai"])
CHUNK_CHARS = 24


class ChatMessage(BaseModel):
    role: Literal["system", "user", "assistant", "tool", "developer"]
    content: str | list[dict[str, Any]] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):
            return "".join(str(part.get("text") or "") for part in self.content if isinstance(part, dict))
        return self.content or ""


class ChatRequest(BaseModel):
    model: str = MODEL_ID
    messages: list[ChatMessage] = Field(min_length=1, max_length=MAX_HISTORY_TURNS + 2)
    stream: bool = False
    doc: str | None = None


def reference(answer: Answer) -> dict:
    """The structured part of an answer, JSON-ready: figure, sources, items, plan and interpretation."""
    return {
        "value": answer.value,
        "unit": answer.unit,
        "operator": answer.operator,
        "formula": answer.formula,
        "refused": answer.refused,
        "document": answer.document,
        "interpretation": answer.interpretation,
        "plan": None if answer.plan is None else answer.plan.model_dump(mode="json", exclude_none=True),
        "sources": [s.model_dump(exclude_none=True) for s in answer.sources],
        "items": [i.model_dump(exclude_none=True) for i in answer.items],
    }


@router.get("/v1/models")
def models() -> dict:
    return {
        "object": "list",
        "data": [{"id": MODEL_ID, "object": "model", "created": 0, "owned_by": "budgetqa"}],
    }


@router.post("/v1/chat/completions")
def chat_completions(body: ChatRequest, svc: ServiceDep) -> Any:
    """OpenAI chat completions; the answer's sources, plan and interpretation ride in ``reference``."""
    turns = [m for m in body.messages if m.role in ("user", "assistant") and m.text().strip()]
    if not turns or turns[-1].role != "user":
        raise HTTPException(422, "the last message must be a non-empty user message")
    question = turns[-1].text().strip()
    svc.check_question(question, body.doc)
    history = [Turn(role=m.role, content=m.text()) for m in turns[:-1]]  # type: ignore[arg-type]
    try:
        answer = svc.bot.ask(question, history, doc=body.doc)
    except QuestionError as exc:
        raise HTTPException(422, str(exc)) from None
    ref = reference(answer)
    ident, created = f"chatcmpl-{uuid.uuid4().hex[:24]}", int(time.time())
    if not body.stream:
        return {
            "id": ident,
            "object": "chat.completion",
            "created": created,
            "model": MODEL_ID,
            "choices": [
                {
                    "index": 0,
                    "finish_reason": "stop",
                    "message": {"role": "assistant", "content": answer.answer, "reference": ref},
                }
            ],
            "usage": {
                "prompt_tokens": len(question),
                "completion_tokens": len(answer.answer),
                "total_tokens": len(question) + len(answer.answer),
            },
        }

    def chunks() -> Iterator[str]:
        def chunk(delta: dict, finish: str | None = None, **extra: Any) -> str:
            data = {
                "id": ident,
                "object": "chat.completion.chunk",
                "created": created,
                "model": MODEL_ID,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
                **extra,
            }
            return f"data: {json.dumps(data, ensure_ascii=False)}\n\n"

        yield chunk({"role": "assistant", "content": ""})
        text = answer.answer
        for start in range(0, len(text), CHUNK_CHARS):
            yield chunk({"content": text[start : start + CHUNK_CHARS]})
        yield chunk({}, "stop", reference=ref)
        yield "data: [DONE]\n\n"

    return StreamingResponse(chunks(), media_type="text/event-stream")
