"""Pictures drawn from an answer's own data: bars for lists, a donut for a share, before/after for a change.

One function reads the ``Answer`` (its items, unit, formula and trace) and returns an
Altair chart or ``None``; no question has a chart of its own.
"""

from __future__ import annotations

from decimal import Decimal

import altair as alt
import pandas as pd

from assistant.contract import Answer

MAX_BARS = 15


def chart_for(answer: Answer) -> alt.Chart | None:
    if answer.refused or answer.candidates:
        return None
    if answer.unit == "%" and answer.value is not None and "÷" in answer.answer:
        return _donut(answer)
    change = next((t.result for t in answer.trace if t.tool == "change" and isinstance(t.result, dict)), None)
    if change and change.get("previous") and change.get("amount"):
        return _before_after(change)
    money = [i for i in answer.items if i.value is not None and i.unit in ("万元", "元")]
    if len(money) >= 2:
        return _bars(money[:MAX_BARS], ordered=any(i.rank for i in money))
    return None


def _bars(items: list, ordered: bool) -> alt.Chart:
    frame = pd.DataFrame(
        {
            "名称": [i.name for i in items],
            "金额": [float(Decimal(i.value)) for i in items],
            "单位": [i.unit for i in items],
        }
    )
    sort = None if ordered else "-x"
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("金额:Q", title=f"金额（{items[0].unit}）"),
            y=alt.Y("名称:N", sort=sort, title=None),
            tooltip=["名称", "金额", "单位"],
        )
        .properties(height=min(36 * len(items) + 20, 520))
    )


def _donut(answer: Answer) -> alt.Chart:
    share = float(Decimal(answer.value or "0"))
    frame = pd.DataFrame({"部分": ["所问部分", "其余"], "占比": [share, max(0.0, 100 - share)]})
    return (
        alt.Chart(frame)
        .mark_arc(innerRadius=60)
        .encode(
            theta="占比:Q",
            color=alt.Color("部分:N", scale=alt.Scale(range=["#d62728", "#dddddd"])),
            tooltip=["部分", "占比"],
        )
        .properties(height=240)
    )


def _before_after(change: dict) -> alt.Chart:
    year = change.get("year") or 0
    frame = pd.DataFrame(
        {
            "年度": [f"{year - 1}年", f"{year}年"],
            "金额": [float(Decimal(change["previous"])), float(Decimal(change["amount"]))],
        }
    )
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("年度:N", title=None),
            y=alt.Y("金额:Q", title=f"{change.get('subject', '')}（{change.get('unit', '')}）"),
            tooltip=["年度", "金额"],
        )
        .properties(height=240)
    )
