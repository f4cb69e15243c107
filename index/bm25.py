"""The lexical half of retrieval: BM25 over jieba tokens, in memory.

Budget questions are full of exact strings a small embedding model blurs:
subject codes (2060101), project codes (11010122T000000399544), department
and project names. BM25 catches those; the dense index catches paraphrase.
The index is rebuilt from the store's passages at start-up (cheap at our
scale), so it needs no persistence of its own.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable, Mapping
from typing import Any

import jieba
from rank_bm25 import BM25Okapi

from index.model import Passage

# A token is kept if it has a letter, digit or CJK character; punctuation
# (full- and half-width) is trimmed from its ends, so "3.5%" → "3.5" while
# codes like 2060101 or 11010122T000000399544 stay whole (jieba emits runs
# of ASCII letters/digits as one token).
_WORD = re.compile(r"\w")
_EDGE_PUNCT = re.compile(r"^[\W_]+|[\W_]+$")

# Function words and question words: present in almost every question, they
# otherwise pull in passages that merely share a "的" (rank_bm25 floors
# common terms' IDF at a small positive value instead of ignoring them).
STOPWORDS = frozenset(
    "的 地 得 了 着 过 吗 呢 吧 啊 呀 是 在 和 与 及 或 之 其 也 都 就 把 被 给 这个 那个 "
    "请问 什么 多少 怎么 如何 哪些 哪个".split()
)

_init_lock = threading.Lock()
_initialised = False


def ensure_jieba() -> None:
    """Silence jieba and load its dictionary once, instead of lazily (and loudly) mid-query."""
    global _initialised
    if _initialised:
        return
    with _init_lock:
        if not _initialised:
            jieba.setLogLevel(logging.WARNING)
            jieba.initialize()
            _initialised = True


def tokenize(text: str) -> list[str]:
    """Search-mode jieba tokens without punctuation, whitespace or stopwords; Latin lower-cased."""
    ensure_jieba()
    tokens = []
    for raw in jieba.lcut_for_search(text):
        tok = _EDGE_PUNCT.sub("", raw.strip())
        if tok and _WORD.search(tok) and tok not in STOPWORDS:
            tokens.append(tok.lower())
    return tokens


def matches(metadata: Mapping[str, Any], filters: Mapping[str, Any] | None) -> bool:
    """Whether passage metadata satisfies a plain filter dict (list value = any of), like Chroma's."""
    if not filters:
        return True
    for key, wanted in filters.items():
        value = metadata.get(key)
        if isinstance(wanted, list | tuple | set):
            if value not in wanted:
                return False
        elif value != wanted:
            return False
    return True


class BM25Index:
    """BM25Okapi over a fixed list of passages."""

    def __init__(self, passages: Iterable[Passage]) -> None:
        self.passages = list(passages)
        self._metadata = [p.metadata() for p in self.passages]
        corpus = [tokenize(p.text) for p in self.passages]
        # BM25Okapi divides by the corpus size; an empty index simply finds nothing.
        self._bm25 = BM25Okapi(corpus) if self.passages else None

    def __len__(self) -> int:
        return len(self.passages)

    def search(
        self, text: str, k: int, filters: Mapping[str, Any] | None = None
    ) -> list[tuple[Passage, float]]:
        """Top ``k`` passages by BM25 among those passing ``filters``; zero scores (no shared term)
        dropped."""
        if self._bm25 is None or k <= 0:
            return []
        query = tokenize(text)
        if not query:
            return []
        scores = self._bm25.get_scores(query)
        candidates = [
            (i, float(scores[i]))
            for i in range(len(self.passages))
            if scores[i] > 0 and matches(self._metadata[i], filters)
        ]
        candidates.sort(key=lambda c: (-c[1], c[0]))
        return [(self.passages[i], score) for i, score in candidates[:k]]
