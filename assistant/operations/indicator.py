"""A performance target of 预算13表 (绩效指标): its operator, value and unit as printed."""

from __future__ import annotations

import re

from assistant.contract import Candidate, PlanResult
from assistant.lexicon import COUNTER_UNITS, INDICATOR_COUNTERS
from assistant.operations import Operation, register
from assistant.operations.base import Context, PlanError, as_sources
from assistant.tools import project_source

#: A target asked as money (工资, 费用, 多少钱): one printed in 元 or 万元.
MONEY = re.compile(r"工资|费用|钱|单价|价格|多少元|多少万")
LEVEL2 = re.compile(r"(数量|质量|时效|成本|经济效益|社会效益|生态效益|可持续影响|满意度)指标")
#: A target asked as a date (什么时候完成): only a 时效指标 says it, or a dated sentence of the goal.
WHEN = re.compile(r"什么时候|什么时间|何时|哪天|几月|哪个月|截止|期限|时间节点")
DATED = re.compile(r"[^。；;，,]*[0-9一二三四五六七八九十]+月(?:底|末|份|[0-9]+日)?(?:前|之前|以前)[^。；;]*")


def _which(found: list[dict]) -> PlanResult:
    names = "、".join(f"“{i['name']}”" for i in found[:5])
    return PlanResult(
        answer=f"没能确定您问的是哪项绩效指标，可能是：{names}。请问是哪一个？",
        candidates=[Candidate(name=i["name"], kind="indicator", score=i["score"]) for i in found[:5]],
    )


@register
class Indicator(Operation):
    names = ("indicator",)
    verbs = {"indicator": "查绩效指标"}

    def run(self, ctx: Context) -> PlanResult:
        entity = ctx.plan.operands[0].entity if ctx.plan.operands else None
        project = entity.key if entity is not None and entity.kind == "project" else None
        topic = ctx.plan.topic or ""
        level2 = LEVEL2.search(topic)
        found = ctx.toolbox.indicators(ctx.doc_id, project, topic)["indicators"]
        if level2 and project:  # 它的成本指标定的多少: the targets of that class, one of them or asked which
            of_class = ctx.toolbox.indicators(ctx.doc_id, project, "", level2.group(1))["indicators"]
            names = {i["name"] for i in of_class}
            found = [i for i in found if i["name"] in names] or of_class
            if len(found) > 1 and found[0]["coverage"] < 0.5:
                return _which(found)
        if WHEN.search(topic):
            if (
                "目标" in topic and "指标" not in topic and project
            ):  # 绩效目标要求…什么时候完成: the goal's date
                try:
                    return _dated_goal(ctx, project)
                except PlanError:
                    pass
            found = [i for i in found if i["level2"].startswith("时效")]
            if not found:
                return _dated_goal(ctx, project)
        counted = INDICATOR_COUNTERS.search(topic)
        if counted and counted.group(2) in COUNTER_UNITS:  # 要培训多少人: only a target counted in 人 answers
            word = counted.group(2)
            found = [i for i in found if set(COUNTER_UNITS[word]) & set(i["unit"])]
            if not found and project and "目标" in topic:
                return _goal_figure(ctx, project, word)  # 绩效目标里要求不少于多少次: as the goal states
            if not found:
                raise PlanError(f"预算13表中没有以“{word}”计的这项指标")
        if not found:
            raise PlanError(f"预算13表中没有找到“{topic.strip('，')}”这项指标")
        if MONEY.search(topic) and "元" not in found[0]["unit"]:  # 律师一天工资按多少算: the target in 元
            found = [i for i in found if "元" in i["unit"]] + [i for i in found if "元" not in i["unit"]]
        best = found[0]
        if project is None and best["coverage"] < 0.5:  # no project named: only a target the question spells
            raise PlanError(f"没有找到“{topic.strip('，')}”这项指标；请说明是哪个项目的指标")
        asked = set(re.findall(r"(?:多少|几)(\w)", topic))  # 至少要办多少项: the one target counted in 项
        if (
            not (asked & set(best["unit"]) and not any(asked & set(i["unit"]) for i in found[1:2]))
            and not (best["own"] >= 2 and all(i["own"] == 0 for i in found[1:2]))  # 满意度: only one says it
            and best["coverage"] < 0.4
            and best["score"] < 5
            and len(found) > 1
            and found[1]["score"] > 0.6 * best["score"]
        ):
            return _which(found)  # a weak match, not clearly ahead of the next: ask which target was meant

        op = best["operator"]
        shown = (
            f"{op}{best['value']}{best['unit']}"
            if op in ("≥", "≤", "=")
            else f"{best['value']}{best['unit']}"
        )
        return PlanResult(
            answer=f"{shown}：{best['project']}的{best['level2']}“{best['name']}”目标为{shown}"
            f"（{best['source']['label']}）",
            value=best["value"],
            unit=best["unit"],
            operator=op if op in ("≥", "≤", "=") else None,
            sources=as_sources([best["source"]]),
        )


#: A figure stated in a goal's words: 不少于22次, 达到85%以上.
BOUND_WORDS = {
    "不少于": "≥",
    "不低于": "≥",
    "至少": "≥",
    "以上": "≥",
    "不超过": "≤",
    "不高于": "≤",
    "以内": "≤",
}


def _goal_source(ctx: Context, project: str) -> dict:
    """Where a project's 绩效目标 is printed: its block of 预算13表."""
    return project_source(
        ctx.doc, next(p for p in ctx.toolbox.store.projects(ctx.doc_id) if p.name == project), "绩效目标"
    )


def _goal_figure(ctx: Context, project: str, counter: str) -> PlanResult:
    """不少于多少次 with no target counted in 次: the one figure the project's 绩效目标 states in 次."""
    goal = ctx.toolbox.indicators(ctx.doc_id, project, "")["goal"] or ""
    said = list(
        re.finditer(
            rf"(不少于|不低于|至少|不超过|不高于)?\s*([0-9]+(?:\.[0-9]+)?)\s*{counter}(以上|以内)?", goal
        )
    )
    if len(said) != 1:
        raise PlanError(f"预算13表中没有以“{counter}”计的这项指标，绩效目标里也没有唯一的这个数")
    m = said[0]
    op = BOUND_WORDS.get(m.group(1) or m.group(3) or "", "=")
    source = _goal_source(ctx, project)
    return PlanResult(
        answer=f"{op}{m.group(2)}{counter}：{project}的绩效目标写明“{m.group().strip()}”（{source['label']}）",
        value=m.group(2),
        unit=counter,
        operator=op,
        sources=as_sources([source]),
    )


def _dated_goal(ctx: Context, project: str | None) -> PlanResult:
    """什么时候前完成 with no 时效指标: the sentence of the project's 绩效目标 that gives the date."""
    goal = ctx.toolbox.indicators(ctx.doc_id, project, "")["goal"] if project else None
    dated = DATED.search(goal or "")
    if not dated:
        raise PlanError("预算13表中没有这个项目的时效指标，绩效目标里也没有写完成时间")
    source = _goal_source(ctx, project)
    return PlanResult(
        answer=f"{project}的绩效目标写明：{dated.group().strip()}（{source['label']}）。",
        sources=as_sources([source]),
    )


#: A class of targets a question counts: 一级 产出/效益/满意度, or 二级 数量/质量/时效/成本 ….
INDICATOR_CLASS = re.compile(
    r"(产出|效益|满意度|数量|质量|时效|成本|经济效益|社会效益|生态效益|可持续影响)(?:类)?指标"
)


@register
class IndicatorCount(Operation):
    """How many performance targets (绩效指标) a project — or every project — sets, of one class if named."""

    names = ("indicator_count",)
    verbs = {"indicator_count": "数绩效指标条数"}

    def run(self, ctx: Context) -> PlanResult:
        entity = ctx.plan.operands[0].entity if ctx.plan.operands else None
        name = entity.key if entity is not None and entity.kind == "project" else None
        projects = [p for p in ctx.toolbox.store.projects(ctx.doc_id) if name in (None, p.name)]
        if name and not projects:
            raise PlanError(f"预算13表中没有“{name}”")
        wanted = INDICATOR_CLASS.search(ctx.plan.topic or "")
        kind = wanted.group(1) if wanted else ""
        nature = re.search(r"定性|定量", ctx.plan.topic or "")  # 定性的有几条: targets stated in words
        found = [
            (p, i)
            for p in projects
            for i in p.indicators
            if (not kind or i.level1.startswith(kind) or i.level2.startswith(kind))
            and (not nature or (i.nature == "定性") == (nature.group() == "定性"))
        ]
        if not any(p.indicators for p in projects):
            raise PlanError("预算13表中没有这个项目的绩效指标")
        whose = name or "全部项目"
        counter = next(iter(re.findall(r"(?:几|多少)(个|条|项)", ctx.plan.topic or "")), "条")
        sources = [project_source(ctx.doc, p) for p in projects if p.indicators]
        shown = "、".join(f"“{i.level3}”" for _, i in found[:12]) + ("等" if len(found) > 12 else "")
        return PlanResult(
            answer=f"{whose}的{(nature.group() if nature else '') + (kind + '指标' if kind else '绩效指标')}"
            f"共{len(found)}{counter}" + (f"：{shown}" if found else "") + "（预算13表）。",
            value=str(len(found)),
            unit=counter,
            sources=as_sources(sources[:60]),
        )
