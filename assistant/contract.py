"""The answer contract: one shape for the library, the CLI, the API and the evaluations.

Numbers travel as decimal strings (``"12.50"``), never floats, so what a
tool computed is what the reader sees.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from assistant.plan import QueryPlan


class Source(BaseModel):
    """Where a fact came from: a table row (预算NN表 row) or a narrative passage."""

    document: str = Field(description="document id")
    source: str = Field("", description="file name of the document")
    kind: Literal["table", "passage"] = "table"
    table: str | None = Field(None, description="table number, '01' … '14'")
    row: int | None = Field(None, description="row number within the table")
    section: str | None = Field(None, description="narrative heading path")
    passage: str | None = Field(None, description="passage id")
    lines: list[int] | None = Field(None, description="[first, last] line of the source text")
    label: str = Field("", description="short human label, e.g. 预算04表·<project>")
    text: str | None = Field(None, description="the cited sentence or row, for passages")

    def key(self) -> tuple:
        return (self.document, self.table, self.row, self.passage, self.label)


class Item(BaseModel):
    """One entry of a list or ranking."""

    name: str
    value: str | None = None
    unit: str | None = None
    rank: int | None = None


class ToolCall(BaseModel):
    """One step of the agent: the tool, its arguments and what it returned."""

    tool: str
    args: dict[str, Any] = Field(default_factory=dict)
    result: Any = None


class Candidate(BaseModel):
    """A possible referent of an ambiguous name (or a document to choose)."""

    name: str
    kind: str
    score: float | None = None
    key: str | None = None


class Turn(BaseModel):
    """One message of the conversation so far."""

    role: Literal["user", "assistant"]
    content: str


class Answer(BaseModel):
    """What the assistant says, with everything needed to check it."""

    question: str
    answer: str = Field(description="Chinese; the figure with its unit first, then a one-line basis")
    value: str | None = Field(None, description="the figure as a decimal string, when the answer is a number")
    unit: str | None = Field(None, description="万元, 元, %, 个, or a performance indicator's unit")
    operator: str | None = Field(None, description="≥, ≤ or = for a performance target")
    formula: str | None = Field(None, description="the arithmetic behind a computed answer")
    items: list[Item] = Field(default_factory=list)
    sources: list[Source] = Field(default_factory=list)
    trace: list[ToolCall] = Field(default_factory=list)
    refused: bool = False
    candidates: list[Candidate] = Field(default_factory=list)
    document: str | None = Field(None, description="id of the document the answer is about")
    flags: list[str] = Field(default_factory=list, description="warnings, e.g. numbers the guard removed")
    backend: str = "offline"
    plan: QueryPlan | None = Field(None, description="how the question was understood, as a query plan")
    interpretation: str | None = Field(
        None, description="the plan in Chinese, e.g. 按 预算04表 名称含“运维”的项目 计数"
    )


class PlanResult(BaseModel):
    """What the executor returns for a plan: the composed answer and everything that backs it."""

    answer: str
    value: str | None = None
    unit: str | None = None
    operator: str | None = None
    formula: str | None = None
    items: list[Item] = Field(default_factory=list)
    sources: list[Source] = Field(default_factory=list)
    refused: bool = False
    candidates: list[Candidate] = Field(default_factory=list)
    interpretation: str = ""
