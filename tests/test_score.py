"""The scorer follows the benchmark README's "correct when" rules, shape by shape.

A wrong verdict here would make every evaluation number meaningless, so each rule has
an example that passes and one that must fail.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from assistant.contract import Answer, Candidate, Item
from evals.score import (
    OUTCOMES,
    TYPES,
    Score,
    SuiteError,
    asks_back,
    load_suite,
    outcome,
    score,
    validate_question,
)

ROOT = Path(__file__).resolve().parent.parent
SUITE = ROOT / "evals" / "suites" / "sample-colloquial.jsonl"
SEED = Path("/work/shared/benchmarks/seed-public.jsonl")


def q(
    answer: dict, accept: list | None = None, kind: str = "lookup", question: str = "多少？", **extra
) -> dict:
    return {
        "id": "t-1",
        "doc": "000_3d71c1f270c17ec6.txt",
        "type": kind,
        "question": question,
        "answer": answer,
        "accept": accept or [],
        "evidence": "test",
        "history": [],
        **extra,
    }


def a(text: str = "", **fields) -> Answer:
    return Answer(question="多少？", answer=text, **fields)


HOTLINE = q({"value": "128.00", "unit": "万元"}, [{"value": "1280000", "unit": "元"}])


# -- value / unit ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "answer",
    [
        a("防疫热线128万元。", value="128", unit="万元"),
        a("", value="128.0", unit="万元"),
        a("", value="1280000", unit="元"),
        a("", value="1,280,000.00", unit="元"),
        a("防疫核酸检测预约热线服务费为128.00万元（预算04表）。"),
        a("折合 1,280,000 元。"),
        a("约128 万元"),
        a("共计128万。"),
    ],
)
def test_value_in_the_gold_unit_or_converted_is_correct(answer):
    assert score(HOTLINE, answer).correct


@pytest.mark.parametrize(
    "answer",
    [
        a("", value="128.01", unit="万元"),
        a("", value="128", unit="元"),
        a("防疫热线12.8万元。"),
        a("防疫热线1280万元。"),
        a("预算04表第128行。"),
        a("预算为128.00"),  # no unit
    ],
)
def test_other_numbers_or_units_are_wrong(answer):
    verdict = score(HOTLINE, answer)
    assert not verdict.correct
    assert verdict.reason


def test_decimal_comparison_is_numeric_not_textual():
    gold = q({"value": "20.90", "unit": "万元"}, [{"value": "209000", "unit": "元"}], kind="change")
    assert score(gold, a("", value="20.9", unit="万元")).correct
    assert score(gold, a("比2021年增加20.9万元，增长4.66%。")).correct
    assert score(gold, a("", value="209000.00", unit="元")).correct
    assert not score(gold, a("", value="20.09", unit="万元")).correct


def test_structured_fields_decide_over_the_text():
    wrong = a("热线128万元，线路487.41万元", value="487.41", unit="万元")
    assert not score(HOTLINE, wrong).correct
    assert "487.41" in score(HOTLINE, wrong).reason


def test_thousands_separators_in_text_are_stripped():
    gold = q({"value": "4994.18", "unit": "万元"}, [{"value": "4994.19", "unit": "万元"}])
    assert score(gold, a("项目支出合计4,994.18万元。")).correct
    assert score(gold, a("各行相加为 4,994.19 万元。")).correct
    assert not score(gold, a("项目支出合计4,994.20万元。")).correct


def test_thousands_in_yuan_are_converted():
    gold = q({"value": "30000", "unit": "元"}, [{"value": "3.00", "unit": "万元"}], kind="diff")
    assert score(gold, a("2021年为30,000元。")).correct
    assert score(gold, a("", value="3", unit="万元")).correct
    assert not score(gold, a("", value="3", unit="元")).correct


def test_percentages_round_half_up_to_two_decimals():
    gold = q({"value": "2.56", "unit": "%"}, kind="ratio")
    assert score(gold, a("", value="2.563", unit="%")).correct
    assert score(gold, a("", value="2.555", unit="%")).correct  # half up
    assert not score(gold, a("", value="2.554", unit="%")).correct
    assert score(gold, a("约占2.5630%。")).correct
    assert score(gold, a("约占 2.56 ％。")).correct
    assert score(gold, a("约占百分之2.56。")).correct
    assert not score(gold, a("约占2.57%")).correct
    assert not score(gold, a("", value="2.56", unit="万元")).correct


def test_a_gold_with_fewer_decimals_still_matches():
    gold = q({"value": "5", "unit": "%"}, kind="change")
    assert score(gold, a("下降5%。")).correct
    assert score(gold, a("", value="5.00", unit="%")).correct
    assert score(gold, a("", value="4.996", unit="%")).correct


def test_counts_follow_the_accept_list():
    gold = q({"value": "35", "unit": "个"}, [{"value": "35", "unit": "项"}], kind="count")
    assert score(gold, a("共35个项目。")).correct
    assert score(gold, a("共批复35项。")).correct
    assert score(gold, a("", value="35", unit="项")).correct
    assert not score(gold, a("共35户。")).correct
    assert not score(gold, a("共36个项目。")).correct


def test_a_unit_that_goes_on_is_a_different_unit():
    times = q({"value": "6", "unit": "次", "operator": "="}, kind="indicator")
    assert score(times, a("应急演练次数 ＝ 6 次（预算13表）。")).correct
    assert not score(times, a("应急演练 ＝ 6 次/年。")).correct
    sets = q({"value": "87", "unit": "台", "operator": "="}, kind="indicator")
    assert not score(sets, a("云平台各类服务器 ＝ 87 台（套）。")).correct
    printed = q(
        {"value": "87", "unit": "台（套）", "operator": "="},
        [{"value": "87", "unit": "台"}],
        kind="indicator",
    )
    assert score(printed, a("云平台各类服务器 ＝ 87 台（套）。")).correct
    assert score(printed, a("云平台各类服务器共87台。")).correct


def test_a_dict_answer_is_accepted():
    assert score(HOTLINE, {"answer": "128.00万元", "value": "128.00", "unit": "万元"}).correct
    assert not score(HOTLINE, {"answer": "不知道"}).correct


def test_refusing_an_answerable_question_is_wrong():
    verdict = score(HOTLINE, a("文档中没有这个信息。", refused=True))
    assert not verdict.correct
    assert "refused" in verdict.reason


# -- indicator ------------------------------------------------------------------------------


RATE = q({"value": "90", "unit": "%", "operator": "≥"}, kind="indicator")
LINES = q({"value": "1017", "unit": "条", "operator": "="}, kind="indicator")
HOUR = q({"value": "1", "unit": "小时", "operator": "≤"}, kind="indicator")


@pytest.mark.parametrize(
    "gold, answer",
    [
        (RATE, a("", value="90", unit="%", operator="≥")),
        (RATE, a("", value="90", unit="%", operator=">=")),
        (RATE, a("电话接通率 ≥ 90 %（预算13表）。")),
        (RATE, a("电话接通率≥90%。")),
        (RATE, a("电话接通率不低于90%。")),
        (RATE, a("要求达到90%以上。")),
        (LINES, a("", value="1017", unit="条", operator="＝")),
        (LINES, a("", value="1017", unit="条", operator="==")),
        (LINES, a("", value="1017", unit="条", operator="=")),
        (LINES, a("线路租用 ＝ 1017 条。")),
        (LINES, a("线路租用数量为1017条。")),  # a plain target states equality
        (HOUR, a("", value="1", unit="小时", operator="<=")),
        (HOUR, a("1级故障响应时间 ≤ 1 小时。")),
        (HOUR, a("要求1小时以内响应。")),
        (HOUR, a("响应时间不超过1小时。")),
    ],
)
def test_indicator_operator_forms(gold, answer):
    assert score(gold, answer).correct, score(gold, answer).reason


@pytest.mark.parametrize(
    "gold, answer",
    [
        (RATE, a("", value="90", unit="%", operator="≤")),
        (RATE, a("", value="90", unit="%")),  # no operator anywhere means =
        (RATE, a("电话接通率为90%。")),
        (RATE, a("", value="95", unit="%", operator="≥")),
        (LINES, a("", value="1017", unit="条", operator="≥")),
        (LINES, a("至少1017条。")),
        (LINES, a("", value="1017", unit="个", operator="=")),
        (HOUR, a("响应时间 ≥ 1 小时。")),
    ],
)
def test_indicator_needs_value_unit_and_operator(gold, answer):
    verdict = score(gold, answer)
    assert not verdict.correct
    assert verdict.reason


def test_indicator_operator_in_the_field_wins_over_the_text():
    assert score(RATE, a("电话接通率为90%", value="90", unit="%", operator="≥")).correct


def test_indicator_accept_entry_inherits_the_operator():
    gold = q(
        {"value": "3", "unit": "人数", "operator": "="}, [{"value": "3", "unit": "人"}], kind="indicator"
    )
    assert score(gold, a("话务服务人员 ＝ 3 人。")).correct
    assert not score(gold, a("话务服务人员不少于3人。")).correct


def test_indicator_in_money_converts():
    gold = q({"value": "400", "unit": "元", "operator": "="}, kind="indicator")
    assert score(gold, a("", value="0.04", unit="万元", operator="＝")).correct


# -- text -----------------------------------------------------------------------------------


REASON = q({"must_contain": ["紧日子", "厉行节约", "压缩信息化项目支出经费"]}, kind="text")


def test_text_needs_every_phrase_ignoring_whitespace():
    assert score(REASON, a("原因是贯彻落实过“紧日子”的要求，厉行节约，压缩信息化项目支出经费。")).correct
    assert score(REASON, a("紧 日子；厉行\n节约；压缩信息化项目 支出经费")).correct
    verdict = score(REASON, a("贯彻落实过“紧日子”的要求，厉行节约。"))
    assert not verdict.correct
    assert "压缩信息化项目支出经费" in verdict.reason


def test_text_is_lenient_on_quote_styles_only():
    gold = q({"must_contain": ["压缩“三公”经费"]}, kind="text")
    assert score(gold, a('主要是厉行节约，压缩"三公"经费。')).correct
    assert score(gold, a("压缩“三公”经费")).correct
    assert not score(gold, a("压缩三公经费")).correct
    assert not score(gold, a("压缩「三公」经费")).correct


# -- rank -----------------------------------------------------------------------------------


TOP3 = q(
    {
        "must_contain": [
            "全区线路租用服务",
            "2020年800M政务网运维费",
            "东城区电子政务专网及机房平台运维服务项目",
        ],
        "ordered": True,
        "values": [
            {"value": "487.41", "unit": "万元"},
            {"value": "451.17", "unit": "万元"},
            {"value": "329.30", "unit": "万元"},
        ],
    },
    kind="rank",
)


def test_ordered_rank_in_order_is_correct_and_reports_values():
    text = (
        "前三名：1. 全区线路租用服务 487.41万元；2. 2020年800M政务网运维费 451.17万元；"
        "3. 东城区电子政务专网及机房平台运维服务项目 329.30万元。"
    )
    verdict = score(TOP3, a(text))
    assert verdict.correct and verdict.values_stated is True


def test_ordered_rank_out_of_order_fails():
    text = "2020年800M政务网运维费、全区线路租用服务、东城区电子政务专网及机房平台运维服务项目"
    verdict = score(TOP3, a(text))
    assert not verdict.correct
    assert "order" in verdict.reason


def test_rank_values_are_reported_not_required():
    text = "全区线路租用服务、2020年800M政务网运维费、东城区电子政务专网及机房平台运维服务项目"
    verdict = score(TOP3, a(text))
    assert verdict.correct and verdict.values_stated is False
    items = [
        Item(name="x", value="4874100", unit="元"),
        Item(name="y", value="451.17", unit="万元"),
        Item(name="z", value="329.3", unit="万元"),
    ]
    assert score(TOP3, a(text, items=items)).values_stated is True


def test_unordered_rank_only_needs_the_names():
    gold = q({"must_contain": ["科技经费", "科普经费"], "values": []}, kind="rank")
    assert score(gold, a("科普经费和科技经费")).correct
    assert not score(gold, a("科普经费")).correct


def test_rank_names_must_be_in_the_text_not_only_in_items():
    verdict = score(TOP3, a("见下表", items=[Item(name=n) for n in TOP3["answer"]["must_contain"]]))
    assert not verdict.correct


# -- refuse ---------------------------------------------------------------------------------


Y2023 = q({"refuse": True}, kind="unanswerable", question="2023年科信局的部门预算总额是多少？")


@pytest.mark.parametrize(
    "answer",
    [
        a("文档中没有2023年的预算数据。", refused=True),
        a("文档中没有2023年的预算数据。"),
        a("本文件未披露该信息。"),
        a("预算04表中没有该项目的相关信息。"),
        a("", refused=True),
        a(
            "文档中没有2023年的数据，已载入的是2022年的预算。", refused=True
        ),  # naming the loaded year gives no figure
    ],
)
def test_refusals_without_numbers_are_correct(answer):
    assert score(Y2023, answer).correct, score(Y2023, answer).reason


@pytest.mark.parametrize(
    "answer",
    [
        a("文档中没有2023年数据，2022年预算为6458.43万元。", refused=True),
        a(
            "文档中没有2023年的数据，但有2022的。", refused=True
        ),  # 2022 is not in the question, nor written as a year
        a("", refused=True, value="6458.43", unit="万元"),
        a("2023年预算为6458.43万元。"),
        a("预算总额不详。"),
    ],
)
def test_refusals_with_a_stray_number_or_no_refusal_fail(answer):
    verdict = score(Y2023, answer)
    assert not verdict.correct
    assert verdict.reason


# -- outcomes: correct, wrong, refused, clarified ---------------------------------------------


HOTLINES = [
    Candidate(name="防疫热线服务", kind="project", key="p1"),
    Candidate(name="防疫热线运维", kind="project", key="p2"),
]
DOCS = [
    Candidate(name="科信局2022年", kind="document", key="d1"),
    Candidate(name="科信局2024年", kind="document", key="d2"),
]


@pytest.mark.parametrize(
    "gold, answer, expected",
    [
        # correct
        (HOTLINE, a("防疫热线128万元。", value="128", unit="万元"), "correct"),
        (Y2023, a("文档中没有2023年的预算数据。", refused=True), "correct"),
        (REASON, a("紧日子，厉行节约，压缩信息化项目支出经费。"), "correct"),
        # wrong: a value or text that is not the gold
        (HOTLINE, a("", value="128.01", unit="万元"), "wrong"),
        (HOTLINE, a("防疫热线12.8万元。"), "wrong"),
        (HOTLINE, a("预算为128.00"), "wrong"),
        (HOTLINE, a("热线服务费的安排比较充足。"), "wrong"),
        (HOTLINE, a("文档中没有这项信息。", refused=True, value="128.01", unit="万元"), "wrong"),
        (
            HOTLINE,
            a(
                "“热线”可能指两个项目，先按第一个：128.01万元？",
                value="128.01",
                unit="万元",
                candidates=HOTLINES,
            ),
            "wrong",
        ),
        (REASON, a("贯彻落实过“紧日子”的要求，厉行节约。"), "wrong"),
        (TOP3, a("全区线路租用服务、2020年800M政务网运维费"), "wrong"),
        # wrong: a number given to an unanswerable question
        (Y2023, a("", value="6458.43", unit="万元"), "wrong"),
        (Y2023, a("2023年预算为6458.43万元。"), "wrong"),
        (Y2023, a("", refused=True, value="6458.43", unit="万元"), "wrong"),
        (Y2023, a("文档中没有2023年数据，2022年预算为6458.43万元。", refused=True), "wrong"),
        (Y2023, a("预算总额不详。"), "wrong"),
        # refused: says the document lacks it, gives no value
        (HOTLINE, a("文档中没有这项信息。", refused=True), "refused"),
        (HOTLINE, a("", refused=True), "refused"),
        (HOTLINE, a("预算04表中没有该项目的相关信息。"), "refused"),
        (REASON, a("文档中没有说明原因。"), "refused"),
        (TOP3, a("文档中没有这项信息。", refused=True), "refused"),
        # clarified: asks back (candidates, or a question in the text), gives no value
        (
            HOTLINE,
            a("“热线”可能指：“防疫热线服务”、“防疫热线运维”。请问您问的是哪一个？", candidates=HOTLINES),
            "clarified",
        ),
        (
            HOTLINE,
            a("已载入多份预算，请指明是哪一份：科信局2022年（d1）、科信局2024年（d2）。", candidates=DOCS),
            "clarified",
        ),
        (HOTLINE, a("", candidates=HOTLINES), "clarified"),
        (HOTLINE, a("您问的是哪个热线项目？"), "clarified"),
        (HOTLINE, a("您问的是哪个热线项目?  "), "clarified"),
        (HOTLINE, a("请问是防疫热线服务还是防疫热线运维"), "clarified"),
        (HOTLINE, a("您是指防疫热线服务吗"), "clarified"),
        (HOTLINE, a("请指明预算年度"), "clarified"),
        (REASON, a("您想了解哪一份预算的说明"), "clarified"),
        (Y2023, a("请问您问的是哪个部门？", candidates=DOCS), "clarified"),
    ],
)
def test_every_verdict_has_an_outcome(gold, answer, expected):
    verdict = score(gold, answer)
    assert verdict.outcome == expected, verdict
    assert verdict.correct is (expected == "correct")
    assert outcome(gold, answer, verdict.correct) == expected


def test_refusal_decides_over_asking_back():
    """The refused flag first, then candidates, then the refusal sentence, then a question in the text."""
    assert score(HOTLINE, a("请问您是指哪一个？", refused=True, candidates=HOTLINES)).outcome == "refused"
    assert (
        score(HOTLINE, a("文档中没有这项信息。请问您是指哪一个？", candidates=HOTLINES)).outcome
        == "clarified"
    )
    assert score(HOTLINE, a("文档中没有这项信息。还有其他问题吗？")).outcome == "refused"


def test_outcome_of_a_dict_answer():
    assert (
        score(
            HOTLINE, {"answer": "您问的是哪一个？", "candidates": [c.model_dump() for c in HOTLINES]}
        ).outcome
        == "clarified"
    )
    assert score(HOTLINE, {"answer": "没有相关数据", "refused": True}).outcome == "refused"
    assert score(HOTLINE, {"answer": "", "value": "1", "unit": "万元"}).outcome == "wrong"


def test_asks_back():
    assert asks_back("哪一个？") and asks_back("which?") and asks_back("您是指A") and asks_back("请问A")
    assert asks_back("请指明是哪一份：A、B。")
    assert not asks_back("防疫热线128万元。") and not asks_back("问题？答案是128万元。")


def test_score_outcome_agrees_with_correct():
    assert OUTCOMES == ("correct", "wrong", "refused", "clarified")
    assert Score(correct=True).outcome == "correct"
    assert Score(correct=False).outcome == "wrong"
    assert Score(correct=False, outcome="clarified").outcome == "clarified"
    with pytest.raises(ValidationError):
        Score(correct=True, outcome="wrong")
    with pytest.raises(ValidationError):
        Score(correct=False, outcome="correct")
    with pytest.raises(ValidationError):
        Score(correct=False, outcome="unsure")


# -- suites ---------------------------------------------------------------------------------


def write(tmp_path: Path, lines: list) -> Path:
    path = tmp_path / "suite.jsonl"
    path.write_text(
        "\n".join(x if isinstance(x, str) else json.dumps(x, ensure_ascii=False) for x in lines) + "\n",
        encoding="utf-8",
    )
    return path


def test_load_suite_reads_valid_lines(tmp_path):
    path = write(tmp_path, [HOTLINE, "", {**RATE, "id": "t-2"}])
    assert [x["id"] for x in load_suite(path)] == ["t-1", "t-2"]


@pytest.mark.parametrize(
    "broken, message",
    [
        ({k: v for k, v in HOTLINE.items() if k != "evidence"}, "evidence"),
        ({**HOTLINE, "type": "guess"}, "unknown type"),
        ({**HOTLINE, "answer": {"value": "1,280", "unit": "万元"}}, "plain decimal"),
        ({**HOTLINE, "answer": {"value": "abc", "unit": "万元"}}, "plain decimal"),
        ({**RATE, "answer": {"value": "90", "unit": "%", "operator": "≈"}}, "operator"),
        ({**HOTLINE, "type": "multi_turn"}, "history"),
        ({**HOTLINE, "history": [{"role": "bot", "content": "x"}]}, "history[0]"),
        ({**HOTLINE, "type": "unanswerable"}, "cannot have"),
        ({**REASON, "accept": [{"value": "1", "unit": "个"}]}, "accept"),
        (
            {**TOP3, "answer": {**TOP3["answer"], "values": [{"value": "1", "unit": "万元"}]}},
            "one amount per item",
        ),
    ],
)
def test_load_suite_names_the_line_and_the_problem(tmp_path, broken, message):
    path = write(tmp_path, [{**HOTLINE, "id": "ok"}, broken])
    with pytest.raises(SuiteError) as info:
        load_suite(path)
    assert f"{path}:2" in str(info.value)
    assert message in str(info.value)


def test_load_suite_rejects_bad_json_and_duplicate_ids(tmp_path):
    with pytest.raises(SuiteError, match=":1: not valid JSON"):
        load_suite(write(tmp_path, ["{not json"]))
    with pytest.raises(SuiteError, match="duplicate id"):
        load_suite(write(tmp_path, [HOTLINE, HOTLINE]))


def test_validate_question_accepts_every_shape():
    for question in (HOTLINE, RATE, REASON, TOP3, Y2023):
        validate_question(question)


def echo(gold: dict) -> Answer:
    """An answer that states the gold in the assistant's structured form."""
    if "refuse" in gold:
        return a("文档中没有这方面的信息。", refused=True)
    if "must_contain" in gold:
        return a("；".join(gold["must_contain"]))
    return a(
        f"{gold['value']}{gold['unit']}",
        value=gold["value"],
        unit=gold["unit"],
        operator=gold.get("operator"),
    )


@pytest.mark.skipif(not SEED.exists(), reason="shared seed benchmark not mounted")
def test_the_public_seed_loads_and_its_golds_score_correct():
    questions = load_suite(SEED)
    assert len(questions) == 62
    for question in questions:
        assert score(question, echo(question["answer"])).correct, question["id"]


def test_the_colloquial_suite_loads_and_its_golds_score_correct():
    """Stating each gold must score correct: the suite and the scorer agree."""
    questions = load_suite(SUITE)
    assert len(questions) >= 120
    assert {q["type"] for q in questions} == set(TYPES)
    for question in questions:
        verdict = score(question, echo(question["answer"]))
        assert verdict.correct and verdict.outcome == "correct", (question["id"], verdict.reason)
        for extra in question["accept"]:
            assert score(
                question,
                a("", value=extra["value"], unit=extra["unit"], operator=question["answer"].get("operator")),
            ).correct
