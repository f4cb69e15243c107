"""What every router shares: settings, the service state, the error shape, the staff check and the
question limit."""

from __future__ import annotations

import os
import secrets
import uuid
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from fastapi import Depends, HTTPException, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field

from assistant.agent import MAX_QUESTION_CHARS, Assistant
from index.corpus import Corpus
from index.ingest import MAX_BYTES

MODEL_ID = "budgetqa"
DEFAULT_MAX_QUESTION = 500
MAX_HISTORY_TURNS = 40
BEARER = HTTPBearer(auto_error=False)


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


class Job(BaseModel):
    """A background job: ingesting an upload, or running an evaluation suite."""

    id: str
    kind: Literal["ingest", "eval"] = "ingest"
    status: Literal["queued", "running", "done", "failed"] = "queued"
    file: str
    doc_id: str | None = None
    error: str | None = None
    report: dict[str, Any] | None = Field(None, description="an evaluation's report, once it is done")


@dataclass
class Service:
    """One app's corpus, assistant, settings and jobs; every request shares it."""

    corpus: Corpus
    bot: Assistant
    settings: Settings
    jobs: dict[str, Job] = field(default_factory=dict)

    @property
    def question_limit(self) -> int:
        """The longest question accepted: the configured limit, never above the assistant's own."""
        return min(self.settings.max_question, MAX_QUESTION_CHARS)

    def check_question(self, question: str, doc: str | None = None) -> None:
        """422 for a question over the limit, 404 for an unknown document."""
        if len(question) > self.question_limit:
            raise HTTPException(
                422, f"the question is {len(question)} characters; the limit is {self.question_limit}"
            )
        if doc:
            self.document(doc)

    def document(self, doc_id: str) -> dict:
        """A document by id, id prefix or file name; 404 when there is none."""
        found = self.corpus.store.find_document(doc_id)
        if found is None:
            raise HTTPException(404, f"no document {doc_id!r}")
        return found

    def new_job(self, file: str, kind: Literal["ingest", "eval"] = "ingest") -> Job:
        job = Job(id=uuid.uuid4().hex[:12], kind=kind, file=file)
        self.jobs[job.id] = job
        return job


def service(request: Request) -> Service:
    return request.app.state.service


ServiceDep = Annotated[Service, Depends(service)]


def require_staff(
    svc: ServiceDep, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)]
) -> None:
    """The staff check: 403 when no token is configured, 401 without a bearer token, 403 for a wrong one."""
    token = svc.settings.token
    if not token:
        raise HTTPException(403, "staff endpoints are off: set BUDGETQA_API_TOKEN to enable them")
    if credentials is None:
        raise HTTPException(401, "missing bearer token", headers={"WWW-Authenticate": "Bearer"})
    if not secrets.compare_digest(credentials.credentials.encode(), token.encode()):
        raise HTTPException(403, "wrong token")


#: ``dependencies=[STAFF]`` on a route makes it a staff endpoint.
STAFF = Depends(require_staff)


def error(status: int, message: str, detail: Any = None) -> JSONResponse:
    """The error shape of every 4xx/5xx: ``{"error": …, "detail": …}``."""
    return JSONResponse(status_code=status, content={"error": message, "detail": detail})
