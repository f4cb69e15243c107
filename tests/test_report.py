"""The run report is what people read instead of the raw records, so its numbers must match them.

Each file is checked for the parts a reader relies on: one JSON line per record, exact
summary numbers, every failure listed, a chart bar per type, and escaped HTML — and wrong
answers counted apart from refusals and clarifications, and listed first.
"""

from __future__ import annotations

import json

import pytest

from assistant.contract import Answer, Candidate, Source
from evals.report import comparison_table, write_report
from evals.runner import Record, summarize

ROW_KEYS = {
    "id",
    "type",
    "question",
    "answer",
    "value",
    "unit",
    "refused",
    "items",
    "sources",
    "latency_ms",
    "correct",
    "outcome",
    "reason",
}


def record(
    id: str,
    kind: str,
    correct: bool,
    question: str = "2024年财政拨款收入是多少？",
    value: str | None = "128.00",
    seconds: float = 0.1,
    reason: str = "",
    found: bool | None = None,
) -> Record:
    answer = Answer(
        question=question,
        answer=f"{value}万元" if value else "无法回答",
        value=value,
        unit="万元" if value else None,
        sources=[Source(document="d1", table="01", row=3, label="预算01表")],
    )
    return Record(
        id=id,
        type=kind,
        question=question,
        correct=correct,
        reason=reason,
        seconds=seconds,
        answer=answer,
        expected={"value": "128.00", "unit": "万元"},
        found=found,
    )


@pytest.fixture
def records() -> list[Record]:
    return [
        record("q-1", "lookup", True, seconds=0.1, found=True),
        record(
            "q-2", "lookup", False, value="99.00", seconds=0.3, reason="value 99.00 ≠ 128.00", found=False
        ),
        record("q-3", "compute", True, seconds=0.2),
        record(
            "q-4",
            "refusal",
            False,
            question="<script>alert(1)</script>有多少？",
            seconds=0.5,
            reason="should refuse",
        ),
    ]


@pytest.fixture
def report(tmp_path, records):
    meta = {
        "suite": ["evals/suites/sample.jsonl"],
        "backend": "offline",
        "retriever": "hybrid",
        "documents": 1,
        "started_at": "2025-01-01T00:00:00",
    }
    problems = ["sample.jsonl:7: malformed JSON"]
    paths = write_report(tmp_path / "out", records, summarize(records), meta, problems)
    return paths, meta, problems


def test_writes_four_files(report):
    paths, _, _ = report
    assert set(paths) == {"results.jsonl", "report.json", "report.md", "report.html"}
    assert all(p.is_file() and p.parent.name == "out" for p in paths.values())


def test_results_jsonl_has_one_row_per_record(report, records):
    paths, _, _ = report
    lines = paths["results.jsonl"].read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(records)
    rows = [json.loads(line) for line in lines]
    assert all(ROW_KEYS <= set(row) for row in rows)
    assert [row["id"] for row in rows] == ["q-1", "q-2", "q-3", "q-4"]
    assert rows[1]["value"] == "99.00" and rows[1]["correct"] is False
    assert "万元" in lines[0]  # ensure_ascii=False


def test_report_json_summary_is_exact(report):
    paths, meta, problems = report
    data = json.loads(paths["report.json"].read_text(encoding="utf-8"))
    s = data["summary"]
    assert (s["total"], s["correct"], s["accuracy"]) == (4, 2, 0.5)
    assert (s["wrong"], s["refused"], s["clarified"]) == (
        2,
        0,
        0,
    )  # q-4 states 128.00万元 instead of refusing
    assert data["headline"] == {
        "total": 4,
        "correct": 2,
        "wrong": 2,
        "refused": 0,
        "clarified": 0,
        "accuracy": 0.5,
    }
    none = {"wrong": 0, "refused": 0, "clarified": 0}
    assert s["by_type"] == {
        "compute": {"total": 1, "correct": 1, **none, "accuracy": 1.0},
        "lookup": {"total": 2, "correct": 1, **none, "wrong": 1, "accuracy": 0.5},
        "refusal": {"total": 1, "correct": 0, **none, "wrong": 1, "accuracy": 0.0},
    }
    assert (s["p50_ms"], s["p95_ms"], s["max_ms"]) == (250.0, 500.0, 500.0)
    assert (s["recall_at_5"], s["recall_questions"]) == (0.5, 2)
    assert data["meta"] == meta and data["problems"] == problems
    assert [(f["id"], f["outcome"]) for f in data["failures"]] == [("q-2", "wrong"), ("q-4", "wrong")]


def test_markdown_lists_types_problems_and_failures(report):
    paths, _, _ = report
    md = paths["report.md"].read_text(encoding="utf-8")
    assert "| type | correct | wrong | refused | clarified | total | accuracy |" in md
    assert "| lookup | 1 | 1 | 0 | 0 | 2 | 50.0% |" in md
    assert "| compute | 1 | 0 | 0 | 0 | 1 | 100.0% |" in md
    assert "| refusal | 0 | 1 | 0 | 0 | 1 | 0.0% |" in md
    assert "2/4 (50.0%)" in md and "50.0% (over 2 questions)" in md
    assert "- **Outcomes:** 2 correct · 2 wrong · 0 refused · 0 clarified" in md
    assert "## Failures (2: 2 wrong, 0 refused, 0 clarified)" in md
    assert "### `q-2` (lookup) — **✗ WRONG**" in md and "### `q-4` (refusal) — **✗ WRONG**" in md
    assert "## Problems" in md and "malformed JSON" in md
    assert "`q-2`" in md and "`q-4`" in md and "`q-1`" not in md
    assert "value 99.00 ≠ 128.00" in md and '{"value":"128.00","unit":"万元"}' in md


def test_markdown_without_recall_or_problems(tmp_path):
    recs = [record("q-1", "lookup", True)]
    md = write_report(tmp_path, recs, summarize(recs), {}, [])["report.md"].read_text(encoding="utf-8")
    assert "**Recall@5:** n/a" in md and "## Problems" not in md


def test_html_is_self_contained_with_chart_and_escaping(report):
    paths, _, _ = report
    page = paths["report.html"].read_text(encoding="utf-8")
    assert '<meta charset="utf-8">' in page
    assert "<script" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in page and "<link" not in page
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert svg.count("<rect") == 3
    assert "lookup  1/2" in svg and "100%" in svg and "0%" in svg
    assert "q-2" in page and "q-4" in page and "malformed JSON" in page
    assert "<dt>Outcomes</dt><dd>2 correct · 2 wrong · 0 refused · 0 clarified</dd>" in page
    assert (
        "<th>type</th><th>correct</th><th>wrong</th><th>refused</th><th>clarified</th><th>total</th>"
        "<th>accuracy</th>"
    ) in page
    assert (
        '<tr><td>lookup</td><td class="num">1</td><td class="num">1</td><td class="num">0</td>'
        '<td class="num">0</td><td class="num">2</td><td class="num">50.0%</td></tr>'
    ) in page
    assert '<tr class="wrong"><td class="outcome">✗ WRONG</td><td>q-2</td>' in page
    assert '<tr class="wrong"><td class="outcome">✗ WRONG</td><td>q-4</td>' in page


def test_comparison_table(records):
    base = summarize(records)
    better = summarize(
        [record("q-1", "lookup", True), record("q-2", "lookup", True), record("q-5", "list", False)]
    )
    table = comparison_table([("baseline", base), ("llm", better)])
    lines = table.splitlines()
    assert "baseline" in lines[0] and "llm" in lines[0]
    assert len({len(line) for line in lines[:2]}) == 1  # header and rule line up
    row = {line.split("  ")[0].strip(): line.split() for line in lines[2:]}
    assert row["accuracy lookup"][-4:] == ["50.0%", "(1/2)", "100.0%", "(2/2)"]
    assert row["accuracy list"][-3:] == ["-", "0.0%", "(0/1)"]
    assert row["accuracy compute"][-3:] == ["100.0%", "(1/1)", "-"]
    assert "accuracy refusal" in row and row["recall@5"][-2:] == ["50.0%", "n/a"]
    assert row["wrong"] == ["wrong", "2", "1"]  # q-2, q-4 / q-5 state a value that is not the gold
    assert row["refused"] == ["refused", "0", "0"] and row["clarified"] == ["clarified", "0", "0"]
    mixed = summarize(
        [record("r-1", "lookup", False, value=None), record("r-2", "lookup", False, value="99.00")]
    )
    row = {
        line.split("  ")[0].strip(): line.split()
        for line in comparison_table([("x", mixed)]).splitlines()[2:]
    }
    assert (row["wrong"], row["refused"], row["clarified"]) == (
        ["wrong", "1"],
        ["refused", "1"],
        ["clarified", "0"],
    )
    assert {"p50 ms", "p95 ms"} <= set(row)


# -- outcomes -------------------------------------------------------------------------------

LOOKUP = {"value": "128.00", "unit": "万元"}


def answered(
    id: str,
    kind: str,
    correct: bool,
    text: str,
    expected: dict | None = None,
    question: str = "2024年防疫热线多少钱？",
    **fields,
) -> Record:
    answer = Answer(question=question, answer=text, **fields)
    return Record(
        id=id,
        type=kind,
        question=question,
        correct=correct,
        seconds=0.1,
        answer=answer,
        expected=LOOKUP if expected is None else expected,
    )


@pytest.fixture
def mixed() -> list[Record]:
    """One of each outcome, failures out of order: refused and clarified come before the wrong ones."""
    return [
        answered("r-1", "lookup", False, "文档中没有这项信息。", refused=True),
        answered(
            "c-1",
            "lookup",
            False,
            "“热线”可能指：“防疫热线服务”、“防疫热线运维”。请问您问的是哪一个？",
            candidates=[
                Candidate(name="防疫热线服务", kind="project"),
                Candidate(name="防疫热线运维", kind="project"),
            ],
        ),
        answered("w-1", "lookup", False, "防疫热线99.00万元。", value="99.00", unit="万元"),
        answered("ok-1", "lookup", True, "防疫热线128.00万元。", value="128.00", unit="万元"),
        answered(
            "w-2",
            "unanswerable",
            False,
            "2023年预算为6458.43万元。",
            expected={"refuse": True},
            question="2023年的预算总额是多少？",
            value="6458.43",
            unit="万元",
        ),
        answered(
            "c-2",
            "unanswerable",
            False,
            "您问的是哪个部门？",
            expected={"refuse": True},
            question="2023年的预算总额是多少？",
        ),
    ]


def test_records_derive_their_outcome_from_the_answer(mixed):
    assert [(r.id, r.outcome) for r in mixed] == [
        ("r-1", "refused"),
        ("c-1", "clarified"),
        ("w-1", "wrong"),
        ("ok-1", "correct"),
        ("w-2", "wrong"),
        ("c-2", "clarified"),
    ]
    given = answered("x", "lookup", False, "", refused=True).model_copy(update={"outcome": "wrong"})
    assert given.outcome == "wrong" and given.row()["outcome"] == "wrong"
    with pytest.raises(ValueError):
        Record(
            id="x",
            type="lookup",
            question="?",
            correct=True,
            outcome="wrong",
            seconds=0.1,
            answer=Answer(question="?", answer="128万元"),
        )


def test_summary_counts_each_outcome_overall_and_by_type(mixed):
    s = summarize(mixed)
    assert (s.total, s.correct, s.wrong, s.refused, s.clarified) == (6, 1, 2, 1, 2)
    assert s.by_type["lookup"] == {
        "total": 4,
        "correct": 1,
        "wrong": 1,
        "refused": 1,
        "clarified": 1,
        "accuracy": 0.25,
    }
    assert s.by_type["unanswerable"] == {
        "total": 2,
        "correct": 0,
        "wrong": 1,
        "refused": 0,
        "clarified": 1,
        "accuracy": 0.0,
    }


def test_reports_list_wrong_answers_first_and_marked(tmp_path, mixed):
    paths = write_report(tmp_path, mixed, summarize(mixed), {}, [])
    data = json.loads(paths["report.json"].read_text(encoding="utf-8"))
    assert data["headline"] == {
        "total": 6,
        "correct": 1,
        "wrong": 2,
        "refused": 1,
        "clarified": 2,
        "accuracy": round(1 / 6, 4),
    }
    assert [(f["id"], f["outcome"]) for f in data["failures"]] == [
        ("w-1", "wrong"),
        ("w-2", "wrong"),
        ("r-1", "refused"),
        ("c-1", "clarified"),
        ("c-2", "clarified"),
    ]
    rows = [json.loads(line) for line in paths["results.jsonl"].read_text(encoding="utf-8").splitlines()]
    assert [r["outcome"] for r in rows] == ["refused", "clarified", "wrong", "correct", "wrong", "clarified"]

    md = paths["report.md"].read_text(encoding="utf-8")
    assert "- **Outcomes:** 1 correct · 2 wrong · 1 refused · 2 clarified" in md
    assert (
        "| lookup | 1 | 1 | 1 | 1 | 4 | 25.0% |" in md and "| unanswerable | 0 | 1 | 0 | 1 | 2 | 0.0% |" in md
    )
    assert "## Failures (5: 2 wrong, 1 refused, 2 clarified)" in md
    headings = [line for line in md.splitlines() if line.startswith("### ")]
    assert headings == [
        "### `w-1` (lookup) — **✗ WRONG**",
        "### `w-2` (unanswerable) — **✗ WRONG**",
        "### `r-1` (lookup) — refused",
        "### `c-1` (lookup) — clarified",
        "### `c-2` (unanswerable) — clarified",
    ]
    assert "- **outcome:** wrong" in md and "- **outcome:** clarified" in md

    page = paths["report.html"].read_text(encoding="utf-8")
    assert "<dt>Outcomes</dt><dd>1 correct · 2 wrong · 1 refused · 2 clarified</dd>" in page
    assert "<h2>Failures (5: 2 wrong, 1 refused, 2 clarified)</h2>" in page
    order = [page.index(f"<td>{i}</td>") for i in ("w-1", "w-2", "r-1", "c-1", "c-2")]
    assert order == sorted(order)
    assert page.count('<tr class="wrong"><td class="outcome">✗ WRONG</td>') == 2
    assert page.count('<tr class="clarified"><td class="outcome">clarified</td>') == 2
