"""The HTTP service: the assistant for the chat page, staff tools, evaluators and OpenAI-style front-ends.

``create_app`` opens the corpus once; every request shares it (the store is
thread-safe, ingestion commits atomically). Staff endpoints need the bearer
token from ``BUDGETQA_API_TOKEN``; with no token configured they are off.
Bad input always gets a 4xx JSON error: ``{"error": …, "detail": …}``.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import BackgroundTasks, Depends, FastAPI, File, HTTPException, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field, field_validator
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.agent import MAX_QUESTION_CHARS, Assistant, QuestionError
from assistant.contract import Answer, Turn
from index.corpus import Corpus, open_corpus
from index.ingest import MAX_BYTES, SUFFIXES, IngestError, ingest, parse_file, remove, sweep

MODEL_ID = "budgetqa"
DEFAULT_MAX_QUESTION = 500
MAX_HISTORY_TURNS = 40
BEARER = HTTPBearer(auto_error=False)
_SAFE_NAME = re.compile(r"^[\w\-. ()\u4e00-\u9fff（）]{1,120}$")


class Settings(BaseModel):
    """Service limits and the staff token, from the environment by default."""

    token: str | None = None
    max_question: int = DEFAULT_MAX_QUESTION
    max_upload: int = MAX_BYTES

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            token=os.environ.get("BUDGETQA_API_TOKEN") or None,
            max_question=int(os.environ.get("BUDGETQA_MAX_QUESTION") or DEFAULT_MAX_QUESTION),
            max_upload=int(os.environ.get("BUDGETQA_MAX_UPLOAD") or MAX_BYTES),
        )


class AskRequest(BaseModel):
    question: str = Field(description="the question, in Chinese", examples=["哪个项目的预算最多？"])
    history: list[Turn] = Field(default_factory=list, max_length=MAX_HISTORY_TURNS,
                                description="earlier turns, oldest first")
    doc: str | None = Field(None, description="document id, id prefix or file name; default: chosen from the question")

    @field_validator("question")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("the question is empty")
        return value.strip()


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


class EvalRequest(BaseModel):
    suite: str = Field(description="a bundled suite name, e.g. seed-public")


class Job(BaseModel):
    id: str
    status: Literal["queued", "running", "done", "failed"] = "queued"
    file: str
    doc_id: str | None = None
    error: str | None = None


def _error(status: int, error: str, detail: Any = None) -> JSONResponse:
    return JSONResponse(status_code=status, content={"error": error, "detail": detail})


def create_app(corpus: Corpus | None = None, settings: Settings | None = None) -> FastAPI:
    """The service over one corpus (default: ``BUDGETQA_DATA_DIR``)."""
    settings = settings or Settings.from_env()
    corpus = corpus or open_corpus()
    sweep(corpus)  # vectors of an ingest killed before its commit
    for stale in (corpus.root / "uploads").glob("*"):  # uploads of jobs that died with a previous process
        stale.unlink(missing_ok=True)
    bot = Assistant.from_env(corpus)
    jobs: dict[str, Job] = {}
    app = FastAPI(title="budgetqa", version="0.1",
                  description="Exact, cited answers about Beijing department budgets (部门预算).")
    suites_dir = Path(__file__).resolve().parent.parent / "evals" / "suites"

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        detail = [{k: v for k, v in e.items() if k in ("loc", "msg", "type")} for e in exc.errors()]
        return _error(422, "invalid request", json.loads(json.dumps(detail, default=str)))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(status_code=exc.status_code, content={"error": exc.detail, "detail": None},
                            headers=getattr(exc, "headers", None))

    def staff(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)]) -> None:
        if not settings.token:
            raise HTTPException(403, "staff endpoints are off: set BUDGETQA_API_TOKEN to enable them")
        if credentials is None:
            raise HTTPException(401, "missing bearer token", headers={"WWW-Authenticate": "Bearer"})
        if not secrets.compare_digest(credentials.credentials.encode(), settings.token.encode()):
            raise HTTPException(403, "wrong token")

    def document(doc_id: str) -> dict:
        found = corpus.store.find_document(doc_id)
        if found is None:
            raise HTTPException(404, f"no document {doc_id!r}")
        return found

    def check_question(question: str, doc: str | None = None) -> None:
        limit = min(settings.max_question, MAX_QUESTION_CHARS)
        if len(question) > limit:
            raise HTTPException(422, f"the question is {len(question)} characters; the limit is {limit}")
        if doc:
            document(doc)

    # -- asking -------------------------------------------------------------

    @app.post("/api/ask", response_model=Answer, tags=["ask"])
    def ask(body: AskRequest) -> Answer:
        """Answer one question with its value, sources and the tool calls behind it."""
        check_question(body.question, body.doc)
        try:
            return bot.ask(body.question, body.history, doc=body.doc)
        except QuestionError as exc:
            raise HTTPException(422, str(exc)) from None

    @app.post("/api/ask/stream", tags=["ask"])
    def ask_stream(body: AskRequest) -> StreamingResponse:
        """Server-Sent Events: ``step`` (a tool call), ``result`` (its result), then ``answer``."""
        check_question(body.question, body.doc)

        def events() -> Iterator[str]:
            try:
                for kind, payload in bot.steps(body.question, body.history, doc=body.doc):
                    data = payload.model_dump_json()
                    yield f"event: {'step' if kind == 'call' else kind}\ndata: {data}\n\n"
            except QuestionError as exc:
                yield f"event: error\ndata: {json.dumps({'error': str(exc)}, ensure_ascii=False)}\n\n"

        return StreamingResponse(events(), media_type="text/event-stream")

    # -- OpenAI-compatible ----------------------------------------------------

    @app.get("/v1/models", tags=["openai"])
    def models() -> dict:
        return {"object": "list", "data": [{"id": MODEL_ID, "object": "model", "created": 0, "owned_by": "budgetqa"}]}

    @app.post("/v1/chat/completions", tags=["openai"])
    def chat_completions(body: ChatRequest) -> Any:
        """OpenAI chat completions; the answer's structured sources ride in ``reference``."""
        turns = [m for m in body.messages if m.role in ("user", "assistant") and m.text().strip()]
        if not turns or turns[-1].role != "user":
            raise HTTPException(422, "the last message must be a non-empty user message")
        question = turns[-1].text().strip()
        check_question(question, body.doc)
        history = [Turn(role=m.role, content=m.text()) for m in turns[:-1]]  # type: ignore[arg-type]
        try:
            answer = bot.ask(question, history, doc=body.doc)
        except QuestionError as exc:
            raise HTTPException(422, str(exc)) from None
        reference = _reference(answer)
        ident, created = f"chatcmpl-{uuid.uuid4().hex[:24]}", int(time.time())
        if not body.stream:
            return {
                "id": ident, "object": "chat.completion", "created": created, "model": MODEL_ID,
                "choices": [{"index": 0, "finish_reason": "stop",
                             "message": {"role": "assistant", "content": answer.answer, "reference": reference}}],
                "usage": {"prompt_tokens": len(question), "completion_tokens": len(answer.answer),
                          "total_tokens": len(question) + len(answer.answer)},
            }

        def chunks() -> Iterator[str]:
            def chunk(delta: dict, finish: str | None = None, **extra: Any) -> str:
                data = {"id": ident, "object": "chat.completion.chunk", "created": created, "model": MODEL_ID,
                        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **extra}
                return f"data: {json.dumps(data, ensure_ascii=False)}\n\n"

            yield chunk({"role": "assistant", "content": ""})
            text = answer.answer
            for start in range(0, len(text), 24):
                yield chunk({"content": text[start : start + 24]})
            yield chunk({}, "stop", reference=reference)
            yield "data: [DONE]\n\n"

        return StreamingResponse(chunks(), media_type="text/event-stream")

    # -- documents ------------------------------------------------------------

    @app.get("/api/documents", tags=["documents"])
    def documents() -> list[dict]:
        return corpus.store.documents()

    @app.get("/api/documents/{doc_id}", tags=["documents"])
    def get_document(doc_id: str) -> dict:
        doc = document(doc_id)
        checks = corpus.store.checks(doc["doc_id"])
        return doc | {
            "tables": corpus.store.table_numbers(doc["doc_id"]),
            "projects": len(corpus.store.projects(doc["doc_id"])),
            "checks": {s: sum(1 for c in checks if c["status"] == s) for s in ("pass", "rounding", "fail")},
        }

    @app.get("/api/documents/{doc_id}/reconciliation", tags=["documents"])
    def reconciliation(doc_id: str) -> dict:
        doc = document(doc_id)
        checks = [c | {k: str(c[k]) for k in ("expected", "actual", "difference")} for c in corpus.store.checks(doc["doc_id"])]
        return {"document": doc["doc_id"], "checks": checks}

    @app.get("/api/documents/{doc_id}/tables/{number}", tags=["documents"])
    def table(doc_id: str, number: str) -> dict:
        doc = document(doc_id)
        if not re.fullmatch(r"[0-9]{1,2}", number):
            raise HTTPException(422, "a table number is 01 … 14")
        found = corpus.store.table(doc["doc_id"], number.zfill(2))
        if found is None:
            raise HTTPException(404, f"预算{number.zfill(2)}表 is not in this document")
        for row in found["rows"]:
            row["amounts"] = {k: str(v) for k, v in row["amounts"].items()}
        return found

    @app.get("/api/search", tags=["documents"])
    def search(
        q: Annotated[str, Query(min_length=1, max_length=500)],
        k: Annotated[int, Query(ge=1, le=50)] = 5,
        mode: Literal["hybrid", "dense", "bm25"] = "hybrid",
        doc: str | None = None,
    ) -> list[dict]:
        if not q.strip():
            raise HTTPException(422, "the query is empty")
        filters = {"doc_id": document(doc)["doc_id"]} if doc else None
        return [{"score": h.score, "dense_rank": h.dense_rank, "bm25_rank": h.bm25_rank} | h.passage.__dict__
                for h in corpus.search(q, k=k, mode=mode, filters=filters)]

    # -- staff ----------------------------------------------------------------

    @app.post("/api/documents", status_code=202, dependencies=[Depends(staff)], tags=["staff"])
    def upload(background: BackgroundTasks, file: Annotated[UploadFile, File()]) -> Job:
        """Upload a .txt or .pdf budget; it is checked now and ingested in the background."""
        name = file.filename or ""
        if not _SAFE_NAME.match(name) or ".." in name or name.startswith("."):
            raise HTTPException(422, f"unsafe file name {name!r}: give a plain name such as budget.txt")
        if Path(name).suffix.lower() not in SUFFIXES:
            raise HTTPException(415, f"{name}: expected a .txt or .pdf budget")
        data = file.file.read(settings.max_upload + 1)
        if len(data) > settings.max_upload:
            raise HTTPException(413, f"{name}: over the {settings.max_upload:,}-byte limit")
        try:
            parse_file(name, data)
        except IngestError as exc:
            raise HTTPException(422, str(exc)) from None
        job = Job(id=uuid.uuid4().hex[:12], file=name)
        jobs[job.id] = job
        uploads = corpus.root / "uploads"
        uploads.mkdir(parents=True, exist_ok=True)
        path = uploads / f"{job.id}-{name}"
        path.write_bytes(data)
        background.add_task(_run_ingest, corpus, job, path, name)
        return job

    @app.get("/api/jobs/{job_id}", dependencies=[Depends(staff)], tags=["staff"])
    def job_status(job_id: str) -> Job:
        if job_id not in jobs:
            raise HTTPException(404, f"no job {job_id!r}")
        return jobs[job_id]

    @app.delete("/api/documents/{doc_id}", dependencies=[Depends(staff)], tags=["staff"])
    def delete(doc_id: str) -> dict:
        doc = document(doc_id)
        remove(corpus, doc["doc_id"])
        return {"deleted": doc["doc_id"]}

    @app.post("/api/eval", dependencies=[Depends(staff)], tags=["staff"])
    def run_eval(body: EvalRequest) -> dict:
        """Run a bundled suite (seed-public, sample-colloquial, punctuation, variants) and return the report."""
        from evals.harness import evaluate

        path = suites_dir / f"{body.suite.removesuffix('.jsonl')}.jsonl"
        if not re.fullmatch(r"[\w\-]+", body.suite.removesuffix(".jsonl")) or not path.is_file():
            known = sorted(p.stem for p in suites_dir.glob("*.jsonl"))
            raise HTTPException(404, f"no bundled suite {body.suite!r}; known: {', '.join(known)}")
        records, summary, meta, problems = evaluate([path], [], corpus)
        return {"meta": meta, "summary": summary.model_dump(), "problems": problems,
                "failures": [r.row() for r in records if not r.correct]}

    # -- health ---------------------------------------------------------------

    @app.get("/healthz", tags=["health"])
    def healthz() -> dict:
        return {"status": "ok"}

    @app.get("/readyz", tags=["health"])
    def readyz() -> JSONResponse:
        try:
            docs = len(corpus.store.documents())
            vectors = corpus.vectors.count()
        except Exception as exc:  # any failure to open either side means not ready
            return _error(503, "not ready", str(exc))
        return JSONResponse({"status": "ready", "documents": docs, "vectors": vectors})

    return app


def _reference(answer: Answer) -> dict:
    return {
        "value": answer.value, "unit": answer.unit, "operator": answer.operator, "formula": answer.formula,
        "refused": answer.refused, "document": answer.document,
        "sources": [s.model_dump(exclude_none=True) for s in answer.sources],
        "items": [i.model_dump(exclude_none=True) for i in answer.items],
    }


def _run_ingest(corpus: Corpus, job: Job, path: Path, name: str) -> None:
    """Ingest an upload; the corpus changes all at once or not at all."""
    job.status = "running"
    try:
        result = ingest(corpus, Path(tempfile.gettempdir()) / name, data=path.read_bytes())
        job.doc_id, job.status = result.doc.doc_id, "done"
    except Exception as exc:  # the job reports any failure; the corpus is unchanged
        job.error, job.status = str(exc), "failed"
        sweep(corpus)
    finally:
        path.unlink(missing_ok=True)
