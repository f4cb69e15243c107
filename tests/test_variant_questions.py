"""Questions generated from variant documents: schema-valid, deterministic, and exact.

Each gold is re-derived here independently from the variant's truth (and, where the
document prints it, found in the variant's text), so a wrong gold cannot hide behind
the generator's own arithmetic.
"""

from __future__ import annotations

import json
import re
from decimal import ROUND_HALF_UP, Decimal

import pytest

from evals.score import load_suite, score, validate_question
from evals.variant_questions import distinct_projects, questions_for
from evals.variants import generate, money, plain

CASES = [(0, {}), (3, {}), (11, {"rounding_quirk": True})]


def pct(part: Decimal, whole: Decimal) -> Decimal:
    return (part / whole * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def value(question: dict) -> Decimal:
    return Decimal(question["answer"]["value"])


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module", params=CASES, ids=lambda case: f"seed{case[0]}")
def case(request):
    seed, options = request.param
    variant = generate(seed, **options)
    return variant, questions_for(variant, f"variant_{seed}.txt")


def named(truth: dict, question: str) -> list[dict]:
    """The projects a question names, in the order it names them."""
    found = [p for p in distinct_projects(truth) if p["name"] in question]
    return sorted(found, key=lambda p: question.index(p["name"]))


def test_every_question_follows_the_schema_and_ids_are_unique(case, tmp_path):
    _, questions = case
    for question in questions:
        validate_question(question)
    assert len({q["id"] for q in questions}) == len(questions)
    path = tmp_path / "variant.jsonl"
    path.write_text("".join(json.dumps(q, ensure_ascii=False) + "\n" for q in questions), encoding="utf-8")
    assert load_suite(path) == questions


def test_the_mix_covers_the_promised_kinds(case):
    _, questions = case
    kinds = {q["type"] for q in questions}
    assert {
        "lookup",
        "sum",
        "diff",
        "ratio",
        "rank",
        "count",
        "indicator",
        "change",
        "unit_conversion",
        "multi_turn",
        "unanswerable",
    } <= kinds
    assert sum(q["type"] == "unanswerable" for q in questions) == 2
    assert all(q["history"] for q in questions if q["type"] == "multi_turn")


def test_questions_are_deterministic_and_depend_on_the_seed():
    variant = generate(3)
    first = questions_for(variant, "v.txt", seed=1)
    assert first == questions_for(generate(3), "v.txt", seed=1)
    assert first != questions_for(variant, "v.txt", seed=2)


def test_stating_each_gold_scores_correct(case):
    _, questions = case
    for q in questions:
        gold = q["answer"]
        if "refuse" in gold:
            answer = {"answer": "文档中没有该信息。", "refused": True}
        elif "must_contain" in gold:
            answer = {"answer": "、".join(gold["must_contain"])}
        else:
            answer = {
                "answer": "",
                "value": gold["value"],
                "unit": gold["unit"],
                "operator": gold.get("operator"),
            }
        assert score(q, answer).correct, q["id"]


def test_project_amounts_match_the_truth_and_the_printed_table(case):
    variant, questions = case
    truth = variant.truth
    for q in questions:
        if q["type"] not in ("lookup", "multi_turn") or q["answer"].get("operator"):
            continue
        projects = named(truth, q["question"])
        if not projects:  # a unit total
            unit = next(u for u in truth["units"] if q["question"].startswith(u["name"]))
            assert value(q) == Decimal(unit["total"])
        else:
            assert value(q) == Decimal(projects[0]["amount"])
        assert money(value(q)) in variant.text
        assert q["answer"]["unit"] == "万元"
        assert {"value": plain(value(q) * 10000), "unit": "元"} in q["accept"]


def test_sums_differences_shares_and_conversions_are_exact(case):
    variant, questions = case
    truth = variant.truth
    total = Decimal(truth["totals"]["project"])
    assert total == sum(Decimal(p["amount"]) for p in truth["projects"])
    for q in questions:
        projects = named(truth, q["question"])
        amounts = [Decimal(p["amount"]) for p in projects]
        if q["type"] == "sum":
            assert len(projects) in (2, 3) and value(q) == sum(amounts)
        elif q["type"] == "diff" and len(projects) == 2:
            assert value(q) == amounts[0] - amounts[1] > 0
        elif q["type"] == "ratio":
            assert value(q) == pct(amounts[0], total) and q["answer"]["unit"] == "%"
        elif q["type"] == "unit_conversion" and projects:
            assert q["answer"] == {"value": plain(amounts[0] * 10000), "unit": "元"}
        elif q["type"] == "unit_conversion":
            yuan = Decimal(truth["narrative"]["three_public_yuan"]["total"])
            assert value(q) == yuan / 10000


def test_ranks_and_counts_recomputed_from_the_truth(case):
    variant, questions = case
    projects = variant.truth["projects"]
    by_amount = sorted(projects, key=lambda p: Decimal(p["amount"]), reverse=True)
    for q in questions:
        if q["type"] == "rank":
            names = q["answer"]["must_contain"]
            if "最多" in q["question"]:
                assert names == [by_amount[0]["name"]]
            elif "最少" in q["question"]:
                assert names == [by_amount[-1]["name"]]
            else:
                assert names == [p["name"] for p in by_amount[:3]] and q["answer"]["ordered"] is True
            amounts = [Decimal(p["amount"]) for p in projects]
            for item in q["answer"]["values"]:
                assert amounts.count(Decimal(item["value"])) == 1  # no ties
        if q["type"] == "count":
            threshold = re.search(r"超过(\d+)万元", q["question"])
            expected = (
                len(projects)
                if threshold is None
                else sum(Decimal(p["amount"]) > Decimal(threshold[1]) for p in projects)
            )
            assert value(q) == expected


def test_indicator_targets_are_printed_in_the_performance_table(case):
    variant, questions = case
    indicators = [q for q in questions if q["type"] == "indicator"]
    assert indicators
    for q in indicators:
        (project,) = named(variant.truth, q["question"])
        gold = q["answer"]
        matches = [i for i in project["indicators"] if f"“{i['level3']}”" in q["question"]]
        assert len(matches) == 1
        i = matches[0]
        assert (i["value"], i["measure_unit"]) == (gold["value"], gold["unit"])
        assert {"＝": "="}.get(i["nature"], i["nature"]) == gold["operator"]
        assert f"{i['nature']} {i['value']} {i['measure_unit']}" in variant.text


def test_year_on_year_figures_are_those_the_narrative_states(case):
    variant, questions = case
    text = flat(variant.text)
    subjects = {s["name"]: s for s in variant.truth["narrative"]["subjects"]}
    for q in questions:
        match = re.search(r"“(.+?)”（项）", q["question"])
        if match is None:
            continue
        s = subjects[match[1]]
        if q["type"] == "change" and q["answer"]["unit"] == "万元":
            assert value(q) == abs(Decimal(s["change"]))
            assert f"{s['direction']}{plain(value(q))}万元" in text
        elif q["type"] == "change":
            assert value(q) == abs(Decimal(s["change_pct"]))
            assert f"{value(q):.2f}%" in text or f"{plain(value(q))}%" in text
        else:
            assert q["type"] == "diff"
            assert value(q) == Decimal(s["amount"]) - Decimal(s["change"]) == Decimal(s["prior"])


def test_unanswerables_ask_for_what_the_document_lacks(case):
    variant, questions = case
    for q in questions:
        if q["type"] != "unanswerable":
            continue
        year = re.match(r"(\d{4})年", q["question"])
        if year:
            assert year[1] not in variant.text
            assert int(year[1]) != variant.truth["year"]
        else:
            core = q["question"].removeprefix(variant.truth["district"]).removesuffix("项目的预算是多少？")
            assert core and core not in variant.text
