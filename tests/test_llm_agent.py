"""The LLM backend drives the same LangGraph agent and tools; the number guard checks what it says.

A local fake OpenAI-compatible server plays the model: it reads the document id from the
system message, asks for tool calls, then writes the final text.
"""

from __future__ import annotations

import json

import pytest
from fake_openai import FakeOpenAI

from assistant.agent import Assistant
from assistant.guard import MARK
from assistant.llm import LLMSettings
from assistant.offline import DOCUMENT_TAG


def _doc_id(body: dict) -> str:
    system = body["messages"][0]["content"]
    line = next(x for x in system.splitlines() if x.startswith(DOCUMENT_TAG))
    return json.loads(line[len(DOCUMENT_TAG) :])["doc_id"]


def _tool_results(body: dict) -> list[dict]:
    return [json.loads(m["content"]) for m in body["messages"] if m["role"] == "tool"]


def _call(name: str, args_of):
    return lambda body: {"tool_calls": [{"name": name, "args": args_of(body)}]}


@pytest.fixture
def llm_assistant(sample_corpus):
    def make(script: list) -> tuple[Assistant, FakeOpenAI]:
        fake = FakeOpenAI(script).__enter__()
        settings = LLMSettings(model="fake-model", base_url=fake.base_url, api_key="test", timeout=10)
        return Assistant(sample_corpus, settings), fake

    servers: list[FakeOpenAI] = []

    def tracked(script):
        bot, fake = make(script)
        servers.append(fake)
        return bot

    yield tracked
    for fake in servers:
        fake.__exit__(None, None, None)


def test_llm_answers_through_the_same_tools_with_sources(llm_assistant):
    def final(body: dict) -> dict:
        amounts = _tool_results(body)[-1]
        value = amounts["measures"][0]["value"]
        return {"content": f"{value}万元（预算04表·{amounts['entity']['name']}）"}

    bot = llm_assistant(
        [
            _call("resolve", lambda b: {"doc": _doc_id(b), "text": "防疫热线"}),
            _call(
                "amounts",
                lambda b: {
                    "doc": _doc_id(b),
                    "kind": "project",
                    "key": _tool_results(b)[-1]["mentions"][0]["candidates"][0]["key"],
                },
            ),
            final,
        ]
    )
    answer = bot.ask("防疫热线花了多少？")
    assert answer.backend == "llm"
    assert (answer.value, answer.unit) == ("128.00", "万元")
    assert [t.tool for t in answer.trace] == ["resolve", "amounts"]
    assert any(s.table == "04" and s.label.endswith("防疫核酸检测预约热线服务费") for s in answer.sources)
    assert answer.flags == []


def test_number_guard_removes_a_figure_no_tool_produced(llm_assistant):
    bot = llm_assistant(
        [
            _call("resolve", lambda b: {"doc": _doc_id(b), "text": "防疫热线"}),
            {"content": "大约999万元，比去年多了12.5%。"},
        ]
    )
    answer = bot.ask("防疫热线花了多少？")
    assert "999" not in answer.answer and "12.5" not in answer.answer
    assert answer.answer.count(MARK) == 2
    assert len(answer.flags) == 2
    assert answer.value is None


def test_llm_refusal_is_marked_refused_without_a_value(llm_assistant):
    bot = llm_assistant(
        [
            _call("resolve", lambda b: {"doc": _doc_id(b), "text": "智慧路灯"}),
            {"content": "文档中没有这项信息。"},
        ]
    )
    answer = bot.ask("智慧路灯改造项目的预算是多少？")
    assert answer.refused and answer.value is None


def test_tool_errors_reach_the_model_as_json(llm_assistant):
    bot = llm_assistant(
        [
            _call("calculate", lambda b: {"expression": "1/0"}),
            {"content": "无法计算。"},
        ]
    )
    answer = bot.ask("1除以0是多少？")
    assert "error" in answer.trace[0].result
    assert "除数为零" in answer.trace[0].result["error"]
