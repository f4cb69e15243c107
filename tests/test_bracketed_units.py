"""A generated department of four units, one printed with a second name in brackets (社区服务中心（…）):
units named by either name, measures carried across a comparison, targets named as printed, and the
stated change used to go back one year — checked against the generator's truth."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from generated import generated_department

from assistant.agent import Assistant

SEED = 164  # 四个单位, one of them 社区服务中心（社会组织服务中心）


@pytest.fixture(scope="module")
def four_units(tmp_path_factory):
    return generated_department(tmp_path_factory.mktemp("four-units"), SEED)


def bracketed(truth: dict) -> dict:
    return next(u for u in truth["units"] if "（" in u["name"])


def first_name(unit: dict, district: str) -> str:
    """社区服务中心 of 北京市顺义区社区服务中心（…）: the name before the brackets, without the district."""
    return unit["name"].split("（")[0].split(district)[-1]


def basic(truth: dict, unit: dict) -> Decimal:
    return Decimal(unit["total"]) - sum(
        (Decimal(p["amount"]) for p in truth["projects"] if p["unit_code"] == unit["code"]), Decimal(0)
    )


def test_a_unit_with_two_names_is_found_by_the_first_one(four_units):
    assistant, truth = four_units
    unit = bracketed(truth)

    ans = assistant.ask(f"{first_name(unit, truth['district'])}今年预算多少")

    assert (ans.value, ans.unit) == (unit["total"], "万元")


def test_a_measure_said_once_is_compared_in_both_units(four_units):
    assistant, truth = four_units
    unit, own = bracketed(truth), truth["units"][0]

    ans = assistant.ask(f"{first_name(unit, truth['district'])}的基本支出比{own['name']}多多少?")

    assert ans.value == str(abs(basic(truth, unit) - basic(truth, own)))
    assert ans.plan.operands[1].measure == "基本支出"


def bounded_targets(truth: dict):
    """(project, target) pairs whose target is a bound (≥ ≤) named once in its project."""
    return (
        (p, i)
        for p in truth["projects"]
        for i in p["indicators"]
        if i["nature"] in ("≥", "≤") and sum(j["level3"] == i["level3"] for j in p["indicators"]) == 1
    )


def test_a_target_named_as_printed_after_its_project_is_that_target(four_units):
    assistant, truth = four_units
    project, target = next(
        (p, i) for p, i in bounded_targets(truth) if len(i["level3"]) >= 4 and i["level3"] not in p["name"]
    )
    first = f"{project['name']}多少钱"
    said = assistant.ask(first).answer

    ans = assistant.ask(
        f"它绩效表里的{target['level3']}是多少",
        [{"role": "user", "content": first}, {"role": "assistant", "content": said}],
    )

    assert (ans.value, ans.operator) == (target["value"], target["nature"])


def test_a_units_figure_last_year_is_never_a_stated_change_of_a_subject_with_a_like_name(four_units):
    assistant, truth = four_units
    for unit in truth["units"][1:]:
        ans = assistant.ask(f"{first_name(unit, truth['district'])}{truth['year'] - 1}年的项目支出是多少")

        assert ans.value is None, ans.answer


def exchange(assistant: Assistant, *questions: str):
    """Ask each question with the ones before it (and their answers) as history; the last answer."""
    history: list[dict] = []
    for q in questions:
        ans = assistant.ask(q, history)
        history += [{"role": "user", "content": q}, {"role": "assistant", "content": ans.answer}]
    return ans


def test_a_project_asked_two_turns_back_is_the_one_this_project_means(four_units):
    assistant, truth = four_units
    project, target = next(bounded_targets(truth))

    ans = exchange(
        assistant, f"{project['name']}多少钱", "占项目支出多少比例", f"这个项目的{target['level3']}是多少"
    )

    assert (ans.value, ans.operator) == (target["value"], target["nature"])


def test_the_two_figures_just_asked_are_added(four_units):
    assistant, truth = four_units
    first, second = truth["projects"][:2]

    ans = exchange(assistant, f"{first['name']}多少钱", f"那{second['name']}呢", "两个加一块多少")

    assert ans.value == str(Decimal(first["amount"]) + Decimal(second["amount"]))


def test_projects_of_the_project_table_not_in_the_purchase_table_by_table_numbers(four_units):
    assistant, truth = four_units
    outside = [p for p in truth["projects"] if not p["purchase_service"]]

    count = assistant.ask("04表项目 不在12表里的 个数")
    top = assistant.ask("04表有、12表没有的项目 金额最大的两个")

    assert count.value == str(len(outside))
    best = sorted(outside, key=lambda p: Decimal(p["amount"]), reverse=True)[:2]
    assert [i.name for i in top.items] == [p["name"] for p in best]


def test_units_ranked_descending_and_counted_with_the_office_itself(four_units):
    assistant, truth = four_units

    ranked = assistant.ask("四家单位 按02表收入合计 降序")
    counted = assistant.ask("民政局下面一共几个单位 (连局机关算上)")

    expected = sorted(truth["units"], key=lambda u: Decimal(u["total"]), reverse=True)
    assert [i.value for i in ranked.items] == [u["total"] for u in expected]
    assert counted.value == str(len(truth["units"]))


def test_a_units_measure_over_its_own_total_said_as_this_unit(four_units):
    assistant, truth = four_units
    unit = bracketed(truth)
    name = first_name(unit, truth["district"])

    ans = exchange(assistant, f"{name} 基本支出 小计", "占本单位合计%")

    expected = (basic(truth, unit) / Decimal(unit["total"]) * 100).quantize(Decimal("0.01"))
    assert (ans.value, ans.unit) == (str(expected), "%")


def test_a_bare_how_much_it_takes_is_asked_back_amount_or_share(four_units):
    assistant, truth = four_units

    ans = exchange(assistant, "政府购买服务一共多少钱", f"里面{truth['projects'][2]['name']}占多少")

    assert ans.value is None and "百分比" in ans.answer


def test_a_units_purchased_services_are_its_projects_rows_of_the_purchase_table(four_units):
    assistant, truth = four_units
    unit = truth["units"][0]
    own = [p for p in truth["projects"] if p["unit_code"] == unit["code"] and p["purchase_service"]]

    ans = assistant.ask(f"{unit['name']}的政府购买服务一共多少钱")

    assert ans.value == str(sum(Decimal(p["amount"]) for p in own))


def test_which_unit_has_the_largest_measure_asked_in_english(four_units):
    assistant, truth = four_units
    spent = {
        u["name"]: sum(
            (Decimal(p["amount"]) for p in truth["projects"] if p["unit_code"] == u["code"]), Decimal(0)
        )
        for u in truth["units"]
    }

    ans = assistant.ask(
        "Which unit of the Shunyi Civil Affairs Bureau has the largest project spending (项目支出), "
        "and how much is it?"
    )

    assert ans.value == str(max(spent.values()))


def test_the_cheapest_one_after_a_units_projects_is_among_them(four_units):
    assistant, truth = four_units
    unit = next(u for u in truth["units"] if sum(p["unit_code"] == u["code"] for p in truth["projects"]) >= 2)
    own = [Decimal(p["amount"]) for p in truth["projects"] if p["unit_code"] == unit["code"]]

    ans = exchange(assistant, f"{first_name(unit, truth['district'])}都有哪些项目？", "最便宜的那个多少钱？")

    assert ans.value == str(min(own))


def test_a_count_stated_only_in_the_goal_is_read_from_the_goal(four_units):
    assistant, truth = four_units
    project, times = next(
        (p, found[0])
        for p in truth["projects"]
        if len(found := re.findall(r"不少于([0-9]+)次", p["goal"])) == 1
        and not any("次" in i["measure_unit"] for i in p["indicators"])
    )

    ans = exchange(assistant, f"{project['name']}多少钱？", "它的绩效目标里要求全年开展不少于多少次？")

    assert (ans.value, ans.unit, ans.operator) == (times, "次", "≥")


def test_a_change_already_stated_with_no_reason_given_is_refused_not_restated(four_units):
    assistant, truth = four_units

    ans = assistant.ask("行政运行比上年增长了5%，说明里给出的主要原因是什么？")

    assert ans.value is None


def test_plus_its_other_subject_adds_to_the_figure_just_given(four_units):
    assistant, truth = four_units
    assistant_doc = assistant.toolbox.documents()[0]["doc_id"]
    rows = [r for r in assistant.toolbox.table(assistant_doc, "07")["rows"] if not r["is_total"]]
    unit = next(
        u
        for u in truth["units"]
        if {"住房公积金", "购房补贴"}
        <= {r["cells"]["功能分类科目"] for r in rows if r["cells"]["单位编码"] == u["code"]}
    )
    own = {
        r["cells"]["功能分类科目"]: r["amounts"]["合计"]
        for r in rows
        if r["cells"]["单位编码"] == unit["code"] and r["cells"]["功能分类科目"] in ("住房公积金", "购房补贴")
    }

    ans = exchange(assistant, "住房公积金科目今年多少", f"{unit['name']}的呢", "加上它的购房补贴一共多少")

    assert ans.value == str(own["住房公积金"] + own["购房补贴"])
