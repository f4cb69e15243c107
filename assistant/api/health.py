"""``/healthz`` (the process is up) and ``/readyz`` (the store and the vector index answer)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from assistant.api.common import ServiceDep, error

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict:
    return {"status": "ok"}


@router.get("/readyz")
def readyz(svc: ServiceDep) -> JSONResponse:
    try:
        docs = len(svc.corpus.store.documents())
        vectors = svc.corpus.vectors.count()
    except Exception as exc:  # any failure to open either side means not ready
        return error(503, "not ready", str(exc))
    return JSONResponse({"status": "ready", "documents": docs, "vectors": vectors})
