"""预算13表 (project performance) and 预算14表 (overall goals): the sample and made-up blocks."""

from __future__ import annotations

from decimal import Decimal

import pytest

from index.layout import Part, drop_page_numbers, split_lines, split_parts
from index.performance import parse_overall_goals, parse_performance

HEADER = """ 单位名称 项目名称 项目类别 项目责任人
项目责任人
电话
项目总额
其中：
绩效目标 一级指标 二级指标 三级指标 绩效指标性质 本年绩效指标值 绩效度量单位 指标方向性
财政资金 其他资金
"""

TITLE13 = "预算13表 2023年部门（单位）项目支出绩效表\n金额单位：万元\n"

#: A made-up 教育委员会 project: other unit, code letter, names and numbers.
EDU_BLOCK = """201003-北京市海淀区教
育委员会本级
11010823Y00000012
3456-中小学校园安
全保障经费
31-部门项目 120.500000 100.000000 20.500000
保障全区中小学校
园安全。
产出指标 数量指标
覆盖学校
数
>= 52 所 正向指标
满意度指标
服务对象满意度
指标
家长满意
度
= 95 % 正向指标
"""


def _part(text: str, number: str) -> Part:
    parts = split_parts(drop_page_numbers(split_lines(text)))
    return next(p for p in parts if p.table == number)


def _projects(text: str, names: list[str] | None = None):
    return parse_performance(_part(text, "13"), names or [])


@pytest.fixture(scope="module")
def sample_projects(sample_text):
    projects, gaps = parse_performance(_part(sample_text, "13"), [])
    return {p.name: p for p in projects}, gaps


def _indicator(project, level3: str):
    return next(i for i in project.indicators if i.level3 == level3)


# ------------------------------------------------------------------ the sample


def test_sample_has_35_projects_summing_to_the_printed_total(sample_projects):
    projects, gaps = sample_projects
    assert len(projects) == 35
    assert sum(p.total_13 for p in projects.values()) == Decimal("4994.180562")
    assert gaps == []


def test_every_indicator_row_of_the_sample_is_read(sample_projects):
    projects, _ = sample_projects
    indicators = [i for p in projects.values() for i in p.indicators]
    assert len(indicators) == 352  # one per 正向指标/反向指标 line of the table
    assert all(i.level1 and i.level2 and i.level3 and i.nature and i.direction for i in indicators)


def test_wrapped_project_code_is_rejoined(sample_projects):
    projects, _ = sample_projects
    project = projects["区科信局综合性费用"]
    assert project.code == "11010122T000000399544"
    assert project.unit_code == "025001"
    assert project.unit_name == "北京市东城区科学技术和信息化局本级"
    assert project.category == "31-部门项目"


def test_amounts_keep_full_printed_precision(sample_projects):
    projects, _ = sample_projects
    project = projects["2020年800M政务网运维费"]
    assert project.total_13 == Decimal("451.170467")
    assert project.fiscal_13 == Decimal("451.170467")
    assert project.other_13 == Decimal("0")
    assert str(project.total_13) == "451.170467"


def test_project_continued_on_next_page_is_merged(sample_projects):
    projects, _ = sample_projects
    project = projects["中小企业促进科培训费和大赛活动经费"]
    assert project.line_start == 1284 and project.line_end == 1504
    assert len(project.indicators) == 12  # 5 on the first page, 7 on the next
    assert project.goal.count("中小企业促进科培训费和大赛活动经费。") == 1
    assert not any(i.level3.startswith("中小企业促进科") for i in project.indicators)


def test_goal_is_rejoined_without_line_breaks(sample_projects):
    projects, _ = sample_projects
    assert projects["区科信局综合性费用"].goal == "信息化规划协调。"
    goal = projects["区科信局法律咨询服务"].goal
    assert goal == (
        "为我局提供决策管理法律咨询、审查日常管理法律文件、解答日常管理法律问题、列席会议及出庭等法律服务。"
    )


def test_wrapped_level3_indicator_is_rejoined(sample_projects):
    projects, _ = sample_projects
    first = projects["区科信局综合性费用"].indicators[0]
    assert (first.level1, first.level2, first.level3) == ("产出指标", "数量指标", "人事档案整理管理")
    assert (first.nature, first.value, first.measure_unit, first.direction) == ("≥", "1", "次/年", "正向指标")
    assert (first.line_start, first.line_end) == (1198, 1202)
    long = _indicator(
        projects["中小企业促进科培训费和大赛活动经费"],
        "加强中小企业公共服务平台建设，组织各平台、基地窗口推荐企业和创客参加大赛活动。",
    )
    assert long.line_end - long.line_start == 14


def test_wrapped_level2_satisfaction_indicator(sample_projects):
    projects, _ = sample_projects
    indicator = _indicator(projects["区科信局综合性费用"], "内部使用人员满意度")
    assert indicator.level1 == "满意度指标"
    assert indicator.level2 == "服务对象满意度指标"
    assert (indicator.nature, indicator.value, indicator.measure_unit) == ("定性", "高中低", "")


def test_level3_on_the_tail_line_after_a_wrapped_level2(sample_projects):
    projects, _ = sample_projects
    indicator = _indicator(projects["东城区社会信用体系服务"], "内部人员满意度")
    assert indicator.level2 == "服务对象满意度指标"
    assert indicator.value == "优良中低差"


@pytest.mark.parametrize(
    ("project", "level3", "nature", "value", "unit"),
    [
        ("防疫核酸检测预约热线服务费", "电话接通率", "≥", "90", "%"),
        ("全区线路租用服务", "线路租用", "＝", "1017", "条"),
        ("区科信局法律咨询服务", "律师工作日", "≥", "251", "天"),
        ("云平台系统软硬件及应用系统运维项目", "云平台各类服务器", "＝", "87", "台（套）"),
        ("东城区电子政务专网及机房平台运维服务项目", "1级故障响应时间", "≤", "1", "小时"),
        (
            "中小企业促进科培训费和大赛活动经费",
            "举办东城区中小企业创新创业大赛活动费用",
            "≤",
            "17.587",
            "万元",
        ),
        (
            "东城区电子政务技术支持服务相关系统软硬件运维项目",
            "呼叫中心系统服务器",
            "＝",
            "1",
            "个（台、套、件、辆）",
        ),
        ("云平台安全防护服务项目尾款", "渗透测试（10种以上不同web系统安全检查工具）", "＝", "1", "次"),
        ("云平台安全防护服务项目尾款", "表单办理实效", "≤", "5", "工作日"),
    ],
)
def test_sample_indicator_values(sample_projects, project, level3, nature, value, unit):
    projects, _ = sample_projects
    indicator = _indicator(projects[project], level3)
    assert (indicator.nature, indicator.value, indicator.measure_unit) == (nature, value, unit)


def test_cost_indicator_is_a_negative_direction(sample_projects):
    projects, _ = sample_projects
    indicator = _indicator(projects["区科信局综合性费用"], "预算控制成本")
    assert (indicator.level2, indicator.direction, indicator.value) == ("成本指标", "反向指标", "29")


def test_project_names_from_04_are_used(sample_text):
    name = "东城区网格化社会服务管理PDA智能终端-2022年度通讯资费"
    projects, _ = parse_performance(_part(sample_text, "13"), [name])
    assert name in {p.name for p in projects}


# --------------------------------------------------------- made-up blocks


def test_made_up_department_block_with_two_indicators():
    projects, gaps = _projects(TITLE13 + HEADER + EDU_BLOCK)
    assert gaps == []
    [project] = projects
    assert project.name == "中小学校园安全保障经费"
    assert project.code == "11010823Y000000123456"
    assert (project.unit_code, project.unit_name) == ("201003", "北京市海淀区教育委员会本级")
    assert (project.total_13, project.fiscal_13, project.other_13) == (
        Decimal("120.500000"),
        Decimal("100.000000"),
        Decimal("20.500000"),
    )
    assert project.goal == "保障全区中小学校园安全。"
    first, second = project.indicators
    assert (first.level2, first.level3, first.nature, first.value, first.measure_unit) == (
        "数量指标",
        "覆盖学校数",
        ">=",
        "52",
        "所",
    )
    assert (second.level1, second.level2, second.level3, second.nature) == (
        "满意度指标",
        "服务对象满意度指标",
        "家长满意度",
        "=",
    )


def test_half_width_less_or_equal_is_kept_as_printed():
    text = TITLE13 + HEADER + EDU_BLOCK + "产出指标 成本指标 安保经费 <= 120.5 万元 反向指标\n"
    [project], _ = _projects(text)
    assert (project.indicators[-1].nature, project.indicators[-1].value) == ("<=", "120.5")


def test_made_up_project_continued_on_next_page_is_merged():
    repeat = EDU_BLOCK.split("产出指标")[0]  # unit, code, name, amounts, goal again
    text = TITLE13 + HEADER + EDU_BLOCK + HEADER + repeat + "产出指标 时效指标 完成时间 ＝ 12 月 正向指标\n"
    [project], gaps = _projects(text)
    assert gaps == []
    assert [i.level3 for i in project.indicators] == ["覆盖学校数", "家长满意度", "完成时间"]
    assert project.goal == "保障全区中小学校园安全。"


def test_indicator_cut_by_a_page_break_is_finished_on_the_next_page():
    repeat = EDU_BLOCK.split("产出指标")[0]
    cut = "产出指标 数量指标\n培训教师人\n"
    text = TITLE13 + HEADER + EDU_BLOCK + cut + HEADER + repeat + "次\n≥ 300 人次 正向指标\n"
    [project], gaps = _projects(text)
    assert gaps == []
    assert project.goal == "保障全区中小学校园安全。"
    assert (project.indicators[-1].level3, project.indicators[-1].value) == ("培训教师人次", "300")


def test_level3_wrapped_before_the_level1_line_is_rejoined():
    text = TITLE13 + HEADER + EDU_BLOCK + "校园安全隐患\n效益指标 社会效益指标\n排查整改率\n≥ 98 % 正向指标\n"
    [project], gaps = _projects(text)
    assert gaps == []
    last = project.indicators[-1]
    assert (last.level1, last.level2, last.level3) == ("效益指标", "社会效益指标", "校园安全隐患排查整改率")


def test_level3_starting_on_the_level1_line_keeps_its_order():
    text = TITLE13 + HEADER + EDU_BLOCK + "产出指标 质量指标 食堂食品安全抽\n检合格率\n≥ 100 % 正向指标\n"
    [project], _ = _projects(text)
    assert project.indicators[-1].level3 == "食堂食品安全抽检合格率"


def test_code_printed_whole_with_the_name_on_the_next_lines():
    block = EDU_BLOCK.replace(
        "11010823Y00000012\n3456-中小学校园安\n", "11010823Y000000123456\n中小学校园安\n"
    )
    [project], gaps = _projects(TITLE13 + HEADER + block)
    assert (project.code, project.name) == ("11010823Y000000123456", "中小学校园安全保障经费")
    assert gaps == []


def test_merged_level1_cell_is_inherited_from_the_row_above():
    text = (
        TITLE13
        + HEADER
        + EDU_BLOCK.replace("满意度指标\n服务对象满意度\n指标\n家长满意\n度\n= 95 % 正向指标\n", "")
    )
    text += "质量指标 设备完好率 ≥ 95 % 正向指标\n"
    [project], _ = _projects(text)
    assert (project.indicators[-1].level1, project.indicators[-1].level2) == ("产出指标", "质量指标")


def test_name_from_04_recovers_a_piece_printed_after_the_amounts():
    block = EDU_BLOCK.replace(
        "3456-中小学校园安\n全保障经费\n31-部门项目 120.500000 100.000000 20.500000\n保障全区中小学校",
        "3456-中小学校园安\n全保障\n31-部门项目 120.500000 100.000000 20.500000\n经费保障全区中小学校",
    )
    [project], _ = _projects(TITLE13 + HEADER + block, ["中小学校园安全保障经费"])
    assert project.name == "中小学校园安全保障经费"
    assert project.goal == "保障全区中小学校园安全。"


def test_project_missing_from_04_keeps_the_printed_name_and_is_reported():
    projects, gaps = _projects(TITLE13 + HEADER + EDU_BLOCK, ["另一个项目"])
    assert [p.name for p in projects] == ["中小学校园安全保障经费"]
    assert any("另一个项目" in g.message for g in gaps)


def test_unfinished_indicator_is_reported_not_dropped():
    _, gaps = _projects(TITLE13 + HEADER + EDU_BLOCK + "产出指标 质量指标\n验收合格\n")
    assert any("验收合格" in g.message for g in gaps)


def test_empty_table_has_no_projects():
    projects, gaps = _projects(TITLE13 + "本表无数据\n")
    assert projects == [] and gaps == []


# ------------------------------------------------------------------ 预算14表


def test_overall_goals_of_the_sample(sample_text):
    table = parse_overall_goals(_part(sample_text, "14"))
    assert table.number == "14"
    name, funds, goal, other, *rows = table.rows
    assert name.cells["内容"] == "北京市东城区科学技术和信息化局（北京市东城区大数据管理局）"
    assert funds.amounts["合计"] == Decimal("6458.43")
    assert funds.amounts["基本支出"] == Decimal("1464.25")
    assert funds.amounts["项目支出"] == Decimal("4994.18")
    assert goal.cells["内容"].startswith("统筹推进本区大数据工作") and "\n" not in goal.cells["内容"]
    assert other.cells["内容"] == "无。"
    assert len(rows) == 20
    review = next(r for r in rows if r.cells["活动"] == "全区信息化项目评审")
    assert (
        review.cells["绩效指标"] == "加强信息化的统筹规划与资源共享，合理使用信息化资金，规范信息化项目管理"
    )
    science = [r.cells for r in rows if r.cells["活动"] == "科技经费"]
    assert [c["绩效指标"] for c in science][1:3] == [
        "组织政策法规培训",
        "到受援地区化德开展帮扶活动或科普活动",
    ]
    assert (science[1]["指标性质"], science[1]["指标值"], science[1]["度量单位"]) == ("产出指标", "1", "次")


def test_made_up_overall_goals_with_merged_activity():
    text = """预算14表 2023年部门（单位）整体支出绩效目标申报表
（2023年度）
部门（单位）名称 北京市海淀区教育委员会
总体资金情况（万元）
预算支出总额
财政拨款 其他资金
合计 基本支出 项目支出 合计 基本支出 项目支出
900.00 600.00 300.00 10.00 10.00 0.00
整体绩效目标
整体绩效目标
保障全区中小学正常运转，提升教育质量。
其他说明 无。
活动 绩效指标 指标性质 指标值 度量单位
学校运转 保障学校正常运转 定性 优良中低差
校园安全
覆盖学校数量达到全区公办中小学校的全部范围，确保校园安全管理无死角，全面提升全区中小学校园安全
水平
≥ 52 所
校园安全检查 ＝ 12 次
"""
    table = parse_overall_goals(_part(text, "14"))
    funds = table.rows[1].amounts
    assert funds["财政拨款合计"] == Decimal("900.00") and funds["其他资金合计"] == Decimal("10.00")
    assert funds["合计"] == Decimal("910.00")
    rows = [r.cells for r in table.rows[4:]]
    assert [(r["活动"], r["指标值"], r["度量单位"]) for r in rows] == [
        ("学校运转", "优良中低差", ""),
        ("校园安全", "52", "所"),
        ("校园安全", "12", "次"),
    ]
    assert rows[1]["绩效指标"].endswith("校园安全水平")
