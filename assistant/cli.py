"""``budgetqa``: ingest budgets, check them, browse their tables, search them.

Every command reads the data directory from ``--data-dir`` or
``BUDGETQA_DATA_DIR`` (default ``./var``).
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table as RichTable

from index.corpus import Corpus, open_corpus
from index.ingest import SUFFIXES, IngestError, ingest

app = typer.Typer(
    help="Exact, cited answers about Beijing department budgets (部门预算).",
    no_args_is_help=True,
    add_completion=False,
)
console = Console()
err = Console(stderr=True)


def _progress_bar() -> Progress:
    """The bar long work shows on stderr: what is being done, how far, for how long."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )


DataDir = Annotated[
    Path | None,
    typer.Option("--data-dir", help="Where the store and index live [env BUDGETQA_DATA_DIR; default ./var]"),
]
DocOption = Annotated[
    str | None, typer.Option("--doc", help="Document id (or prefix) or file name; default: the only one")
]
JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON for other tools")]


def _json(data: object) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=_default))


def _default(value: object) -> str:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _document(corpus: Corpus, ref: str | None) -> dict:
    doc = corpus.store.find_document(ref)
    if doc is None:
        docs = corpus.store.documents()
        if not docs:
            err.print("[red]No documents yet.[/] Ingest one: [bold]budgetqa ingest data/samples/*.txt[/]")
        elif ref:
            err.print(
                f"[red]No document {ref!r}.[/] Known: "
                + ", ".join(f"{d['doc_id']} ({d['source']})" for d in docs)
            )
        else:
            err.print(
                "[red]Several documents are loaded; pick one with --doc:[/] "
                + ", ".join(f"{d['doc_id']} ({d['source']})" for d in docs)
            )
        raise typer.Exit(2)
    return doc


def _files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.suffix.lower() in SUFFIXES))
        else:
            files.append(path)
    return files


@app.command("ingest")
def ingest_command(
    paths: Annotated[list[Path], typer.Argument(help="Budget files (.txt or .pdf) or directories of them")],
    data_dir: DataDir = None,
) -> None:
    """Parse, reconcile, index and store budget documents. Re-ingesting a document replaces it."""
    corpus = open_corpus(data_dir)
    failed = 0
    for path in _files(paths):
        with _progress_bar() as bar:
            task = bar.add_task(f"{path.name}: parsing", total=1)

            def progress(stage: str, done: int, total: int, task=task, name=path.name) -> None:
                bar.update(task, description=f"{name}: {stage}", completed=done, total=total)

            try:
                result = ingest(corpus, path, progress=progress)
            except IngestError as exc:
                err.print(f"[red]✗ {exc}[/]  (the index is unchanged)")
                failed += 1
                continue
        doc, counts = result.doc, result.status_counts
        console.print(
            f"[green]✓[/] {path.name} → [bold]{doc.doc_id}[/] {doc.department} {doc.year}年: "
            f"{len(doc.tables)} tables, {len(doc.projects)} projects, {result.passages} passages; "
            f"checks {counts['pass']} pass, {counts['rounding']} rounding, {counts['fail']} fail"
        )
        for gap in doc.gaps:
            console.print(f"  [yellow]gap[/] {gap.where}: {gap.message}")
    if failed:
        raise typer.Exit(2)


@app.command()
def docs(data_dir: DataDir = None, as_json: JsonFlag = False) -> None:
    """List the loaded documents."""
    documents = open_corpus(data_dir).store.documents()
    if as_json:
        _json(documents)
        return
    if not documents:
        console.print("No documents yet. Try: budgetqa ingest data/samples/")
        return
    table = RichTable("id", "department", "year", "file", "ingested")
    for d in documents:
        table.add_row(d["doc_id"], d["department"], str(d["year"] or ""), d["source"], d["ingested_at"])
    console.print(table)


@app.command()
def reconcile(
    doc: Annotated[str | None, typer.Argument(help="Document id (or prefix) or file name")] = None,
    data_dir: DataDir = None,
    as_json: JsonFlag = False,
) -> None:
    """Check every identity the layout implies (勾稽关系): failures first, then rounding, then passes."""
    corpus = open_corpus(data_dir)
    document = _document(corpus, doc)
    checks = corpus.store.checks(document["doc_id"])
    order = {"fail": 0, "rounding": 1, "pass": 2}
    checks.sort(key=lambda c: order[c["status"]])
    if as_json:
        _json({"document": document, "checks": checks})
        return
    colours = {"fail": "red", "rounding": "yellow", "pass": "green"}
    table = RichTable(
        "status",
        "check",
        "expected",
        "actual",
        "difference",
        "sources",
        title=f"{document['department']} {document['year']}年",
    )
    for c in checks:
        where = "; ".join(_where(s) for s in c["sources"])
        table.add_row(
            f"[{colours[c['status']]}]{c['status']}[/]",
            c["name"],
            str(c["expected"]),
            str(c["actual"]),
            str(c["difference"]),
            where,
        )
    console.print(table)
    counts = {s: sum(1 for c in checks if c["status"] == s) for s in order}
    console.print(
        f"{counts['pass']} pass, {counts['rounding']} rounding (the source's own rounding), "
        f"{counts['fail']} fail"
    )


def _where(source: dict) -> str:
    if "table" in source:
        label = f"预算{source['table']}表"
        if "row" in source:
            label += f" 第{source['row']}行"
        if source.get("column"):
            label += f" {source['column']}"
        if source.get("project"):
            label += f" {source['project']}"
        return label
    return f"{source.get('section', '')} 行{source.get('lines', ['?'])[0]}"


@app.command("table")
def table_command(
    number: Annotated[str, typer.Argument(help="Table number: 01 … 14")],
    doc: DocOption = None,
    data_dir: DataDir = None,
    as_json: JsonFlag = False,
) -> None:
    """Show one of the 14 tables (预算NN表) as parsed, every row with its source lines."""
    corpus = open_corpus(data_dir)
    document = _document(corpus, doc)
    number = number.zfill(2)
    if number == "13":
        _performance_table(corpus, document, as_json)
        return
    table = corpus.store.table(document["doc_id"], number)
    if table is None:
        err.print(
            f"[red]预算{number}表 is not in this document.[/] Present: "
            f"{', '.join(corpus.store.table_numbers(document['doc_id']))}"
        )
        raise typer.Exit(2)
    rows = [
        {
            "cells": r["cells"],
            "amounts": r["amounts"],
            "is_total": r["is_total"],
            "provenance": {
                "document": document["doc_id"],
                "source": document["source"],
                "table": number,
                "title": table["title"],
                "row": r["row"],
                "lines": r["lines"],
            },
        }
        for r in table["rows"]
    ]
    if as_json:
        _json(
            {
                "document": document,
                "table": number,
                "title": table["title"],
                "columns": table["columns"],
                "empty": table["empty"],
                "note": table["note"],
                "rows": rows,
            }
        )
        return
    view = RichTable(*table["columns"], "lines", title=f"预算{number}表 {table['title']}（万元）")
    for r in rows:
        view.add_row(
            *[str(r["amounts"].get(c, r["cells"].get(c, ""))) for c in table["columns"]],
            "-".join(map(str, r["provenance"]["lines"])),
        )
    console.print(view)
    if table["note"]:
        console.print(table["note"])


def _performance_table(corpus: Corpus, document: dict, as_json: bool) -> None:
    """预算13表: one record per indicator, with its project's 项目总额 at full precision."""
    columns = [
        "项目名称",
        "单位",
        "项目编码",
        "项目总额",
        "财政资金",
        "其他资金",
        "绩效目标",
        "一级指标",
        "二级指标",
        "三级指标",
        "性质",
        "指标值",
        "度量单位",
        "方向",
    ]
    rows = []
    for p in corpus.store.projects(document["doc_id"]):
        for i in p.indicators:
            rows.append(
                {
                    "cells": {
                        "项目名称": p.name,
                        "单位": p.unit_name,
                        "项目编码": p.code,
                        "绩效目标": p.goal,
                        "一级指标": i.level1,
                        "二级指标": i.level2,
                        "三级指标": i.level3,
                        "性质": i.nature,
                        "指标值": i.value,
                        "度量单位": i.measure_unit,
                        "方向": i.direction,
                    },
                    "amounts": {
                        k: v
                        for k, v in (
                            ("项目总额", p.total_13),
                            ("财政资金", p.fiscal_13),
                            ("其他资金", p.other_13),
                        )
                        if v is not None
                    },
                    "provenance": {
                        "document": document["doc_id"],
                        "source": document["source"],
                        "table": "13",
                        "project": p.name,
                        "lines": [i.line_start, i.line_end],
                    },
                }
            )
    if as_json:
        _json(
            {"document": document, "table": "13", "title": "项目支出绩效表", "columns": columns, "rows": rows}
        )
        return
    view = RichTable(
        "项目名称",
        "项目总额",
        "三级指标",
        "性质",
        "指标值",
        "度量单位",
        "lines",
        title="预算13表 项目支出绩效表",
    )
    for r in rows:
        c = r["cells"]
        view.add_row(
            c["项目名称"],
            str(r["amounts"].get("项目总额", "")),
            c["三级指标"],
            c["性质"],
            c["指标值"],
            c["度量单位"],
            "-".join(map(str, r["provenance"]["lines"])),
        )
    console.print(view)


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="What to look for, in plain words")],
    k: Annotated[int, typer.Option("-k", help="How many passages")] = 5,
    mode: Annotated[str, typer.Option(help="hybrid, dense or bm25")] = "hybrid",
    doc: DocOption = None,
    table: Annotated[str | None, typer.Option(help="Only passages of this table (e.g. 04)")] = None,
    data_dir: DataDir = None,
    as_json: JsonFlag = False,
) -> None:
    """Find the passages (narrative, project cards, table rows) that best match a query."""
    corpus = open_corpus(data_dir)
    filters = {}
    if doc:
        filters["doc_id"] = _document(corpus, doc)["doc_id"]
    if table:
        filters["table"] = table.zfill(2)
    hits = corpus.search(query, k=k, mode=mode, filters=filters or None)
    if as_json:
        _json(
            [
                {"score": h.score, "dense_rank": h.dense_rank, "bm25_rank": h.bm25_rank} | h.passage.__dict__
                for h in hits
            ]
        )
        return
    for rank, h in enumerate(hits, 1):
        p = h.passage
        where = f"预算{p.table}表 第{p.row}行" if p.kind == "row" else (p.project or p.section)
        console.print(
            f"[bold]{rank}.[/] [cyan]{where}[/] (lines {p.line_start}-{p.line_end})\n   {p.text[:200]}"
        )


HistoryOption = Annotated[
    Path | None,
    typer.Option(
        "--history",
        help='Earlier turns as JSON: [{"role": "user", "content": "…"}, {"role": "assistant", …}]',
    ),
]


def _assistant(data_dir: Path | None):
    from assistant.agent import Assistant

    corpus = open_corpus(data_dir)
    if not corpus.store.documents():
        err.print("[red]No documents yet.[/] Ingest one: [bold]budgetqa ingest data/samples/[/]")
        raise typer.Exit(2)
    return Assistant.from_env(corpus)


def _read_history(path: Path | None) -> list[dict]:
    if path is None:
        return []
    try:
        turns = json.loads(path.read_text(encoding="utf-8"))
        assert isinstance(turns, list) and all(
            isinstance(t, dict) and t.get("role") in ("user", "assistant") for t in turns
        )
        return turns
    except (OSError, ValueError, AssertionError):
        err.print(f'[red]{path}: expected a JSON list of {{"role": "user"|"assistant", "content": …}}[/]')
        raise typer.Exit(2) from None


def _show(answer) -> None:
    style = "yellow" if answer.refused or answer.candidates else "bold"
    console.print(f"[{style}]{answer.answer}[/]")
    if answer.interpretation:
        console.print(f"  [dim]理解为：{escape(answer.interpretation)}[/]")
    if answer.formula:
        console.print(f"  [dim]算式[/] {answer.formula}")
    for s in answer.sources[:6]:
        where = f"行 {s.lines[0]}–{s.lines[1]}" if s.lines else ""
        console.print(f"  [dim]依据[/] {s.label} [dim]{where}[/]")
    if len(answer.sources) > 6:
        console.print(f"  [dim]… 另有 {len(answer.sources) - 6} 处依据[/]")
    for flag in answer.flags:
        console.print(f"  [red]⚠ {flag}[/]")


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="A question in Chinese, e.g. 公车加油费多少钱？")],
    doc: DocOption = None,
    history: HistoryOption = None,
    data_dir: DataDir = None,
    as_json: JsonFlag = False,
) -> None:
    """Answer one question exactly, with its sources (and the formula when computed).

    Uses the offline planner unless BUDGETQA_LLM_MODEL (with BUDGETQA_LLM_BASE_URL and
    BUDGETQA_LLM_API_KEY) names an OpenAI-compatible model.
    """
    from assistant.agent import QuestionError

    bot = _assistant(data_dir)
    try:
        answer = bot.ask(question, _read_history(history), doc=doc)
    except QuestionError as exc:
        err.print(f"[red]{exc}[/]")
        raise typer.Exit(2) from None
    if as_json:
        typer.echo(answer.model_dump_json(indent=2))
    else:
        _show(answer)


@app.command()
def chat(doc: DocOption = None, data_dir: DataDir = None) -> None:
    """Talk to the assistant; follow-ups (那…呢？ 其中…？) refer to earlier turns. Empty line or /quit
    ends."""
    from assistant.agent import QuestionError

    bot = _assistant(data_dir)
    turns: list[dict] = []
    console.print("[dim]问一个预算问题（/quit 退出，/new 清空对话）[/]")
    while True:
        try:
            question = console.input("[bold cyan]问> [/]").strip()
        except (EOFError, KeyboardInterrupt):
            break
        if question in ("", "/quit", "/exit"):
            break
        if question == "/new":
            turns = []
            continue
        try:
            answer = bot.ask(question, turns, doc=doc)
        except QuestionError as exc:
            err.print(f"[red]{exc}[/]")
            continue
        _show(answer)
        turns += [{"role": "user", "content": question}, {"role": "assistant", "content": answer.answer}]


@app.command("eval")
def eval_command(
    suites: Annotated[list[Path], typer.Argument(help="Suite files (JSONL), or: compare SUITE…")],
    docs: Annotated[
        list[Path] | None,
        typer.Option("--docs", help="Where the suites' documents are (files or directories)"),
    ] = None,
    backend: Annotated[
        str, typer.Option(help="offline (default planner) or llm (BUDGETQA_LLM_*)")
    ] = "offline",
    retriever: Annotated[str, typer.Option(help="Passage search: hybrid, dense or bm25")] = "hybrid",
    out: Annotated[
        Path, typer.Option("--out", help="Directory for results.jsonl, report.json, report.md, report.html")
    ] = Path("out"),
    min_accuracy: Annotated[
        float | None, typer.Option("--min-accuracy", help="Exit 1 below this accuracy (0–1)")
    ] = None,
    max_wrong: Annotated[
        int | None,
        typer.Option(
            "--max-wrong",
            min=0,
            help=(
                "Exit 1 when more answers than this are wrong (refusals and clarifications do not count) "
                "[default: no limit]"
            ),
        ),
    ] = None,
    configs: Annotated[
        str, typer.Option(help="For compare: backend-retriever list")
    ] = "offline-hybrid,offline-dense,offline-bm25",
    data_dir: Annotated[
        Path | None,
        typer.Option("--data-dir", help="Store and index to use [default: a fresh temporary one]"),
    ] = None,
) -> None:
    """Run question suites: ingest their documents, ask, score, and write reports.

    `budgetqa eval SUITE… --out DIR` writes DIR/results.jsonl, report.json, report.md and
    report.html (accuracy by type with a chart, wrong/refused/clarified counts, recall@5,
    latency, failures with wrong answers first).
    `budgetqa eval compare SUITE… --configs offline-hybrid,offline-dense,offline-bm25` prints
    one table comparing configurations. Malformed lines and unknown documents are reported
    and skipped.
    """
    import tempfile

    from evals.harness import compare, evaluate
    from evals.report import comparison_table, write_report

    comparing = bool(suites) and str(suites[0]) == "compare"
    if comparing:
        suites = suites[1:]
    missing = [s for s in suites if not s.is_file()]
    if not suites or missing:
        err.print(f"[red]No such suite file: {', '.join(map(str, missing)) or '(none given)'}[/]")
        raise typer.Exit(2)
    corpus = open_corpus(data_dir or Path(tempfile.mkdtemp(prefix="budgetqa-eval-")))
    with _progress_bar() as bar:
        task = bar.add_task("starting", total=1)

        def progress(stage: str, done: int, total: int) -> None:
            bar.update(task, description=stage, completed=done, total=total)

        try:
            if comparing:
                rows, problems = compare(suites, configs.split(","), docs or [], corpus, progress)
            else:
                records, summary, meta, problems = evaluate(
                    suites, docs or [], corpus, backend, retriever, progress
                )
        except ValueError as exc:
            err.print(f"[red]{exc}[/]")
            raise typer.Exit(2) from None
    for problem in problems:
        err.print(f"[yellow]⚠ {problem}[/]")
    if comparing:
        console.print(comparison_table(rows), markup=False, highlight=False)
        return
    files = write_report(out, records, summary, meta, problems)
    console.print(
        f"[bold]{summary.correct}/{summary.total}[/] correct ({summary.accuracy:.1%}), "
        f"{summary.wrong} wrong, {summary.refused} refused, {summary.clarified} clarified; recall@5 "
        f"{'n/a' if summary.recall_at_5 is None else f'{summary.recall_at_5:.1%}'}; "
        f"p50 {summary.p50_ms} ms, p95 {summary.p95_ms} ms",
        highlight=False,
        soft_wrap=True,
    )
    for kind, t in summary.by_type.items():
        console.print(
            f"  {kind:16} {int(t['correct'])}/{int(t['total'])}  wrong {int(t.get('wrong', 0))}, "
            f"refused {int(t.get('refused', 0))}, clarified {int(t.get('clarified', 0))}",
            highlight=False,
            soft_wrap=True,
        )
    console.print("reports: " + ", ".join(str(p) for p in files.values()))
    failed = False
    if min_accuracy is not None and summary.accuracy < min_accuracy:
        err.print(f"[red]accuracy {summary.accuracy:.1%} is below --min-accuracy {min_accuracy:.1%}[/]")
        failed = True
    if max_wrong is not None and summary.wrong > max_wrong:
        err.print(f"[red]{summary.wrong} wrong answers, more than --max-wrong {max_wrong}[/]")
        failed = True
    if failed:
        raise typer.Exit(1)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port")] = 8000,
    data_dir: DataDir = None,
) -> None:
    """Serve the HTTP API: /api/ask (+ /stream), /v1/chat/completions, documents, staff endpoints; docs at
    /docs.

    Staff endpoints (upload, delete, eval) need BUDGETQA_API_TOKEN; without it they are off.
    """
    import uvicorn

    from assistant.api import create_app

    uvicorn.run(create_app(open_corpus(data_dir)), host=host, port=port, log_level="info")


if __name__ == "__main__":  # python -m assistant.cli (the API runs evaluations this way)
    app()
