"""An evaluation run end to end: find and ingest the suite's documents, ask, score, measure retrieval.

Problems (a malformed line, an unknown document, a document that fails to ingest) are
collected and reported; the questions they affect are skipped, the rest still run.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from assistant.agent import Assistant
from assistant.llm import LLMSettings
from evals.runner import Record, Summary, run_suite, summarize
from evals.score import read_suite
from index.corpus import Corpus
from index.ingest import IngestError, ingest
from index.model import Passage

ROOT = Path(__file__).resolve().parent.parent
#: Where a suite's ``doc`` is looked for after the paths given on the command line.
BUNDLED = [ROOT / "data" / "samples", ROOT / "evals" / "suites" / "docs"]
BACKENDS = ("offline", "llm")
RETRIEVERS = ("hybrid", "dense", "bm25")

Progress = Callable[[str, int, int], None]


def evidence_amounts(evidence: str) -> set[str]:
    """The amounts an evidence note cites (``1,296.38`` → ``1296.38``); integers need 3+ digits."""
    return {n.replace(",", "") for n in re.findall(r"\d[\d,]*\.\d+|\d{3,}", evidence or "")}


def holds_amount(passage: Passage, amounts: set[str]) -> bool:
    text = passage.text.replace(",", "")
    return any(a in text for a in amounts)


def locate(name: str, paths: list[Path]) -> Path | None:
    """A document by file name: a given file of that name, else the first directory holding it."""
    for path in [*paths, *BUNDLED]:
        if path.is_file() and path.name == name:
            return path
        if path.is_dir() and (path / name).is_file():
            return path / name
    return None


def load_documents(
    corpus: Corpus,
    questions: list[dict],
    paths: list[Path],
    progress: Progress | None = None,
) -> tuple[list[dict], list[str]]:
    """Ingest every document the questions name; returns the questions that can run and the problems."""
    problems: list[str] = []
    ready: set[str] = {d["source"] for d in corpus.store.documents()}
    names = sorted({q["doc"] for q in questions})
    for i, name in enumerate(names, 1):
        if progress:
            progress(f"ingest {name}", i - 1, len(names))
        if name in ready:
            continue
        path = locate(name, paths)
        if path is None:
            problems.append(
                f"document {name!r} not found in --docs or the bundled corpus; its questions are skipped"
            )
            continue
        try:
            ingest(corpus, path)
            ready.add(name)
        except IngestError as exc:
            problems.append(f"document {name!r} could not be ingested: {exc}; its questions are skipped")
    runnable = [q for q in questions if q["doc"] in ready]
    return runnable, problems


def mark_recall(corpus: Corpus, questions: list[dict], records: list[Record], mode: str) -> None:
    """Record for each question with evidence amounts whether a top-5 passage holds one of them."""
    by_source = {d["source"]: d["doc_id"] for d in corpus.store.documents()}
    for q, record in zip(questions, records, strict=True):
        amounts = evidence_amounts(q.get("evidence", ""))
        if not amounts or q["doc"] not in by_source:
            continue
        hits = corpus.search(q["question"], k=5, mode=mode, filters={"doc_id": by_source[q["doc"]]})
        record.found = any(holds_amount(h.passage, amounts) for h in hits)


def assistant_for(corpus: Corpus, backend: str, retriever: str) -> Assistant:
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; expected one of {', '.join(BACKENDS)}")
    if retriever not in RETRIEVERS:
        raise ValueError(f"unknown retriever {retriever!r}; expected one of {', '.join(RETRIEVERS)}")
    settings = None
    if backend == "llm":
        settings = LLMSettings.from_env()
        if settings is None:
            raise ValueError(
                "--backend llm needs BUDGETQA_LLM_MODEL (and BUDGETQA_LLM_BASE_URL, BUDGETQA_LLM_API_KEY)"
            )
    return Assistant(corpus, settings, retriever=retriever)


def read_suites(paths: list[Path]) -> tuple[list[dict], list[str]]:
    questions: list[dict] = []
    problems: list[str] = []
    for path in paths:
        found, bad = read_suite(path)
        questions += found
        problems += bad
    return questions, problems


def evaluate(
    suites: list[Path],
    docs: list[Path],
    corpus: Corpus,
    backend: str = "offline",
    retriever: str = "hybrid",
    progress: Progress | None = None,
) -> tuple[list[Record], Summary, dict, list[str]]:
    """Run suites under one configuration; returns records, summary, meta and problems."""
    started = datetime.now(UTC).isoformat(timespec="seconds")
    questions, problems = read_suites(suites)
    questions, doc_problems = load_documents(corpus, questions, docs, progress)
    problems += doc_problems
    bot = assistant_for(corpus, backend, retriever)
    records = run_suite(bot, questions, progress=(lambda i, n: progress("ask", i, n)) if progress else None)
    mark_recall(corpus, questions, records, retriever)
    meta = {
        "suites": [str(s) for s in suites],
        "backend": backend,
        "retriever": retriever,
        "started_at": started,
        "documents": [d["source"] for d in corpus.store.documents()],
        "questions": len(questions),
    }
    return records, summarize(records), meta, problems


def compare(
    suites: list[Path], configs: list[str], docs: list[Path], corpus: Corpus, progress: Progress | None = None
) -> tuple[list[tuple[str, Summary]], list[str]]:
    """The same suites under several ``backend-retriever`` configurations, in one process and one corpus."""
    rows: list[tuple[str, Summary]] = []
    problems: list[str] = []
    for config in configs:
        backend, _, retriever = config.partition("-")
        _, summary, _, found = evaluate(suites, docs, corpus, backend, retriever or "hybrid", progress)
        problems += [p for p in found if p not in problems]
        rows.append((config, summary))
    return rows, problems
