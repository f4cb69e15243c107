"""`budgetqa ask` and `budgetqa chat` show how the question was understood (理解为：…) under the answer."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from assistant import cli
from assistant.contract import Answer, Source
from assistant.plan import NameFilter, Operand, QueryPlan, RowSet

INTERPRETATION = "按 预算04表 名称含“运维”的项目 计数"
PLAN = QueryPlan(
    operation="count", operands=[Operand(rows=RowSet(table="04", names=[NameFilter(text="运维")]))]
)


class FakeAssistant:
    """Answers every question with one fixed answer, with or without an interpretation."""

    def __init__(self, interpretation: str | None):
        self.answer = Answer(
            question="名字带“运维”的项目有几个？",
            answer="名称含“运维”的项目共3个。",
            value="3",
            unit="个",
            sources=[Source(document="d1", table="04", row=7, lines=[10, 12], label="预算04表·某运维项目")],
            plan=PLAN if interpretation else None,
            interpretation=interpretation,
        )
        self.asked: list[tuple[str, list]] = []

    def ask(self, question, history=None, doc=None) -> Answer:
        self.asked.append((question, list(history or [])))
        return self.answer.model_copy(update={"question": question})


@pytest.fixture
def fake(monkeypatch):
    def install(interpretation: str | None = INTERPRETATION) -> FakeAssistant:
        bot = FakeAssistant(interpretation)
        monkeypatch.setattr(cli, "_assistant", lambda data_dir: bot)
        return bot

    return install


def _lines(output: str) -> list[str]:
    return [line.strip() for line in output.splitlines() if line.strip()]


def test_ask_prints_the_interpretation_under_the_answer(fake):
    fake()
    result = CliRunner().invoke(cli.app, ["ask", "名字带“运维”的项目有几个？"])
    assert result.exit_code == 0, result.output
    lines = _lines(result.output)
    assert lines[0] == "名称含“运维”的项目共3个。"
    assert lines[1] == f"理解为：{INTERPRETATION}"
    assert lines[2].startswith("依据 预算04表·某运维项目")


def test_ask_without_an_interpretation_prints_no_such_line(fake):
    fake(None)
    result = CliRunner().invoke(cli.app, ["ask", "名字带“运维”的项目有几个？"])
    assert result.exit_code == 0, result.output
    assert "理解为" not in result.output
    assert _lines(result.output)[0] == "名称含“运维”的项目共3个。"


def test_ask_json_holds_the_plan_and_the_interpretation(fake):
    fake()
    result = CliRunner().invoke(cli.app, ["ask", "名字带“运维”的项目有几个？", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["interpretation"] == INTERPRETATION
    assert QueryPlan.model_validate(data["plan"]) == PLAN
    assert Answer.model_validate(data).value == "3"


def test_chat_prints_the_interpretation_for_each_answer(fake):
    bot = fake()
    result = CliRunner().invoke(cli.app, ["chat"], input="名字带“运维”的项目有几个？\n那“维护”呢？\n/quit\n")
    assert result.exit_code == 0, result.output
    assert result.output.count(f"理解为：{INTERPRETATION}") == 2
    assert [q for q, _ in bot.asked] == ["名字带“运维”的项目有几个？", "那“维护”呢？"]
    assert len(bot.asked[1][1]) == 2  # the follow-up carries the first turn


def test_ask_json_of_the_real_assistant_has_both_fields(sample_corpus, monkeypatch):
    """Over the ingested sample: the keys are always there (null until the planner fills them)."""
    monkeypatch.delenv("BUDGETQA_LLM_MODEL", raising=False)
    result = CliRunner().invoke(
        cli.app, ["ask", "防疫热线花了多少？", "--json", "--data-dir", str(sample_corpus.root)]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert {"plan", "interpretation"} <= set(data)
    assert data["value"] == "128.00"
