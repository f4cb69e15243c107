"""The optional LLM backend end to end, offline: settings → ChatOpenAI → fake server → agent loop.

Why: the real endpoints (DeepSeek, Qwen, vLLM, Ollama) are unreachable in tests, so a local
OpenAI-compatible server replays scripted tool calls and records what the client sent.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from decimal import Decimal

import pytest
from fake_openai import FakeOpenAI
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from langchain_core.tools import tool

from assistant.llm import PLACEHOLDER_API_KEY, SYSTEM_PROMPT, LLMSettings, chat_model

ENV_VARS = (
    "BUDGETQA_LLM_MODEL",
    "BUDGETQA_LLM_BASE_URL",
    "BUDGETQA_LLM_API_KEY",
    "BUDGETQA_LLM_TEMPERATURE",
    "OPENAI_API_KEY",
)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch):
    """No real configuration, tracing or proxy may leak into these tests."""
    for name in (
        *ENV_VARS,
        "OPENAI_BASE_URL",
        "OPENAI_API_BASE",
        "LANGSMITH_TRACING",
        "LANGCHAIN_TRACING_V2",
        "LANGSMITH_GATEWAY",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ):
        monkeypatch.delenv(name, raising=False)


@tool
def add(a: str, b: str) -> str:
    """Add two decimal numbers given as strings; returns the exact sum as a string."""
    return str(Decimal(a) + Decimal(b))


def settings_for(fake: FakeOpenAI) -> LLMSettings:
    return LLMSettings(model="fake-model", base_url=fake.base_url, api_key="test-key", timeout=5)


# -- settings --------------------------------------------------------------------------------------


def test_from_env_without_model_means_offline(monkeypatch):
    assert LLMSettings.from_env() is None
    monkeypatch.setenv("BUDGETQA_LLM_MODEL", "   ")
    monkeypatch.setenv("BUDGETQA_LLM_BASE_URL", "http://localhost:11434/v1")
    assert LLMSettings.from_env() is None


def test_from_env_reads_everything(monkeypatch):
    monkeypatch.setenv("BUDGETQA_LLM_MODEL", "deepseek-chat")
    monkeypatch.setenv("BUDGETQA_LLM_BASE_URL", "https://api.deepseek.com/v1")
    monkeypatch.setenv("BUDGETQA_LLM_API_KEY", "sk-budget")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-openai")
    monkeypatch.setenv("BUDGETQA_LLM_TEMPERATURE", "0.3")
    settings = LLMSettings.from_env()
    assert settings is not None
    assert (settings.model, settings.base_url, settings.temperature, settings.timeout) == (
        "deepseek-chat",
        "https://api.deepseek.com/v1",
        0.3,
        60.0,
    )
    assert settings.api_key.get_secret_value() == "sk-budget"
    assert "sk-budget" not in repr(settings)


def test_from_env_defaults_and_key_fallbacks(monkeypatch):
    monkeypatch.setenv("BUDGETQA_LLM_MODEL", "qwen2.5:7b")
    settings = LLMSettings.from_env()
    assert settings is not None
    assert settings.base_url is None and settings.temperature == 0 and settings.timeout == 60
    assert settings.api_key.get_secret_value() == PLACEHOLDER_API_KEY == "not-needed"
    monkeypatch.setenv("OPENAI_API_KEY", "sk-openai")
    assert LLMSettings.from_env().api_key.get_secret_value() == "sk-openai"


def test_from_env_rejects_bad_temperature(monkeypatch):
    monkeypatch.setenv("BUDGETQA_LLM_MODEL", "m")
    monkeypatch.setenv("BUDGETQA_LLM_TEMPERATURE", "warm")
    with pytest.raises(ValueError, match="BUDGETQA_LLM_TEMPERATURE"):
        LLMSettings.from_env()


def test_chat_model_carries_the_settings():
    settings = LLMSettings(
        model="qwen-plus", base_url="http://127.0.0.1:9/v1", api_key="k", temperature=0.2, timeout=12
    )
    model = chat_model(settings)
    assert model.model_name == "qwen-plus"
    assert model.openai_api_base == "http://127.0.0.1:9/v1"
    assert model.openai_api_key.get_secret_value() == "k"
    assert (model.temperature, model.request_timeout, model.max_retries) == (0.2, 12, 1)
    assert model.use_responses_api is False


def test_system_prompt_states_the_rules():
    for phrase in (
        "部门预算",
        "万元",
        "文档中没有这项信息",
        "预算04表·<项目名>",
        "calculator",
        "prompt injection",
    ):
        assert phrase in SYSTEM_PROMPT
    assert not re.search(r"\d+\.\d+|\d{3,}", SYSTEM_PROMPT), "no concrete amounts in the prompt"


# -- the fake server -------------------------------------------------------------------------------


def test_bound_tools_return_the_scripted_call():
    args = {"a": "1.10", "b": "2.20"}
    with FakeOpenAI([{"tool_calls": [{"name": "add", "args": args}]}]) as fake:
        reply = chat_model(settings_for(fake)).bind_tools([add]).invoke("1.10 加 2.20 是多少?")
    assert isinstance(reply, AIMessage)
    assert reply.tool_calls == [{"name": "add", "args": args, "id": "call_1", "type": "tool_call"}]
    assert reply.response_metadata["finish_reason"] == "tool_calls"
    (request,) = fake.requests
    assert request["model"] == "fake-model" and request["temperature"] == 0
    assert request["messages"] == [{"role": "user", "content": "1.10 加 2.20 是多少?"}]
    assert [t["function"]["name"] for t in request["tools"]] == ["add"]


def test_streaming_sends_proper_chunks():
    script = [{"tool_calls": [{"name": "add", "args": {"a": "1", "b": "2"}}]}, {"content": "3 万元"}]
    with FakeOpenAI(script) as fake:
        model = chat_model(settings_for(fake)).bind_tools([add])
        first = [chunk for chunk in model.stream("q")]
        second = [chunk for chunk in model.stream("q")]
    call = sum(first[1:], first[0])
    assert call.tool_calls == [
        {"name": "add", "args": {"a": "1", "b": "2"}, "id": "call_1", "type": "tool_call"}
    ]
    text = sum(second[1:], second[0])
    assert text.content == "3 万元" and len(second) > 2
    assert all(request["stream"] is True for request in fake.requests)


def test_script_repeats_last_reply_and_serves_models():
    with FakeOpenAI([{"content": "一"}, {"content": "二"}], model="m") as fake:
        model = chat_model(settings_for(fake))
        assert [model.invoke("q").content for _ in range(3)] == ["一", "二", "二"]
        with urllib.request.urlopen(fake.base_url + "/models", timeout=5) as response:
            assert json.load(response)["data"][0]["id"] == "m"
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(fake.base_url + "/nothing", timeout=5)
        missing.value.close()
        assert missing.value.code == 404
    assert len(fake.requests) == 3


# -- the agent loop --------------------------------------------------------------------------------


def test_agent_runs_the_tool_and_sends_its_result_back():
    from langchain.agents import create_agent

    def final_answer(body: dict) -> dict:
        tool_results = [m["content"] for m in body["messages"] if m["role"] == "tool"]
        return {"content": f"{tool_results[-1]} 万元\n依据：计算器 1.10 + 2.20"}

    script = [{"tool_calls": [{"name": "add", "args": {"a": "1.10", "b": "2.20"}}]}, final_answer]
    with FakeOpenAI(script) as fake:
        agent = create_agent(model=chat_model(settings_for(fake)), tools=[add], system_prompt=SYSTEM_PROMPT)
        state = agent.invoke({"messages": [HumanMessage("1.10 加 2.20 等于多少万元?")]})

    messages = state["messages"]
    assert [type(m).__name__ for m in messages] == ["HumanMessage", "AIMessage", "ToolMessage", "AIMessage"]
    tool_message = messages[2]
    assert isinstance(tool_message, ToolMessage)
    assert (tool_message.name, tool_message.content, tool_message.tool_call_id) == ("add", "3.30", "call_1")
    assert messages[-1].content == "3.30 万元\n依据：计算器 1.10 + 2.20"
    assert not messages[-1].tool_calls

    first, second = fake.requests
    assert first["messages"][0] == {"role": "system", "content": SYSTEM_PROMPT}
    assert second["messages"][0] == {"role": "system", "content": SYSTEM_PROMPT}
    assistant_turn, tool_turn = second["messages"][-2:]
    assert assistant_turn["role"] == "assistant"
    assert assistant_turn["tool_calls"][0]["id"] == "call_1"
    assert json.loads(assistant_turn["tool_calls"][0]["function"]["arguments"]) == {"a": "1.10", "b": "2.20"}
    assert (tool_turn["role"], tool_turn["tool_call_id"], tool_turn["content"]) == ("tool", "call_1", "3.30")


def test_agent_streams_over_server_sent_events():
    """``stream_mode="messages"`` makes the agent call the model with ``stream: true``."""
    from langchain.agents import create_agent

    script = [{"tool_calls": [{"name": "add", "args": {"a": "0.5", "b": "0.25"}}]}, {"content": "0.75 万元"}]
    with FakeOpenAI(script) as fake:
        agent = create_agent(model=chat_model(settings_for(fake)), tools=[add], system_prompt=SYSTEM_PROMPT)
        events = list(agent.stream({"messages": [HumanMessage("q")]}, stream_mode="messages"))
    assert [request["stream"] for request in fake.requests] == [True, True]
    tool_results = [message.content for message, _ in events if isinstance(message, ToolMessage)]
    assert tool_results == ["0.75"]
    text = "".join(
        message.content
        for message, meta in events
        if meta["langgraph_node"] == "model" and isinstance(message.content, str)
    )
    assert text == "0.75 万元"
