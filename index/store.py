"""The structured store: one SQLite file holding many documents side by side.

Amounts are stored as decimal strings and read back as ``Decimal``; SQL never
does arithmetic on them. Saving a document is one transaction, so a reader
never sees half of one.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from index.model import Fact, Indicator, ParsedDocument, Passage, Project, Table
from index.reconcile import Check

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY, source TEXT, department TEXT, year INTEGER,
    ingested_at TEXT, line_count INTEGER, gaps TEXT
);
CREATE TABLE IF NOT EXISTS tables (
    doc_id TEXT, table_no TEXT, title TEXT, columns TEXT, empty INTEGER, note TEXT,
    line_start INTEGER, line_end INTEGER, PRIMARY KEY (doc_id, table_no)
);
CREATE TABLE IF NOT EXISTS rows (
    doc_id TEXT, table_no TEXT, row_no INTEGER, is_total INTEGER,
    unit_code TEXT, unit_name TEXT, project TEXT,
    function_code TEXT, function_name TEXT, gov_economic_code TEXT, gov_economic_name TEXT,
    economic_code TEXT, economic_name TEXT, category TEXT, cells TEXT,
    line_start INTEGER, line_end INTEGER, PRIMARY KEY (doc_id, table_no, row_no)
);
CREATE TABLE IF NOT EXISTS amounts (
    doc_id TEXT, table_no TEXT, row_no INTEGER, measure TEXT, value TEXT,
    PRIMARY KEY (doc_id, table_no, row_no, measure)
);
CREATE TABLE IF NOT EXISTS projects (
    doc_id TEXT, name TEXT, unit_code TEXT, unit_name TEXT, code TEXT, category TEXT,
    amount TEXT, total_13 TEXT, fiscal_13 TEXT, other_13 TEXT, goal TEXT,
    subjects TEXT, purchase TEXT, purchase_amount TEXT, line_start INTEGER, line_end INTEGER,
    PRIMARY KEY (doc_id, name)
);
CREATE TABLE IF NOT EXISTS indicators (
    doc_id TEXT, project TEXT, seq INTEGER, level1 TEXT, level2 TEXT, level3 TEXT,
    nature TEXT, value TEXT, measure_unit TEXT, direction TEXT, line_start INTEGER, line_end INTEGER
);
CREATE TABLE IF NOT EXISTS facts (
    doc_id TEXT, seq INTEGER, kind TEXT, subject TEXT, amount TEXT, unit TEXT, change TEXT,
    change_pct TEXT, direction TEXT, reason TEXT, year INTEGER, code TEXT, text TEXT,
    section TEXT, line_start INTEGER, line_end INTEGER
);
CREATE TABLE IF NOT EXISTS passages (
    id TEXT PRIMARY KEY, doc_id TEXT, kind TEXT, text TEXT, section TEXT, table_no TEXT,
    row_no INTEGER, project TEXT, line_start INTEGER, line_end INTEGER
);
CREATE TABLE IF NOT EXISTS checks (
    doc_id TEXT, seq INTEGER, name TEXT, status TEXT, expected TEXT, actual TEXT,
    difference TEXT, sources TEXT
);
CREATE INDEX IF NOT EXISTS rows_doc ON rows (doc_id, table_no);
CREATE INDEX IF NOT EXISTS amounts_doc ON amounts (doc_id, table_no);
"""

DOC_TABLES = (
    "documents",
    "tables",
    "rows",
    "amounts",
    "projects",
    "indicators",
    "facts",
    "passages",
    "checks",
)

#: Which cell of a table row fills each typed dimension column.
DIMENSIONS = {
    "unit_code": "单位编码",
    "unit_name": "单位名称",
    "project": "项目名称",
    "function_code": "功能分类科目编码",
    "function_name": "功能分类科目",
    "gov_economic_code": "政府经济分类编码",
    "gov_economic_name": "政府经济分类",
    "economic_code": "部门经济分类编码",
    "economic_name": "部门经济分类",
}


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


class Store:
    """A SQLite file of parsed documents; safe to share between threads."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(SCHEMA)

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _query(self, sql: str, params: tuple = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    # -- writing ---------------------------------------------------------

    def save(self, doc: ParsedDocument, passages: list[Passage], checks: list[Check]) -> list[str]:
        """Store a document, replacing any earlier copy of it (same id or same file name).

        Returns the ids of the documents it replaced.
        """
        with self._transaction() as db:
            replaced = [
                r["doc_id"]
                for r in db.execute(
                    "SELECT doc_id FROM documents WHERE doc_id = ? OR source = ?", (doc.doc_id, doc.source)
                )
            ]
            for doc_id in replaced:
                self._delete(db, doc_id)
            self._insert(db, doc, passages, checks)
        return replaced

    def delete(self, doc_id: str) -> bool:
        with self._transaction() as db:
            found = db.execute("SELECT 1 FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
            self._delete(db, doc_id)
        return found is not None

    @staticmethod
    def _delete(db: sqlite3.Connection, doc_id: str) -> None:
        for name in DOC_TABLES:
            db.execute(f"DELETE FROM {name} WHERE doc_id = ?", (doc_id,))

    def _insert(
        self, db: sqlite3.Connection, doc: ParsedDocument, passages: list[Passage], checks: list[Check]
    ) -> None:
        gaps = json.dumps([g.__dict__ for g in doc.gaps], ensure_ascii=False)
        now = datetime.now(UTC).isoformat(timespec="seconds")
        db.execute(
            "INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?)",
            (doc.doc_id, doc.source, doc.department, doc.year, now, len(doc.lines), gaps),
        )
        for table in doc.tables.values():
            self._insert_table(db, doc.doc_id, table)
        for project in doc.projects:
            self._insert_project(db, doc.doc_id, project)
        db.executemany(
            "INSERT INTO facts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    doc.doc_id,
                    i,
                    f.kind,
                    f.subject,
                    _text(f.amount),
                    f.unit,
                    _text(f.change),
                    _text(f.change_pct),
                    f.direction,
                    f.reason,
                    f.year,
                    f.code,
                    f.text,
                    f.section,
                    f.line_start,
                    f.line_end,
                )
                for i, f in enumerate(doc.facts)
            ],
        )
        db.executemany(
            "INSERT INTO passages VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    p.id,
                    p.doc_id,
                    p.kind,
                    p.text,
                    p.section,
                    p.table,
                    p.row,
                    p.project,
                    p.line_start,
                    p.line_end,
                )
                for p in passages
            ],
        )
        db.executemany(
            "INSERT INTO checks VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    doc.doc_id,
                    i,
                    c.name,
                    c.status,
                    str(c.expected),
                    str(c.actual),
                    str(c.difference),
                    json.dumps(c.sources, ensure_ascii=False),
                )
                for i, c in enumerate(checks)
            ],
        )

    @staticmethod
    def _insert_table(db: sqlite3.Connection, doc_id: str, table: Table) -> None:
        db.execute(
            "INSERT INTO tables VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                doc_id,
                table.number,
                table.title,
                json.dumps(table.columns, ensure_ascii=False),
                int(table.empty),
                table.note,
                table.line_start,
                table.line_end,
            ),
        )
        for row in table.rows:
            dims = [row.cells.get(cell) for cell in DIMENSIONS.values()]
            category = (
                row.cells.get("采购类别")
                or row.cells.get("目录三级")
                or row.cells.get("项目")
                or row.cells.get("活动")
            )
            db.execute(
                "INSERT INTO rows VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    doc_id,
                    table.number,
                    row.row_no,
                    int(row.is_total),
                    *dims,
                    category,
                    json.dumps(row.cells, ensure_ascii=False),
                    row.line_start,
                    row.line_end,
                ),
            )
            db.executemany(
                "INSERT INTO amounts VALUES (?, ?, ?, ?, ?)",
                [
                    (doc_id, table.number, row.row_no, measure, str(value))
                    for measure, value in row.amounts.items()
                ],
            )

    @staticmethod
    def _insert_project(db: sqlite3.Connection, doc_id: str, p: Project) -> None:
        db.execute(
            "INSERT OR REPLACE INTO projects VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                doc_id,
                p.name,
                p.unit_code,
                p.unit_name,
                p.code,
                p.category,
                _text(p.amount),
                _text(p.total_13),
                _text(p.fiscal_13),
                _text(p.other_13),
                p.goal,
                json.dumps(p.subjects, ensure_ascii=False),
                json.dumps(p.purchase, ensure_ascii=False),
                _text(p.purchase_amount),
                p.line_start,
                p.line_end,
            ),
        )
        db.executemany(
            "INSERT INTO indicators VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    doc_id,
                    p.name,
                    i,
                    ind.level1,
                    ind.level2,
                    ind.level3,
                    ind.nature,
                    ind.value,
                    ind.measure_unit,
                    ind.direction,
                    ind.line_start,
                    ind.line_end,
                )
                for i, ind in enumerate(p.indicators)
            ],
        )

    # -- reading ---------------------------------------------------------

    def documents(self) -> list[dict]:
        rows = self._query("SELECT * FROM documents ORDER BY year, department, source")
        return [dict(r) | {"gaps": json.loads(r["gaps"])} for r in rows]

    def find_document(self, ref: str | None) -> dict | None:
        """A document by id (or id prefix), file name, or — with no ref — the only one."""
        docs = self.documents()
        if not ref:
            return docs[0] if len(docs) == 1 else None
        for doc in docs:
            if ref in (doc["doc_id"], doc["source"]) or (len(ref) >= 4 and doc["doc_id"].startswith(ref)):
                return doc
        return None

    def table(self, doc_id: str, number: str) -> dict | None:
        meta = self._query("SELECT * FROM tables WHERE doc_id = ? AND table_no = ?", (doc_id, number))
        if not meta:
            return None
        amounts: dict[int, dict[str, Decimal]] = {}
        for a in self._query(
            "SELECT row_no, measure, value FROM amounts WHERE doc_id = ? AND table_no = ?", (doc_id, number)
        ):
            amounts.setdefault(a["row_no"], {})[a["measure"]] = Decimal(a["value"])
        rows = []
        for r in self._query(
            "SELECT * FROM rows WHERE doc_id = ? AND table_no = ? ORDER BY row_no", (doc_id, number)
        ):
            rows.append(
                {
                    "row": r["row_no"],
                    "is_total": bool(r["is_total"]),
                    "cells": json.loads(r["cells"]),
                    "amounts": amounts.get(r["row_no"], {}),
                    "lines": [r["line_start"], r["line_end"]],
                }
            )
        m = meta[0]
        return {
            "table": number,
            "title": m["title"],
            "columns": json.loads(m["columns"]),
            "empty": bool(m["empty"]),
            "note": m["note"],
            "lines": [m["line_start"], m["line_end"]],
            "rows": rows,
        }

    def table_numbers(self, doc_id: str) -> list[str]:
        return [
            r["table_no"]
            for r in self._query("SELECT table_no FROM tables WHERE doc_id = ? ORDER BY table_no", (doc_id,))
        ]

    def checks(self, doc_id: str) -> list[dict]:
        rows = self._query("SELECT * FROM checks WHERE doc_id = ? ORDER BY seq", (doc_id,))
        return [
            {
                "name": r["name"],
                "status": r["status"],
                "expected": Decimal(r["expected"]),
                "actual": Decimal(r["actual"]),
                "difference": Decimal(r["difference"]),
                "sources": json.loads(r["sources"]),
            }
            for r in rows
        ]

    def projects(self, doc_id: str) -> list[Project]:
        indicators: dict[str, list[Indicator]] = {}
        for r in self._query("SELECT * FROM indicators WHERE doc_id = ? ORDER BY project, seq", (doc_id,)):
            indicators.setdefault(r["project"], []).append(
                Indicator(
                    r["level1"],
                    r["level2"],
                    r["level3"],
                    r["nature"],
                    r["value"],
                    r["measure_unit"],
                    r["direction"],
                    r["line_start"],
                    r["line_end"],
                )
            )
        projects = []
        for r in self._query("SELECT * FROM projects WHERE doc_id = ? ORDER BY rowid", (doc_id,)):
            projects.append(
                Project(
                    name=r["name"],
                    unit_code=r["unit_code"],
                    unit_name=r["unit_name"],
                    code=r["code"],
                    category=r["category"],
                    amount=_decimal(r["amount"]),
                    total_13=_decimal(r["total_13"]),
                    fiscal_13=_decimal(r["fiscal_13"]),
                    other_13=_decimal(r["other_13"]),
                    goal=r["goal"],
                    indicators=indicators.get(r["name"], []),
                    subjects=json.loads(r["subjects"]),
                    purchase=json.loads(r["purchase"]),
                    purchase_amount=_decimal(r["purchase_amount"]),
                    line_start=r["line_start"],
                    line_end=r["line_end"],
                )
            )
        return projects

    def facts(self, doc_id: str) -> list[Fact]:
        return [
            Fact(
                kind=r["kind"],
                subject=r["subject"],
                amount=_decimal(r["amount"]),
                unit=r["unit"],
                change=_decimal(r["change"]),
                change_pct=_decimal(r["change_pct"]),
                direction=r["direction"],
                reason=r["reason"],
                year=r["year"],
                code=r["code"],
                text=r["text"],
                section=r["section"],
                line_start=r["line_start"],
                line_end=r["line_end"],
            )
            for r in self._query("SELECT * FROM facts WHERE doc_id = ? ORDER BY seq", (doc_id,))
        ]

    def passages(self, doc_id: str | None = None) -> list[Passage]:
        sql, params = "SELECT * FROM passages", ()
        if doc_id:
            sql, params = sql + " WHERE doc_id = ?", (doc_id,)
        return [
            Passage(
                id=r["id"],
                doc_id=r["doc_id"],
                text=r["text"],
                kind=r["kind"],
                section=r["section"],
                table=r["table_no"],
                row=r["row_no"],
                project=r["project"],
                line_start=r["line_start"],
                line_end=r["line_end"],
            )
            for r in self._query(sql + " ORDER BY rowid", params)
        ]
