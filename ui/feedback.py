"""Feedback on answers (👍/👎 and a comment), kept in a local SQLite file and exportable as JSONL."""

from __future__ import annotations

import json
import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT, question TEXT, answer TEXT, rating INTEGER,
    comment TEXT, config TEXT
)
"""


class FeedbackStore:
    """One row per rated answer; ``rating`` is 1 (👍) or 0 (👎)."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        with self._connect() as db:
            db.execute(SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path)
        db.row_factory = sqlite3.Row
        return db

    def record(
        self, question: str, answer: dict, rating: int, comment: str = "", config: dict | None = None
    ) -> int:
        with self._lock, self._connect() as db:
            cur = db.execute(
                "INSERT INTO feedback (at, question, answer, rating, comment, config) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (
                    datetime.now(UTC).isoformat(timespec="seconds"),
                    question,
                    json.dumps(answer, ensure_ascii=False),
                    int(rating),
                    comment,
                    json.dumps(config or {}, ensure_ascii=False),
                ),
            )
            return int(cur.lastrowid or 0)

    def all(self) -> list[dict]:
        with self._lock, self._connect() as db:
            rows = db.execute("SELECT * FROM feedback ORDER BY id").fetchall()
        return [
            dict(r) | {"answer": json.loads(r["answer"]), "config": json.loads(r["config"])} for r in rows
        ]

    def export_jsonl(self) -> str:
        """One JSON object per line, for evaluators."""
        return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in self.all())
