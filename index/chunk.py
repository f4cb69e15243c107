"""Passages for retrieval: narrative chunks, project cards, one sentence per table row.

Each passage carries its document, section, table, row and project so a
retrieval hit can cite itself.
"""

from __future__ import annotations

import re
from decimal import Decimal

from index.model import ParsedDocument, Passage, Project, Row, Table

#: Narrative paragraphs of one section are packed into chunks of about this many characters.
CHUNK_CHARS = 320
#: Row sentences drop the title's "2022年部门（单位）": every table has it.
TITLE_PREFIX = re.compile(r"^\s*\d{4}\s*年?部门（单位）")
#: A project card lists at most this many indicators.
CARD_INDICATORS = 12


def passages(doc: ParsedDocument) -> list[Passage]:
    out: list[Passage] = []

    def add(text: str, kind: str, **meta) -> None:
        out.append(Passage(id=f"{doc.doc_id}:{len(out)}", doc_id=doc.doc_id, text=text, kind=kind, **meta))

    for section in doc.sections:
        path = " › ".join(section.path)
        for text, start, end in _pack(section.paragraphs):
            add(
                f"{path}：{text}" if path else text, "narrative", section=path, line_start=start, line_end=end
            )
    for project in doc.projects:
        add(
            project_card(project, doc.year),
            "project",
            project=project.name,
            table="13" if project.total_13 is not None else "04",
            line_start=project.line_start,
            line_end=project.line_end,
        )
    for number, table in sorted(doc.tables.items()):
        for row in table.rows:
            sentence = row_sentence(table, row)
            if sentence:
                add(
                    sentence,
                    "row",
                    table=number,
                    row=row.row_no,
                    project=row.cells.get("项目名称", ""),
                    line_start=row.line_start,
                    line_end=row.line_end,
                )
    return out


def _pack(paragraphs: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    chunks: list[tuple[str, int, int]] = []
    for text, start, end in paragraphs:
        if chunks and len(chunks[-1][0]) + len(text) <= CHUNK_CHARS:
            prev, prev_start, _ = chunks[-1]
            chunks[-1] = (prev + text, prev_start, end)
        else:
            chunks.append((text, start, end))
    return chunks


def money(value: Decimal | None) -> str:
    return "" if value is None else f"{value}万元"


def project_card(p: Project, year: int | None) -> str:
    """Everything the tables say of one project, in one readable passage."""
    parts = [f"项目：{p.name}"]
    if p.unit_name:
        parts.append(f"单位：{p.unit_name}")
    if p.amount is not None:
        parts.append(f"{year or ''}年预算：{money(p.amount)}")
    if p.subjects.get("功能分类科目"):
        parts.append(f"功能分类科目：{p.subjects.get('功能分类科目编码', '')} {p.subjects['功能分类科目']}")
    if p.subjects.get("部门经济分类"):
        parts.append(f"经济分类：{p.subjects.get('部门经济分类编码', '')} {p.subjects['部门经济分类']}")
    if p.purchase:
        parts.append(
            "政府购买服务目录：" + " / ".join(v for k, v in p.purchase.items() if k.startswith("目录"))
        )
    if p.goal:
        parts.append(f"绩效目标：{p.goal}")
    indicators = [
        f"{i.level3}{'' if i.nature == '定性' else i.nature}{i.value}{i.measure_unit}"
        for i in p.indicators[:CARD_INDICATORS]
    ]
    if indicators:
        parts.append("绩效指标：" + "；".join(indicators))
    return "；".join(parts) + "。"


def row_sentence(table: Table, row: Row) -> str:
    """``预算04表 项目支出表：项目名称 X，…；合计 12.34万元。``"""
    cells = "，".join(
        f"{k} {v}" for k, v in row.cells.items() if v and not k.endswith("编码") and k != "层级"
    )
    codes = " ".join(v for k, v in row.cells.items() if k.endswith("编码") and v)
    amounts = "，".join(f"{k} {v}万元" for k, v in row.amounts.items())
    if not amounts:
        return ""
    label = f"预算{table.number}表 {TITLE_PREFIX.sub('', table.title)}"
    body = "；".join(x for x in (cells, codes, amounts) if x)
    return f"{label}：{'合计行；' if row.is_total else ''}{body}。"
