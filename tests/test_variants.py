"""Generated variant documents: deterministic, exactly consistent, laid out like the sample.

The parser is checked against these documents, so their truth must be right to the
cent and their text must carry the same extraction quirks as the real PDFs' text.
"""

from __future__ import annotations

import json
import re
from decimal import ROUND_HALF_UP, Decimal

import pytest

from evals.variants import generate, main, money, plain, row_lines, wrap_cell, write_variant

SEEDS = range(8)


def dec(value: str | None) -> Decimal:
    return Decimal(0) if value is None else Decimal(value)


def nonblank(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def narrative(text: str) -> str:
    """三、…说明 onward, its wrapped lines joined back into running text."""
    start = text.index("年部门预算情况说明")
    return "".join(nonblank(text[start:]))


@pytest.fixture(scope="module")
def variants():
    return {seed: generate(seed) for seed in SEEDS}


# -- determinism and arguments ------------------------------------------------------


def test_the_same_seed_gives_the_same_document_and_truth():
    first, again = generate(7), generate(7)
    assert first.text == again.text
    assert first.truth == again.truth


def test_different_seeds_give_different_documents(variants):
    assert len({v.text for v in variants.values()}) == len(SEEDS)


def test_units_projects_and_year_are_honoured():
    v = generate(3, units=4, projects=17, year=2021)
    assert v.truth["year"] == 2021
    assert v.truth["counts"]["units"] == 4 and len(v.truth["units"]) == 4
    assert v.truth["counts"]["projects"] == 17 and len(v.truth["tables"]["04"]["rows"]) == 17
    assert " 预算01表 2021年部门（单位）收支总表" in v.text.splitlines()
    assert len({p["code"] for p in v.truth["projects"]}) == 17


def test_unit_codes_extend_the_department_code_and_the_first_unit_is_the_bureau_itself():
    truth = generate(3, units=5).truth
    dept = truth["department"]
    assert [u["code"][:3] for u in truth["units"]] == [dept["code"]] * 5
    assert truth["units"][0] == {
        **truth["units"][0],
        "code": dept["code"] + "001",
        "name": dept["name"] + "本级",
        "kind": "1-行政单位",
    }
    assert all(u["kind"] == "2-事业单位" for u in truth["units"][1:])


@pytest.mark.parametrize("kwargs", [{"units": 0}, {"units": 6}, {"year": 2018}, {"projects": 0}])
def test_out_of_range_arguments_are_refused(kwargs):
    with pytest.raises(ValueError):
        generate(1, **kwargs)


def test_the_truth_is_json_with_amounts_as_decimal_strings(variants):
    truth = variants[0].truth
    assert json.loads(json.dumps(truth, ensure_ascii=False)) == truth
    assert all(re.fullmatch(r"\d+\.\d\d", v) for v in truth["totals"].values())
    assert all(re.fullmatch(r"\d+\.\d{6}", p["total_13"]) for p in truth["projects"])


# -- the figures add up -------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_every_table_sums_to_its_printed_total(variants, seed):
    tables = variants[seed].truth["tables"]
    for number, columns in [
        ("03", ("total", "basic", "project")),
        ("07", ("total", "basic", "personnel", "public", "project")),
        ("08", ("total", "personnel", "public")),
    ]:
        for column in columns:
            assert sum(dec(r[column]) for r in tables[number]["rows"]) == dec(tables[number]["total"][column])
    assert sum(dec(r["total"]) for r in tables["04"]["rows"]) == dec(tables["04"]["total"]["total"])
    assert sum(dec(r["total"]) for r in tables["02"]["rows"]) == dec(tables["02"]["total"]["total"])
    assert sum(dec(r["amount"]) for r in tables["05"]["rows"]) == dec(tables["05"]["total"])
    assert sum(dec(r["amount"]) for r in tables["12"]["rows"]) == dec(tables["12"]["total"])
    for row in tables["07"]["rows"]:
        assert dec(row["personnel"]) + dec(row["public"]) == dec(row["basic"])
        assert dec(row["basic"]) + dec(row["project"]) == dec(row["total"])


@pytest.mark.parametrize("seed", SEEDS)
def test_the_tables_agree_with_each_other(variants, seed):
    truth = variants[seed].truth
    t = truth["tables"]
    total = dec(truth["totals"]["total"])
    assert {
        dec(t["01"]["income_total"]),
        dec(t["02"]["department"]["total"]),
        dec(t["03"]["total"]["total"]),
        dec(t["06"]["income_total"]),
        dec(t["07"]["total"]["total"]),
    } == {total}
    assert dec(t["07"]["total"]["basic"]) == dec(t["08"]["total"]["total"])
    assert dec(t["04"]["total"]["total"]) == dec(t["03"]["total"]["project"])
    assert sum(dec(e["amount"]) for e in t["01"]["expenditure"]) == total
    assert sum(dec(s["amount"]) for s in truth["narrative"]["subjects"]) == total
    eleven = t["11"]
    assert dec(eleven["fuel"]) + dec(eleven["repair"]) + dec(eleven["insurance"]) + dec(
        eleven["other"]
    ) == dec(eleven["vehicle_operation"])


def test_each_04_amount_is_its_13_total_rounded_half_up(variants):
    projects = [p for v in variants.values() for p in v.truth["projects"]]
    for p in projects:
        assert Decimal(p["total_13"]).quantize(Decimal("0.01"), ROUND_HALF_UP) == Decimal(p["amount"])
    assert any(Decimal(p["total_13"]) != Decimal(p["amount"]) for p in projects)  # finer 13 totals do occur


def test_rounding_quirk_moves_exactly_one_printed_total_by_a_cent():
    plain_doc, quirky = generate(11), generate(11, rounding_quirk=True)
    changed = [
        (a, b) for a, b in zip(plain_doc.text.splitlines(), quirky.text.splitlines(), strict=True) if a != b
    ]
    assert len(changed) == 1
    (quirk,) = [q for q in quirky.truth["quirks"] if q["kind"] == "rounding"]
    assert abs(Decimal(quirk["printed"]) - Decimal(quirk["sum_of_rows"])) == Decimal("0.01")
    assert money(Decimal(quirk["printed"])) in changed[0][1]
    assert not [q for q in plain_doc.truth["quirks"] if q["kind"] == "rounding"]


# -- the layout quirks a parser must undo ------------------------------------------------------


def test_cells_wrap_where_the_samples_cells_wrap():
    assert wrap_cell("025001-北京市东城区科学技术和信息化局本级", 17) == [
        "025001-北京市东城区科学技术和信息",
        "化局本级",
    ]
    assert wrap_cell("025001-北京市东城区科学技术和信息化局本级", 9) == [
        "025001-北京市东城",
        "区科学技术和信息化",
        "局本级",
    ]
    assert wrap_cell("11010122T000000399544-区科信局综合性费用", 8.5) == [
        "11010122T00000039",
        "9544-区科信局综合",
        "性费用",
    ]
    assert wrap_cell("2080505-机关事业单位基本养老保险缴费支出", 18) == [
        "2080505-机关事业单位基本养老保险缴费",
        "支出",
    ]


def test_a_wrapped_piece_is_never_a_bare_number():
    assert wrap_cell("保障运行123", 4) == ["保障运", "行123"]


def test_a_row_prints_wrapped_cells_one_piece_per_line_and_drops_blank_cells():
    cells = [
        ("产出指标", None),
        ("数量指标", 7.0),
        ("人事档案整理管理", 7.0),
        ("≥", None),
        ("1", None),
        ("次/年", None),
        ("正向指标", None),
    ]
    assert row_lines(cells) == ["产出指标 数量指标", "人事档案整理管", "理", "≥ 1 次/年 正向指标"]
    assert row_lines([("a", None), ("", None), ("1.00", None)]) == ["a 1.00"]


def test_a_long_unit_name_continues_on_the_next_line_of_04():
    truth = generate(4, units=3).truth
    unit = next(u for u in truth["units"] if len(wrap_cell(f"{u['code']}-{u['name']}", 17)) > 1)
    first, second = wrap_cell(f"{unit['code']}-{unit['name']}", 17)[:2]
    lines = nonblank(generate(4, units=3).text)
    assert any(a == first and b == second for a, b in zip(lines, lines[1:], strict=False))


def test_03_rows_print_only_their_filled_columns(variants):
    for v in variants.values():
        lines = v.text.splitlines()
        rows = v.truth["tables"]["03"]["rows"]
        both = [r for r in rows if r["basic"] and r["project"]]
        assert both, "every variant has a row with both 基本支出 and 项目支出"
        for r in rows:
            amounts = [money(dec(r["total"]))] + [money(dec(r[k])) for k in ("basic", "project") if r[k]]
            expected = (
                f"{r['gov_econ_code']}-{r['gov_econ_name']} {r['dept_econ_code']}-{r['dept_econ_name']} "
                + " ".join(amounts)
            )
            assert any(line.endswith(expected) for line in lines), expected


def test_08_lists_project_only_classifications_with_no_amounts(variants):
    truth = variants[1].truth
    blank = [r for r in truth["tables"]["08"]["rows"] if r["total"] is None]
    assert blank
    for r in blank:
        assert (
            f"{r['gov_econ_code']}-{r['gov_econ_name']} {r['dept_econ_code']}-{r['dept_econ_name']}"
            in nonblank(variants[1].text)
        )


def test_a_page_break_repeats_the_header_with_a_leading_space(variants):
    lines = variants[0].text.splitlines()
    header = " 支出功能分类科目 政府支出经济分类科目 部门支出经济分类科目 合计 基本支出 项目支出"
    starts = [line for line in lines if line.startswith(" ")]
    assert len(starts) == variants[0].truth["counts"]["pages"] - 1  # one page is marked by its number instead
    assert len(variants[0].truth["tables"]["03"]["rows"]) > 31  # more than the first page holds
    assert header in lines


def test_a_13_block_cut_by_a_page_break_repeats_its_head_on_the_next_page(variants):
    for v in variants.values():
        for code in v.truth["layout"]["table13_continued"]:
            project = next(p for p in v.truth["projects"] if p["code"] == code)
            amount_line = f"31-部门项目 {project['total_13']} {project['total_13']}"
            assert nonblank(v.text).count(amount_line) >= 2


def test_one_page_ends_with_a_stray_page_number(variants):
    for v in variants.values():
        (quirk,) = [q for q in v.truth["quirks"] if q["kind"] == "page_number"]
        lines = nonblank(v.text)
        at = lines.index(quirk["text"])
        assert lines[at + 1].startswith(quirk["before"])
        assert not v.text.splitlines()[v.text.splitlines().index(lines[at + 1])].startswith(" ")


def test_tables_use_thousand_separators_and_the_narrative_does_not(variants):
    for v in variants.values():
        total = dec(v.truth["totals"]["total"])
        assert f"本年收入合计 {money(total)} 本年支出合计 {money(total)}" in v.text
        assert "," in money(total)
        assert f"收支总预算 {plain(total)}" in narrative(v.text)
        assert not re.search(r"\d,\d{3}", narrative(v.text))


def test_09_and_10_are_empty_with_their_note(variants):
    text = variants[2].text
    assert "注：本部门没有政府性基金收入，也没有使用政府性基金安排的支出，故本表无数据。" in text
    assert "注：本部门没有国有资本经营收入，也没有使用国有资本经营安排的支出，故本表无数据。" in text


def test_the_three_public_row_has_no_separators_and_minimal_decimals():
    v = generate(1)
    eleven = v.truth["tables"]["11"]
    figures = [
        eleven[k]
        for k in (
            "total",
            "abroad",
            "reception",
            "vehicle_purchase",
            "vehicle_operation",
            "fuel",
            "repair",
            "insurance",
            "other",
        )
    ]
    assert " ".join([str(v.truth["year"])] + [plain(Decimal(f)) for f in figures]) in nonblank(v.text)
    assert eleven == {
        **eleven,
        "year": 2020,
        "total": "7.02",
        "vehicle_operation": "5.97",
        "reception": "1.05",
    }


def test_12_prints_its_total_before_its_rows(variants):
    lines = nonblank(variants[3].text)
    start = next(i for i, line in enumerate(lines) if line.startswith("预算12表"))
    total = variants[3].truth["tables"]["12"]["total"]
    assert lines[start + 6] == f"合    计 {money(Decimal(total))}"


def test_every_indicator_of_13_is_in_the_text(variants):
    v = variants[5]
    text = "".join(nonblank(v.text))
    for p in v.truth["projects"]:
        for ind in p["indicators"]:
            tail = " ".join(x for x in (ind["nature"], ind["value"], ind["measure_unit"]) if x)
            assert ind["level3"] in text or tail in text


# -- the narrative states the truth --------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_each_subject_sentence_states_amount_change_and_percent(variants, seed):
    v = variants[seed]
    story = narrative(v.text)
    year = v.truth["year"]
    for s in v.truth["narrative"]["subjects"]:
        grow = "增长" if s["direction"] == "增加" else "下降"
        pattern = (
            re.escape(f"{s['name']}（项）{year}")
            + r" ?年预算数为 ?([\d.]+) ?万元[，,。]比 ?"
            + str(year - 1)
            + r" ?年预算数"
            + s["direction"]
            + r" ?([\d.]+) ?万元[，,]"
            + grow
            + r" ?([\d.]+)%"
        )
        found = [m for m in re.finditer(pattern, story) if Decimal(m.group(1)) == Decimal(s["amount"])]
        assert found, s
        amount, change, pct = (Decimal(g) for g in found[0].groups())
        assert change == abs(Decimal(s["change"])) and pct == abs(Decimal(s["change_pct"]))


def test_narrative_counts_match_the_tables(variants):
    for v in variants.values():
        story, n = narrative(v.text), v.truth["narrative"]
        assert f"共批复本部门项目预算 {n['project_count']}项" in story
        assert f"政府购买服务项目 {n['purchase_service']['count']}项" in story
        assert f"共有车辆 {n['vehicles']['total']}辆" in story
        assert f"“三公”经费支出预算 {n['three_public_yuan']['total']}元" in story
        assert n["project_count"] == len(v.truth["projects"])
        assert n["purchase_service"]["count"] == len(v.truth["tables"]["12"]["rows"])


# -- files and command line -------------------------------------------------------------------------


def test_write_variant_writes_the_text_and_its_truth(tmp_path):
    path = write_variant(tmp_path, 5, projects=3)
    assert path == tmp_path / "variant_5.txt"
    truth = json.loads((tmp_path / "variant_5.truth.json").read_text(encoding="utf-8"))
    assert path.read_text(encoding="utf-8") == generate(5, projects=3).text
    assert truth["counts"]["projects"] == 3


def test_the_command_line_writes_one_pair_per_seed(tmp_path, capsys):
    assert (
        main(["--seed", "2", "--seed", "9", "--units", "2", "--projects", "4", "--out", str(tmp_path)]) == 0
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "variant_2.truth.json",
        "variant_2.txt",
        "variant_9.truth.json",
        "variant_9.txt",
    ]
    assert capsys.readouterr().out.split() == [
        str(tmp_path / "variant_2.txt"),
        str(tmp_path / "variant_9.txt"),
    ]
