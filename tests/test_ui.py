"""The chat page under Streamlit's AppTest, in-process over the ingested sample."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "ui" / "app.py")
VARIANT = Path(__file__).resolve().parent.parent / "evals" / "suites" / "docs" / "variant_12.txt"


@pytest.fixture
def page(sample_corpus, monkeypatch):
    monkeypatch.setenv("BUDGETQA_DATA_DIR", str(sample_corpus.root))
    monkeypatch.delenv("BUDGETQA_API_URL", raising=False)
    monkeypatch.delenv("BUDGETQA_API_TOKEN", raising=False)
    import streamlit as st

    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception
    return at


def _ask(at: AppTest, question: str) -> AppTest:
    at.chat_input[0].set_value(question).run()
    assert not at.exception
    return at


def _texts(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_the_figure_and_its_basis_are_shown(page):
    _ask(page, "防疫热线花了多少？")
    assert "128.00万元" in _texts(page)
    assert any(e.label.startswith("依据") for e in page.expander)


INTERPRETATION = "按 预算04表 名称含“热线”的项目 取金额"


@pytest.fixture
def interpretation(monkeypatch):
    """The assistant answers as before, with the given interpretation attached (None: without one)."""
    from assistant.agent import Assistant

    steps = Assistant.steps
    attached = {"text": INTERPRETATION}

    def interpreted(self, question, history=None, doc=None):
        for kind, payload in steps(self, question, history, doc):
            if kind == "answer":
                payload = payload.model_copy(update={"interpretation": attached["text"]})
            yield kind, payload

    monkeypatch.setattr(Assistant, "steps", interpreted)
    return attached


def _captions(at: AppTest) -> list[str]:
    return [c.value for c in at.caption]


def test_the_interpretation_is_shown_under_the_answer(page, interpretation):
    _ask(page, "防疫热线花了多少？")
    assert f"理解为：{INTERPRETATION}" in _captions(page)
    interpretation["text"] = "按 项目“互联网出口租用服务” 取金额"
    _ask(page, "那互联网出口租用服务呢？")  # earlier answers keep theirs when the page is redrawn
    assert [c for c in _captions(page) if c.startswith("理解为：")] == [
        f"理解为：{INTERPRETATION}",
        "理解为：按 项目“互联网出口租用服务” 取金额",
    ]


def test_no_interpretation_line_without_one(page, interpretation):
    interpretation["text"] = None
    _ask(page, "防疫热线花了多少？")
    assert "128.00万元" in _texts(page)
    assert not [c for c in _captions(page) if "理解为" in c]


def test_a_follow_up_uses_the_conversation(page):
    _ask(page, "防疫热线花了多少？")
    _ask(page, "那互联网出口租用服务呢？")
    assert "284.60万元" in _texts(page)


def test_a_question_the_document_cannot_answer_is_refused_kindly(page):
    _ask(page, "东城区智慧路灯改造项目的预算是多少？")
    assert any("文档中没有这项信息" in w.value for w in page.warning)


def test_an_ambiguous_name_offers_choices(page):
    _ask(page, "电子政务项目多少钱？")
    assert page.info and "哪一个" in page.info[0].value
    choices = [b for b in page.button if b.key and b.key.startswith("cand-")]
    assert len(choices) >= 2
    choices[0].click().run()
    assert "万元" in _texts(page)


def test_a_ranking_is_drawn_as_a_bar_chart(page):
    _ask(page, "预算排名前五的项目是哪些？")
    assert len(page.get("vega_lite_chart")) == 1


def test_example_questions_can_be_clicked(page):
    example = next(b for b in page.button if b.key == "example-0")
    example.click().run()
    assert not page.exception
    assert "万元" in _texts(page)


def test_feedback_is_saved(page, sample_corpus):
    from ui.feedback import FeedbackStore

    before = len(FeedbackStore(sample_corpus.root / "feedback.sqlite").all())
    _ask(page, "防疫热线花了多少？")
    page.text_input(key="comment-1").set_value("清楚").run()
    page.feedback[0].set_value(1).run()
    rows = FeedbackStore(sample_corpus.root / "feedback.sqlite").all()
    assert len(rows) == before + 1
    assert rows[-1]["rating"] == 1 and rows[-1]["comment"] == "清楚"
    assert rows[-1]["answer"]["value"] == "128.00"


def test_staff_view_shows_reconciliation_and_tables(page):
    assert any("通过" in m.value and "尾差" in m.value for m in page.markdown)
    page.selectbox(key="table-pick").set_value("04").run()
    assert any("项目名称" in str(d.value.columns.tolist()) for d in page.dataframe)
    page.text_input(key="table-filter").set_value("热线").run()
    assert not page.exception


def test_upload_without_a_configured_token_is_refused(page):
    page.file_uploader(key="upload").upload("variant_12.txt", VARIANT.read_bytes(), "text/plain").run()
    page.button(key="ingest").click().run()
    assert any("BUDGETQA_API_TOKEN" in e.value for e in page.error)


def test_upload_with_the_staff_token_ingests_the_document(sample_corpus, tmp_path, monkeypatch):
    import shutil

    import streamlit as st

    root = tmp_path / "corpus"
    shutil.copytree(sample_corpus.root, root)
    monkeypatch.setenv("BUDGETQA_DATA_DIR", str(root))
    monkeypatch.setenv("BUDGETQA_API_TOKEN", "staff-secret")
    monkeypatch.delenv("BUDGETQA_API_URL", raising=False)
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    at.file_uploader(key="upload").upload("variant_12.txt", VARIANT.read_bytes(), "text/plain").run()
    at.text_input(key="staff-token").set_value("wrong").run()
    at.button(key="ingest").click().run()
    assert any("令牌不正确" in e.value for e in at.error)
    at.text_input(key="staff-token").set_value("staff-secret").run()
    at.button(key="ingest").click().run()
    assert not at.exception
    assert any("已导入" in s.value for s in at.success)
    st.cache_resource.clear()
