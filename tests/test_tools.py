"""The assistant's tools on the sample (北京市东城区科学技术和信息化局 2022): exact reads and arithmetic.

Every figure is a decimal string exactly as printed in the document, and every
result that reads the document says where it read it (``sources``).
"""

from __future__ import annotations

import json

import pytest

from assistant.tools import Toolbox, ToolError, langchain_tools

HOTLINE = "防疫核酸检测预约热线服务费"
INTERNET = "互联网出口租用服务"
LINES = "全区线路租用服务"
OWN_LEVEL = "025001"  # 北京市东城区科学技术和信息化局本级
INFO_CENTRE = "025003"  # 北京市东城区信息中心


@pytest.fixture(scope="module")
def box(sample_corpus) -> Toolbox:
    return Toolbox(sample_corpus)


@pytest.fixture(scope="module")
def doc(sample_doc_id) -> str:
    return sample_doc_id


def top(result: dict, mention: int = 0) -> dict:
    return result["mentions"][mention]["candidates"][0]


def assert_table_sources(sources: list[dict], doc: str, table: str) -> None:
    assert sources, "a table read must cite its rows"
    for s in sources:
        assert s["document"] == doc
        assert s["source"] == "000_3d71c1f270c17ec6.txt"
        assert s["kind"] == "table"
        assert s["table"] == table
        assert isinstance(s["row"], int)
        assert s["label"].startswith(f"预算{table}表")


def assert_passage_sources(sources: list[dict], doc: str) -> None:
    assert sources, "a narrative read must cite its passage"
    for s in sources:
        assert s["document"] == doc
        assert s["kind"] == "passage"
        assert s["section"]
        assert s["text"]


# -- resolve -------------------------------------------------------------------------


def test_resolve_finds_the_hotline_project_from_an_informal_name(box, doc):
    result = box.resolve(doc, "防疫热线")

    assert top(result) == {
        "kind": "project",
        "key": HOTLINE,
        "name": HOTLINE,
        "score": top(result)["score"],
        "full": False,
    }
    assert result["mentions"][0]["text"] == "防疫热线"
    assert result["leftover"] == ""


def test_resolve_finds_the_unit_from_its_short_name(box, doc):
    candidate = top(box.resolve(doc, "信息中心"))

    assert (candidate["kind"], candidate["key"], candidate["name"]) == (
        "unit",
        INFO_CENTRE,
        "北京市东城区信息中心",
    )


def test_resolve_finds_the_department_from_its_abbreviation(box, doc):
    candidate = top(box.resolve(doc, "科信局"))

    assert (candidate["kind"], candidate["key"], candidate["name"]) == (
        "department",
        "department",
        "北京市东城区科学技术和信息化局",
    )


def test_resolve_expands_colloquial_car_words_to_the_three_public_item(box, doc):
    result = box.resolve(doc, "公车加油")

    assert result["question"] == "公务用车加油"
    assert (top(result)["kind"], top(result)["key"]) == ("three_public", "公务用车加油")


def test_resolve_gives_no_mentions_for_something_the_document_lacks(box, doc):
    result = box.resolve(doc, "智慧路灯改造")

    assert result["mentions"] == []
    assert result["leftover"] == "智慧路灯改造"


def test_resolve_of_an_unknown_document_raises_a_tool_error(box):
    with pytest.raises(ToolError, match="nope"):
        box.resolve("nope", "防疫热线")


# -- amounts -------------------------------------------------------------------------


def test_amounts_of_a_project_read_its_04_total_and_its_12_service_amount(box, doc):
    result = box.amounts(doc, "project", INTERNET)

    by_table = {(m["table"], m["measure"]): m for m in result["measures"]}
    assert by_table[("04", "合计")]["value"] == "284.60"
    assert by_table[("12", "预算金额")]["value"] == "284.60"
    assert by_table[("04", "合计")]["unit"] == "万元"
    assert by_table[("04", "合计")]["formula"] is None  # one row: nothing to add up
    assert_table_sources(by_table[("04", "合计")]["sources"], doc, "04")
    assert_table_sources(by_table[("12", "预算金额")]["sources"], doc, "12")
    assert result["entity"] == {"kind": "project", "key": INTERNET, "name": INTERNET}


def test_amounts_of_the_hotline_project_is_128_from_table_04(box, doc):
    measures = box.amounts(doc, "project", HOTLINE)["measures"]

    assert (measures[0]["table"], measures[0]["measure"], measures[0]["value"]) == ("04", "合计", "128.00")


def test_amounts_of_a_function_subject_within_a_unit_read_that_units_row_of_table_07(box, doc):
    result = box.amounts(doc, "function_subject", "2060101", within=[{"kind": "unit", "key": OWN_LEVEL}])

    by_measure = {m["measure"]: m for m in result["measures"]}
    assert {t for t in (m["table"] for m in result["measures"])} == {"07"}
    assert by_measure["人员经费"]["value"] == "440.39"
    assert by_measure["公用经费"]["value"] == "29.13"
    assert by_measure["合计"]["value"] == "469.52"
    assert_table_sources(by_measure["人员经费"]["sources"], doc, "07")
    assert result["within"] == [{"kind": "unit", "key": OWN_LEVEL}]


def test_amounts_of_a_unit_start_with_its_02_income_total(box, doc):
    first = box.amounts(doc, "unit", INFO_CENTRE)["measures"][0]

    assert (first["table"], first["measure"], first["value"]) == ("02", "合计", "674.59")


def test_amounts_of_a_three_public_item_read_table_11(box, doc):
    (measure,) = box.amounts(doc, "three_public", "公务用车加油")["measures"]

    assert (measure["table"], measure["value"], measure["unit"]) == ("11", "1.02", "万元")
    assert_table_sources(measure["sources"], doc, "11")


def test_amounts_of_a_department_total_read_the_03_total_row(box, doc):
    first = box.amounts(doc, "total", "项目支出")["measures"][0]

    assert (first["table"], first["measure"], first["value"]) == ("03", "项目支出", "4994.18")
    assert first["sources"][0]["label"] == "预算03表·合计"


def test_amounts_of_an_unknown_key_raises_a_tool_error_naming_it(box, doc):
    with pytest.raises(ToolError, match="东城区智慧路灯改造项目"):
        box.amounts(doc, "project", "东城区智慧路灯改造项目")


# -- aggregate -----------------------------------------------------------------------


def test_aggregate_sums_projects_whose_name_contains_a_word_and_shows_the_formula(box, doc):
    result = box.aggregate(doc, "04", op="sum", filters={"name_contains": "运维"})

    assert result["value"] == "1688.84"
    assert result["unit"] == "万元"
    assert result["formula"] == (
        "329.30 + 318.28 + 148.24 + 225.78 + 29.63 + 177.36 + 9.08 + 451.17 = 1688.84"
    )
    assert len(result["items"]) == 8
    assert all("运维" in i["name"] for i in result["items"])
    assert_table_sources(result["sources"], doc, "04")
    assert len(result["sources"]) == 8


def test_aggregate_counts_projects_of_at_least_300_wan(box, doc):
    result = box.aggregate(doc, "04", op="count", filters={"min": "300"})

    assert (result["value"], result["unit"]) == ("4", "个")
    assert sorted(i["value"] for i in result["items"]) == ["318.28", "329.30", "451.17", "487.41"]


def test_aggregate_counts_purchased_services_of_one_catalogue_class(box, doc):
    result = box.aggregate(doc, "12", op="count", filters={"category": "目录三级:信息化运行维护服务"})

    assert result["value"] == "5"
    assert {i["name"] for i in result["items"]} == {
        LINES,
        "安全运行维护",
        "东城区电子政务专网及机房平台运维服务项目",
        "东城区电子政务技术支持服务相关系统软硬件运维项目",
        "东城区电子政务运维管理服务项目",
    }
    assert_table_sources(result["sources"], doc, "12")


def test_aggregate_top_three_lists_the_largest_projects_in_order(box, doc):
    result = box.aggregate(doc, "04", op="top", n=3)

    assert [(i["rank"], i["name"], i["value"]) for i in result["items"]] == [
        (1, LINES, "487.41"),
        (2, "2020年800M政务网运维费", "451.17"),
        (3, "东城区电子政务专网及机房平台运维服务项目", "329.30"),
    ]
    assert result["of"] == 35
    assert [s["label"] for s in result["sources"]] == [f"预算04表·{i['name']}" for i in result["items"]]


def test_aggregate_rank_two_is_the_second_largest_project(box, doc):
    result = box.aggregate(doc, "04", op="rank", n=2)

    assert result["value"] == "451.17"
    assert [(i["rank"], i["name"]) for i in result["items"]] == [(2, "2020年800M政务网运维费")]


def test_aggregate_bottom_two_lists_the_smallest_projects(box, doc):
    result = box.aggregate(doc, "04", op="bottom", n=2)

    assert [(i["name"], i["value"]) for i in result["items"]] == [
        ("区科信局交流培训经费", "3.15"),
        ("区科信局法律咨询服务", "9.00"),
    ]


def test_aggregate_groups_table_07_by_item_level_function_subject(box, doc):
    result = box.aggregate(doc, "07", op="max", group_by="function", level=7)

    assert result["value"] == "4634.45"
    assert [(i["name"], i["key"], i["value"]) for i in result["items"]] == [
        ("其他科学技术支出", "2069999", "4634.45")
    ]
    assert_table_sources(result["sources"], doc, "07")


def test_aggregate_average_is_rounded_to_the_cent(box, doc):
    result = box.aggregate(doc, "04", op="avg", filters={"name_contains": "运维"})

    assert result["value"] == "211.11"  # 1688.84 / 8 = 211.105, half up


def test_aggregate_average_formula_shows_the_division(box, doc):
    result = box.aggregate(doc, "04", op="avg", filters={"name_contains": "运维"})

    assert result["formula"] == (
        "(329.30 + 318.28 + 148.24 + 225.78 + 29.63 + 177.36 + 9.08 + 451.17) / 8 = 211.11"
    )


def test_aggregate_sum_keeps_the_cents_of_a_round_total(box, doc):
    result = box.aggregate(doc, "04", op="sum", filters={"name_contains": "租用"})

    assert result["value"] == "1084.00"
    assert result["formula"] == "487.41 + 284.60 + 299.99 + 12.00 = 1084.00"


def test_aggregate_with_an_unknown_op_raises_a_tool_error(box, doc):
    with pytest.raises(ToolError, match="median"):
        box.aggregate(doc, "04", op="median")


def test_aggregate_with_an_unknown_grouping_raises_a_tool_error(box, doc):
    with pytest.raises(ToolError, match="vendor"):
        box.aggregate(doc, "07", op="max", group_by="vendor")


def test_aggregate_sum_over_no_rows_raises_a_tool_error(box, doc):
    with pytest.raises(ToolError) as error:
        box.aggregate(doc, "04", op="sum", filters={"name_contains": "路灯"})
    assert str(error.value)


# -- change, fact, counts ----------------------------------------------------------------


def test_change_derives_the_previous_years_amount_exactly(box, doc):
    result = box.change(doc, "一般公共预算当年拨款")

    assert (result["year"], result["amount"], result["change"], result["direction"]) == (
        2022,
        "6458.43",
        "-1133.94",
        "减少",
    )
    assert (result["previous_year"], result["previous"]) == (2021, "7592.37")
    assert result["formula"] == "6458.43 - (-1133.94) = 7592.37"
    assert "紧日子" in result["reason"]
    assert_passage_sources(result["sources"], doc)
    assert "一般公共预算当年拨款" in result["sources"][0]["section"]


def test_change_of_a_subject_the_narrative_does_not_mention_raises_a_tool_error(box, doc):
    with pytest.raises(ToolError, match="智慧路灯"):
        box.change(doc, "智慧路灯")


def test_fact_returns_what_the_narrative_says_about_a_subject(box, doc):
    result = box.fact(doc, "住房公积金")

    (fact,) = result["facts"]
    assert (fact["amount"], fact["change"], fact["change_pct"], fact["reason"]) == (
        "111.01",
        "29.15",
        "35.61",
        "人员增加",
    )
    assert_passage_sources(result["sources"], doc)


def test_counts_lists_the_counts_the_narrative_states_each_with_its_passage(box, doc):
    counts = {c["subject"]: (c["value"], c["unit"]) for c in box.counts(doc)["counts"]}

    assert counts["基层预算单位"] == ("2", "户")
    assert counts["项目预算"] == ("35", "项")
    assert counts["政府购买服务项目"] == ("22", "项")
    assert counts["车辆"] == ("2", "辆")
    assert_passage_sources([c["source"] for c in box.counts(doc)["counts"]], doc)


# -- indicators, define, search ----------------------------------------------------------


def test_indicators_put_the_best_match_for_the_query_first(box, doc):
    result = box.indicators(doc, HOTLINE, "电话接通率")

    best = result["indicators"][0]
    assert (best["project"], best["name"], best["operator"], best["value"], best["unit"]) == (
        HOTLINE,
        "电话接通率",
        "≥",
        "90",
        "%",
    )
    assert best["level2"] == "质量指标"
    assert best["source"]["table"] == "13"
    assert result["sources"][0]["label"] == f"预算13表·{HOTLINE}·电话接通率"


def test_indicators_normalise_the_fullwidth_equals_operator(box, doc):
    best = box.indicators(doc, LINES, "线路租用")["indicators"][0]

    assert (best["name"], best["operator"], best["value"], best["unit"]) == ("线路租用", "=", "1017", "条")


def test_indicators_without_a_project_search_every_project(box, doc):
    best = box.indicators(doc, None, "律师工作日")["indicators"][0]

    assert (best["project"], best["operator"], best["value"], best["unit"]) == (
        "区科信局法律咨询服务",
        "≥",
        "251",
        "天",
    )


def test_indicators_of_an_unknown_project_raise_a_tool_error(box, doc):
    with pytest.raises(ToolError, match="东城区智慧路灯改造项目"):
        box.indicators(doc, "东城区智慧路灯改造项目", "亮灯率")


def test_define_reads_the_glossary(box, doc):
    result = box.define(doc, "一般公共预算拨款收入")

    assert result["definition"] == "财政当年拨付资金"
    assert_passage_sources(result["sources"], doc)
    assert result["sources"][0]["section"] == "四、名词解释"
    assert result["sources"][0]["text"] == "一般公共预算拨款收入：财政当年拨付资金。"


def test_define_of_a_term_the_document_does_not_define_is_empty(box, doc):
    assert box.define(doc, "量子纠缠") == {"term": "量子纠缠", "definition": None, "sources": []}


def test_search_returns_passages_with_their_best_sentences_and_sources(box, doc):
    result = box.search(doc, "机关运行经费的统计范围", k=3, kind="narrative")

    assert 1 <= len(result["hits"]) <= 3
    best = result["hits"][0]
    assert best["kind"] == "narrative"
    assert best["section"].endswith("机关运行经费")
    assert "统计范围" in best["sentences"][0]
    assert "参照公务员法管理的事业单位" in best["sentences"][0]
    assert_passage_sources(result["sources"], doc)
    assert len(result["sources"]) == len(result["hits"])


# -- calculate -------------------------------------------------------------------------


def test_calculate_is_exact_decimal_arithmetic(box):
    assert box.calculate("487.41 - 284.60") == {
        "expression": "487.41 - 284.60",
        "value": "202.81",
        "sources": [],
    }
    assert box.calculate("0.1 + 0.2")["value"] == "0.3"
    assert box.calculate("284.60 * 10000")["value"] == "2846000"


def test_calculate_rounds_half_up_to_the_requested_places(box):
    assert box.calculate("128.00 / 4994.18 * 100", places=2)["value"] == "2.56"
    assert box.calculate("1688.84 / 8", places=2)["value"] == "211.11"


def test_calculate_division_by_zero_is_a_clear_tool_error(box):
    with pytest.raises(ToolError, match="除数为零|division by zero"):
        box.calculate("128.00 / 0")


def test_calculate_refuses_anything_but_arithmetic(box):
    with pytest.raises(ToolError, match="函数调用|function call"):
        box.calculate("__import__('os')")


# -- every result cites its source ---------------------------------------------------------


@pytest.mark.parametrize(
    ("tool", "kwargs", "expected"),
    [
        ("amounts", {"kind": "project", "key": INTERNET}, ("table", {"04", "12", "13"})),
        ("amounts", {"kind": "unit", "key": INFO_CENTRE}, ("table", {"02", "07"})),
        ("aggregate", {"table": "12", "op": "max"}, ("table", {"12"})),
        (
            "aggregate",
            {"table": "07", "op": "top", "n": 2, "group_by": "function", "level": 7},
            ("table", {"07"}),
        ),
        ("indicators", {"project": HOTLINE, "query": "接通率"}, ("table", {"13"})),
        ("change", {"subject": "行政运行"}, ("passage", None)),
        ("fact", {"subject": "购房补贴"}, ("passage", None)),
        ("define", {"term": "一般公共预算拨款收入"}, ("passage", None)),
        ("search", {"query": "住房公积金增长的原因", "kind": "narrative"}, ("passage", None)),
    ],
)
def test_every_result_that_reads_the_document_cites_document_and_table_row_or_section(
    box, doc, tool, kwargs, expected
):
    result = getattr(box, tool)(doc=doc, **kwargs)

    kind, tables = expected
    assert result["sources"]
    for s in result["sources"]:
        assert s["document"] == doc
        assert s["kind"] == kind
        assert s["lines"] and s["lines"][0] <= s["lines"][-1]
        if kind == "table":
            assert s["table"] in tables
            assert tool == "indicators" or s["table"] == "13" or isinstance(s["row"], int)  # 13: a block
        else:
            assert s["section"]


def test_a_search_hit_on_a_table_row_cites_its_table(box, doc):
    result = box.search(doc, "机关运行经费的统计范围", k=5)

    rows = [h for h in result["hits"] if h["kind"] == "row"]
    assert rows, "the query should also reach some table-row passages"
    for hit in rows:
        assert hit["source"]["table"] == hit["table"]
        assert hit["source"]["label"].startswith(f"预算{hit['table']}表")


# -- LangChain wrappers ----------------------------------------------------------------


@pytest.fixture(scope="module")
def tools(box) -> dict:
    return {t.name: t for t in langchain_tools(box)}


def test_langchain_tools_offer_every_tool(tools):
    assert set(tools) == {
        "resolve",
        "amounts",
        "aggregate",
        "change",
        "fact",
        "counts",
        "indicators",
        "define",
        "search",
        "calculate",
    }
    assert all(t.description for t in tools.values())


def test_langchain_tools_return_json_strings(tools, doc):
    out = tools["amounts"].invoke(
        {
            "doc": doc,
            "kind": "function_subject",
            "key": "2060101",
            "within": [{"kind": "unit", "key": OWN_LEVEL}],
        }
    )

    assert isinstance(out, str)
    result = json.loads(out)
    assert {m["measure"]: m["value"] for m in result["measures"]}["人员经费"] == "440.39"
    assert result["within"] == [{"kind": "unit", "key": OWN_LEVEL}]
    assert json.loads(tools["calculate"].invoke({"expression": "128.00 * 10000"}))["value"] == "1280000"
    assert (
        json.loads(tools["resolve"].invoke({"doc": doc, "text": "防疫热线"}))["mentions"][0]["text"]
        == "防疫热线"
    )


def test_langchain_tools_turn_errors_into_an_error_object(box, tools, doc):
    with pytest.raises(ToolError) as division:
        box.calculate("1 / 0")
    assert json.loads(tools["calculate"].invoke({"expression": "1 / 0"})) == {"error": str(division.value)}
    assert "median" in json.loads(tools["aggregate"].invoke({"doc": doc, "op": "median"}))["error"]
    assert "nope" in json.loads(tools["resolve"].invoke({"doc": "nope", "text": "防疫热线"}))["error"]
