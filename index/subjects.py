"""Budget vocabulary: the 类 of 支出功能分类科目 and the 人员/公用 split of economic classes.

A 功能分类科目 code has 3 digits for 类, 5 for 款, 7 for 项 (2060101 行政运行 is in
款 20601 科学技术管理事务, 类 206 科学技术支出).
"""

from __future__ import annotations

#: 支出功能分类 类 (national classification; names as printed in 预算01表).
FUNCTION_CLASSES = {
    "201": "一般公共服务支出",
    "202": "外交支出",
    "203": "国防支出",
    "204": "公共安全支出",
    "205": "教育支出",
    "206": "科学技术支出",
    "207": "文化旅游体育与传媒支出",
    "208": "社会保障和就业支出",
    "209": "社会保险基金支出",
    "210": "卫生健康支出",
    "211": "节能环保支出",
    "212": "城乡社区支出",
    "213": "农林水支出",
    "214": "交通运输支出",
    "215": "资源勘探工业信息等支出",
    "216": "商业服务业等支出",
    "217": "金融支出",
    "219": "援助其他地区支出",
    "220": "自然资源海洋气象等支出",
    "221": "住房保障支出",
    "222": "粮油物资储备支出",
    "223": "国有资本经营预算支出",
    "224": "灾害防治及应急管理支出",
    "227": "预备费",
    "229": "其他支出",
    "230": "转移性支出",
    "231": "债务还本支出",
    "232": "债务付息支出",
    "233": "债务发行费用支出",
    "234": "抗疫特别国债安排的支出",
}


def function_levels(code: str) -> dict[str, str]:
    """``"2060101"`` → {"类": "206", "款": "20601", "项": "2060101"}."""
    levels = {"类": code[:3]}
    if len(code) >= 5:
        levels["款"] = code[:5]
    if len(code) >= 7:
        levels["项"] = code[:7]
    return levels


def class_name(code: str) -> str:
    return FUNCTION_CLASSES.get(code[:3], "")


def strip_ordinal(item: str) -> str:
    """``"六、科学技术支出"`` → ``"科学技术支出"`` (预算01/06表 items carry ordinals)."""
    for sep in ("、", "）"):
        if sep in item[:6]:
            return item.split(sep, 1)[1]
    return item
