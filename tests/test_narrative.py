"""The narrative parts: sections, paragraphs and the numeric facts in them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from index.layout import drop_page_numbers, split_lines, split_parts
from index.narrative import parse_facts, parse_sections, tidy


def _sections(text: str):
    return parse_sections(split_parts(drop_page_numbers(split_lines(text))))


def _facts(text: str, year: int | None = 2023):
    lines = drop_page_numbers(split_lines(text))
    return parse_facts(parse_sections(split_parts(lines)), year, lines)


@pytest.fixture(scope="module")
def sample(sample_text):
    lines = drop_page_numbers(split_lines(sample_text))
    sections = parse_sections(split_parts(lines))
    return sections, parse_facts(sections, 2022, lines)


def _section(sections, last_heading: str):
    return next(s for s in sections if s.path[-1].startswith(last_heading))


def _fact(facts, kind: str, subject: str, nth: int = 0):
    return [f for f in facts if f.kind == kind and f.subject == subject][nth]


# ------------------------------------------------------------------- text


def test_tidy_removes_pdf_spaces_but_keeps_latin_words_apart():
    assert tidy("本部门 2022 年收入预算 6458.43 万元") == "本部门2022年收入预算6458.43万元"
    assert tidy("不同 web 系统 Office 365 套件") == "不同web系统Office 365套件"


# --------------------------------------------------------------- sections


def test_heading_path_of_a_numbered_subsection(sample):
    sections, _ = sample
    section = _section(sections, "3．一般公共预算当年拨款具体使用情况")
    assert section.path == [
        "三、2022 年部门预算情况说明",
        "（五）关于本部门 2022年一般公共预算当年拨款情况说明",
        "3．一般公共预算当年拨款具体使用情况",
    ]
    assert len(section.paragraphs) == 13  # （1） … （13）


def test_paragraph_is_rejoined_across_wraps_and_a_page_break(sample):
    sections, _ = sample
    [(text, start, end)] = _section(sections, "1．一般公共预算当年拨款规模变化情况").paragraphs
    assert text == (
        "本部门2022年一般公共预算当年拨款6458.43万元，比2021年预算数减少1133.94万元，"
        "减少的主要原因是贯彻落实过“紧日子”的要求，厉行节约，压缩信息化项目支出经费。"
    )
    assert (start, end) == (6269, 6272)  # line 6270 starts a new page


def test_enumerated_items_are_paragraphs_not_headings(sample):
    sections, _ = sample
    duties = _section(sections, "（一）主要职能")
    assert len(duties.paragraphs) == 12
    assert duties.paragraphs[0][0].startswith("1.贯彻落实国家")
    units = _section(sections, "（二）部门预算单位构成")
    assert units.paragraphs[-1][0] == "2.北京市东城区信息中心（北京市东城区中小企业服务中心）"


def test_glossary_has_one_paragraph_per_term(sample):
    sections, _ = sample
    glossary = _section(sections, "四、名词解释")
    assert glossary.paragraphs[0] == ("一般公共预算拨款收入：财政当年拨付资金。", 6505, 6505)
    terms = [p[0] for p in glossary.paragraphs if "：" in p[0]]
    assert len(terms) == 17
    assert any(
        t.startswith("住房公积金（2210201）：反映行政事业单位") and t.endswith("住房公积金。") for t in terms
    )


def test_short_heading_under_three_public_section(sample):
    sections, _ = sample
    section = _section(sections, "1.因公出国（境）费用")
    assert section.path[1] == "（七）关于本部门 2022年“三公”经费预算情况说明"


def test_made_up_narrative_sections():
    text = """三、2023 年部门预算情况说明
（一）关于本部门 2023年收支总体情况的说明
按照综合预算的原则，本部门所有收入和支出均纳入部门预
算管理。
（二）其他重要事项的情况说明
1．机关运行经费
2023 年本部门机关运行经费预算 120000元，比 2022年预算增加
 5000元。
"""
    sections = _sections(text)
    assert [s.path[-1] for s in sections] == [
        "三、2023 年部门预算情况说明",
        "（一）关于本部门 2023年收支总体情况的说明",
        "（二）其他重要事项的情况说明",
        "1．机关运行经费",
    ]
    assert sections[-1].paragraphs == [
        ("2023年本部门机关运行经费预算120000元，比2022年预算增加5000元。", 7, 8)
    ]


# ------------------------------------------------------------------ facts


def test_subject_change_and_reason_are_records(sample):
    _, facts = sample
    fact = _fact(facts, "subject", "行政运行")
    assert (fact.amount, fact.unit, fact.change, fact.change_pct, fact.direction) == (
        Decimal("469.52"),
        "万元",
        Decimal("20.9"),
        Decimal("4.66"),
        "增加",
    )
    assert "科学技术支出（类）科学技术管理事务（款）行政运行（项）" in fact.text
    assert fact.section.endswith("3．一般公共预算当年拨款具体使用情况")
    assert (fact.line_start, fact.line_end) == (6284, 6288)
    housing = _fact(facts, "subject", "住房公积金")
    assert (housing.reason, housing.code) == ("人员增加", "2210201")


def test_trailing_clause_after_a_decrease_is_the_reason(sample):
    _, facts = sample
    fact = _fact(facts, "subject", "其他科学技术支出")
    assert (fact.change, fact.change_pct) == (Decimal("-1207.77"), Decimal("-20.67"))
    assert fact.reason == "厉行节约，精打细算，压减项目资金"
    assert fact.code == ""  # the glossary gives 20699 only, a 款 code


def test_half_width_commas_and_small_decreases(sample):
    _, facts = sample
    fact = _fact(facts, "subject", "其他科学技术管理事务支出")
    assert (fact.change, fact.change_pct, fact.code) == (Decimal("-1.72"), Decimal("-0.4"), "2060199")
    assert _fact(facts, "subject", "事业单位离退休").change_pct == Decimal("-5")


def test_sample_has_13_subject_facts(sample):
    _, facts = sample
    assert len([f for f in facts if f.kind == "subject"]) == 13


def test_totals_with_change_and_reason(sample):
    _, facts = sample
    fact = _fact(facts, "total", "一般公共预算当年拨款")
    assert (fact.amount, fact.change, fact.direction) == (Decimal("6458.43"), Decimal("-1133.94"), "减少")
    assert fact.reason == "贯彻落实过“紧日子”的要求，厉行节约，压缩信息化项目支出经费"
    assert _fact(facts, "total", "收支总预算").amount == Decimal("6458.43")
    assert _fact(facts, "total", "基本支出").amount == Decimal("1464.25")
    assert _fact(facts, "share", "项目支出").amount == Decimal("77.33")


def test_shares_are_percent_facts(sample):
    _, facts = sample
    share = _fact(facts, "share", "科学技术支出")
    assert (share.amount, share.unit) == (Decimal("91.28"), "%")
    assert share.section.endswith("2．一般公共预算当年拨款结构情况")


def test_three_public_items_in_yuan_with_zero_changes(sample):
    _, facts = sample
    total = _fact(facts, "three_public", "“三公”经费")
    assert (total.amount, total.unit, total.change) == (Decimal("28000"), "元", Decimal("-2000"))
    abroad = _fact(facts, "three_public", "因公出国（境）费用")
    assert (abroad.amount, abroad.change, abroad.direction) == (Decimal("0"), Decimal("0"), "持平")
    assert abroad.reason.startswith("受新冠肺炎疫情影响")
    assert _fact(facts, "three_public", "公务接待费").amount == Decimal("0")
    assert _fact(facts, "three_public", "公务用车购置费").change == Decimal("0")
    car = _fact(facts, "three_public", "公务用车运行维护费")
    assert (car.amount, car.change, car.reason) == (
        Decimal("28000"),
        Decimal("-2000"),
        "厉行节约，压缩“三公”经费",
    )
    assert _fact(facts, "three_public", "公务用车购置和运行维护费").amount == Decimal("28000")


def test_operating_cost_in_yuan(sample):
    _, facts = sample
    fact = _fact(facts, "operating_cost", "机关运行经费")
    assert (fact.amount, fact.unit, fact.change) == (Decimal("315500"), "元", Decimal("-571907.54"))


@pytest.mark.parametrize(
    ("subject", "amount", "unit"),
    [
        ("基层预算单位", "2", "户"),
        ("项目预算", "35", "项"),
        ("政府购买服务项目", "22", "项"),
        ("车辆", "2", "辆"),
        ("一般公务用车", "2", "辆"),
        ("单位价值200万元以上大型设备", "0", "台（套）"),
        ("购置车辆", "0", "辆"),
        ("申报绩效目标的项目", "35", "项"),
    ],
)
def test_counts(sample, subject, amount, unit):
    _, facts = sample
    fact = _fact(facts, "count", subject)
    assert (fact.amount, fact.unit) == (Decimal(amount), unit)


def test_amounts_beside_counts(sample):
    _, facts = sample
    assert _fact(facts, "total", "项目预算总额").amount == Decimal("4994.18")
    assert _fact(facts, "total", "政府采购总额").amount == Decimal("1296.38")
    assert _fact(facts, "total", "政府采购服务预算").amount == Decimal("1296.38")
    assert _fact(facts, "total", "政府购买服务项目预算总额").amount == Decimal("3527.51")


def test_threshold_amounts_are_not_facts(sample):
    _, facts = sample
    assert not any(f.amount == Decimal("200") and f.unit == "万元" and f.kind != "subject" for f in facts)


def test_made_up_subject_sentence_with_decrease():
    text = """三、2023 年部门预算情况说明
（五）关于本部门 2023年一般公共预算当年拨款情况说明
3．一般公共预算当年拨款具体使用情况
（1）教育支出（类）普通教育（款）小学教育（项）2023 年预
算数为 1,234.5 万元，比 2022年预算数减少 100万元，下降 7.5%。
减少的主要原因是学生人数减少。
（2）教育支出（类）普通教育（款）初中教育（项）2023 年预算
数为 88万元，与 2022年持平。
四、名词解释
初中教育（2050203）：反映初中教育支出。
"""
    primary, middle = _facts(text)
    assert (primary.kind, primary.subject, primary.amount) == ("subject", "小学教育", Decimal("1234.5"))
    assert (primary.change, primary.change_pct, primary.direction) == (
        Decimal("-100"),
        Decimal("-7.5"),
        "减少",
    )
    assert primary.reason == "学生人数减少"
    assert (primary.year, primary.line_start, primary.line_end) == (2023, 4, 6)
    assert (middle.change, middle.direction, middle.code) == (Decimal("0"), "持平", "2050203")


def test_made_up_three_public_and_counts():
    text = """三、2023 年部门预算情况说明
（七）关于本部门 2023年“三公”经费预算情况说明
2023 年“三公”经费预算 15.6万元，比 2022年增加 1.2万元，主要
原因是外事任务增加。
（九）其他重要事项的情况说明
截至 2022年底，本部门共有车辆 5辆，其中一般公务用车 3辆。
"""
    facts = _facts(text)
    three = _fact(facts, "three_public", "“三公”经费")
    assert (three.amount, three.unit, three.change, three.reason) == (
        Decimal("15.6"),
        "万元",
        Decimal("1.2"),
        "外事任务增加",
    )
    assert _fact(facts, "count", "车辆").amount == Decimal("5")
    assert _fact(facts, "count", "一般公务用车").amount == Decimal("3")


def test_facts_fall_back_to_paragraph_lines_without_the_source():
    text = "三、2023 年部门预算情况说明\n（一）关于收支\n本部门 2023年收支总预算 100万元。\n"
    sections = _sections(text)
    [fact] = parse_facts(sections, 2023)
    assert (fact.kind, fact.subject, fact.line_start, fact.line_end) == ("total", "收支总预算", 3, 3)
