"""Questions → typed query plans → exact answers, for the kinds of question the regex cascade got wrong.

Each test asks in new words, checks the plan the parser built (so a misreading shows), and
checks the figure against the rows of the real store, read here independently of the
executor. Questions the parser cannot fully explain must come back as a question or a
refusal — never as a number.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from assistant.contract import Answer, PlanResult
from assistant.executor import execute, run_plan_tool
from assistant.operations import REGISTRY, Operation, register
from assistant.operations.base import Context
from assistant.plan import AmountFilter, NameFilter, Operand, QueryPlan, RowSet


@pytest.fixture(scope="module")
def projects(sample_corpus, sample_doc_id) -> dict[str, Decimal]:
    """预算04表 as printed: project name → 合计."""
    table = sample_corpus.store.table(sample_doc_id, "04")
    return {r["cells"]["项目名称"]: r["amounts"]["合计"] for r in table["rows"] if not r["is_total"]}


@pytest.fixture(scope="module")
def services(sample_corpus, sample_doc_id) -> set[str]:
    table = sample_corpus.store.table(sample_doc_id, "12")
    return {r["cells"]["项目名称"] for r in table["rows"] if not r["is_total"]}


def number(ans: Answer) -> tuple[str | None, str | None]:
    assert not ans.refused, ans.answer
    assert ans.interpretation and ans.plan is not None
    return ans.value, ans.unit


def asks_back(ans: Answer) -> None:
    assert ans.value is None and ans.plan is None
    assert "？" in ans.answer or ans.refused


# -- amount and name filters ----------------------------------------------------------


def test_an_amount_equal_to_a_figure_counts_only_those_rows(assistant, projects):
    ans = assistant.ask("刚好200万的项目有几个？")

    assert number(ans) == (str(sum(1 for v in projects.values() if v == 200)), "个")
    assert ans.plan.operands[0].rows.amounts == [AmountFilter(op="=", value=Decimal("200"))]
    assert "金额等于200万元" in ans.interpretation


def test_an_amount_range_is_inclusive_at_both_ends(assistant, projects):
    ans = assistant.ask("预算在50万到80万之间的项目有多少个？")

    assert number(ans) == (str(sum(1 for v in projects.values() if 50 <= v <= 80)), "个")
    assert ans.plan.operands[0].rows.amounts == [
        AmountFilter(op="between", value=Decimal(50), high=Decimal(80))
    ]


def test_not_reaching_an_amount_is_strictly_below_it(assistant, projects):
    ans = assistant.ask("不足20万的项目加起来多少钱？")

    assert number(ans) == (str(sum(v for v in projects.values() if v < 20)), "万元")


def test_the_first_stated_bound_wins_over_an_aside(assistant, projects):
    ans = assistant.ask("超过200万元的项目有几个（正好200万的不算）？")

    assert number(ans) == (str(sum(1 for v in projects.values() if v > 200)), "个")


@pytest.mark.parametrize(
    "question",
    ["名称里带“平台”两个字的项目有几个？", "和“平台”沾边的项目有几个？", "名字含有平台的项目有几个？"],
)
def test_a_name_filter_in_other_words(assistant, projects, question):
    ans = assistant.ask(question)

    assert number(ans) == (str(sum(1 for name in projects if "平台" in name)), "个")
    assert ans.plan.operands[0].rows.names == [NameFilter(mode="contains", text="平台")]


def test_projects_not_in_the_purchase_service_table(assistant, projects, services):
    ans = assistant.ask("没有列入政府购买服务的项目有几个？")

    assert number(ans) == (str(len(set(projects) - services)), "个")
    assert ans.interpretation == "按 预算04表 不在预算12表中的项目 计数"


def test_projects_also_in_the_purchase_service_table_are_summed_once_each(assistant, projects, services):
    ans = assistant.ask("同时列入了政府购买服务的项目，预算合计多少？")

    assert number(ans) == (str(sum(v for name, v in projects.items() if name in services)), "万元")


# -- cells by codes, breakdowns, scope × measure ----------------------------------------


def test_a_cell_addressed_by_function_and_economic_codes(assistant):
    ans = assistant.ask("2060101下面30201是多少？")

    assert number(ans) == ("1.91", "万元")
    assert {(w.kind, w.key) for w in ans.plan.operands[0].within} == {("function_subject", "2060101")}


def test_the_largest_part_of_a_three_public_item(assistant):
    ans = assistant.ask("公车运行维护费里哪一块花得最多？")

    assert number(ans) == ("1.02", "万元")
    assert [i.name for i in ans.items] == ["公务用车加油"]
    assert {s.table for s in ans.sources} == {"11"}


def test_a_share_inside_a_breakdown(assistant):
    ans = assistant.ask("三公经费里公务用车加油占三公经费的比例是多少？")

    assert number(ans) == ("36.43", "%")
    assert ans.formula == "1.02 / 2.8 * 100 = 36.43"


def test_two_parts_listed_after_one_prefix(assistant):
    ans = assistant.ask("公车加油费和维修费加一起多少？")

    assert number(ans) == ("1.62", "万元")


def test_one_row_reached_by_two_names_is_added_once(assistant):
    ans = assistant.ask("防疫热线和防疫核酸检测预约热线服务费一共多少？")

    assert number(ans) == ("128.00", "万元")


# -- follow-ups edit the previous plan ------------------------------------------------------


def test_a_follow_up_switches_the_unit_of_account(assistant):
    history = [
        {"role": "user", "content": "防疫热线花了多少？"},
        {"role": "assistant", "content": "128.00万元"},
    ]
    ans = assistant.ask("换成元呢？", history=history)

    assert number(ans) == ("1280000", "元")
    assert ans.plan.operands[0].entity.name == "防疫核酸检测预约热线服务费"


def test_a_follow_up_asks_the_difference_between_two_places_of_a_ranking(assistant, projects):
    history = [
        {"role": "user", "content": "哪个项目最贵？"},
        {"role": "assistant", "content": "全区线路租用服务"},
    ]
    ans = assistant.ask("第一名比第二名多多少？", history=history)

    first, second = sorted(projects.values(), reverse=True)[:2]
    assert number(ans) == (str(first - second), "万元")
    assert [o.rank for o in ans.plan.operands] == [1, 2]


def test_an_indicator_asked_as_a_time(assistant):
    ans = assistant.ask("防疫热线多久能接通？")

    assert (ans.value, ans.unit, ans.operator) == ("20", "秒", "≤")
    assert ans.plan.operation == "indicator"


# -- understood, asked back, or refused --------------------------------------------------


def test_a_word_that_names_something_but_is_not_used_is_asked_about(assistant):
    ans = assistant.ask("预算单位里有几个事业单位？")

    asks_back(ans)
    assert "事业" in ans.answer
    assert ans.interpretation  # what was understood is still shown


def test_a_future_year_is_refused_without_a_number(assistant):
    ans = assistant.ask("2023年科普经费打算安排多少？")

    assert ans.refused and ans.value is None


def test_a_department_that_is_not_loaded_is_named_in_the_refusal(assistant):
    ans = assistant.ask("区教委的项目支出是多少？")

    assert ans.refused and ans.value is None
    assert "教委" in ans.answer


def test_an_english_question_is_not_understood_rather_than_not_in_the_document(assistant):
    ans = assistant.ask("How much is the hotline project?")

    assert ans.value is None
    assert "没能理解" in ans.answer and "文档中没有" not in ans.answer


# -- the plan as a contract ---------------------------------------------------------------


def test_a_plan_written_by_hand_runs_exactly_like_a_parsed_one(assistant, sample_doc_id, projects):
    plan = QueryPlan(
        documents=[sample_doc_id],
        operation="sum",
        operands=[Operand(rows=RowSet(table="04", names=[NameFilter(text="运维")]))],
    )
    tool = run_plan_tool(assistant.toolbox)
    result = PlanResult.model_validate_json(tool.invoke({"plan": plan.model_dump(mode="json")}))

    assert result.value == str(sum(v for name, v in projects.items() if "运维" in name))
    assert result.interpretation == "按 预算04表 名称含“运维”的项目 求和"


def test_a_new_operation_is_one_registered_class(assistant, sample_doc_id, projects):
    @register
    class Median(Operation):
        names = ("median_test",)
        verbs = {"median_test": "取中位数"}

        def run(self, ctx: Context) -> PlanResult:
            values = sorted(e.value for e in ctx.entries(ctx.plan.operands[0]))
            return PlanResult(answer="中位数", value=str(values[len(values) // 2]), unit="万元")

    try:
        plan = QueryPlan(
            documents=[sample_doc_id], operation="median_test", operands=[Operand(rows=RowSet())]
        )
        result = execute(plan, assistant.toolbox)
        assert result.value == str(sorted(projects.values())[len(projects) // 2])
        assert result.interpretation == "按 预算04表的项目 取中位数"
    finally:
        del REGISTRY["median_test"]


# -- more kinds: attributes, codes, lists of parts, kept row sets, last year's figure ---------


def test_a_projects_catalogue_class_is_read_from_its_row(assistant):
    ans = assistant.ask("东城区信息化促进服务在政府购买服务目录里的三级目录是什么？")

    assert ans.plan.operation == "attribute"
    assert "信息化协会管理服务" in ans.answer
    assert {s.table for s in ans.sources} == {"12"}


def test_a_unit_named_by_its_code(assistant):
    ans = assistant.ask("025003单位的预算是多少？")

    assert number(ans) == ("674.59", "万元")
    assert ans.plan.operands[0].entity.kind == "unit"


def test_two_parts_named_after_their_whole_are_added(assistant):
    ans = assistant.ask("三公经费里公务用车加油和保险两项合计多少？")

    assert number(ans) == ("2.02", "万元")
    assert [o.entity.name for o in ans.plan.operands] == ["公务用车加油", "公务用车保险"]


def test_a_follow_up_inside_the_previous_row_set(assistant, sample_corpus, sample_doc_id):
    history = [
        {"role": "user", "content": "政府购买服务有几个项目？"},
        {"role": "assistant", "content": "共22个"},
    ]
    ans = assistant.ask("其中金额最高的那个多少钱？", history=history)

    rows = sample_corpus.store.table(sample_doc_id, "12")["rows"]
    assert number(ans) == (str(max(r["amounts"]["预算金额"] for r in rows if not r["is_total"])), "万元")
    assert ans.plan.operands[0].rows.table == "12"


def test_last_years_figure_is_derived_even_when_the_change_is_the_means(assistant, sample_doc_id):
    ans = assistant.ask("按说明里的增减数倒推，2021年科普活动预算数是多少？")

    stated = assistant.toolbox.change(sample_doc_id, "科普活动")
    assert ans.plan.operation == "previous"
    assert number(ans) == (f"{Decimal(stated['previous']):.2f}", "万元")


def test_a_change_asked_against_a_named_year_is_the_change(assistant, sample_doc_id):
    ans = assistant.ask("科普活动较2021年减少了多少？")

    stated = assistant.toolbox.change(sample_doc_id, "科普活动")
    assert ans.plan.operation == "change"
    assert number(ans) == (f"{abs(Decimal(stated['change'])):.2f}", "万元")


def test_no_sum_over_a_table_that_was_not_read_whole(assistant, monkeypatch):
    """A failed 各行之和 = 合计 check means rows were lost at ingest: a sum over them would be wrong."""
    failed = {
        "name": "预算04表 合计: 各行之和 = 合计",
        "status": "fail",
        "expected": Decimal("100.00"),
        "actual": Decimal("60.00"),
        "difference": Decimal("40.00"),
        "sources": [],
    }
    monkeypatch.setattr(assistant.toolbox, "checks", lambda doc_id: [failed])
    ans = assistant.ask("名字带“运维”的项目加起来多少？")

    assert ans.refused and ans.value is None
    assert "预算04表没有被完整读出" in ans.answer
    assert ans.interpretation == "按 预算04表 名称含“运维”的项目 求和"


def test_a_department_called_by_the_short_name_its_projects_use(assistant):
    ans = assistant.ask("科信局今年一共多少预算？")

    assert ans.plan.operands[0].entity.kind == "department"
