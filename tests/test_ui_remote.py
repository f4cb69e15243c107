"""The chat page's remote backend speaks to the API exactly as the in-process one answers."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from assistant.api import Settings, create_app
from ui.backend import RemoteBackend, UploadRefused


@pytest.fixture(scope="module")
def remote(sample_corpus):
    backend = RemoteBackend("http://testserver")
    backend.http = TestClient(create_app(sample_corpus, Settings(token="staff-secret")))
    return backend


def test_remote_steps_end_with_the_answer(remote):
    steps = list(remote.steps("防疫热线花了多少？", [], None))
    kinds = [kind for kind, _ in steps]
    assert kinds[0] == "step" and kinds[-1] == "answer"
    answer = steps[-1][1]
    assert (answer.value, answer.unit) == ("128.00", "万元")


def test_remote_reads_documents_checks_and_tables(remote, sample_doc_id):
    assert [d["doc_id"] for d in remote.documents()] == [sample_doc_id]
    assert {c["status"] for c in remote.checks(sample_doc_id)} <= {"pass", "rounding", "fail"}
    assert "04" in remote.table_numbers(sample_doc_id)
    assert remote.table(sample_doc_id, "04")["rows"]
    assert remote.table(sample_doc_id, "99") is None


def test_remote_upload_with_a_wrong_token_is_refused(remote):
    with pytest.raises(UploadRefused, match="wrong token"):
        remote.upload("x.txt", b"hello", "nope")


def test_remote_rejected_question_is_a_clear_error(remote):
    with pytest.raises(ValueError, match="limit"):
        list(remote.steps("问" * 600, [], None))


def test_remote_answer_keeps_the_interpretation(remote, monkeypatch):
    bot = remote.http.app.state.service.bot
    steps = bot.steps

    def interpreted(question, history=None, doc=None):
        for kind, payload in steps(question, history, doc):
            if kind == "answer":
                payload = payload.model_copy(update={"interpretation": "按 项目“防疫热线” 取预算数"})
            yield kind, payload

    monkeypatch.setattr(bot, "steps", interpreted)
    answer = list(remote.steps("防疫热线花了多少？", [], None))[-1][1]
    assert answer.interpretation == "按 项目“防疫热线” 取预算数"
