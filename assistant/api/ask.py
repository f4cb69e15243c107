"""``POST /api/ask`` and ``/api/ask/stream``: one question, its answer with value, sources, plan and trace."""

from __future__ import annotations

import json
from collections.abc import Iterator

from fastapi import APIRouter, HTTPException
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field, field_validator

from assistant.agent import QuestionError
from assistant.api.common import MAX_HISTORY_TURNS, ServiceDep
from assistant.contract import Answer, Turn

router = APIRouter(tags=["ask"])


class AskRequest(BaseModel):
    question: str = Field(description="the question, in Chinese", examples=["哪个项目的预算最多？"])
    history: list[Turn] = Field(
        default_factory=list, max_length=MAX_HISTORY_TURNS, description="earlier turns, oldest first"
    )
    doc: str | None = Field(
        None, description="document id, id prefix or file name; default: chosen from the question"
    )

    @field_validator("question")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("the question is empty")
        return value.strip()


@router.post("/api/ask", response_model=Answer)
def ask(body: AskRequest, svc: ServiceDep) -> Answer:
    """Answer one question with its value, sources, how it was understood (plan, interpretation) and the
    tool calls."""
    svc.check_question(body.question, body.doc)
    try:
        return svc.bot.ask(body.question, body.history, doc=body.doc)
    except QuestionError as exc:
        raise HTTPException(422, str(exc)) from None


@router.post("/api/ask/stream")
def ask_stream(body: AskRequest, svc: ServiceDep) -> StreamingResponse:
    """Server-Sent Events: ``step`` (a tool call), ``result`` (its result), then ``answer`` (the whole
    Answer)."""
    svc.check_question(body.question, body.doc)

    def events() -> Iterator[str]:
        try:
            for kind, payload in svc.bot.steps(body.question, body.history, doc=body.doc):
                data = payload.model_dump_json()
                yield f"event: {'step' if kind == 'call' else kind}\ndata: {data}\n\n"
        except QuestionError as exc:
            yield f"event: error\ndata: {json.dumps({'error': str(exc)}, ensure_ascii=False)}\n\n"

    return StreamingResponse(events(), media_type="text/event-stream")
