"""Run a question suite through the assistant and score every answer.

A run is a list of :class:`Record` — question, answer, verdict, seconds — plus a
summary by type. Runs are plain JSON so two of them can be compared later.

Each record carries the verdict's ``outcome`` (correct, wrong, refused, clarified; see
:mod:`evals.score`), and the summary counts the failures by outcome, overall and by type,
so that a wrong number is never hidden among honest refusals and questions back.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, model_validator

from assistant.agent import Assistant
from assistant.contract import Answer
from evals.score import Outcome, score
from evals.score import outcome as outcome_of

#: The failure outcomes, in the order reports list them: wrong answers first.
FAILURES = ("wrong", "refused", "clarified")


class Record(BaseModel):
    """One question's outcome: what was asked, what came back, and the verdict."""

    id: str
    type: str
    question: str
    correct: bool
    outcome: Outcome | None = None  # derived from the answer and expected when not given (older runs)
    reason: str = ""
    seconds: float
    answer: Answer
    expected: dict = {}
    found: bool | None = (
        None  # retrieval: a top-5 passage holds an evidence amount (None: no evidence amounts)
    )

    @model_validator(mode="after")
    def _outcome(self) -> Record:
        if self.outcome is None:
            gold = {"question": self.question, "answer": self.expected}
            self.outcome = outcome_of(gold, self.answer, self.correct)
        elif (self.outcome == "correct") != self.correct:
            raise ValueError(f"outcome {self.outcome!r} contradicts correct={self.correct}")
        return self

    def row(self) -> dict:
        """The results.jsonl line."""
        a = self.answer
        return {
            "id": self.id,
            "type": self.type,
            "question": self.question,
            "answer": a.answer,
            "value": a.value,
            "unit": a.unit,
            "operator": a.operator,
            "refused": a.refused,
            "items": [i.model_dump() for i in a.items],
            "sources": [s.model_dump(exclude_none=True) for s in a.sources],
            "latency_ms": round(self.seconds * 1000, 1),
            "correct": self.correct,
            "outcome": self.outcome,
            "reason": self.reason,
            "expected": self.expected,
            "retrieval_found": self.found,
        }


class Summary(BaseModel):
    """Counts over a run. ``correct + wrong + refused + clarified == total``, overall and in each
    ``by_type`` entry (keys total, correct, wrong, refused, clarified, accuracy)."""

    total: int
    correct: int
    accuracy: float
    by_type: dict[str, dict[str, float]]
    wrong: int = 0
    refused: int = 0
    clarified: int = 0
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
        records.append(
            Record(
                id=q["id"],
                type=q["type"],
                question=q["question"],
                correct=verdict.correct,
                outcome=verdict.outcome,
                reason=verdict.reason,
                seconds=seconds,
                answer=answer,
                expected=q["answer"],
            )
        )
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
        t = by_type.setdefault(r.type, {"total": 0, "correct": 0, **dict.fromkeys(FAILURES, 0)})
        t["total"] += 1
        t["correct"] += r.correct
        if not r.correct:
            t[r.outcome or "wrong"] += 1
    for t in by_type.values():
        t["accuracy"] = round(t["correct"] / t["total"], 4)
    ms = [r.seconds * 1000 for r in records]
    correct = sum(r.correct for r in records)
    failures = {
        kind: sum(1 for r in records if not r.correct and (r.outcome or "wrong") == kind) for kind in FAILURES
    }
    judged = [r.found for r in records if r.found is not None]
    return Summary(
        total=len(records),
        correct=correct,
        accuracy=round(correct / len(records), 4) if records else 0.0,
        **failures,
        by_type=dict(sorted(by_type.items())),
        p50_ms=round(statistics.median(ms), 1) if ms else 0.0,
        p95_ms=round(percentile(ms, 95), 1),
        max_ms=round(max(ms), 1) if ms else 0.0,
        recall_at_5=round(sum(judged) / len(judged), 4) if judged else None,
        recall_questions=len(judged),
    )
