"""`budgetqa eval` end to end on a small suite over a shipped variant document.

The suite mixes good questions with a broken JSON line and a question about a document
nobody has: the run reports both, skips them, and still writes every report. A suite
whose golds were altered shows wrong answers counted apart from refusals, and the
``--max-wrong`` gate.
"""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from assistant.cli import app

SUITES = Path(__file__).resolve().parent.parent / "evals" / "suites"


def _suite(tmp_path: Path) -> Path:
    good = [
        line
        for line in (SUITES / "variants.jsonl").read_text(encoding="utf-8").splitlines()
        if '"variant_12.txt"' in line
    ][:4]
    unknown = json.loads(good[0]) | {"id": "ghost-1", "doc": "no-such-budget.txt"}
    path = tmp_path / "suite.jsonl"
    path.write_text(
        "\n".join([*good, "{not json", json.dumps(unknown, ensure_ascii=False)]) + "\n", encoding="utf-8"
    )
    return path


def test_eval_writes_every_report_and_lists_the_problems(tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app,
        [
            "eval",
            str(_suite(tmp_path)),
            "--out",
            str(out),
            "--data-dir",
            str(tmp_path / "data"),
            "--min-accuracy",
            "0.5",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "4/4 correct (100.0%), 0 wrong, 0 refused, 0 clarified; recall@5" in result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "report.html",
        "report.json",
        "report.md",
        "results.jsonl",
    ]
    rows = [json.loads(line) for line in (out / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == [
        json.loads(line)["id"] for line in _suite(tmp_path).read_text().splitlines()[:4]
    ]
    assert all(r["correct"] and r["outcome"] == "correct" for r in rows)
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["summary"]["total"] == 4 and report["summary"]["correct"] == 4
    assert report["headline"] == {
        "total": 4,
        "correct": 4,
        "wrong": 0,
        "refused": 0,
        "clarified": 0,
        "accuracy": 1.0,
    }
    problems = " ".join(report["problems"])
    assert "suite.jsonl:5: not valid JSON" in problems
    assert "no-such-budget.txt" in problems
    assert "<svg" in (out / "report.html").read_text(encoding="utf-8")


def test_eval_exits_non_zero_below_min_accuracy(tmp_path):
    good = (SUITES / "variants.jsonl").read_text(encoding="utf-8").splitlines()[0]
    wrong = json.loads(good)
    wrong["answer"] = {"value": "0.01", "unit": "万元"}
    wrong["accept"] = []
    path = tmp_path / "wrong.jsonl"
    path.write_text(json.dumps(wrong, ensure_ascii=False) + "\n", encoding="utf-8")
    result = CliRunner().invoke(
        app,
        [
            "eval",
            str(path),
            "--out",
            str(tmp_path / "out"),
            "--data-dir",
            str(tmp_path / "data"),
            "--min-accuracy",
            "0.9",
        ],
    )
    assert result.exit_code == 1


def test_eval_of_a_missing_suite_file_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(app, ["eval", str(tmp_path / "nope.jsonl"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "No such suite file" in result.output


def _altered_suite(tmp_path: Path) -> Path:
    """Four questions on variant_12 whose golds were changed so that the assistant's true answers fail
    in known ways: a value that is not the (altered) gold, and a value given to an "unanswerable"
    question, are wrong; the refusal of an unanswerable question with an invented gold is a refusal."""
    lines = {
        q["id"]: q
        for q in map(json.loads, (SUITES / "variants.jsonl").read_text(encoding="utf-8").splitlines())
    }
    project, total, absent = (
        lines["variant_12-s12-001"],
        lines["variant_12-s12-002"],
        lines["variant_12-s12-016"],
    )
    suite = [
        project | {"id": "wrong-value", "answer": {"value": "0.01", "unit": "万元"}, "accept": []},
        total,
        absent | {"id": "refused", "type": "lookup", "answer": {"value": "5.00", "unit": "万元"}},
        project
        | {
            "id": "wrong-number-to-unanswerable",
            "type": "unanswerable",
            "answer": {"refuse": True},
            "accept": [],
        },
    ]
    path = tmp_path / "altered.jsonl"
    path.write_text("".join(json.dumps(q, ensure_ascii=False) + "\n" for q in suite), encoding="utf-8")
    return path


def test_eval_counts_wrong_apart_from_refused_and_gates_on_max_wrong(tmp_path):
    suite, data, out = _altered_suite(tmp_path), tmp_path / "data", tmp_path / "out"
    result = CliRunner().invoke(
        app, ["eval", str(suite), "--out", str(out), "--data-dir", str(data), "--max-wrong", "2"]
    )
    assert result.exit_code == 0, result.output
    assert "1/4 correct (25.0%), 2 wrong, 1 refused, 0 clarified; recall@5" in result.output
    assert "wrong 1, refused 1, clarified 0" in result.output  # the lookup line
    rows = {
        r["id"]: r for r in map(json.loads, (out / "results.jsonl").read_text(encoding="utf-8").splitlines())
    }
    assert {i: r["outcome"] for i, r in rows.items()} == {
        "wrong-value": "wrong",
        "variant_12-s12-002": "correct",
        "refused": "refused",
        "wrong-number-to-unanswerable": "wrong",
    }
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["headline"] == {
        "total": 4,
        "correct": 1,
        "wrong": 2,
        "refused": 1,
        "clarified": 0,
        "accuracy": 0.25,
    }
    assert [f["outcome"] for f in report["failures"]] == ["wrong", "wrong", "refused"]
    assert report["summary"]["by_type"]["unanswerable"] == {
        "total": 1,
        "correct": 0,
        "wrong": 1,
        "refused": 0,
        "clarified": 0,
        "accuracy": 0.0,
    }
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "## Failures (3: 2 wrong, 1 refused, 0 clarified)" in md

    result = CliRunner().invoke(
        app, ["eval", str(suite), "--out", str(out), "--data-dir", str(data), "--max-wrong", "1"]
    )
    assert result.exit_code == 1
    assert "2 wrong answers, more than --max-wrong 1" in result.output

    result = CliRunner().invoke(app, ["eval", str(suite), "--out", str(out), "--data-dir", str(data)])
    assert result.exit_code == 0, result.output  # no limit by default

    result = CliRunner().invoke(
        app, ["eval", "compare", str(suite), "--configs", "offline-bm25", "--data-dir", str(data)]
    )
    assert result.exit_code == 0, result.output
    table = {line.split()[0]: line.split() for line in result.output.splitlines() if line.strip()}
    assert table["metric"] == ["metric", "offline-bm25"]
    assert table["wrong"] == ["wrong", "2"] and table["refused"] == ["refused", "1"]
    assert table["clarified"] == ["clarified", "0"]
