"""The dense half of retrieval: passages and their vectors in Chroma.

Chroma is a cache of embeddings, not a source of truth: the SQLite store
holds the passages, and anything found here is looked up there before use
(see ``retrieve.py``). So writes are plain upserts keyed by the
deterministic passage id, and re-indexing a document is always safe.

We compute every vector ourselves (``embed_passages``/``embed_queries``)
and hand Chroma the numbers; our embedding function is still passed on
every collection open so Chroma never falls back to its downloading default.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import chromadb
from chromadb.api import ClientAPI
from chromadb.config import Settings

from index.embed import ChromaEmbeddingFunction, Embedder
from index.model import Passage

QueryHit = tuple[str, float, dict[str, Any], str]  # (passage id, cosine distance, metadata, document)


def open_client(data_dir: Path, url: str | None = None) -> ClientAPI:
    """A Chroma client: embedded under ``data_dir/chroma``, or a server at ``url`` (http://host:port).

    Telemetry is off either way; the caller decides the URL (``BUDGETQA_CHROMA_URL``).
    """
    settings = Settings(anonymized_telemetry=False)
    if url:
        parsed = urlparse(url if "://" in url else f"http://{url}")
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise ValueError(f"bad Chroma URL {url!r}: expected http(s)://host:port")
        ssl = parsed.scheme == "https"
        port = parsed.port or (443 if ssl else 8000)
        return chromadb.HttpClient(host=parsed.hostname, port=port, ssl=ssl, settings=settings)
    path = Path(data_dir) / "chroma"
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=settings)


def collection_name(embedder_name: str) -> str:
    """A valid Chroma collection name per embedder, so vectors of different models never mix.

    Chroma allows 3-512 chars of ``[A-Za-z0-9._-]``. We keep the backend and
    the last few words of the model (``st:/…/bge-small-zh`` → ``st-…-bge-small-zh``)
    for humans, and a hash of the exact name so distinct names stay distinct.
    """
    words = [w for w in re.split(r"[^A-Za-z0-9_]+", embedder_name) if w.strip("_")] or ["model"]
    tail: list[str] = []
    for word in reversed(words[1:]):
        if sum(len(w) + 1 for w in tail) + len(word) > 40:
            break
        tail.insert(0, word)
    slug = "-".join([words[0], *tail])
    digest = hashlib.sha1(embedder_name.encode("utf-8")).hexdigest()[:8]
    return f"passages-{slug}-{digest}"


def where_clause(filters: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """``{"table": "04", "kind": "row"}`` → Chroma's ``{"$and": [...]}``; a list value means any of.

    Chroma rejects a one-element ``$and`` and an empty ``where``, hence the cases.
    """
    if not filters:
        return None
    clauses = [
        {key: {"$in": list(value)} if isinstance(value, list | tuple | set) else {"$eq": value}}
        for key, value in filters.items()
    ]
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


class VectorIndex:
    """The passages collection of one embedder (cosine space)."""

    def __init__(self, client: ClientAPI, embedder: Embedder) -> None:
        self.client = client
        self.embedder = embedder
        self.name = collection_name(embedder.name)
        self.collection = client.get_or_create_collection(
            self.name,
            configuration={"hnsw": {"space": "cosine"}},
            embedding_function=ChromaEmbeddingFunction(embedder),
        )

    def add(
        self,
        passages: list[Passage],
        batch_size: int = 64,
        progress: Callable[[int, int], None] | None = None,
    ) -> None:
        """Embed and upsert passages; ``progress(done, total)`` after each batch.

        Upsert by passage id makes re-adding a document idempotent. Note a
        re-parsed document with *fewer* passages leaves its old tail ids
        behind; call :meth:`delete_doc` first when its content changed.
        """
        total = len(passages)
        for start in range(0, total, batch_size):
            batch = passages[start : start + batch_size]
            self.collection.upsert(
                ids=[p.id for p in batch],
                embeddings=self.embedder.embed_passages([p.text for p in batch]),
                documents=[p.text for p in batch],
                metadatas=[p.metadata() for p in batch],
            )
            if progress is not None:
                progress(start + len(batch), total)

    def delete_doc(self, doc_id: str) -> None:
        """Remove every vector of one document."""
        self.collection.delete(where={"doc_id": doc_id})

    def doc_ids(self, page: int = 1000) -> set[str]:
        """The documents that have vectors here (paged, so large collections stay cheap)."""
        found: set[str] = set()
        offset = 0
        while True:
            got = self.collection.get(include=["metadatas"], limit=page, offset=offset)
            metadatas = got["metadatas"] or []
            found.update(str(m["doc_id"]) for m in metadatas if m and "doc_id" in m)
            if len(got["ids"]) < page:
                return found
            offset += page

    def count(self) -> int:
        return self.collection.count()

    def query(self, text: str, k: int, where: Mapping[str, Any] | None = None) -> list[QueryHit]:
        """Nearest passages to a question, best first, as (id, cosine distance, metadata, document).

        ``where`` is a plain filter dict (see :func:`where_clause`). Distances
        of e5 models bunch together (unrelated text is still ~0.16), so use the
        order, not a threshold.
        """
        if k <= 0:
            return []
        [vector] = self.embedder.embed_queries([text])
        res = self.collection.query(
            query_embeddings=[vector],
            n_results=k,
            where=where_clause(where),
            include=["metadatas", "documents", "distances"],
        )
        ids = res["ids"][0]
        distances = (res["distances"] or [[]])[0]
        metadatas = (res["metadatas"] or [[]])[0]
        documents = (res["documents"] or [[]])[0]
        return [
            (pid, float(dist), dict(meta or {}), doc or "")
            for pid, dist, meta, doc in zip(ids, distances, metadatas, documents, strict=True)
        ]
