"""Generated department budgets for tests that check answers against the generator's truth."""

from __future__ import annotations

import json
from pathlib import Path

from assistant.agent import Assistant
from evals.variants import write_variant
from index.corpus import open_corpus
from index.ingest import ingest


def generated_department(folder: Path, seed: int) -> tuple[Assistant, dict]:
    """A generated department budget ingested into its own corpus: its assistant and the generator's truth."""
    path = write_variant(folder / "files", seed)
    truth = json.loads((folder / "files" / f"variant_{seed}.truth.json").read_text(encoding="utf-8"))
    corpus = open_corpus(folder / "corpus")
    ingest(corpus, path)
    return Assistant(corpus), truth
