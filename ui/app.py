"""The chat page: ask in Chinese, get the figure, its basis and a picture; staff check the rows behind it.

Run with ``streamlit run ui/app.py`` (or ``scripts/run.sh``). In-process by default;
set ``BUDGETQA_API_URL`` to use a running ``budgetqa serve``.
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pandas as pd
import streamlit as st

from assistant.contract import Answer, Turn
from ui.backend import UploadRefused, backend_from_env
from ui.charts import chart_for
from ui.feedback import FeedbackStore

st.set_page_config(page_title="部门预算问答 · budgetqa", page_icon="📊", layout="wide")


@st.cache_resource
def backend():
    return backend_from_env()


@st.cache_resource
def feedback() -> FeedbackStore:
    root = Path(os.environ.get("BUDGETQA_DATA_DIR") or "var")
    return FeedbackStore(root / "feedback.sqlite")


state = st.session_state
state.setdefault("messages", [])
state.setdefault("pending", None)
state.setdefault("rated", {})


def examples(docs: list[dict]) -> list[str]:
    """Starting questions built from what the loaded document holds, never fixed text."""
    out = [
        "哪个项目的预算最多？",
        "预算排名前五的项目是哪些？",
        "项目支出占总支出的百分之几？",
        "“三公”经费比上年变化了多少？",
    ]
    if docs:
        doc = state.get("doc") or docs[0]["doc_id"]
        table = backend().table(doc, "04")
        rows = [r for r in (table or {}).get("rows", []) if not r["is_total"] and r["cells"].get("项目名称")]
        if rows:
            out.insert(0, f"{rows[0]['cells']['项目名称']}的预算是多少？")
    return out


def ask(question: str) -> None:
    history = [Turn(role=m["role"], content=m["content"]) for m in state.messages]
    state.messages.append({"role": "user", "content": question})
    with st.chat_message("user"):
        st.write(question)
    with st.chat_message("assistant"):
        answer = None
        try:
            with st.status("查询中…", expanded=False) as status:
                for kind, payload in backend().steps(question, history, state.get("doc")):
                    if kind == "answer":
                        answer = payload
                    elif kind in ("call", "step"):
                        tool = payload.tool if hasattr(payload, "tool") else payload.get("tool")
                        status.write(f"调用工具 `{tool}`")
                status.update(label="完成", state="complete")
        except ValueError as exc:
            st.error(str(exc))
            state.messages.pop()
            return
        state.messages.append(
            {
                "role": "assistant",
                "content": answer.answer,
                "answer": answer.model_dump(mode="json"),
                "question": question,
            }
        )
        show_answer(answer, len(state.messages) - 1)


def show_answer(answer: Answer, key: int) -> None:
    if answer.refused:
        st.warning(answer.answer)
        st.caption("可以换个问法，例如问某个项目、单位或科目的预算，或查看左侧的示例问题。")
    elif answer.candidates:
        st.info(answer.answer)
        cols = st.columns(min(len(answer.candidates), 4))
        for i, c in enumerate(answer.candidates):
            if cols[i % len(cols)].button(c.name, key=f"cand-{key}-{i}"):
                question = next((m["question"] for m in state.messages[key : key + 1] if "question" in m), "")
                state.pending = question if c.kind == "document" else f"{c.name}是多少？"
                if c.kind == "document":
                    state.doc = c.key
                st.rerun()
    else:
        if answer.value is not None:
            figure = f"{answer.operator or ''}{answer.value}{answer.unit or ''}"
            st.markdown(f"<div class='figure'>{figure}</div>", unsafe_allow_html=True)
        st.write(answer.answer)
    if answer.interpretation:
        st.caption(f"理解为：{_plain(answer.interpretation)}")
    if answer.formula:
        st.caption("算式")
        st.code(answer.formula, language=None)
    chart = chart_for(answer)
    if chart is not None:
        st.altair_chart(chart, width="stretch")
    if answer.sources:
        with st.expander(f"依据（{len(answer.sources)}处）"):
            show_sources(answer)
    rating = st.feedback("thumbs", key=f"fb-{key}")
    comment = st.text_input(
        "补充意见（可选）", key=f"comment-{key}", label_visibility="collapsed", placeholder="补充意见（可选）"
    )
    if rating is not None and state.rated.get(key) != (rating, comment):
        feedback().record(
            answer.question,
            answer.model_dump(mode="json"),
            rating,
            comment,
            {"mode": backend().mode, "backend": answer.backend, "document": answer.document},
        )
        state.rated[key] = (rating, comment)
        st.toast("感谢反馈！")


def _plain(text: str) -> str:
    """Text shown as itself in Streamlit's markdown: no emphasis, links or formulas."""
    return "".join(f"\\{c}" if c in "\\*_`$~[]<>#|" else c for c in text)


def show_sources(answer: Answer) -> None:
    rows = []
    for s in answer.sources:
        if s.kind == "table" and s.table and s.row is not None:
            table = backend().table(s.document, s.table) or {"rows": []}
            row = next((r for r in table["rows"] if r["row"] == s.row), None)
            cells = {} if row is None else row["cells"] | {k: str(v) for k, v in row["amounts"].items()}
            rows.append(
                {
                    "表": f"预算{s.table}表",
                    "行": s.row,
                    "来源行号": f"{s.lines[0]}–{s.lines[1]}" if s.lines else "",
                }
                | cells
            )
        else:
            st.markdown(f"**{s.label}**" + (f"（第{s.lines[0]}–{s.lines[1]}行）" if s.lines else ""))
            if s.text:
                st.markdown(f"> {s.text}")
    if rows:
        st.dataframe(
            pd.DataFrame(rows).fillna(""),
            hide_index=True,
            width="stretch",
            height=min(36 * (len(rows) + 1) + 4, 400),
        )


def staff_view(docs: list[dict]) -> None:
    st.subheader("工作人员")
    last = next((m["answer"] for m in reversed(state.messages) if m.get("answer")), None)
    with st.expander("上一个回答的工具调用"):
        if last:
            st.json(last["trace"], expanded=False)
        else:
            st.caption("还没有回答。")
    if docs:
        doc = state.get("doc") or docs[0]["doc_id"]
        with st.expander("勾稽核对（失败在前）"):
            order = {"fail": 0, "rounding": 1, "pass": 2}
            checks = sorted(backend().checks(doc), key=lambda c: order.get(c["status"], 3))
            counts = {s: sum(1 for c in checks if c["status"] == s) for s in order}
            st.write(f"通过 {counts['pass']} · 尾差 {counts['rounding']} · 不符 {counts['fail']}")
            st.dataframe(
                pd.DataFrame(
                    [
                        {k: str(c[k]) for k in ("status", "name", "expected", "actual", "difference")}
                        for c in checks
                    ]
                ),
                hide_index=True,
            )
        with st.expander("表格浏览"):
            numbers = backend().table_numbers(doc)
            number = st.selectbox("表", numbers, format_func=lambda n: f"预算{n}表", key="table-pick")
            table = backend().table(doc, number) if number else None
            if table:
                frame = pd.DataFrame(
                    [r["cells"] | {k: str(v) for k, v in r["amounts"].items()} for r in table["rows"]]
                )
                needle = st.text_input("筛选", key="table-filter")
                if needle:
                    frame = frame[frame.apply(lambda r: needle in " ".join(map(str, r.values)), axis=1)]
                st.caption(table["title"])
                st.dataframe(frame.fillna(""), hide_index=True)
                buffer = io.StringIO()
                frame.to_csv(buffer, index=False, quoting=csv.QUOTE_MINIMAL)
                st.download_button(
                    "下载 CSV", buffer.getvalue().encode("utf-8-sig"), f"预算{number}表.csv", "text/csv"
                )
    with st.expander("上传新文档"):
        token = st.text_input("工作人员令牌", type="password", key="staff-token")
        upload = st.file_uploader("预算文件（.txt / .pdf）", type=["txt", "pdf"], key="upload")
        if upload is not None and st.button("导入", key="ingest"):
            bar = st.progress(0.0, text="解析中…")

            def progress(stage: str, done: int, total: int) -> None:
                bar.progress(min(done / max(total, 1), 1.0), text=stage)

            try:
                result = backend().upload(upload.name, upload.getvalue(), token, progress)
            except UploadRefused as exc:
                st.error(str(exc))
            else:
                st.success(
                    f"已导入 {result.get('department', '')}{result.get('year') or ''} → {result['doc_id']}"
                )
                if result.get("checks"):
                    st.write(f"勾稽核对：{json.dumps(result['checks'], ensure_ascii=False)}")
    with st.expander("用户反馈"):
        rows = feedback().all()
        st.write(f"共 {len(rows)} 条")
        if rows:
            st.dataframe(
                pd.DataFrame(
                    [
                        {
                            "时间": r["at"],
                            "问题": r["question"],
                            "评价": "👍" if r["rating"] else "👎",
                            "意见": r["comment"],
                        }
                        for r in rows
                    ]
                ),
                hide_index=True,
            )
            st.download_button("导出 JSONL", feedback().export_jsonl(), "feedback.jsonl", "application/jsonl")


def main() -> None:
    st.markdown(
        "<style>.figure{font-size:2.2rem;font-weight:700;color:#c0392b;margin:.2rem 0}</style>",
        unsafe_allow_html=True,
    )
    docs = backend().documents()
    with st.sidebar:
        st.title("部门预算问答")
        if len(docs) > 1:
            labels = {None: "自动（按问题判断）"} | {
                d["doc_id"]: f"{d['department']} {d['year']}年" for d in docs
            }
            state.doc = st.selectbox("文档", list(labels), format_func=lambda k: labels[k], key="doc-pick")
        elif docs:
            st.caption(f"{docs[0]['department']} {docs[0]['year']}年")
        with st.expander("能问什么？"):
            st.markdown(
                "- 某个项目、单位、科目的预算：*…花了多少？*\n"
                "- 合计、差额、占比：*…加起来多少？占…的百分之几？*\n"
                "- 排名：*哪个项目最多？前三？*\n- 与上年相比：*比去年少了多少，为什么？*\n"
                "- 绩效指标：*…的接通率要求多少？*\n- 追问：*那…呢？其中…是多少？*"
            )
        st.caption("示例问题")
        for i, example in enumerate(examples(docs)):
            if st.button(example, key=f"example-{i}", width="stretch"):
                state.pending = example
        if st.button("新对话", key="new-chat"):
            state.messages = []
        st.divider()
        staff_view(docs)
    st.header("部门预算问答")
    if not docs:
        st.info("还没有载入预算文档。运行 `budgetqa ingest data/samples/` 或在左侧上传。")
    for i, m in enumerate(state.messages):
        with st.chat_message(m["role"]):
            if m.get("answer"):
                show_answer(Answer.model_validate(m["answer"]), i)
            else:
                st.write(m["content"])
    prompt = st.chat_input("问一个预算问题，例如：某个项目花了多少？")
    if state.pending and not prompt:
        prompt, state.pending = state.pending, None
    if prompt:
        ask(prompt)


main()
