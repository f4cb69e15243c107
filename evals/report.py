"""Write an evaluation run to disk in the four shapes its readers need.

``results.jsonl`` and ``report.json`` are for machines (diffing runs, dashboards);
``report.md`` is for a pull request or a terminal; ``report.html`` is one
self-contained page to open in a browser or attach to a mail — no external
scripts, styles or fonts, so it renders the same offline and years later.
:func:`comparison_table` puts several runs side by side as plain text.

Failures are split by outcome (see :mod:`evals.score`): a **wrong** answer states a value or
text that is not the gold; a **refused** one says the document lacks it; a **clarified** one
asks back. Every report counts the three separately, overall and by type, and lists wrong
answers first, marked, because they are the ones that mislead a reader.
"""

from __future__ import annotations

import json
from html import escape
from pathlib import Path
from typing import Any

from assistant.contract import Answer
from evals.runner import FAILURES, Record, Summary

CHART_LABEL_W = 240  # px left of the bars for "type  correct/total"
CHART_BAR_W = 400  # px for 0–100 %
CHART_ROW_H = 26
CHART_BAR_H = 18
CHART_PAD = 12
#: How each failure outcome is marked in the Markdown and HTML failure lists.
MARKS = {"wrong": "✗ WRONG", "refused": "refused", "clarified": "clarified"}


def write_report(
    out: Path, records: list[Record], summary: Summary, meta: dict, problems: list[str]
) -> dict[str, Path]:
    """Write results.jsonl, report.json, report.md and report.html into ``out``; return name → path."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    failed = failures(records)
    rows = [r.row() for r in records]
    data = {
        "meta": meta,
        "headline": headline_counts(summary),
        "summary": summary.model_dump(),
        "problems": problems,
        "failures": [r.row() for r in failed],
    }
    texts = {
        "results.jsonl": "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows),
        "report.json": json.dumps(data, ensure_ascii=False, indent=2) + "\n",
        "report.md": markdown_report(summary, meta, problems, failed),
        "report.html": html_report(summary, meta, problems, failed),
    }
    paths = {}
    for name, text in texts.items():
        paths[name] = out / name
        paths[name].write_text(text, encoding="utf-8")
    return paths


# ---------------------------------------------------------------- shared bits


def failures(records: list[Record]) -> list[Record]:
    """The failed records, wrong answers first, then refusals, then clarifications (run order within each)."""
    order = {kind: i for i, kind in enumerate(FAILURES)}
    return sorted((r for r in records if not r.correct), key=lambda r: order.get(r.outcome or "wrong", 0))


def outcome_of(r: Record) -> str:
    return r.outcome or ("correct" if r.correct else "wrong")


def headline_counts(summary: Summary) -> dict[str, int | float]:
    """The report.json headline: how many answers were correct, wrong, refused and clarified."""
    return {
        "total": summary.total,
        "correct": summary.correct,
        "wrong": summary.wrong,
        "refused": summary.refused,
        "clarified": summary.clarified,
        "accuracy": summary.accuracy,
    }


def outcome_line(summary: Summary) -> str:
    """ "2 correct · 1 wrong · 1 refused · 0 clarified"."""
    return (
        f"{summary.correct} correct · {summary.wrong} wrong · {summary.refused} refused · "
        f"{summary.clarified} clarified"
    )


def pct(x: float | None) -> str:
    """A ratio as a percentage with one decimal, or "n/a" when it was not measured."""
    return "n/a" if x is None else f"{x * 100:.1f}%"


def compact(obj: Any) -> str:
    """One-line JSON with Chinese kept readable, for gold answers and meta values."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def meta_value(value: Any) -> str:
    """Strings as they are, anything else as compact JSON."""
    return value if isinstance(value, str) else compact(value)


def got(answer: Answer) -> str:
    """What the assistant said, with its figure: the part of an answer a reviewer compares."""
    text = " ".join(answer.answer.split())
    figure = " ".join(x for x in (answer.operator, answer.value, answer.unit) if x)
    parts = ["[refused]" if answer.refused else "", text, f"({figure})" if figure else ""]
    return " ".join(p for p in parts if p)


def headline(summary: Summary) -> list[tuple[str, str]]:
    """What a reader looks at first: accuracy, the outcomes, recall@5 and latency."""
    recall = "n/a"
    if summary.recall_at_5 is not None:
        recall = f"{pct(summary.recall_at_5)} (over {summary.recall_questions} questions)"
    return [
        ("Accuracy", f"{summary.correct}/{summary.total} ({pct(summary.accuracy)})"),
        ("Outcomes", outcome_line(summary)),
        ("Recall@5", recall),
        (
            "Latency",
            f"p50 {summary.p50_ms:.1f} ms · p95 {summary.p95_ms:.1f} ms · max {summary.max_ms:.1f} ms",
        ),
    ]


def type_rows(summary: Summary) -> list[tuple[str, int, int, float]]:
    """(type, correct, total, accuracy) per question type, counts as ints (pydantic stores floats)."""
    return [(name, int(t["correct"]), int(t["total"]), t["accuracy"]) for name, t in summary.by_type.items()]


TYPE_HEADER = ["type", "correct", "wrong", "refused", "clarified", "total", "accuracy"]


def type_table(summary: Summary) -> list[list[str]]:
    """The by-type table's rows: type, correct, wrong, refused, clarified, total, accuracy."""
    return [
        [
            name,
            str(int(t["correct"])),
            *(str(int(t.get(kind, 0))) for kind in FAILURES),
            str(int(t["total"])),
            pct(t["accuracy"]),
        ]
        for name, t in summary.by_type.items()
    ]


# ---------------------------------------------------------------- Markdown


def md_cell(text: str) -> str:
    """Keep a value inside one Markdown table cell."""
    return " ".join(str(text).split()).replace("|", "\\|")


def md_code(text: str) -> str:
    """An inline code span that survives backticks inside the text."""
    fence = "``" if "`" in text else "`"
    return f"{fence} {text} {fence}" if fence == "``" else f"`{text}`"


def md_table(header: list[str], rows: list[list[str]]) -> list[str]:
    """A GitHub-flavoured Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    return lines + ["| " + " | ".join(md_cell(c) for c in row) + " |" for row in rows]


def md_failure(r: Record) -> list[str]:
    """One failed question as a short block a reviewer can read without the JSON."""
    mark = MARKS.get(outcome_of(r), outcome_of(r))
    mark = f"**{mark}**" if outcome_of(r) == "wrong" else mark
    return [
        f"### {md_code(r.id)} ({r.type}) — {mark}",
        "",
        f"- **outcome:** {outcome_of(r)}",
        f"- **question:** {md_cell(r.question)}",
        f"- **expected:** {md_code(compact(r.expected))}",
        f"- **got:** {md_cell(got(r.answer))}",
        f"- **reason:** {md_cell(r.reason) or '—'}",
        "",
    ]


def markdown_report(summary: Summary, meta: dict, problems: list[str], failed: list[Record]) -> str:
    """The whole run as Markdown: meta, headline, by type, problems, failures."""
    lines = ["# Evaluation report", ""]
    if meta:
        lines += md_table(["key", "value"], [[k, meta_value(v)] for k, v in meta.items()]) + [""]
    lines += [f"- **{k}:** {v}" for k, v in headline(summary)] + ["", "## By type", ""]
    lines += md_table(TYPE_HEADER, type_table(summary)) + [""]
    if problems:
        lines += ["## Problems", ""] + [f"- {md_cell(p)}" for p in problems] + [""]
    lines += [f"## Failures ({failure_counts(failed)})", ""]
    for r in failed:
        lines += md_failure(r)
    if not failed:
        lines += ["None.", ""]
    return "\n".join(lines)


def failure_counts(failed: list[Record]) -> str:
    """ "3: 1 wrong, 1 refused, 1 clarified" — the failures heading."""
    counts = [f"{sum(outcome_of(r) == kind for r in failed)} {kind}" for kind in FAILURES]
    return f"{len(failed)}: " + ", ".join(counts)


# ---------------------------------------------------------------- HTML

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", "PingFang SC", "Microsoft YaHei", sans-serif;
       margin: 2rem auto; max-width: 1100px; padding: 0 1rem; color: #222; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; }
th, td { border: 1px solid #ccc; padding: 0.3rem 0.6rem; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.wrong td { background: #fdecea; }
tr.wrong td.outcome { color: #c62828; font-weight: bold; }
code { font-size: 0.9em; word-break: break-all; }
.headline { font-size: 1.1rem; }
.headline dt { font-weight: bold; float: left; width: 7rem; }
.headline dd { margin: 0 0 0.3rem 7rem; }
svg text { font-size: 12px; font-family: inherit; }
"""


def html_table(
    header: list[str],
    rows: list[list[str]],
    numeric: set[int] | None = None,
    classes: list[str] | None = None,
    cell_classes: dict[int, str] | None = None,
) -> str:
    """An HTML table; cells are escaped here, columns in ``numeric`` right-aligned.

    ``classes`` gives each row a class (empty for none); ``cell_classes`` a class per column.
    """
    numeric = numeric or set()
    cell_classes = {**(cell_classes or {}), **dict.fromkeys(numeric, "num")}
    head = "".join(f"<th>{escape(h)}</th>" for h in header)

    def tr(row: list[str], cls: str) -> str:
        cells = "".join(
            f'<td class="{cell_classes[i]}">{escape(c)}</td>'
            if i in cell_classes
            else f"<td>{escape(c)}</td>"
            for i, c in enumerate(row)
        )
        return (f'<tr class="{escape(cls)}">' if cls else "<tr>") + cells + "</tr>\n"

    body = "".join(
        tr(row, (classes or [])[i] if i < len(classes or []) else "") for i, row in enumerate(rows)
    )
    return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}</tbody>\n</table>\n"


def svg_chart(summary: Summary) -> str:
    """Horizontal bars of accuracy by type on a 0–100 % axis, one ``<rect>`` per type."""
    rows = type_rows(summary)
    x0, top = CHART_LABEL_W, CHART_PAD
    axis_y = top + len(rows) * CHART_ROW_H + 4
    width, height = x0 + CHART_BAR_W + 70, axis_y + 24
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="Accuracy by type">'
    ]
    for tick in range(0, 101, 25):
        x = x0 + CHART_BAR_W * tick / 100
        parts.append(f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{axis_y}" stroke="#ddd"/>')
        parts.append(f'<text x="{x:.1f}" y="{axis_y + 16}" text-anchor="middle" fill="#555">{tick}%</text>')
    parts.append(f'<line x1="{x0}" y1="{axis_y}" x2="{x0 + CHART_BAR_W}" y2="{axis_y}" stroke="#888"/>')
    for i, (name, correct, total, acc) in enumerate(rows):
        y = top + i * CHART_ROW_H
        w, mid = CHART_BAR_W * acc, y + CHART_BAR_H / 2 + 4
        parts += [
            f'<text x="{x0 - 8}" y="{mid:.1f}" text-anchor="end">'
            f"{escape(f'{name}  {correct}/{total}')}</text>",
            f'<rect x="{x0}" y="{y}" width="{w:.1f}" height="{CHART_BAR_H}" fill="{bar_colour(acc)}">'
            f"<title>{escape(f'{name}: {correct}/{total} ({pct(acc)})')}</title></rect>",
            f'<text x="{x0 + w + 6:.1f}" y="{mid:.1f}" fill="#333">{escape(pct(acc))}</text>',
        ]
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def bar_colour(acc: float) -> str:
    """Green when good, amber when middling, red when poor — readable at a glance."""
    return "#2e7d32" if acc >= 0.9 else "#f9a825" if acc >= 0.6 else "#c62828"


def html_failures(failed: list[Record]) -> str:
    """The failures table: one row per failure, wrong answers first and marked, gold answer as compact
    JSON."""
    rows = [
        [
            MARKS.get(outcome_of(r), outcome_of(r)),
            r.id,
            r.type,
            r.question,
            compact(r.expected),
            got(r.answer),
            r.reason,
        ]
        for r in failed
    ]
    return html_table(
        ["outcome", "id", "type", "question", "expected", "got", "reason"],
        rows,
        classes=[outcome_of(r) for r in failed],
        cell_classes={0: "outcome"},
    )


def html_report(summary: Summary, meta: dict, problems: list[str], failed: list[Record]) -> str:
    """One self-contained page: headline, chart, by-type table, problems and failures."""
    dl = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in headline(summary))
    by_type = type_table(summary)
    body = ["<h1>Evaluation report</h1>"]
    if meta:
        body.append(html_table(["key", "value"], [[str(k), meta_value(v)] for k, v in meta.items()]))
    body += [
        f'<dl class="headline">{dl}</dl>',
        "<h2>Accuracy by type</h2>",
        svg_chart(summary),
        html_table(TYPE_HEADER, by_type, numeric={1, 2, 3, 4, 5, 6}),
    ]
    if problems:
        items = "".join(f"<li>{escape(p)}</li>" for p in problems)
        body.append(f"<h2>Problems</h2>\n<ul>{items}</ul>")
    body.append(f"<h2>Failures ({escape(failure_counts(failed))})</h2>")
    body.append(html_failures(failed) if failed else "<p>None.</p>")
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>Evaluation report</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


# ---------------------------------------------------------------- comparison


def comparison_cells(summary: Summary, types: list[str]) -> list[str]:
    """One configuration's column: overall, wrong/refused/clarified, per type ("-" where it had none),
    recall, latency."""

    def acc(t: dict[str, float] | None) -> str:
        return "-" if t is None else f"{pct(t['accuracy'])} ({int(t['correct'])}/{int(t['total'])})"

    overall = {"accuracy": summary.accuracy, "correct": summary.correct, "total": summary.total}
    return (
        [acc(overall), str(summary.wrong), str(summary.refused), str(summary.clarified)]
        + [acc(summary.by_type.get(t)) for t in types]
        + [pct(summary.recall_at_5), f"{summary.p50_ms:.1f}", f"{summary.p95_ms:.1f}"]
    )


def comparison_table(rows: list[tuple[str, Summary]]) -> str:
    """Several runs side by side in monospace, so a change in one type stands out."""
    types = sorted({t for _, s in rows for t in s.by_type})
    labels = ["accuracy", *FAILURES] + [f"accuracy {t}" for t in types] + ["recall@5", "p50 ms", "p95 ms"]
    columns = [["metric"] + labels] + [[name] + comparison_cells(s, types) for name, s in rows]
    widths = [max(len(c) for c in col) for col in columns]

    def line(cells: list[str]) -> str:
        first, rest = (
            cells[0].ljust(widths[0]),
            [c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True)],
        )
        return "  ".join([first, *rest]).rstrip()

    table = [line([col[i] for col in columns]) for i in range(len(labels) + 1)]
    return "\n".join([table[0], "  ".join("-" * w for w in widths), *table[1:]]) + "\n"
