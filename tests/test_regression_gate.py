"""Regression gate: the offline assistant keeps its measured accuracy on the shipped suites.

Thresholds sit a little under what the project measured when it set them (seed-public
62/62, sample-colloquial 123/135, punctuation 17/20, variants 70/70), so a real regression
fails here while a rewording of one answer does not. No timing is asserted.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from evals.harness import load_documents
from evals.runner import run_suite, summarize
from evals.score import load_suite

SUITES = Path(__file__).resolve().parent.parent / "evals" / "suites"
GATES = {"seed-public.jsonl": 0.95, "sample-colloquial.jsonl": 0.85, "punctuation.jsonl": 0.80}


@pytest.mark.parametrize("suite", sorted(GATES))
def test_sample_suites_stay_above_their_gate(assistant, suite):
    records = run_suite(assistant, load_suite(SUITES / suite))
    summary = summarize(records)
    failures = [f"{r.id} {r.question} → {r.answer.answer[:80]} ({r.reason})" for r in records if not r.correct]
    assert summary.accuracy >= GATES[suite], "\n".join(failures)


def test_variant_suite_stays_above_its_gate(tmp_path):
    from assistant.agent import Assistant
    from index.corpus import open_corpus

    corpus = open_corpus(tmp_path)
    questions, problems = load_documents(corpus, load_suite(SUITES / "variants.jsonl"), [])
    assert problems == []
    records = run_suite(Assistant(corpus), questions)
    failures = [f"{r.id} {r.question} → {r.answer.answer[:80]} ({r.reason})" for r in records if not r.correct]
    assert summarize(records).accuracy >= 0.95, "\n".join(failures)
