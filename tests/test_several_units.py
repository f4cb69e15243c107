"""A generated department of five units (a school among them): questions about one unit's share, its projects
and follow-ups on a ranking, checked against the generator's truth."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from generated import generated_department

from assistant.agent import Assistant

SEED = 175  # 五个单位, one of them 第二中学


@pytest.fixture(scope="module")
def five_units(tmp_path_factory):
    return generated_department(tmp_path_factory.mktemp("five-units"), SEED)


def unit_projects(truth: dict, unit: dict) -> list[dict]:
    return [p for p in truth["projects"] if p["unit_code"] == unit["code"]]


def follow_up(assistant: Assistant, first: str, question: str):
    """Ask ``first``, then ``question`` with that exchange as its history."""
    said = assistant.ask(first).answer
    return assistant.ask(
        question, [{"role": "user", "content": first}, {"role": "assistant", "content": said}]
    )


def percent(part: Decimal, whole: Decimal) -> str:
    return str((part / whole * 100).quantize(Decimal("0.01"), ROUND_HALF_UP))


def test_a_numbered_school_is_found_by_its_short_name_after_the_district(five_units):
    assistant, truth = five_units
    school = next(u for u in truth["units"] if u["name"].endswith("第二中学"))

    ans = assistant.ask(f"{truth['district'].removesuffix('区')}二中今年预算一共多少钱？")

    assert (ans.value, ans.unit) == (school["total"], "万元")


@pytest.mark.parametrize("wording", ["项目支出里，{u}所占比例是多少？", "{u}占项目支出的比例"])
def test_a_units_share_of_a_measure_is_its_own_measure_over_the_departments(five_units, wording):
    assistant, truth = five_units
    unit = max(truth["units"][1:], key=lambda u: sum(Decimal(p["amount"]) for p in unit_projects(truth, u)))
    own = sum(Decimal(p["amount"]) for p in unit_projects(truth, unit))

    ans = assistant.ask(wording.format(u=unit["name"]))

    assert (ans.value, ans.unit) == (percent(own, Decimal(truth["totals"]["project"])), "%")


def test_a_units_projects_are_listed_when_asked_which_it_has(five_units):
    assistant, truth = five_units
    unit = truth["units"][-1]
    names = {p["name"] for p in unit_projects(truth, unit)}

    ans = assistant.ask(f"{unit['name']}有哪些项目，多少钱？")

    assert {i.name for i in ans.items} == names


def test_a_follow_up_share_of_the_largest_project_in_all_projects(five_units):
    assistant, truth = five_units
    top = max(truth["projects"], key=lambda p: Decimal(p["amount"]))

    ans = follow_up(assistant, "哪个项目最贵", "占全部项目支出多少比例")

    assert (ans.value, ans.unit) == (
        percent(Decimal(top["amount"]), Decimal(truth["totals"]["project"])),
        "%",
    )


def test_a_follow_up_share_in_the_departments_measure(five_units):
    assistant, truth = five_units
    unit = truth["units"][-1]
    own = sum(Decimal(p["amount"]) for p in unit_projects(truth, unit))
    question = f"{unit['name']}项目支出多少"

    ans = follow_up(assistant, question, "那占全部门项目支出的比例呢")

    assert (ans.value, ans.unit) == (percent(own, Decimal(truth["totals"]["project"])), "%")


def test_the_departments_duties_asked_by_its_short_name_are_all_listed(five_units):
    assistant, truth = five_units
    short = "教委"  # 教育委员会 as people say it

    ans = assistant.ask(f"{short}主要负责干嘛的")

    numbered = [n for n in range(1, 10) if f"{n}." in ans.answer]
    assert numbered == list(range(1, len(numbered) + 1)) and len(numbered) >= 3


def place_of(truth: dict, unit: dict) -> int:
    return 1 + sum(1 for u in truth["units"] if Decimal(u["total"]) > Decimal(unit["total"]))


def test_a_units_place_among_the_units_is_asked_directly(five_units):
    assistant, truth = five_units
    school = next(u for u in truth["units"] if u["name"].endswith("第二中学"))

    ans = assistant.ask("二中预算在各单位里排第几名")

    assert (ans.value, ans.unit) == (str(place_of(truth, school)), "名")
    assert [i.rank for i in ans.items] == list(range(1, len(truth["units"]) + 1))


def test_a_units_place_is_asked_as_a_follow_up(five_units):
    assistant, truth = five_units
    unit = truth["units"][1]
    question = f"{unit['name']}总预算多少？"

    ans = follow_up(assistant, question, f"在{len(truth['units'])}个单位里排第几")

    assert (ans.value, ans.unit) == (str(place_of(truth, unit)), "名")


def test_another_measure_of_the_unit_a_ranking_chose_keeps_that_unit(five_units):
    assistant, _ = five_units
    question = "哪个单位公用经费最少?"
    chosen = assistant.ask(question).items[0].name

    ans = follow_up(assistant, question, "那它的人员经费呢？")

    direct = assistant.ask(f"{chosen}的人员经费是多少")
    assert ans.value == direct.value and ans.value is not None
    assert "按公用经费倒数第1名的人员经费" in ans.interpretation


def test_a_units_measure_over_its_own_whole_directly_and_as_a_follow_up(five_units):
    assistant, truth = five_units
    own = next(u for u in truth["units"] if u["name"].endswith("本级"))
    projects = sum(Decimal(p["amount"]) for p in unit_projects(truth, own))
    expected = (percent(projects, Decimal(own["total"])), "%")
    short = own["name"].removeprefix("北京市房山区")

    direct = assistant.ask(f"{short}项目支出占本级预算的比例")
    follow = follow_up(assistant, f"{short}的预算是多少", "其中项目支出占本级预算的比例是多少")

    assert (direct.value, direct.unit) == expected
    assert (follow.value, follow.unit) == expected


@pytest.mark.parametrize(
    "question", ["{short}机关本级的项目一共花多少钱？", "说明里写{short}机关本级的项目，一共花多少钱？"]
)
def test_the_offices_own_unit_called_its_organ_and_a_question_quoting_the_document(five_units, question):
    assistant, truth = five_units
    own = next(u for u in truth["units"] if u["name"].endswith("本级"))

    ans = assistant.ask(question.format(short="教委"))

    assert ans.value == str(sum(Decimal(p["amount"]) for p in unit_projects(truth, own)))


def test_a_target_asked_by_one_word_only_it_has(five_units):
    """满意度要达到多少: the one target of the project whose name has the word, not one sharing 项目."""
    assistant, truth = five_units
    asked = 0
    for project in truth["projects"]:
        having = [i for i in project["indicators"] if "满意度" in i["level3"]]
        if len(having) != 1 or having[0]["nature"] not in ("≥", "≤"):
            continue
        ans = assistant.ask(f"“{project['name']}”那个项目，满意度要达到多少")

        assert (ans.value, ans.operator) == (having[0]["value"], having[0]["nature"]), project["name"]
        asked += 1
    assert asked >= 1


def test_purchased_services_of_a_unit_are_its_projects_in_table_12_and_a_follow_up_swaps_the_unit(five_units):
    assistant, truth = five_units
    own, other = truth["units"][0], truth["units"][1]

    def count(unit: dict) -> str:
        return str(sum(1 for p in unit_projects(truth, unit) if p["purchase_service"]))

    question = f"12表政府购买服务里 属于{own['name']}的项目 几个"
    first = assistant.ask(question)
    follow = follow_up(assistant, question, f"{other['name']}呢")

    assert first.value == count(own) and follow.value == count(other)
    assert "预算12表" in follow.interpretation


def test_a_follow_up_names_another_unit_for_the_same_share(five_units):
    assistant, truth = five_units
    first_unit, other = truth["units"][3], truth["units"][2]
    question = f"{first_unit['name']}占全部门预算多少？"

    ans = follow_up(assistant, question, f"那{other['name']}呢？")

    assert (ans.value, ans.unit) == (percent(Decimal(other["total"]), Decimal(truth["totals"]["total"])), "%")


def test_points_of_a_share_and_the_last_two_of_a_unit(five_units):
    assistant, truth = five_units
    unit = truth["units"][0]
    own = sorted(unit_projects(truth, unit), key=lambda p: Decimal(p["amount"]))[:2]

    share = assistant.ask(f"{unit['name']}项目支出 占全部门项目支出 几个点(2位)")
    last = assistant.ask(f"{unit['code']} 项目 倒数两名")

    total = sum(Decimal(p["amount"]) for p in unit_projects(truth, unit))
    assert (share.value, share.unit) == (percent(total, Decimal(truth["totals"]["project"])), "%")
    assert [i.name for i in last.items] == [p["name"] for p in own]


def test_codes_written_apart_address_one_cell(five_units):
    """07表 <unit code> <subject code> 公用经费: three codes apart, not one long number."""
    assistant, truth = five_units
    project = truth["projects"][0]
    unit, subject = project["unit_code"], project["function_code"]

    ans = assistant.ask(f"07表 {unit} {subject} 项目支出")

    wanted = sum(
        Decimal(p["amount"])
        for p in truth["projects"]
        if p["unit_code"] == unit and p["function_code"] == subject
    )
    assert ans.value == str(wanted)
    assert unit in ans.interpretation or any(u["name"] in ans.interpretation for u in truth["units"])


def test_another_column_of_the_same_cells_as_a_follow_up(five_units):
    assistant, truth = five_units
    project = truth["projects"][0]
    question = f"07表 {project['unit_code']} {project['function_code']} 公用经费多少"

    ans = follow_up(assistant, question, "项目支出那列呢")

    wanted = sum(
        Decimal(p["amount"])
        for p in truth["projects"]
        if p["unit_code"] == project["unit_code"] and p["function_code"] == project["function_code"]
    )
    assert ans.value == str(wanted)


def test_units_counted_under_an_amount_bound_are_asked_which_total_is_bounded(five_units):
    assistant, _ = five_units

    ans = assistant.ask("项目支出超过 500万元的单位 有几家")

    assert ans.value is None and "？" in ans.answer


def test_function_classes_ranked_when_asked_by_the_class_of_the_classification(five_units):
    assistant, truth = five_units

    ans = assistant.ask("按支出功能分类的类，把各类支出从大到小排个序")

    assert all(i.name.endswith("支出") for i in ans.items) and len(ans.items) <= 11
    assert [i.rank for i in ans.items] == list(range(1, len(ans.items) + 1))


def unit_measure(assistant: Assistant, unit: dict, measure: str) -> Decimal:
    return Decimal(assistant.ask(f"{unit['name']}的{measure}是多少").value)


def test_a_measure_named_before_two_units_is_compared_for_both(five_units):
    assistant, truth = five_units
    school = next(u for u in truth["units"] if u["name"].endswith("第二中学"))
    primary = next(u for u in truth["units"] if u["name"].endswith("实验小学"))

    ans = assistant.ask("人员经费这块，二中比实小多出多少钱")

    wanted = unit_measure(assistant, school, "人员经费") - unit_measure(assistant, primary, "人员经费")
    assert Decimal(ans.value) == abs(wanted)


@pytest.mark.parametrize(
    ("question", "part", "whole"),
    [
        ("一幼基本支出里人员经费占多大比例", "人员经费", "基本支出"),
        ("一幼项目支出 占它自己预算总额的比例", "项目支出", None),
    ],
)
def test_a_units_share_within_its_own_whole(five_units, question, part, whole):
    assistant, truth = five_units
    unit = next(u for u in truth["units"] if u["name"].endswith("第一幼儿园"))
    of = unit_measure(assistant, unit, whole) if whole else Decimal(unit["total"])

    ans = assistant.ask(question)

    assert (ans.value, ans.unit) == (percent(unit_measure(assistant, unit, part), of), "%")


def test_when_a_task_is_due_without_a_timeliness_target_is_the_dated_goal_sentence(five_units):
    assistant, truth = five_units
    project = next(
        p
        for p in truth["projects"]
        if re.search(r"月底前完成", p["goal"])
        and not any(i["level2"].startswith("时效") for i in p["indicators"])
    )
    dated = re.search(r"[^。，]*月底前完成", project["goal"]).group()

    ans = assistant.ask(f"{project['name']}的绩效目标要求任务什么时候前完成？")

    assert dated in ans.answer and "预算13表" in ans.answer


def _function_rows(assistant: Assistant) -> list[dict]:
    doc = assistant.toolbox.documents()[0]["doc_id"]
    return [r for r in assistant.toolbox.table(doc, "07")["rows"] if not r["is_total"]]


def test_a_subject_said_first_then_two_units_compared_is_that_subject_in_each(five_units):
    assistant, truth = five_units
    rows = _function_rows(assistant)
    code, first, second = next(
        (a["cells"]["功能分类科目编码"], a, b)
        for a in rows
        for b in rows
        if a["cells"].get("功能分类科目编码") == b["cells"].get("功能分类科目编码")
        and a["cells"]["单位编码"] != b["cells"]["单位编码"]
    )
    name = {u["code"]: u["name"] for u in truth["units"]}

    ans = assistant.ask(
        f"07表 {code}{first['cells']['功能分类科目']} "
        f"{name[first['cells']['单位编码']]}比{name[second['cells']['单位编码']]}多多少"
    )

    assert ans.value == str(abs(first["amounts"]["合计"] - second["amounts"]["合计"]))


def test_which_kuan_a_unit_spends_most_on_is_ranked_at_that_level(five_units):
    assistant, truth = five_units
    unit = truth["units"][-1]
    by_kuan: dict[str, Decimal] = {}
    for r in _function_rows(assistant):
        if r["cells"]["单位编码"] == unit["code"]:
            kuan = r["cells"]["功能分类科目编码"][:5]
            by_kuan[kuan] = by_kuan.get(kuan, Decimal(0)) + r["amounts"]["合计"]

    ans = assistant.ask(f"{unit['name']}的钱主要花在哪个款上？")

    assert ans.value == str(max(by_kuan.values())) and ans.plan.operands[0].rows.level == 5
