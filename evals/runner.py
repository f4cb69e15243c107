"""Run a question suite through the assistant and score every answer.

A run is a list of :class:`Record` — question, answer, verdict, seconds — plus a
summary by type. Runs are plain JSON so two of them can be compared later.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from assistant.agent import Assistant
from assistant.contract import Answer
from evals.score import score


class Record(BaseModel):
    """One question's outcome: what was asked, what came back, and the verdict."""

    id: str
    type: str
    question: str
    correct: bool
    reason: str = ""
    seconds: float
    answer: Answer
    expected: dict = {}
    found: bool | None = None  # retrieval: a top-5 passage holds an evidence amount (None: no evidence amounts)

    def row(self) -> dict:
        """The results.jsonl line."""
        a = self.answer
        return {
            "id": self.id, "type": self.type, "question": self.question, "answer": a.answer, "value": a.value,
            "unit": a.unit, "operator": a.operator, "refused": a.refused, "items": [i.model_dump() for i in a.items],
            "sources": [s.model_dump(exclude_none=True) for s in a.sources], "latency_ms": round(self.seconds * 1000, 1),
            "correct": self.correct, "reason": self.reason, "expected": self.expected, "retrieval_found": self.found,
        }


class Summary(BaseModel):
    total: int
    correct: int
    accuracy: float
    by_type: dict[str, dict[str, float]]
    p50_ms: float
    p95_ms: float
    max_ms: float = 0.0
    recall_at_5: float | None = None  # over the questions whose evidence cites an amount
    recall_questions: int = 0


def run_suite(
    assistant: Assistant,
    questions: list[dict[str, Any]],
    progress: Callable[[int, int], None] | None = None,
    doc: str | None = None,
) -> list[Record]:
    """Ask every question (with its history) and score the answers."""
    records = []
    for i, q in enumerate(questions, 1):
        start = time.perf_counter()
        answer = assistant.ask(q["question"], q.get("history") or [], doc=doc or q.get("doc"))
        seconds = time.perf_counter() - start
        verdict = score(q, answer)
        records.append(Record(id=q["id"], type=q["type"], question=q["question"], correct=verdict.correct,
                              reason=verdict.reason, seconds=seconds, answer=answer, expected=q["answer"]))
        if progress:
            progress(i, len(questions))
    return records


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


def summarize(records: list[Record]) -> Summary:
    by_type: dict[str, dict[str, float]] = {}
    for r in records:
        t = by_type.setdefault(r.type, {"total": 0, "correct": 0})
        t["total"] += 1
        t["correct"] += r.correct
    for t in by_type.values():
        t["accuracy"] = round(t["correct"] / t["total"], 4)
    ms = [r.seconds * 1000 for r in records]
    correct = sum(r.correct for r in records)
    judged = [r.found for r in records if r.found is not None]
    return Summary(total=len(records), correct=correct, accuracy=round(correct / len(records), 4) if records else 0.0,
                   by_type=dict(sorted(by_type.items())), p50_ms=round(statistics.median(ms), 1) if ms else 0.0,
                   p95_ms=round(percentile(ms, 95), 1), max_ms=round(max(ms), 1) if ms else 0.0,
                   recall_at_5=round(sum(judged) / len(judged), 4) if judged else None, recall_questions=len(judged))
