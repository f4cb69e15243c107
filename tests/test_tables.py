"""预算01表–12表 as parsed from the bundled sample: rows, columns, sums, provenance."""

from decimal import Decimal as D

from index.columns import assign
from index.layout import drop_page_numbers, split_lines, split_parts
from index.tables import SPECS, parse_rows


def column_sum(table, column):
    return sum((r.amounts.get(column, D(0)) for r in table.data_rows if r.cells.get("层级") != "部门"), D(0))


def test_every_standard_table_is_found(sample_doc):
    assert sorted(sample_doc.tables) == [f"{n:02d}" for n in range(1, 15) if n != 13]
    assert sample_doc.department == "北京市东城区科学技术和信息化局"
    assert sample_doc.year == 2022


def test_project_table_has_all_35_projects_with_wrapped_names_rejoined(sample_doc):
    table = sample_doc.tables["04"]
    names = [r.cells["项目名称"] for r in table.data_rows]
    assert len(names) == 35
    assert "东城区电子政务技术支持服务相关系统软硬件运维项目" in names
    assert "东城区网格化社会服务管理PDA智能终端-2022年度通讯资费" in names
    assert {r.cells["单位名称"] for r in table.data_rows} == {"北京市东城区科学技术和信息化局本级"}
    assert column_sum(table, "合计") == D("4994.19")
    assert table.total.amounts["合计"] == D("4994.18")


def test_wrapped_unit_name_is_rejoined(sample_doc):
    row = sample_doc.tables["04"].data_rows[0]
    assert row.cells["单位编码"] == "025001"
    assert row.cells["单位名称"] == "北京市东城区科学技术和信息化局本级"
    assert row.line_end - row.line_start == 3


def test_blank_columns_are_assigned_from_the_projects(sample_doc):
    rows = {
        (r.cells["功能分类科目编码"], r.cells["部门经济分类编码"]): r
        for r in sample_doc.tables["03"].data_rows
        if r.cells["功能分类科目编码"] != "2080505"
    }
    assert rows[("2060101", "30101")].amounts == {"合计": D("102.59"), "基本支出": D("102.59")}
    assert rows[("2060702", "30299")].amounts == {"合计": D("200.00"), "项目支出": D("200.00")}
    table = sample_doc.tables["03"]
    assert len(table.data_rows) == 64
    assert column_sum(table, "基本支出") == D("1464.24")  # printed 1,464.25: the source's rounding
    assert column_sum(table, "项目支出") == D("4994.19")  # printed 4,994.18


def test_function_name_wrapped_before_the_codes_is_rejoined(sample_doc):
    pension = [r for r in sample_doc.tables["03"].data_rows if r.cells["功能分类科目编码"] == "2080505"]
    assert [r.cells["功能分类科目"] for r in pension] == ["机关事业单位基本养老保险缴费支出"] * 2


def test_expenditure_by_unit_splits_personnel_public_and_project(sample_doc):
    rows = {
        (r.cells["单位编码"], r.cells["功能分类科目编码"]): r.amounts
        for r in sample_doc.tables["07"].data_rows
    }
    assert len(rows) == 17
    assert rows[("025001", "2080501")] == {
        "合计": D("15.53"),
        "基本支出": D("15.53"),
        "人员经费": D("13.10"),
        "公用经费": D("2.43"),
    }
    assert rows[("025001", "2069999")]["项目支出"] == D("4634.45")
    assert "基本支出" not in rows[("025001", "2069999")]
    assert rows[("025003", "2210201")] == {"合计": D("53.97"), "基本支出": D("53.97"), "人员经费": D("53.97")}


def test_basic_expenditure_columns_add_up_exactly(sample_doc):
    table = sample_doc.tables["08"]
    for column, printed in (("合计", "1464.25"), ("人员经费", "1406.68"), ("公用经费", "57.57")):
        assert column_sum(table, column) == D(printed) == table.total.amounts[column]


def test_rows_with_no_amounts_are_kept(sample_doc):
    rent = [r for r in sample_doc.tables["08"].data_rows if r.cells["部门经济分类编码"] == "30214"]
    assert len(rent) == 1 and rent[0].amounts == {}


def test_header_repeated_after_a_page_break_is_not_a_row(sample_doc):
    table = sample_doc.tables["08"]
    assert all(r.cells["政府经济分类编码"].startswith("5") for r in table.data_rows)
    assert len(table.data_rows) == 52


def test_income_table_keeps_department_and_units(sample_doc):
    rows = sample_doc.tables["02"].data_rows
    assert [(r.cells["单位编码"], r.cells["层级"], r.amounts["合计"]) for r in rows] == [
        ("025", "部门", D("6458.43")),
        ("025001", "单位", D("5783.84")),
        ("025003", "单位", D("674.59")),
    ]


def test_purchase_of_services_catalogue_is_rejoined(sample_doc):
    table = sample_doc.tables["12"]
    rows = {r.cells["项目名称"]: r for r in table.data_rows}
    assert len(rows) == 22
    lines = rows["全区线路租用服务"]
    assert lines.cells["目录一级"] == "05-政府履职所需辅助性服务"
    assert lines.cells["目录二级"] == "0511-机关信息系统建设与维护"
    assert lines.cells["目录三级"] == "信息化运行维护服务"
    assert lines.amounts == {"预算金额": D("487.41")}
    assert rows["“数字东城”网站运行维护项目"].cells["目录三级"] == "其他公共信息"
    assert column_sum(table, "预算金额") == D("3527.52")
    assert table.total.amounts["预算金额"] == D("3527.51")


def test_statements_carry_side_and_amount(sample_doc):
    spend = {r.cells["项目"]: r.amounts for r in sample_doc.tables["01"].rows if r.cells["方向"] == "支出"}
    assert spend["六、科学技术支出"] == {"预算数": D("5895.07")}
    assert spend["二、外交支出"] == {}
    income = {r.cells["项目"]: r.amounts for r in sample_doc.tables["06"].rows if r.cells["方向"] == "收入"}
    assert income["（一）一般公共预算资金"] == {"预算数": D("6458.43")}


def test_three_public_items(sample_doc):
    row = sample_doc.tables["11"].rows[0]
    assert row.cells == {"年度": "2022"}
    assert row.amounts["“三公”经费财政拨款预算总额"] == D("2.8")
    assert row.amounts["公务用车运行维护费"] == D("2.8")
    assert row.amounts["公务用车加油"] == D("1.02")


def test_empty_tables_are_marked_with_their_note(sample_doc):
    for number in ("09", "10"):
        table = sample_doc.tables[number]
        assert table.empty and not table.data_rows
        assert "本表无数据" in table.note


def test_solver_places_both_basic_and_project_when_printed():
    columns = SPECS["03"].measures
    assert assign([D("30"), D("10"), D("20")], columns, SPECS["03"].identities) == {
        "合计": D("30"),
        "基本支出": D("10"),
        "项目支出": D("20"),
    }


def test_solver_uses_hints_when_numbers_alone_are_ambiguous():
    columns = SPECS["07"].measures
    identities = SPECS["07"].identities
    basic = assign([D("5"), D("5"), D("5")], columns, identities)
    project = assign(
        [D("5"), D("5"), D("5")], columns, identities, {"项目支出": D("5"), "扣除基建项目后预算数": D("5")}
    )
    assert basic == {"合计": D("5"), "基本支出": D("5"), "人员经费": D("5")}
    assert project == {"合计": D("5"), "项目支出": D("5"), "扣除基建项目后预算数": D("5")}


def test_a_row_spanning_a_page_break_keeps_its_source_lines():
    text = "\n".join(
        [
            "预算08表 2030年部门（单位）一般公共预算财政拨款基本支出表",
            "金额单位：万元",
            "政府支出经济分类科目 部门支出经济分类科目",
            "合计 人员经费 公用经费",
            "50101-工资奖金津补贴 30101-基本工资 1,000.50 1,000.50",
            " 政府支出经济分类科目 部门支出经济分类科目",
            "合计 人员经费 公用经费",
            "50201-办公经费 30201-办公费 0.50 0.50",
            "合    计 1,001.00 1,000.50 0.50",
        ]
    )
    part = split_parts(drop_page_numbers(split_lines(text)))[0]
    table, gaps = parse_rows(
        part,
        SPECS["08"],
        lambda c: {"人员经费": D(0)} if c["部门经济分类编码"].startswith("302") else {"公用经费": D(0)},
    )
    assert gaps == []
    assert [(r.row_no, r.amounts, r.line_start) for r in table.data_rows] == [
        (1, {"合计": D("1000.50"), "人员经费": D("1000.50")}, 5),
        (2, {"合计": D("0.50"), "公用经费": D("0.50")}, 8),
    ]
