"""English questions read through a budget glossary (英文提问): every word must be a known budget term,
a place or a function word, or the question is not understood.

The offline parser reads Chinese. An English question is rewritten into the Chinese a person would
type — ``What share of the bureau's total budget is basic expenditure?`` →
``基本支出占预算总额的百分比是多少`` — only when each of its content words is in the glossary; one
unknown word and nothing is guessed.
"""

from __future__ import annotations

import re

#: English budget terms → the Chinese the documents print (longest phrases are tried first).
GLOSSARY = {
    "total budget": "预算总额",
    "overall budget": "预算总额",
    "whole budget": "预算总额",
    "total expenditure": "支出总额",
    "total spending": "支出总额",
    "total income": "收入总额",
    "total revenue": "收入总额",
    "basic expenditure": "基本支出",
    "basic expenditures": "基本支出",
    "basic spending": "基本支出",
    "project expenditure": "项目支出",
    "project budget": "项目支出",
    "project budgets": "项目支出",
    "project expenditures": "项目支出",
    "project spending": "项目支出",
    "personnel expenses": "人员经费",
    "personnel costs": "人员经费",
    "public expenses": "公用经费",
    "operating expenses": "公用经费",
    "housing provident fund": "住房公积金",
    "housing purchase subsidies": "购房补贴",
    "housing purchase subsidy": "购房补贴",
    "three public expenses": "三公经费",
    "three public funds": "三公经费",
    "official reception": "公务接待费",
    "official receptions": "公务接待费",
    "official vehicles": "公务用车",
    "official vehicle": "公务用车",
    "overseas trips": "因公出国（境）费用",
    "government procurement": "政府采购",
    "purchase of services": "政府购买服务",
    "purchased services": "政府购买服务",
    "fiscal appropriation": "财政拨款",
    "fiscal appropriations": "财政拨款",
    "general public budget": "一般公共预算",
    "digital economy": "数字经济",
    "innovation": "创新",
    "work": "工作",
    "projects": "项目",
    "project": "项目",
    "expenditure": "支出",
    "spending": "支出",
    "income": "收入",
    "revenue": "收入",
    "in ten thousand yuan": "万元",
    "yuan": "元",
    "goods": "货物",
    "services": "服务",
    "construction works": "工程",
    "general public services": "一般公共服务支出",
    "public safety": "公共安全支出",
    "education": "教育支出",
    "science and technology": "科学技术支出",
    "social security and employment": "社会保障和就业支出",
    "health": "卫生健康支出",
    "urban and rural community": "城乡社区支出",
    "agriculture forestry and water": "农林水支出",
    "housing security": "住房保障支出",
    # kinds of subordinate units, as people name them in English
    "social welfare center": "社会福利中心",
    "welfare center": "福利中心",
    "community service center": "社区服务中心",
    "funeral home": "殡仪馆",
    "funeral parlor": "殡仪馆",
    "sanitation service center": "环境卫生服务中心",
    "environmental sanitation service center": "环境卫生服务中心",
    "information center": "信息中心",
    "arbitration court": "仲裁院",
    "arbitration commission": "仲裁院",
    "law enforcement brigade": "执法监察大队",
    "own office": "本级",
    "main office": "本级",
    "bureau itself": "本级",
}

#: Beijing's districts in pinyin, and the departments people name in English (the document's own name
#: decides which budget answers; the parser checks it is the loaded one).
PLACES = {
    "dongcheng": "东城区",
    "xicheng": "西城区",
    "chaoyang": "朝阳区",
    "haidian": "海淀区",
    "fengtai": "丰台区",
    "shijingshan": "石景山区",
    "mentougou": "门头沟区",
    "fangshan": "房山区",
    "tongzhou": "通州区",
    "shunyi": "顺义区",
    "changping": "昌平区",
    "daxing": "大兴区",
    "huairou": "怀柔区",
    "pinggu": "平谷区",
    "miyun": "密云区",
    "yanqing": "延庆区",
}
DEPARTMENTS = {
    "science and it bureau": "科信局",
    "science and technology and informatization bureau": "科信局",
    "science technology and informatization bureau": "科信局",
    "science technology and information bureau": "科信局",
    "justice bureau": "司法局",
    "judicial bureau": "司法局",
    "bureau of justice": "司法局",
    "emergency management bureau": "应急管理局",
    "emergency bureau": "应急局",
    "education commission": "教委",
    "health commission": "卫健委",
    "city management commission": "城管委",
    "urban management commission": "城管委",
    "hr and social security bureau": "人社局",
    "market supervision bureau": "市场监管局",
    "market regulation bureau": "市场监管局",
    "veterans affairs bureau": "退役军人事务局",
    "culture and tourism bureau": "文旅局",
    "development and reform commission": "发改委",
    "human resources and social security bureau": "人社局",
    "civil affairs bureau": "民政局",
    "statistics bureau": "统计局",
    "bureau of statistics": "统计局",
    "landscaping and greening bureau": "园林绿化局",
    "gardening and greening bureau": "园林绿化局",
    "forestry and parks bureau": "园林绿化局",
    "sports bureau": "体育局",
}
#: Asking for people, contacts or contractors: said in Chinese so the parser refuses as it would in Chinese.
OUT_OF_SCOPE = {
    r"\bwho\b|person in charge|\bdirector\b|\bhead of\b|\bleader\b": "负责人是谁",
    r"\b(?:tele)?phone\b|\bcontact\b": "电话号码",
    r"\bcontractors?\b|\bcompan(?:y|ies)\b|\bsuppliers?\b|\bwon the\b": "哪家公司中标",
    r"\baddress\b": "地址",
    r"\bactual(?:ly)? (?:spent|spending|expenditure)\b|\bfinal accounts?\b": "决算",
}
#: Words that carry no budget meaning of their own here.
FUNCTION_WORDS = set(
    "a an the of in for to on at by is are was were be does did do its it their this that what which how "
    "much many goes go spent spend get gets got budget budgeted "
    "budgeting budgets allocated allocate allocation there whole total department bureau commission "
    "district beijing year annual decimals decimal places two in with as at from under plan plans planned "
    "intend intends going".split()
)


def is_english(question: str) -> bool:
    """English words around at most a printed name or two (in brackets or not)."""
    outside = re.sub(r"[（(][^）)]*[）)]", "", question)
    if re.fullmatch(r"[\x00-\x7f\s]+", outside):
        return bool(re.search(r"[A-Za-z]{3,}", question))
    english = re.findall(r"[A-Za-z]{2,}", outside)
    names = re.findall(r"[\u4e00-\u9fff]+", outside)
    return len(english) >= 4 and len(names) <= 2 and re.match(r"\s*[A-Za-z]", question) is not None


def gloss(question: str) -> str | None:
    """The question in Chinese, or ``None`` when a word of it is not a budget term this glossary knows."""
    text = _plain(question)
    for pattern, chinese in OUT_OF_SCOPE.items():
        if re.search(pattern, text):
            return chinese
    text = re.sub(
        r"\s+(?:please )?(?:give|round|answer|show|state|express|report)\b.*$", "", text
    )  # Give a percentage. / Give its name as printed: how to answer, not what
    years = "".join(f"{y}年" for y in re.findall(r"\b(?:19|20)\d\d\b", text))
    text = re.sub(r"\b(?:in |for )?(?:19|20)\d\d\b", " ", text)
    text = re.sub(r"\s+", " ", text).strip()
    chinese = _question(text)
    return None if chinese is None else years + chinese


def _question(text: str) -> str | None:
    if m := re.match(
        r"^(?:what|which) (?:share|percentage|percent|proportion) of (?P<whole>.+?) "
        r"(?:is|goes to|go to|is spent on|goes on|is for|is taken up by) (?P<part>.+)$",
        text,
    ):
        whole, part = _terms(m["whole"]), _terms(m["part"])
        if whole is None or part is None or not part:
            return None
        whole = {"": "预算总额", "支出": "支出总额", "收入": "收入总额"}.get(
            whole, whole
        )  # the bureau's spending
        return f"{part}占{whole}的百分比是多少"
    if m := re.match(
        r"^which (?:(?:one )?of (?P<owner2>.+?) (?:\w+ )?(?:budget )?(?P<nouns>projects|units)|"
        r"(?P<noun>project|unit)(?: (?:of|in|under|at) (?P<owner>.+?))?) (?:has|gets|receives|is) the "
        r"(?P<most>largest|biggest|highest|most|smallest|lowest|least)(?: (?P<what>(?!and\b).+?))?"
        r"(?: and how much(?: is it| does it get)?)?$",
        text,
    ):  # Which project of the brigade has the largest budget, and how much?
        said = m["owner"] or m["owner2"] or ""
        printed = re.findall(r"zh:(\S+)", said)  # the brigade (执法监察大队): its printed name
        owner = "".join(printed) if printed else _terms(said)
        most = "最多" if m["most"] in ("largest", "biggest", "highest", "most") else "最少"
        noun = "项目" if (m["noun"] or m["nouns"]).startswith("project") else "单位"
        plain = m["what"] is None or m["what"] in ("budget", "amount", "money", "funding")
        what = "预算" if plain else _terms(m["what"])  # the largest project spending: that measure
        return None if owner is None or not what else f"{owner}哪个{noun}{what}{most}，多少钱"
    if m := re.match(r"^how many (?P<noun>projects|units) (?P<rest>.*)$", text):
        rest = _terms(m["rest"])
        return None if rest is None else f"{rest}{GLOSSARY.get(m['noun'], '单位')}有几个"
    if re.fullmatch(r"(?:and |so |what about |how much )?(?:in|converted to|in terms of) yuan", text):
        return "换成元"  # And in yuan?: the last answer in 元
    if m := re.match(r"^(?:how much|what is|what was|what are|what)\b(?P<rest>.*)$", text):
        said = re.match(r"(?P<what>.+?) of (?P<whose>.+)$", m["rest"])  # the total budget of <department>
        rest = _terms(m["rest"]) if said is None else _joined(_terms(said["whose"]), _terms(said["what"]))
        return None if not rest else f"{rest}是多少"
    return None


def _joined(whose: str | None, what: str | None) -> str | None:
    return None if whose is None or what is None else f"{whose}的{what}" if whose else what


def _plain(question: str) -> str:
    text = question.lower().replace("&", " and ").replace("’", "'")
    text = re.sub(r"'s\b", "", text)
    # (互联网出口租用服务): the printed name of what the words before it describe, kept as one token
    text = re.sub(
        r"[(（]([^)）]*[\u4e00-\u9fff][^)）]*)[)）]", lambda m: " zh:" + re.sub(r"\s+", "", m[1]) + " ", text
    )
    text = re.sub(r"\([^)]*\)", " ", text)  # (in %), (2 decimals): how to print it, said anyway
    text = re.sub(
        r"(?<!zh:)(?<![\u4e00-\u9fff])([\u4e00-\u9fff]+)", r" zh:\1 ", text
    )  # a name not in brackets
    text = re.sub(r"[^a-z0-9 :\u4e00-\u9fff（）]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def _terms(text: str) -> str | None:
    """The Chinese of a stretch of English, term by term; ``None`` at the first unknown content word."""
    words = text.split()
    out: list[str] = []
    table = {**GLOSSARY, **DEPARTMENTS, **PLACES}
    longest = max(len(k.split()) for k in table)
    pending: list[str] = []  # unknown words, forgiven only when a Chinese name follows them
    i = 0
    while i < len(words):
        if words[i].startswith("zh:"):
            zh = words[i][3:]
            if not pending and out and (out[-1] in zh or zh in out[-1]):
                out[-1] = max(out[-1], zh, key=len)  # basic expenditure (基本支出): said twice, once
            else:
                out.append(zh)
            pending, i = [], i + 1
            continue
        for n in range(min(longest, len(words) - i), 0, -1):
            phrase = " ".join(words[i : i + n])
            if phrase in table:
                if pending:
                    return None
                out.append(table[phrase])
                i += n
                break
        else:
            if words[i] not in FUNCTION_WORDS:
                pending.append(words[i])
            i += 1
    return None if pending else "".join(out)
