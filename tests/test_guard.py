"""The number guard: a number reaches the reader only if a tool (or the question) produced it.

``guard(text, evidence)`` returns the text with every unsupported number replaced by
``MARK`` and one flag per number removed; supported numbers are left exactly as written.
"""

from __future__ import annotations

from decimal import Decimal

from assistant.guard import MARK, guard, numbers_in


def test_a_number_that_a_tool_returned_is_kept_verbatim():
    text, flags = guard("防疫核酸检测预约热线服务费2022年预算128.00万元。", [{"value": "128.00"}, 2022])

    assert text == "防疫核酸检测预约热线服务费2022年预算128.00万元。"
    assert flags == []


def test_numerically_equal_forms_count_as_supported():
    # The narrative says 20.9, the answer prints 20.90 (and the other way round).
    assert guard("比2021年增加20.90万元", ["比2021年预算数增加20.9万元"]) == ("比2021年增加20.90万元", [])
    assert guard("增加20.9万元", [{"change": "20.90"}]) == ("增加20.9万元", [])
    assert guard("为7万元", [{"value": "7.00"}]) == ("为7万元", [])


def test_an_unsupported_number_is_replaced_by_the_marker_and_flagged():
    text, flags = guard("合计999万元，其中热线128.00万元。", [{"value": "128.00"}])

    assert text == f"合计{MARK}万元，其中热线128.00万元。"
    assert flags == ["unsupported number removed: 999"]


def test_each_unsupported_number_gets_its_own_flag():
    text, flags = guard("分别为1.5万元和2.5万元，合计4.00万元", [{"value": "4.00"}])

    assert text == f"分别为{MARK}万元和{MARK}万元，合计4.00万元"
    assert flags == ["unsupported number removed: 1.5", "unsupported number removed: 2.5"]


def test_thousands_separators_are_read_as_one_number_on_either_side():
    assert guard("收入合计6,458.43万元", [{"value": "6458.43"}]) == ("收入合计6,458.43万元", [])
    assert guard("收入合计6458.43万元", ["预算02表 合计 6,458.43"]) == ("收入合计6458.43万元", [])

    text, flags = guard("收入合计6,458.44万元", [{"value": "6458.43"}])
    assert text == f"收入合计{MARK}万元"
    assert flags == ["unsupported number removed: 6,458.44"]


def test_numbers_written_in_the_question_are_allowed():
    question = "预算金额不低于300万元的项目有几个？"

    assert guard("不低于300万元的项目共4个", [question, {"value": "4"}]) == ("不低于300万元的项目共4个", [])


def test_numbers_are_found_anywhere_in_nested_tool_results():
    evidence = [{"measures": [{"value": "440.39", "rows": [1]}], "formula": "159.73 + 200.00 = 359.73"}]

    assert numbers_in(evidence) == {
        Decimal("440.39"),
        Decimal("1"),
        Decimal("159.73"),
        Decimal("200.00"),
        Decimal("359.73"),
    }
    assert guard("合计359.73万元（159.73 + 200）", evidence) == ("合计359.73万元（159.73 + 200）", [])


def test_booleans_and_nulls_in_results_support_no_number():
    text, flags = guard("共1个", [{"refused": True, "value": None}])

    assert text == f"共{MARK}个"
    assert flags == ["unsupported number removed: 1"]


def test_a_percentage_is_checked_like_any_other_number():
    assert guard("占2.56%", [{"value": "2.56"}]) == ("占2.56%", [])
    assert guard("占25.6%", [{"value": "2.56"}]) == (f"占{MARK}%", ["unsupported number removed: 25.6"])


def test_text_without_numbers_passes_unchanged():
    assert guard("文档中没有这项信息。", []) == ("文档中没有这项信息。", [])
