"""Benchmark questions with exact golds for a generated variant document.

The hand-checked suites cover one real document; variants (``evals.variants``) give any
number of documents whose every figure is known. This module turns a variant's truth
into questions in the seed schema (``shared/benchmarks/README.md``), so the assistant
can be scored on documents it has never seen. Golds are computed with ``Decimal``
from the truth, never read back from the text; names used in questions are never a
substring of another project's name, and rankings with ties are skipped, so every
question has one right answer.

    python -m evals.variant_questions --seed 7 --out /tmp/variant_7.jsonl
"""

from __future__ import annotations

import argparse
import json
import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from evals.variants import Variant, generate

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
WAN = Decimal(10000)
OPERATORS = {"＝": "=", "=": "=", "≥": "≥", "≤": "≤"}
THRESHOLDS = [Decimal(t) for t in ("5", "10", "20", "50", "100", "200", "300", "500", "1000", "2000")]
FAKE_PROJECTS = (
    "智慧路灯改造",
    "无人机巡检",
    "海绵城市建设",
    "地下综合管廊监测",
    "冰雪运动推广",
    "共享单车停放治理",
)


def q2(value: Decimal) -> Decimal:
    """Half-up to the cent, as the budget tables and the README's percentages do."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def plain(value: Decimal) -> str:
    """A decimal string without exponent or trailing zeros: ``1280000``, ``4511704.67``."""
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def quoted(name: str) -> str:
    """A project name in “…”, unless it already carries quotes of its own."""
    return name if "“" in name else f"“{name}”"


def called(name: str) -> str:
    """How a question names a project: quoted, with 项目 unless the name already ends so."""
    return quoted(name) + ("" if name.endswith("项目") else "项目")


def wan(amount: Decimal, *also: Decimal) -> tuple[dict, list[dict]]:
    """A 万元 gold with its 元 equivalent (and other printed forms of the same amount) accepted."""
    accept = [{"value": plain(amount * WAN), "unit": "元"}]
    for other in also:
        if other != amount:
            accept += [{"value": plain(other), "unit": "万元"}, {"value": plain(other * WAN), "unit": "元"}]
    return {"value": f"{q2(amount)}", "unit": "万元"}, accept


def percent(part: Decimal, whole: Decimal, *other_wholes: Decimal) -> tuple[dict, list[dict]]:
    """A share in % (2 decimals, half up); another printed total that rounds differently is accepted."""
    value = q2(part / whole * HUNDRED)
    accept = []
    for other in other_wholes:
        alt = q2(part / other * HUNDRED)
        if alt != value and {"value": str(alt), "unit": "%"} not in accept:
            accept.append({"value": str(alt), "unit": "%"})
    return {"value": str(value), "unit": "%"}, accept


@dataclass
class _Suite:
    """Collects questions, numbering them ``<doc stem>-s<seed>-NNN``."""

    doc: str
    prefix: str
    questions: list[dict] = field(default_factory=list)

    def add(
        self,
        kind: str,
        question: str,
        gold: dict | tuple[dict, list[dict]],
        evidence: str,
        history: tuple[str, ...] = (),
    ) -> None:
        answer, accept = gold if isinstance(gold, tuple) else (gold, [])
        turns = [
            {"role": "user" if i % 2 == 0 else "assistant", "content": text} for i, text in enumerate(history)
        ]
        self.questions.append(
            {
                "id": f"{self.prefix}-{len(self.questions) + 1:03d}",
                "doc": self.doc,
                "type": kind,
                "question": question,
                "answer": answer,
                "accept": accept,
                "evidence": evidence,
                "history": turns,
            }
        )


def distinct_projects(truth: dict) -> list[dict]:
    """Projects whose name is not part of another project's name (so naming one is unambiguous)."""
    projects = truth["projects"]
    return [p for p in projects if not any(o is not p and p["name"] in o["name"] for o in projects)]


def _amount(project: dict) -> Decimal:
    return Decimal(project["amount"])


def _precise(project: dict) -> Decimal:
    """预算13表's 项目总额 (up to six decimals), which 04 rounds to the cent."""
    return Decimal(project["total_13"])


def questions_for(variant: Variant, doc_name: str, seed: int = 0) -> list[dict]:
    """Seed-schema questions about one variant; the same variant and seed give the same list."""
    truth = variant.truth
    rng = random.Random(f"variant-questions-{truth['seed']}-{seed}")
    suite = _Suite(doc_name, f"{Path(doc_name).stem}-s{seed}")
    named = distinct_projects(truth)
    rng.shuffle(named)
    _lookups(suite, truth, named)
    _sums_and_differences(suite, truth, named, rng)
    _shares(suite, truth, named)
    _ranks(suite, truth)
    _counts(suite, truth, rng)
    _indicators(suite, truth, named, rng)
    _changes(suite, truth, rng)
    _conversions(suite, truth, named)
    _follow_up(suite, truth, named)
    _unanswerable(suite, truth, variant.text, rng)
    return suite.questions


def _lookups(suite: _Suite, truth: dict, named: list[dict]) -> None:
    year = truth["year"]
    for p in named[:3]:
        suite.add(
            "lookup",
            f"{year}年{called(p['name'])}的预算是多少？",
            wan(_amount(p), _precise(p)),
            f"预算04表 {p['name']} {p['amount']}",
        )
    units = [u for u in truth["units"] if sum(1 for v in truth["units"] if v["name"] == u["name"]) == 1]
    for u in units[:2]:
        suite.add(
            "lookup",
            f"{u['name']}{year}年部门预算收入合计是多少？",
            wan(Decimal(u["total"])),
            f"预算02表 {u['code']} {u['name']} {u['total']}",
        )


def _sums_and_differences(suite: _Suite, truth: dict, named: list[dict], rng: random.Random) -> None:
    if len(named) >= 2:
        picked = rng.sample(named, min(len(named), rng.choice([2, 3])))
        names = "、".join(quoted(p["name"]) for p in picked)
        suite.add(
            "sum",
            f"{names}这{len(picked)}个项目的预算合计是多少？",
            wan(sum(map(_amount, picked), Decimal(0))),
            "预算04表 " + " + ".join(p["amount"] for p in picked),
        )
        pairs = [(a, b) for a in named for b in named if _amount(a) > _amount(b)]
        if pairs:
            a, b = rng.choice(pairs)
            suite.add(
                "diff",
                f"{quoted(a['name'])}比{quoted(b['name'])}多多少？",
                wan(_amount(a) - _amount(b)),
                f"预算04表 {a['amount']} − {b['amount']}",
            )


def _shares(suite: _Suite, truth: dict, named: list[dict]) -> None:
    total = Decimal(truth["totals"]["project"])
    printed = Decimal(truth["table_totals"]["04"])
    for p in named[:2]:
        suite.add(
            "ratio",
            f"{quoted(p['name'])}占本部门项目支出总额的百分比是多少？（保留两位小数）",
            percent(_amount(p), total, printed),
            f"{p['amount']} / {total:,.2f} × 100",
        )


def _ranks(suite: _Suite, truth: dict) -> None:
    projects = truth["projects"]
    ordered = sorted(projects, key=_amount, reverse=True)
    names = {p["name"] for p in projects}

    def clear(chosen: list[dict]) -> bool:  # no ranked name hides inside another project's name
        return not any(p["name"] in other for p in chosen for other in names if other != p["name"])

    def rank(chosen: list[dict], in_order: bool = False) -> dict:
        gold: dict = {"must_contain": [p["name"] for p in chosen]}
        if in_order:
            gold["ordered"] = True
        gold["values"] = [{"value": p["amount"], "unit": "万元"} for p in chosen]
        return gold

    if len(ordered) >= 2 and _amount(ordered[0]) > _amount(ordered[1]) and clear(ordered[:1]):
        suite.add(
            "rank",
            f"{truth['year']}年哪个项目的预算最多？",
            rank(ordered[:1]),
            f"预算04表 {ordered[0]['name']} {ordered[0]['amount']} 为{len(projects)}个项目中最大",
        )
    if len(ordered) >= 2 and _amount(ordered[-1]) < _amount(ordered[-2]) and clear(ordered[-1:]):
        suite.add(
            "rank",
            f"{truth['year']}年哪个项目的预算最少？",
            rank(ordered[-1:]),
            f"预算04表 {ordered[-1]['name']} {ordered[-1]['amount']} 为{len(projects)}个项目中最小",
        )
    top = ordered[:4]
    if (
        len(top) >= 3
        and clear(top[:3])
        and all(_amount(a) > _amount(b) for a, b in zip(top, top[1:], strict=False))
    ):
        suite.add(
            "rank",
            "预算金额排名前三的项目依次是哪些？",
            rank(top[:3], in_order=True),
            "预算04表：" + "、".join(f"{p['name']} {p['amount']}" for p in top[:3]),
        )


def _counts(suite: _Suite, truth: dict, rng: random.Random) -> None:
    projects = truth["projects"]
    suite.add(
        "count",
        f"{truth['year']}年本部门共安排了多少个项目？",
        ({"value": str(len(projects)), "unit": "个"}, [{"value": str(len(projects)), "unit": "项"}]),
        f"预算04表共{len(projects)}行项目；说明 共批复本部门项目预算{len(projects)}项",
    )
    amounts = [_amount(p) for p in projects]
    usable = [t for t in THRESHOLDS if t not in amounts and 0 < sum(a > t for a in amounts) < len(amounts)]
    if usable:
        threshold = rng.choice(usable)
        above = [p for p in projects if _amount(p) > threshold]
        suite.add(
            "count",
            f"预算金额超过{threshold}万元的项目有几个？",
            ({"value": str(len(above)), "unit": "个"}, [{"value": str(len(above)), "unit": "项"}]),
            "预算04表：" + "、".join(f"{p['name']} {p['amount']}" for p in above),
        )


def _targets(project: dict) -> list[dict]:
    """Numeric indicators whose name occurs once in the project (so the question has one answer)."""
    indicators = project["indicators"]
    return [
        i
        for i in indicators
        if i["nature"] in OPERATORS
        and i["measure_unit"]
        and sum(1 for j in indicators if j["level3"] == i["level3"]) == 1
    ]


def _indicators(suite: _Suite, truth: dict, named: list[dict], rng: random.Random) -> None:
    chosen = 0
    for p in named:
        targets = _targets(p)
        preferred = [i for i in targets if i["level2"] != "成本指标"] or targets
        if not preferred:
            continue
        i = rng.choice(preferred)
        gold = {"value": i["value"], "unit": i["measure_unit"], "operator": OPERATORS[i["nature"]]}
        suite.add(
            "indicator",
            f"{called(p['name'])}的绩效指标“{i['level3']}”的目标值是多少？",
            gold,
            f"预算13表 {p['name']} {i['level1']} {i['level2']} {i['level3']} "
            f"{i['nature']} {i['value']} {i['measure_unit']}",
        )
        chosen += 1
        if chosen == 2:
            return


def _changes(suite: _Suite, truth: dict, rng: random.Random) -> None:
    subjects = truth["narrative"]["subjects"]
    unique = [s for s in subjects if sum(1 for t in subjects if t["name"] == s["name"]) == 1]
    year = truth["year"]
    for s in rng.sample(unique, min(2, len(unique))):
        change, pct = abs(Decimal(s["change"])), abs(Decimal(s["change_pct"]))
        grow = "增长" if s["direction"] == "增加" else "下降"
        where = (
            f"说明 {s['name']}（项）{year}年预算数为{s['amount']}万元，"
            f"比{year - 1}年预算数{s['direction']}{plain(change)}万元"
        )
        suite.add(
            "change",
            f"“{s['name']}”（项）{year}年预算数比{year - 1}年{s['direction']}了多少？",
            wan(change),
            where,
        )
        suite.add(
            "change",
            f"“{s['name']}”（项）{year}年预算比{year - 1}年{grow}了百分之多少？",
            ({"value": str(q2(pct)), "unit": "%"}, []),
            f"{where}，{grow}{pct}%",
        )
        suite.add(
            "diff",
            f"根据预算说明，{year - 1}年“{s['name']}”（项）的预算数是多少？",
            wan(Decimal(s["prior"])),
            f"{where} → {s['amount']} {'−' if Decimal(s['change']) > 0 else '+'} {plain(change)}",
        )


def _conversions(suite: _Suite, truth: dict, named: list[dict]) -> None:
    if named:
        p = named[-1]
        amount = _amount(p)
        accept = [{"value": p["amount"], "unit": "万元"}]
        if _precise(p) != amount:
            accept += [
                {"value": plain(_precise(p) * WAN), "unit": "元"},
                {"value": plain(_precise(p)), "unit": "万元"},
            ]
        suite.add(
            "unit_conversion",
            f"{called(p['name'])}的预算折合多少元？",
            ({"value": plain(amount * WAN), "unit": "元"}, accept),
            f"预算04表 {p['name']} {p['amount']}（万元）× 10000",
        )
    yuan = Decimal(truth["narrative"]["three_public_yuan"]["total"])
    if yuan:
        suite.add(
            "unit_conversion",
            f"{truth['year']}年“三公”经费财政拨款预算总额是多少万元？",
            ({"value": plain(yuan / WAN), "unit": "万元"}, [{"value": plain(yuan), "unit": "元"}]),
            f"说明（七）“三公”经费支出预算{plain(yuan)}元 ÷ 10000；预算11表",
        )


def _follow_up(suite: _Suite, truth: dict, named: list[dict]) -> None:
    if len(named) < 2:
        return
    first, then = named[0], named[1]
    history = (
        f"{called(first['name'])}的预算是多少？",
        f"{called(first['name'])}预算{first['amount']}万元（预算04表）。",
    )
    suite.add(
        "multi_turn",
        f"那{quoted(then['name'])}呢？",
        wan(_amount(then), _precise(then)),
        f"预算04表 {then['name']} {then['amount']}",
        history,
    )


def _unanswerable(suite: _Suite, truth: dict, text: str, rng: random.Random) -> None:
    year, dept = truth["year"], truth["department"]["name"]
    other = next(
        (y for y in (year + 2, year + 3, year - 3, year + 5, 2035, 1998) if str(y) not in text), None
    )
    if other is not None:
        suite.add(
            "unanswerable",
            f"{other}年{dept}的部门预算总额是多少？",
            {"refuse": True},
            f"文档只有{year}年预算（及{year - 1}年对比数），全文无“{other}”",
        )
    cores = [c for c in FAKE_PROJECTS if c not in text]
    if cores:
        core = rng.choice(cores)
        suite.add(
            "unanswerable",
            f"{truth['district']}{core}项目的预算是多少？",
            {"refuse": True},
            f"预算04表{len(truth['projects'])}个项目中没有该项目，全文无“{core}”",
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m evals.variant_questions", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--seed", type=int, required=True, help="seed of the variant document")
    parser.add_argument("--question-seed", type=int, default=0, help="seed of the question choice")
    parser.add_argument("--out", required=True, help="JSONL file to write")
    args = parser.parse_args(argv)
    doc = f"variant_{args.seed}.txt"
    questions = questions_for(generate(args.seed), doc, args.question_seed)
    Path(args.out).write_text(
        "".join(json.dumps(q, ensure_ascii=False) + "\n" for q in questions), encoding="utf-8"
    )
    print(f"{len(questions)} questions → {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
