"""Reading the corpus: ``GET /api/documents[/{id}[/reconciliation|/tables/{nn}]]`` and ``GET /api/search``."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query

from assistant.api.common import ServiceDep

router = APIRouter(tags=["documents"])


@router.get("/api/documents")
def documents(svc: ServiceDep) -> list[dict]:
    return svc.corpus.store.documents()


@router.get("/api/documents/{doc_id}")
def get_document(doc_id: str, svc: ServiceDep) -> dict:
    doc = svc.document(doc_id)
    store = svc.corpus.store
    checks = store.checks(doc["doc_id"])
    return doc | {
        "tables": store.table_numbers(doc["doc_id"]),
        "projects": len(store.projects(doc["doc_id"])),
        "checks": {s: sum(1 for c in checks if c["status"] == s) for s in ("pass", "rounding", "fail")},
    }


@router.get("/api/documents/{doc_id}/reconciliation")
def reconciliation(doc_id: str, svc: ServiceDep) -> dict:
    doc = svc.document(doc_id)
    checks = [
        c | {k: str(c[k]) for k in ("expected", "actual", "difference")}
        for c in svc.corpus.store.checks(doc["doc_id"])
    ]
    return {"document": doc["doc_id"], "checks": checks}


@router.get("/api/documents/{doc_id}/tables/{number}")
def table(doc_id: str, number: str, svc: ServiceDep) -> dict:
    doc = svc.document(doc_id)
    if not re.fullmatch(r"[0-9]{1,2}", number):
        raise HTTPException(422, "a table number is 01 … 14")
    found = svc.corpus.store.table(doc["doc_id"], number.zfill(2))
    if found is None:
        raise HTTPException(404, f"预算{number.zfill(2)}表 is not in this document")
    for row in found["rows"]:
        row["amounts"] = {k: str(v) for k, v in row["amounts"].items()}
    return found


@router.get("/api/search")
def search(
    svc: ServiceDep,
    q: Annotated[str, Query(min_length=1, max_length=500)],
    k: Annotated[int, Query(ge=1, le=50)] = 5,
    mode: Literal["hybrid", "dense", "bm25"] = "hybrid",
    doc: str | None = None,
) -> list[dict]:
    if not q.strip():
        raise HTTPException(422, "the query is empty")
    filters = {"doc_id": svc.document(doc)["doc_id"]} if doc else None
    return [
        {"score": h.score, "dense_rank": h.dense_rank, "bm25_rank": h.bm25_rank} | h.passage.__dict__
        for h in svc.corpus.search(q, k=k, mode=mode, filters=filters)
    ]
