"""Generated documents of the same layout (other departments, years, units, projects)
parse to exactly their ground truth and reconcile."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from evals.variants import generate
from index.parse import parse_text
from index.reconcile import reconcile

#: 35 wraps a unit name and a subject name inside 预算04表 rows (a 7-digit code line is not a row start).
SEEDS = [3, 11, 35, 42, 2024]


def d(value):
    return None if value is None else D(value)


@pytest.fixture(scope="module", params=SEEDS + ["large"])
def variant(request):
    if request.param == "large":
        v = generate(99, units=5, projects=60)
    else:
        v = generate(request.param)
    return v, parse_text(v.text, source=f"variant_{request.param}.txt")


def test_department_year_and_units(variant):
    v, doc = variant
    assert doc.department == v.truth["department"]["name"]
    assert doc.year == v.truth["year"]
    units = {
        (r.cells["单位编码"], r.cells["单位名称"])
        for r in doc.tables["02"].data_rows
        if r.cells["层级"] == "单位"
    }
    assert units == {(u["code"], u["name"]) for u in v.truth["units"]}


def test_projects_match_truth_across_04_12_and_13(variant):
    v, doc = variant
    parsed = {p.name: p for p in doc.projects}
    assert set(parsed) == {p["name"] for p in v.truth["projects"]}
    for want in v.truth["projects"]:
        got = parsed[want["name"]]
        assert (got.unit_code, got.amount, got.total_13) == (
            want["unit_code"],
            D(want["amount"]),
            D(want["total_13"]),
        )
        assert got.subjects["功能分类科目编码"] == want["function_code"]
        assert got.subjects["部门经济分类编码"] == want["dept_econ_code"]
        assert got.code == want["code"]
        assert got.goal.replace(" ", "") == want["goal"].replace(" ", "")
        assert [
            (i.level1, i.level2, i.level3, i.nature, i.value, i.measure_unit, i.direction)
            for i in got.indicators
        ] == [
            (
                i["level1"],
                i["level2"],
                i["level3"],
                i["nature"],
                i["value"],
                i["measure_unit"],
                i["direction"],
            )
            for i in want["indicators"]
        ]


def test_expenditure_rows_land_in_the_right_columns(variant):
    v, doc = variant
    got = [
        (
            r.cells["功能分类科目编码"],
            r.cells["部门经济分类编码"],
            r.amounts.get("合计"),
            r.amounts.get("基本支出"),
            r.amounts.get("项目支出"),
        )
        for r in doc.tables["03"].data_rows
    ]
    want = [
        (r["function_code"], r["dept_econ_code"], d(r["total"]), d(r["basic"]), d(r["project"]))
        for r in v.truth["tables"]["03"]["rows"]
    ]
    assert got == want


def test_expenditure_by_unit_lands_in_the_right_columns(variant):
    v, doc = variant
    got = [
        (
            r.cells["单位编码"],
            r.cells["功能分类科目编码"],
            *(r.amounts.get(c) for c in ("合计", "基本支出", "人员经费", "公用经费", "项目支出")),
        )
        for r in doc.tables["07"].data_rows
    ]
    want = [
        (
            r["unit_code"],
            r["function_code"],
            *(d(r[k]) for k in ("total", "basic", "personnel", "public", "project")),
        )
        for r in v.truth["tables"]["07"]["rows"]
    ]
    assert got == want


def test_basic_expenditure_by_economic_class(variant):
    v, doc = variant
    got = [
        (r.cells["部门经济分类编码"], r.amounts.get("人员经费"), r.amounts.get("公用经费"))
        for r in doc.tables["08"].data_rows
        if r.amounts
    ]
    want = [
        (r["dept_econ_code"], d(r["personnel"]), d(r["public"]))
        for r in v.truth["tables"]["08"]["rows"]
        if r["total"]
    ]
    assert got == want


def test_narrative_subject_changes_are_records(variant):
    v, doc = variant
    got = {f.subject: (f.amount, f.change, f.change_pct) for f in doc.facts if f.kind == "subject"}
    for want in v.truth["narrative"]["subjects"]:
        amount, change, pct = got[want["name"]]
        assert (amount, change, pct) == (D(want["amount"]), D(want["change"]), D(want["change_pct"]))


def test_every_identity_holds(variant):
    _, doc = variant
    assert [c.name for c in reconcile(doc) if c.status != "pass"] == []
    assert doc.gaps == []


def test_rounding_quirk_is_reported_as_rounding_not_failure():
    v = generate(5, rounding_quirk=True)
    checks = reconcile(parse_text(v.text))
    flagged = [c for c in checks if c.status != "pass"]
    assert flagged and {c.status for c in flagged} == {"rounding"}
    assert {abs(c.difference) for c in flagged} == {D("0.01")}
