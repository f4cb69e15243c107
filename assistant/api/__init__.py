"""The HTTP service: the assistant for the chat page, staff tools, evaluators and OpenAI-style front-ends.

``create_app`` opens the corpus once; every request shares it (the store is
thread-safe, ingestion commits atomically). One router per concern:

- :mod:`assistant.api.ask` — ``/api/ask``, ``/api/ask/stream``
- :mod:`assistant.api.openai` — ``/v1/chat/completions``, ``/v1/models``
- :mod:`assistant.api.documents` — ``/api/documents…``, ``/api/search``
- :mod:`assistant.api.staff` — upload, delete, jobs, eval (bearer token from ``BUDGETQA_API_TOKEN``;
  with no token configured they are off)
- :mod:`assistant.api.health` — ``/healthz``, ``/readyz``

:mod:`assistant.api.common` holds what they share: settings, the question limit, the staff check.
Bad input always gets a 4xx JSON error: ``{"error": …, "detail": …}``.
"""

from __future__ import annotations

import json

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.agent import Assistant
from assistant.api import ask, documents, health, openai, staff
from assistant.api.common import MODEL_ID, Job, Service, Settings, error
from index.corpus import Corpus, open_corpus
from index.ingest import sweep

__all__ = ["MODEL_ID", "Job", "Service", "Settings", "create_app"]


def create_app(corpus: Corpus | None = None, settings: Settings | None = None) -> FastAPI:
    """The service over one corpus (default: ``BUDGETQA_DATA_DIR``)."""
    settings = settings or Settings.from_env()
    corpus = corpus or open_corpus()
    sweep(corpus)  # vectors of an ingest killed before its commit
    for stale in (corpus.root / "uploads").glob("*"):  # uploads of jobs that died with a previous process
        stale.unlink(missing_ok=True)
    app = FastAPI(
        title="budgetqa",
        version="0.1",
        description="Exact, cited answers about Beijing department budgets (部门预算).",
    )
    app.state.service = Service(corpus=corpus, bot=Assistant.from_env(corpus), settings=settings)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        detail = [{k: v for k, v in e.items() if k in ("loc", "msg", "type")} for e in exc.errors()]
        return error(422, "invalid request", json.loads(json.dumps(detail, default=str)))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(
            status_code=exc.status_code,
            content={"error": exc.detail, "detail": None},
            headers=getattr(exc, "headers", None),
        )

    for module in (ask, openai, documents, staff, health):
        app.include_router(module.router)
    return app
