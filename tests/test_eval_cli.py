"""`budgetqa eval` end to end on a small suite over a shipped variant document.

The suite mixes good questions with a broken JSON line and a question about a document
nobody has: the run reports both, skips them, and still writes every report.
"""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from assistant.cli import app

SUITES = Path(__file__).resolve().parent.parent / "evals" / "suites"


def _suite(tmp_path: Path) -> Path:
    good = [line for line in (SUITES / "variants.jsonl").read_text(encoding="utf-8").splitlines()
            if '"variant_12.txt"' in line][:4]
    unknown = json.loads(good[0]) | {"id": "ghost-1", "doc": "no-such-budget.txt"}
    path = tmp_path / "suite.jsonl"
    path.write_text("\n".join([*good, "{not json", json.dumps(unknown, ensure_ascii=False)]) + "\n", encoding="utf-8")
    return path


def test_eval_writes_every_report_and_lists_the_problems(tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["eval", str(_suite(tmp_path)), "--out", str(out),
                                      "--data-dir", str(tmp_path / "data"), "--min-accuracy", "0.5"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["report.html", "report.json", "report.md", "results.jsonl"]
    rows = [json.loads(line) for line in (out / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == [json.loads(line)["id"] for line in _suite(tmp_path).read_text().splitlines()[:4]]
    assert all(r["correct"] for r in rows)
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["summary"]["total"] == 4 and report["summary"]["correct"] == 4
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
    result = CliRunner().invoke(app, ["eval", str(path), "--out", str(tmp_path / "out"),
                                      "--data-dir", str(tmp_path / "data"), "--min-accuracy", "0.9"])
    assert result.exit_code == 1


def test_eval_of_a_missing_suite_file_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(app, ["eval", str(tmp_path / "nope.jsonl"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "No such suite file" in result.output
