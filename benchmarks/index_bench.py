"""Index benchmarks: ingest time of the sample, retrieval recall@5, and growth with documents.

    python benchmarks/index_bench.py                       # everything
    python benchmarks/index_bench.py --only ingest,recall  # parts
    python benchmarks/index_bench.py --scales 1,10,50 --projects 12

Figures are printed, never asserted. Recall@5: a question counts as found when one
of the top five passages contains an amount its ``evidence`` cites (commas removed).
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from evals.harness import evidence_amounts, holds_amount
from evals.variants import write_variant
from index.corpus import open_corpus
from index.ingest import ingest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "samples" / "000_3d71c1f270c17ec6.txt"
SUITE = ROOT.parent / "shared" / "benchmarks" / "seed-public.jsonl"
QUERIES = [
    "项目支出合计是多少",
    "住房公积金",
    "公务用车运行维护费",
    "基本支出人员经费",
    "政府购买服务",
    "绩效目标满意度",
]


def timed(fn, *args, **kw):
    start = time.perf_counter()
    result = fn(*args, **kw)
    return result, time.perf_counter() - start


def bench_ingest(data: Path) -> None:
    corpus = open_corpus(data)
    result, seconds = timed(ingest, corpus, SAMPLE)
    print(
        f"ingest sample: {seconds:.1f} s ({result.passages} passages, {len(result.doc.projects)} projects; "
        f"target < 60 s)"
    )
    _, again = timed(ingest, corpus, SAMPLE)
    print(f"re-ingest sample (vectors already there, upserted): {again:.1f} s")


def bench_recall(data: Path, suite: Path) -> None:
    corpus = open_corpus(data)
    if not corpus.store.documents():
        ingest(corpus, SAMPLE)
    questions = [json.loads(line) for line in suite.read_text(encoding="utf-8").splitlines() if line.strip()]
    questions = [q for q in questions if q.get("evidence") and evidence_amounts(q["evidence"])]
    print(f"recall@5 on {len(questions)} questions of {suite.name} with evidence amounts:")
    for mode in ("dense", "bm25", "hybrid"):
        hits, latencies = 0, []
        for q in questions:
            result, seconds = timed(corpus.search, q["question"], 5, mode)
            latencies.append(seconds * 1000)
            hits += any(holds_amount(h.passage, evidence_amounts(q["evidence"])) for h in result)
        print(
            f"  {mode:7s} recall@5 {hits / len(questions):.2f} ({hits}/{len(questions)}), "
            f"p50 {statistics.median(latencies):.0f} ms"
        )


def bench_scaling(scales: list[int], projects: int) -> None:
    print(f"growth with generated variants ({projects} projects each):")
    for scale in scales:
        with tempfile.TemporaryDirectory() as tmp:
            tmp_path = Path(tmp)
            corpus = open_corpus(tmp_path / "store")
            paths = [write_variant(tmp_path, seed, projects=projects) for seed in range(scale)]
            per_doc = []
            for path in paths:
                _, seconds = timed(ingest, corpus, path)
                per_doc.append(seconds)
            corpus.search("预热")  # build BM25 and load the model once
            latencies = []
            for query in QUERIES * 3:
                _, seconds = timed(corpus.search, query, 5, "hybrid")
                latencies.append(seconds * 1000)
            latencies.sort()
            p95 = latencies[int(0.95 * (len(latencies) - 1))]
            print(
                f"  {scale:3d} docs: ingest {sum(per_doc):.1f} s total, {statistics.mean(per_doc):.1f} s/doc "
                f"(last {per_doc[-1]:.1f} s); {len(corpus.store.passages())} passages; "
                f"hybrid query p50 {statistics.median(latencies):.0f} ms, p95 {p95:.0f} ms"
            )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--only", default="ingest,recall,scaling")
    parser.add_argument("--suite", type=Path, default=SUITE)
    parser.add_argument("--scales", default="1,10,50")
    parser.add_argument("--projects", type=int, default=12)
    args = parser.parse_args()
    parts = set(args.only.split(","))
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "store"
        if "ingest" in parts:
            bench_ingest(data)
        if "recall" in parts:
            bench_recall(data, args.suite)
    if "scaling" in parts:
        bench_scaling([int(s) for s in args.scales.split(",")], args.projects)


if __name__ == "__main__":
    main()
