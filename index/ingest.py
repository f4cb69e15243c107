"""Ingest: read a file, parse, reconcile, chunk, embed, store — all or nothing.

The SQLite commit is the commit point. Vectors are written first under ids
derived from the document's content hash; if anything fails before the
commit the store is untouched, and the stray vectors of a document the store
does not know are never returned (and are swept by the next ingest).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from index.chunk import passages as make_passages
from index.corpus import Corpus
from index.layout import NotABudgetError
from index.model import ParsedDocument
from index.parse import parse_text
from index.reconcile import Check, reconcile

#: Larger files are refused: a department budget is well under a megabyte of text.
MAX_BYTES = 20 * 1024 * 1024
SUFFIXES = (".txt", ".pdf")

Progress = Callable[[str, int, int], None]


class IngestError(ValueError):
    """A file that cannot be ingested; the message says why and what to do."""


@dataclass
class IngestResult:
    doc: ParsedDocument
    checks: list[Check]
    passages: int
    replaced: list[str] = field(default_factory=list)

    @property
    def status_counts(self) -> dict[str, int]:
        counts = {"pass": 0, "rounding": 0, "fail": 0}
        for check in self.checks:
            counts[check.status] += 1
        return counts


def read_document(path: Path | str, data: bytes | None = None) -> str:
    """The text of a budget file (.txt in UTF-8, or .pdf), or a clear ``IngestError``."""
    path = Path(path)
    if data is None:
        if not path.is_file():
            raise IngestError(f"{path}: no such file")
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise IngestError(f"{path.name}: {size:,} bytes is over the {MAX_BYTES:,}-byte limit")
        data = path.read_bytes()
    if len(data) > MAX_BYTES:
        raise IngestError(f"{path.name}: {len(data):,} bytes is over the {MAX_BYTES:,}-byte limit")
    if not data.strip():
        raise IngestError(f"{path.name}: the file is empty")
    if data.startswith(b"%PDF") or path.suffix.lower() == ".pdf":
        return _pdf_text(path, data)
    if b"\x00" in data[:8192]:
        raise IngestError(f"{path.name}: binary data, not text; give a .txt (UTF-8) or .pdf budget")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IngestError(
            f"{path.name}: not UTF-8 text (byte {exc.start}); save it as UTF-8 or give the PDF"
        ) from exc


def _pdf_text(path: Path, data: bytes) -> str:
    import tempfile

    from index.pdf import pdf_to_text

    with tempfile.NamedTemporaryFile(suffix=".pdf") as tmp:
        tmp.write(data)
        tmp.flush()
        try:
            text = pdf_to_text(tmp.name)
        except ValueError as exc:
            raise IngestError(f"{path.name}: {exc}") from exc
    if not text.strip():
        raise IngestError(f"{path.name}: the PDF has no extractable text (a scan?)")
    return text


def parse_file(path: Path | str, data: bytes | None = None) -> ParsedDocument:
    text = read_document(path, data)
    try:
        return parse_text(text, source=Path(path).name)
    except NotABudgetError as exc:
        raise IngestError(f"{Path(path).name}: {exc}") from exc


def ingest(
    corpus: Corpus, path: Path | str, data: bytes | None = None, progress: Progress | None = None
) -> IngestResult:
    """Ingest one document into the corpus, replacing an earlier copy of it."""
    doc = parse_file(path, data)
    if progress:
        progress("parsed", 1, 1)
    checks = reconcile(doc)
    passages = make_passages(doc)
    vectors = corpus.vectors
    dense = [p for p in passages if corpus.dense_kinds is None or p.kind in corpus.dense_kinds]
    vectors.add(
        dense, progress=(lambda done, total: progress("embedding", done, total)) if progress else None
    )
    replaced = corpus.store.save(doc, passages, checks)
    sweep(corpus)
    corpus.changed()
    return IngestResult(doc, checks, len(passages), [r for r in replaced if r != doc.doc_id])


def remove(corpus: Corpus, doc_id: str) -> bool:
    """Delete a document from the store, then its vectors."""
    found = corpus.store.delete(doc_id)
    sweep(corpus)
    corpus.changed()
    return found


def sweep(corpus: Corpus) -> None:
    """Drop vectors of documents the store does not hold (left by failed or replaced ingests)."""
    known = {d["doc_id"] for d in corpus.store.documents()}
    for doc_id in corpus.vectors.doc_ids() - known:
        corpus.vectors.delete_doc(doc_id)
