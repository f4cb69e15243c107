"""Answering benchmark: accuracy (wrong answers apart) of the offline parser on suites, and latency per
question.

    python benchmarks/qa_bench.py                                   # seed-public + the colloquial suite
    python benchmarks/qa_bench.py --suite evals/suites/x.jsonl      # any suite(s)
    python benchmarks/qa_bench.py --variants 3                      # plus generated variant documents

The sample and every document a suite names are ingested into a temporary data directory
(or ``--data-dir``, reused when it already holds them). Latency
is measured after one warm-up pass over the suite. Figures are printed, never asserted;
failures are listed with the answer given and why it was scored wrong.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from assistant.agent import Assistant  # noqa: E402
from evals.harness import load_documents  # noqa: E402
from evals.runner import run_suite, summarize  # noqa: E402
from evals.score import load_suite  # noqa: E402
from evals.variant_questions import questions_for  # noqa: E402
from evals.variants import generate, write_variant  # noqa: E402
from index.corpus import open_corpus  # noqa: E402
from index.ingest import ingest  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "samples" / "000_3d71c1f270c17ec6.txt"
SUITES = [
    ROOT.parent / "shared" / "benchmarks" / "seed-public.jsonl",
    ROOT / "evals" / "suites" / "sample-colloquial.jsonl",
]


def report(name: str, records) -> None:
    summary = summarize(records)
    print(
        f"\n== {name}: {summary.correct}/{summary.total} correct ({summary.accuracy:.1%}), "
        f"{summary.wrong} wrong, "
        f"{summary.refused} refused, {summary.clarified} clarified; latency p50 {summary.p50_ms} ms, "
        f"p95 {summary.p95_ms} ms"
    )
    for kind, t in summary.by_type.items():
        print(f"   {kind:16} {int(t['correct'])}/{int(t['total'])}")
    for r in records:
        if not r.correct:
            print(
                f"   ✗ {r.outcome} {r.id} [{r.type}] {r.question}\n       → {r.answer.answer[:150]}\n"
                f"       why: {r.reason}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suite", action="append", type=Path, help="JSONL suite (repeatable)")
    parser.add_argument(
        "--variants", type=int, default=0, help="also test this many generated variant documents"
    )
    parser.add_argument("--data-dir", type=Path)
    args = parser.parse_args()
    data = args.data_dir or Path(tempfile.mkdtemp(prefix="qa-bench-"))
    corpus = open_corpus(data)
    if not corpus.store.find_document(SAMPLE.name):
        ingest(corpus, SAMPLE)
    bot = Assistant(corpus)
    for path in args.suite or [p for p in SUITES if p.exists()]:
        questions, problems = load_documents(corpus, load_suite(path), [])
        for problem in problems:
            print(f"   ! {problem}")
        run_suite(bot, questions)  # warm-up
        report(path.name, run_suite(bot, questions))
    for seed in range(1, args.variants + 1):
        root = Path(tempfile.mkdtemp(prefix=f"qa-variant-{seed}-"))
        path = write_variant(root, seed)
        variant_corpus = open_corpus(root / "data")
        ingest(variant_corpus, path)
        report(
            f"variant seed {seed}",
            run_suite(Assistant(variant_corpus), questions_for(generate(seed), path.name, seed)),
        )


if __name__ == "__main__":
    main()
