"""What the narrative (预算情况说明, 名词解释, 部门概况) states: changes, reasons, terms, counts, passages."""

from __future__ import annotations

import re
from decimal import Decimal

from assistant.contract import PlanResult
from assistant.entities import core_name, normalize, office_shorts
from assistant.lexicon import DISTRICTS, ORG_SUFFIXES, OTHER_NAME, STOP_CHARS
from assistant.operations import Operation, register
from assistant.operations.base import Context, Figure, PlanError, as_sources, money, refuse
from assistant.tools import ToolError, alignment


def _subject(ctx: Context) -> str:
    entity = ctx.plan.operands[0].entity if ctx.plan.operands else None
    return "" if entity is None else entity.key if entity.kind == "fact" else entity.name


#: The words of asking what something is (是干嘛的, 这个科目): they say nothing a sentence must contain.
ASK_WORDS = re.compile(
    r"这个|那个|这项|那项|这笔|科目|项目|单位|部门|是干嘛的?|干嘛的?|干什么的?|做什么的?|是什么|是啥|是指|"
    r"指的是|用来|主要|具体|一下|请问|说说|介绍|讲讲|什么意思|啥意思|吗|呢|啊"
)


def _stated_like(ctx: Context) -> str | None:
    """The narrative subject with a stated change that the question's words spell (一般公共预算拨款 →
    一般公共预算当年拨款): all its characters but at most two found in order in the question."""
    topic = normalize(ctx.plan.topic or "")
    best = None
    for fact in ctx.toolbox.store.facts(ctx.doc_id):
        subject = normalize(fact.subject)
        if fact.change is None or len(subject) < 4:
            continue
        found = alignment(subject, topic)[0]
        if found >= len(subject) - 2 and found >= 4 and (best is None or found > best[0]):
            best = (found, fact.subject)
    return best[1] if best else None


def _stated_change(ctx: Context) -> dict:
    """The narrative's stated change of the subject asked (比上年增加…), or of the subject its words spell."""
    try:
        result = ctx.toolbox.change(ctx.doc_id, _subject(ctx))
    except ToolError:
        result = {"change": None, "subject": _subject(ctx)}
    entity = ctx.plan.operands[0].entity if ctx.plan.operands else None
    whole = entity is None or entity.kind in ("department", "total", "fact")  # a unit's is never the text's
    if result.get("change") is None and whole and (fact := _stated_like(ctx)):
        result = ctx.toolbox.change(ctx.doc_id, fact)
    if result.get("change") is None and (entity is None or entity.kind == "department"):
        result = ctx.toolbox.change(
            ctx.doc_id, ""
        )  # 人社局拨款比去年多了多少: the department's headline change
    return result


def _cite(source: dict) -> str:
    return f"（{source['label']}：{source['text']}）"


@register
class Change(Operation):
    """The year-on-year change the narrative states (比上年增加/减少), as an amount or a percentage."""

    names = ("change",)
    verbs = {"change": "取说明中与上年相比的变化"}

    def run(self, ctx: Context) -> PlanResult:
        result = _stated_change(ctx)
        if result.get("change") is None:
            return refuse(f"说明中没有给出{result['subject']}与上年相比的变化。")
        change = Decimal(result["change"])
        direction = result["direction"] or ("增加" if change > 0 else "减少" if change < 0 else "持平")
        note = f"{result['note']}；" if result.get("note") else ""
        source = result["sources"][0]
        basis = f"（{note}{source['label']}：{source['text']}）"
        prev_year = (result.get("year") or 1) - 1
        if ctx.plan.percent and result.get("change_pct") is not None:
            pct = abs(Decimal(result["change_pct"]))
            word = "增长" if change > 0 else "下降"
            return PlanResult(
                answer=f"{pct}%：{result['subject']}比{prev_year}年{word}{pct}%{basis}",
                value=str(pct),
                unit="%",
                sources=as_sources(result["sources"]),
            )
        value, unit, conversion = ctx.convert(Figure(result["subject"], abs(change), result["unit"]))
        asked = re.search(r"原因|为什么|为何|为啥", ctx.plan.topic or "")
        reason = f"主要原因：{result['reason']}。" if result.get("reason") and asked else ""
        text = (
            f"{direction}{money(value, unit)}{unit}：{result['subject']}{result['year']}年预算"
            f"{result['amount']}"
            f"{result['unit']}，比{prev_year}年{direction}{money(value, unit)}{unit}"
        )
        return PlanResult(
            answer=text + basis + reason,
            value=money(value, unit),
            unit=unit,
            formula=conversion,
            sources=as_sources(result["sources"]),
        )


@register
class Previous(Operation):
    """Last year's figure, derived from this year's and the stated change."""

    names = ("previous",)
    verbs = {"previous": "由说明中的变化推算上一年的数"}

    def run(self, ctx: Context) -> PlanResult:
        result = _stated_change(ctx)
        if result.get("previous") is None:
            return refuse(
                f"文档只有本年度的预算；说明中没有给出{result['subject'] or '这项'}与上年的比较，"
                "无法推算上一年的数。"
            )
        value, unit, _ = ctx.convert(Figure(result["subject"], Decimal(result["previous"]), result["unit"]))
        source = result["sources"][0]
        return PlanResult(
            answer=f"{result['previous_year']}年为{money(value, unit)}{unit}：由{result['year']}年"
            f"{result['amount']}{result['unit']}与变化{result['change']}{result['unit']}推算"
            f"{_cite(source)}",
            value=money(value, unit),
            unit=unit,
            formula=result["formula"],
            sources=as_sources(result["sources"]),
        )


@register
class Reason(Operation):
    names = ("reason",)
    verbs = {"reason": "查说明中的原因"}

    def run(self, ctx: Context) -> PlanResult:
        rows = ctx.plan.operands[0].rows if ctx.plan.operands else None
        if rows is not None:
            return _empty_table(ctx, rows.table)
        entity = ctx.plan.operands[0].entity if ctx.plan.operands else None
        if entity is None or entity.kind in ("fact", "department", "total"):
            # 今年拨款为什么增加了: the department's own change when no narrower subject is named
            subject = (
                entity.key if entity is not None and entity.kind == "fact" else (_stated_like(ctx) or "")
            )
            try:
                result = ctx.toolbox.change(ctx.doc_id, subject)
            except ToolError:
                result = {}
        elif entity.kind in ("function_subject", "economic_subject", "gov_economic_subject"):
            result = _stated_change(ctx)  # <科目编码> 增长原因: the reason stated with that subject's change
            if result.get("change") is not None and not result.get("reason"):
                return refuse(f"说明中给出了{result['subject']}与上年的变化，但没有写原因。")
        else:
            result = {}
        if entity is not None and entity.kind == "fact" and result.get("change") is not None:
            if not result.get("reason"):  # 行政运行为什么增加: its change is stated without a reason
                return refuse(f"说明中给出了{result['subject']}与上年的变化，但没有写原因。")
        if result.get("reason"):
            return PlanResult(
                answer=f"{result['reason']}。{_cite(result['sources'][0])}",
                sources=as_sources(result["sources"]),
            )
        return describe(ctx, must=["原因"])


def _empty_table(ctx: Context, number: str) -> PlanResult:
    """为什么预算09表是空的: the note printed under the table."""
    table = ctx.toolbox.table(ctx.doc_id, number)
    if table is None:
        raise PlanError(f"这份预算没有预算{number}表")
    if not table["empty"] or not table["note"]:
        raise PlanError(
            f"预算{number}表不是空表" if not table["empty"] else f"预算{number}表没有说明为什么无数据"
        )
    source = ctx.toolbox.row_source(ctx.doc, number, {"row": 0, "lines": table["lines"], "cells": {}}, "注")
    return PlanResult(answer=f"{table['note']}（{source['label']}）", sources=as_sources([source]))


@register
class Define(Operation):
    names = ("define",)
    verbs = {"define": "查名词解释"}

    def run(self, ctx: Context) -> PlanResult:
        term = ctx.plan.topic or ""
        result = ctx.toolbox.define(ctx.doc_id, term) if term else {"definition": None}
        if result.get("definition"):
            return PlanResult(
                answer=f"{term}：{result['definition']}。（{result['sources'][0]['label']}）",
                sources=as_sources(result["sources"]),
            )
        return describe(ctx)


@register
class Describe(Operation):
    """A passage of the narrative, or a project's 绩效目标, that says what was asked."""

    names = ("describe",)
    verbs = {"describe": "查说明文字"}

    def run(self, ctx: Context) -> PlanResult:
        return describe(ctx)


def describe(ctx: Context, must: list[str] | None = None) -> PlanResult:
    entity = ctx.plan.operands[0].entity if ctx.plan.operands else None
    if OTHER_NAME.search(ctx.plan.topic or ""):
        return other_name(ctx, entity.name if entity is not None and entity.kind == "unit" else None)
    if entity is not None and entity.kind == "project" and not must:
        result = ctx.toolbox.indicators(ctx.doc_id, entity.key, "")
        if result.get("goal"):
            return PlanResult(
                answer=f"{entity.name}的绩效目标：{result['goal']}（预算13表·{entity.name}）",
                sources=as_sources(
                    [
                        {
                            "document": ctx.doc_id,
                            "source": ctx.doc["source"],
                            "kind": "table",
                            "table": "13",
                            "label": f"预算13表·{entity.name}",
                        }
                    ]
                ),
            )
    named = [o.entity for o in ctx.plan.operands if o.entity is not None and o.entity.kind != "department"]
    if not named and re.search(
        r"管(什么|啥|些|哪|不管|吗)|(?<!理)管(?!理)[\u4e00-\u9fff]{1,10}吗|归.{0,8}管|负责|干什么|干啥|干嘛|做什么|做啥|职能|职责|承担",
        ctx.plan.topic or "",
    ):
        return duties(ctx)
    words = [e.name for e in named] + (must or [])  # the department's name is in every passage: no evidence
    topic = [t for t in re.findall(r"范围|用途|用于|职能|职责|目标|内容|原因", ctx.plan.topic or "")]
    if re.search(r"(花|用)在(哪|什么)", ctx.plan.topic or ""):
        topic.append("包括")  # 花在哪些地方: what it includes
    ask = re.search(r"(?:哪些|哪个|哪几个|什么)([\u4e00-\u9fff]{2})", ctx.plan.topic or "")
    if ask and ask.group(1) not in ("地方", "方面", "东西"):
        topic += [ask.group(1)] * 2  # 哪些单位在花: a sentence that names 单位
    query = ctx.plan.topic or " ".join(words)
    result = ctx.toolbox.search(ctx.doc_id, query, 5, "narrative", words + topic)
    rest = normalize(ctx.plan.topic or "")
    for w in [*words, *(o.entity.name for o in ctx.plan.operands if o.entity is not None)]:
        rest = rest.replace(normalize(w), "，")
    rest = ASK_WORDS.sub("，", rest)  # 这个科目是干嘛的: how it is asked, not what
    asked = {rest[i : i + 2] for i in range(len(rest) - 1)}
    asked = {b for b in asked if len(b) == 2 and not set(b) & STOP_CHARS and "，" not in b}  # 开支单位
    named = [normalize(o.entity.name) for o in ctx.plan.operands if o.entity is not None]
    asked = {b for b in asked if not any(b in n for n in named)}  # 殡仪馆 said short: still its name
    best = None
    for hit in result["hits"]:
        for sentence in hit["sentences"][:2]:
            s = normalize(sentence)
            if must and not all(normalize(w) in s for w in must):
                continue  # 为什么…: only a sentence that gives a reason
            said = sum(t in s for t in topic) + sum(b in s for b in asked)
            if asked and not said:
                continue  # a sentence that only names the thing asked about answers nothing of the question
            score = sum(normalize(w) in s for w in words) * 2 + said
            if best is None or score > best[0]:
                best = (score, sentence, hit)
    if best is None or best[0] < 2:
        raise PlanError("说明中没有找到这方面的表述")
    _, sentence, hit = best
    return PlanResult(
        answer=f"{sentence.strip()}（{hit['source']['label']}）", sources=as_sources([hit["source"]])
    )


def other_name(ctx: Context, unit: str | None) -> PlanResult:
    """An office's other name (加挂的牌子): the name printed in brackets right after its own, in the
    narrative or in 预算14表's name line."""
    own = unit or ctx.doc.get("department") or ""
    names = "|".join(re.escape(normalize(n)) for n in (own, core_name(own)) if n)
    bracketed = re.compile(rf"(?:{names})[（(]([^（）()]{{2,40}}(?:{'|'.join(ORG_SUFFIXES)}))[）)]")
    for p in ctx.toolbox.store.passages(ctx.doc_id):
        if m := bracketed.search(re.sub(r"\s", "", normalize(p.text))):
            source = ctx.toolbox.passage_source(
                ctx.doc, p.section or "", p.id, [p.line_start, p.line_end], m.group(0)
            )
            return PlanResult(
                answer=f"{own}又名{m.group(1)}（{source['label']}）", sources=as_sources([source])
            )
    table = ctx.toolbox.store.table(ctx.doc_id, "14") or {"rows": []}
    for row in table["rows"]:
        if m := bracketed.search(normalize(row["cells"].get("内容") or "")):
            source = ctx.toolbox.row_source(ctx.doc, "14", row, row["cells"].get("栏目"))
            return PlanResult(
                answer=f"{own}又名{m.group(1)}（{source['label']}）", sources=as_sources([source])
            )
    raise PlanError(f"文档中没有写{own}的其他名称")


def _duty_passages(ctx: Context) -> list:
    passages = [
        p
        for p in ctx.toolbox.store.passages(ctx.doc_id)
        if p.kind == "narrative" and "职能" in (p.section or "")
    ]
    if not passages:
        raise PlanError("文档中没有主要职能的说明")
    return passages


def _duty_source(ctx: Context, p, line_end: int) -> dict:
    """The 主要职能 passage an answer cites, as a source."""
    return {
        "document": ctx.doc_id,
        "source": ctx.doc["source"],
        "kind": "passage",
        "section": p.section,
        "passage": p.id,
        "lines": [p.line_start, line_end],
        "label": p.section.split(" › ")[-1],
    }


def _count_duties(ctx: Context, counter: str) -> PlanResult:
    """主要职能一共几条: the numbered items of the duties section (1. 2. …), counted once each."""
    passages = _duty_passages(ctx)
    numbers: list[int] = []
    for p in passages:
        numbers += [int(n) for n in re.findall(r"(?:^|[。；：:\s])(\d{1,2})[.．、]", p.text)]
    items = sorted(set(numbers))
    if not items or items != list(range(1, len(items) + 1)):
        raise PlanError("主要职能没有按条编号，无法计数")
    source = _duty_source(ctx, passages[0], passages[-1].line_end)
    return PlanResult(
        answer=f"主要职能共列了{len(items)}{counter}（{source['label']}，第1至第{len(items)}条）。",
        value=str(len(items)),
        unit=counter,
        sources=as_sources([source]),
    )


def duties(ctx: Context) -> PlanResult:
    """What the department is responsible for (主要职能): the duty lines that share the most words with the
    question, or all of them when the question names no field."""
    passages = _duty_passages(ctx)
    if nth := re.search(
        r"第\s*(\d{1,2})\s*[条项点]", ctx.plan.topic or ""
    ):  # 主要职能第8条: that numbered item
        for p in passages:
            if item := re.search(
                rf"(?:^|[。；：:\s]){nth.group(1)}[.．、](.*?[。；]?)(?=\s*\d{{1,2}}[.．、]|$)", p.text, re.S
            ):
                source = _duty_source(ctx, p, p.line_end) | {"text": item.group(1)}
                return PlanResult(
                    answer=f"第{nth.group(1)}条：{item.group(1).strip()}（{source['label']}）",
                    sources=as_sources([source]),
                )
        raise PlanError(f"主要职能中没有第{nth.group(1)}条")
    department = normalize(ctx.doc.get("department") or "")
    topic = normalize(ctx.plan.topic or "")
    core = core_name(department)
    places = [x for d in DISTRICTS for x in (d, d.removesuffix("区"))]
    for name in (department, core, *office_shorts(core), "本部门", "本局", "本委", "北京市", *places):
        topic = topic.replace(name, "，") if name else topic  # the department's name, not a field of duty
    topic = re.sub(r"主要|干嘛|干啥|做什么|做啥|平时|具体|都", "，", topic)
    topic = "".join(ch for ch in topic if ch not in "管什么的负责职能哪些工作？?")
    lines = []
    for p in passages:
        body = p.text[len(p.section) + 1 :] if p.section and p.text.startswith(p.section) else p.text
        for line in re.split(r"(?<=[。；])|(?=\d+[.．、])", body):
            line = line.strip()
            if len(line) >= 6:
                text = normalize(line)
                pairs = [topic[i : i + 2] for i in range(len(topic) - 1)]
                # a word of the question as printed counts 2; its characters in another order (优抚 in
                # 抚恤优待) count 1
                score = sum(2 if w in text else 1 if all(ch in text for ch in w) else 0 for w in pairs)
                lines.append((score, line, p))
    best = max((s for s, _, _ in lines), default=0)
    chosen = [t for t in lines if best > 0 and t[0] >= min(2, best)] or lines
    shown = "".join(line for _, line, _ in chosen[:12])
    p = chosen[0][2]
    source = _duty_source(ctx, p, p.line_end) | {"text": shown}
    return PlanResult(answer=f"{shown}（{source['label']}）", sources=as_sources([source]))


@register
class StatedCount(Operation):
    """A count the narrative states (机构、车辆、项目个数 …), matched by its subject and counting word."""

    names = ("stated_count",)
    verbs = {"stated_count": "取说明中的数量"}

    def run(self, ctx: Context) -> PlanResult:
        topic = ctx.plan.topic or ""
        counter = next(iter(re.findall(r"(?:几|多少)(\w)", topic)), "个")
        if re.search(r"职能|职责", topic) and counter in "条项个点":
            return _count_duties(ctx, counter)
        result = ctx.toolbox.counts(ctx.doc_id)
        topic = re.sub(r"购买|新买|要买|买", "购置", topic)  # 准备买几辆车: 购置车辆, not the cars it has
        noun = re.search(r"(?:几|多少)\w([\u4e00-\u9fff]{2,8})", topic)  # 有几个事业单位: what is counted
        best = None
        for c in result["counts"]:
            if counter not in "个项" and counter not in c["unit"]:  # 几台: counted in 台（套）
                continue
            subject = normalize(c["subject"])
            hits = sum(ch in topic for ch in subject)
            named = noun.group(1) in subject if noun else False
            score = (named, hits / max(len(subject), 1), hits)  # 一般公务用车 before 车辆 when both fit
            if score[1] >= 0.5 and (best is None or score > best[0]):
                best = (score, c)
        if best is None:
            raise PlanError("说明中没有给出这个数量")
        c = best[1]
        return PlanResult(
            answer=f"{c['subject']}共{c['value']}{c['unit']}{_cite(c['source'])}",
            value=c["value"],
            unit=c["unit"],
            sources=as_sources([c["source"]]),
        )
