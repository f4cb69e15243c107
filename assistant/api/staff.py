"""Staff endpoints (bearer token): upload and delete documents, follow jobs, run an evaluation suite.

An evaluation runs ``python -m assistant.cli eval`` in a child process over a fresh temporary
store, so the server never imports the evaluation package and its corpus is left untouched.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, File, HTTPException, UploadFile
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from assistant.api.common import STAFF, Job, ServiceDep, error
from index.corpus import Corpus
from index.ingest import SUFFIXES, IngestError, ingest, parse_file, remove, sweep

router = APIRouter(tags=["staff"], dependencies=[STAFF])
ROOT = Path(__file__).resolve().parents[2]
SUITES = ROOT / "evals" / "suites"
DEFAULT_EVAL_TIMEOUT = 3600  # seconds; BUDGETQA_EVAL_TIMEOUT
#: The parts of ``report.json`` that /api/eval returns (its response contract).
REPORT_KEYS = ("meta", "summary", "problems", "failures")
_SAFE_NAME = re.compile(r"^[\w\-. ()\u4e00-\u9fff（）]{1,120}$")


class EvalRequest(BaseModel):
    suite: str = Field(description="a bundled suite name, e.g. seed-public")
    wait: bool = Field(
        True,
        description="wait and return the report (default); false: 202 with a job to poll "
        "at /api/jobs/{id}, whose report appears when it is done",
    )


@router.post("/api/documents", status_code=202)
def upload(background: BackgroundTasks, file: Annotated[UploadFile, File()], svc: ServiceDep) -> Job:
    """Upload a .txt or .pdf budget; it is checked now and ingested in the background."""
    name = file.filename or ""
    if not _SAFE_NAME.match(name) or ".." in name or name.startswith("."):
        raise HTTPException(422, f"unsafe file name {name!r}: give a plain name such as budget.txt")
    if Path(name).suffix.lower() not in SUFFIXES:
        raise HTTPException(415, f"{name}: expected a .txt or .pdf budget")
    limit = svc.settings.max_upload
    data = file.file.read(limit + 1)
    if len(data) > limit:
        raise HTTPException(413, f"{name}: over the {limit:,}-byte limit")
    try:
        parse_file(name, data)
    except IngestError as exc:
        raise HTTPException(422, str(exc)) from None
    job = svc.new_job(name)
    uploads = svc.corpus.root / "uploads"
    uploads.mkdir(parents=True, exist_ok=True)
    path = uploads / f"{job.id}-{name}"
    path.write_bytes(data)
    background.add_task(run_ingest, svc.corpus, job, path, name)
    return job


@router.get("/api/jobs/{job_id}")
def job_status(job_id: str, svc: ServiceDep) -> Job:
    if job_id not in svc.jobs:
        raise HTTPException(404, f"no job {job_id!r}")
    return svc.jobs[job_id]


@router.delete("/api/documents/{doc_id}")
def delete(doc_id: str, svc: ServiceDep) -> dict:
    doc = svc.document(doc_id)
    remove(svc.corpus, doc["doc_id"])
    return {"deleted": doc["doc_id"]}


@router.post("/api/eval")
def run_eval(body: EvalRequest, background: BackgroundTasks, svc: ServiceDep) -> Any:
    """Run a bundled suite (seed-public, sample-colloquial, punctuation, variants) and return its report.

    The report is the ``meta``, ``summary``, ``problems`` and ``failures`` of ``budgetqa eval``'s report.json.
    """
    name = body.suite.removesuffix(".jsonl")
    path = SUITES / f"{name}.jsonl"
    if not re.fullmatch(r"[\w\-]+", name) or not path.is_file():
        known = sorted(p.stem for p in SUITES.glob("*.jsonl"))
        raise HTTPException(404, f"no bundled suite {body.suite!r}; known: {', '.join(known)}")
    job = svc.new_job(path.name, kind="eval")
    if not body.wait:
        background.add_task(run_evaluation, job, path)
        return JSONResponse(status_code=202, content=job.model_dump(mode="json"))
    run_evaluation(job, path)
    if job.status != "done":
        return error(500, "the evaluation failed", job.error)
    return job.report


def run_ingest(corpus: Corpus, job: Job, path: Path, name: str) -> None:
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


def eval_command(suite: Path, out: Path, data_dir: Path) -> list[str]:
    """``budgetqa eval`` in a child interpreter: the suite's documents go into ``data_dir``, reports into
    ``out``."""
    return [
        sys.executable,
        "-m",
        "assistant.cli",
        "eval",
        str(suite),
        "--out",
        str(out),
        "--data-dir",
        str(data_dir),
    ]


def run_evaluation(job: Job, suite: Path) -> None:
    """Run one suite in a child process over a fresh temporary store; the job gets its report.json."""
    job.status = "running"
    timeout = float(os.environ.get("BUDGETQA_EVAL_TIMEOUT") or DEFAULT_EVAL_TIMEOUT)
    with tempfile.TemporaryDirectory(prefix="budgetqa-eval-") as scratch:
        out, data_dir = Path(scratch) / "out", Path(scratch) / "store"
        try:
            done = subprocess.run(
                eval_command(suite, out, data_dir),
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            job.error, job.status = f"the evaluation did not finish in {timeout:g} s", "failed"
            return
        except OSError as exc:
            job.error, job.status = f"the evaluation could not start: {exc}", "failed"
            return
        report = out / "report.json"
        if done.returncode != 0 or not report.is_file():
            tail = "\n".join((done.stderr or done.stdout or "").strip().splitlines()[-20:])
            job.error, job.status = f"budgetqa eval exited with {done.returncode}: {tail}", "failed"
            return
        try:
            data = json.loads(report.read_text(encoding="utf-8"))
            job.report = {key: data[key] for key in REPORT_KEYS}
        except (ValueError, TypeError, KeyError) as exc:
            job.error, job.status = f"unreadable report.json: {exc}", "failed"
            return
    job.status = "done"
