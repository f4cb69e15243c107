"""Variant budget documents in the sample's layout, each with its ground truth.

The parser must work for any department of the standard Beijing 部门预算 layout, so it
is checked against generated documents whose every figure is known. A variant mimics
the text extracted from a published PDF line by line: the same headings, table titles
and column-header blocks (copied verbatim from the sample), the same row formats and
the same extraction quirks (cells wrapped at a fixed width and printed one piece per
line, header blocks repeated after page breaks, a stray page number, blank columns
simply missing from a row, thousand separators in tables but not in the narrative).

Everything is drawn from ``random.Random(seed)``, so a seed always gives the same
document; all arithmetic is ``Decimal``, and the truth holds amounts as strings.

    python -m evals.variants --seed 7 --units 3 --projects 12 --out /tmp/variants
"""

from __future__ import annotations

import argparse
import json
import random
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

CENT = Decimal("0.01")
ZERO = Decimal("0")
HUNDRED = Decimal("100")
WAN = Decimal("10000")  # 元 per 万元

# ---------------------------------------------------------------------------
# Classification data: real 功能分类 (2xx) and 经济分类 (5xxxx / 3xxxx) codes.
# ---------------------------------------------------------------------------

CLASSES = {
    "201": "一般公共服务支出",
    "204": "公共安全支出",
    "205": "教育支出",
    "206": "科学技术支出",
    "207": "文化旅游体育与传媒支出",
    "208": "社会保障和就业支出",
    "210": "卫生健康支出",
    "212": "城乡社区支出",
    "213": "农林水支出",
    "221": "住房保障支出",
    "224": "灾害防治及应急管理支出",
}

KUAN = {
    "20104": "发展与改革事务",
    "20105": "统计信息事务",
    "20138": "市场监督管理事务",
    "20406": "司法",
    "20501": "教育管理事务",
    "20502": "普通教育",
    "20508": "进修及培训",
    "20601": "科学技术管理事务",
    "20604": "技术研究与开发",
    "20607": "科学技术普及",
    "20699": "其他科学技术支出",
    "20701": "文化和旅游",
    "20702": "文物",
    "20703": "体育",
    "20801": "人力资源和社会保障管理事务",
    "20802": "民政管理事务",
    "20805": "行政事业单位养老支出",
    "20807": "就业补助",
    "20810": "社会福利",
    "20828": "退役军人管理事务",
    "21001": "卫生健康管理事务",
    "21003": "基层医疗卫生机构",
    "21004": "公共卫生",
    "21007": "计划生育事务",
    "21011": "行政事业单位医疗",
    "21201": "城乡社区管理事务",
    "21203": "城乡社区公共设施",
    "21205": "城乡社区环境卫生",
    "21302": "林业和草原",
    "22102": "住房改革支出",
    "22401": "应急管理事务",
}

ITEMS = {
    "2010401": "行政运行",
    "2010408": "物价管理",
    "2010499": "其他发展与改革事务支出",
    "2010501": "行政运行",
    "2010507": "专项普查活动",
    "2010508": "统计抽样调查",
    "2010599": "其他统计信息事务支出",
    "2013801": "行政运行",
    "2013804": "市场主体管理",
    "2013805": "市场秩序执法",
    "2013812": "药品事务",
    "2013816": "食品安全监管",
    "2013899": "其他市场监督管理事务",
    "2040601": "行政运行",
    "2040604": "基层司法业务",
    "2040605": "普法宣传",
    "2040607": "公共法律服务",
    "2040610": "社区矫正",
    "2040699": "其他司法支出",
    "2050101": "行政运行",
    "2050199": "其他教育管理事务支出",
    "2050201": "学前教育",
    "2050202": "小学教育",
    "2050203": "初中教育",
    "2050204": "高中教育",
    "2050299": "其他普通教育支出",
    "2050801": "教师进修",
    "2060101": "行政运行",
    "2060199": "其他科学技术管理事务支出",
    "2060499": "其他技术研究与开发支出",
    "2060702": "科普活动",
    "2060799": "其他科学技术普及支出",
    "2069999": "其他科学技术支出",
    "2070101": "行政运行",
    "2070104": "图书馆",
    "2070108": "文化活动",
    "2070109": "群众文化",
    "2070111": "文化创作与保护",
    "2070112": "文化和旅游市场管理",
    "2070113": "旅游宣传",
    "2070199": "其他文化和旅游支出",
    "2070204": "文物保护",
    "2070205": "博物馆",
    "2070301": "行政运行",
    "2070307": "体育场馆",
    "2070308": "群众体育",
    "2070399": "其他体育支出",
    "2080101": "行政运行",
    "2080109": "社会保险经办机构",
    "2080111": "公共就业服务和职业技能鉴定机构",
    "2080199": "其他人力资源和社会保障管理事务支出",
    "2080201": "行政运行",
    "2080208": "基层政权建设和社区治理",
    "2080299": "其他民政管理事务支出",
    "2080501": "行政单位离退休",
    "2080502": "事业单位离退休",
    "2080505": "机关事业单位基本养老保险缴费支出",
    "2080506": "机关事业单位职业年金缴费支出",
    "2080799": "其他就业补助支出",
    "2081002": "老年福利",
    "2081004": "殡葬",
    "2081006": "养老服务",
    "2082801": "行政运行",
    "2082850": "事业运行",
    "2082899": "其他退役军人事务管理支出",
    "2100101": "行政运行",
    "2100199": "其他卫生健康管理事务支出",
    "2100301": "城市社区卫生机构",
    "2100399": "其他基层医疗卫生机构支出",
    "2100401": "疾病预防控制机构",
    "2100402": "卫生监督机构",
    "2100403": "妇幼保健机构",
    "2100408": "基本公共卫生服务",
    "2100409": "重大公共卫生服务",
    "2100410": "突发公共卫生事件应急处理",
    "2100717": "计划生育服务",
    "2101101": "行政单位医疗",
    "2101102": "事业单位医疗",
    "2120101": "行政运行",
    "2120104": "城管执法",
    "2120199": "其他城乡社区管理事务支出",
    "2120399": "其他城乡社区公共设施支出",
    "2120501": "城乡社区环境卫生",
    "2130201": "行政运行",
    "2130205": "森林资源培育",
    "2130209": "森林生态效益补偿",
    "2130234": "林业草原防灾减灾",
    "2130299": "其他林业和草原支出",
    "2210201": "住房公积金",
    "2210203": "购房补贴",
    "2240101": "行政运行",
    "2240106": "安全监管",
    "2240108": "应急救援",
    "2240199": "其他应急管理支出",
}

GOV_ECON = {
    "50101": "工资奖金津补贴",
    "50102": "社会保障缴费",
    "50103": "住房公积金",
    "50199": "其他工资福利支出",
    "50201": "办公经费",
    "50202": "会议费",
    "50203": "培训费",
    "50205": "委托业务费",
    "50206": "公务接待费",
    "50207": "因公出国（境）费用",
    "50208": "公务用车运行维护费",
    "50209": "维修（护）费",
    "50299": "其他商品和服务支出",
    "50303": "公务用车购置",
    "50306": "设备购置",
    "50399": "其他资本性支出",
    "50501": "工资福利支出",
    "50502": "商品和服务支出",
    "50601": "资本性支出（一）",
    "50901": "社会福利和救助",
    "50905": "离退休费",
    "50999": "其他对个人和家庭补助",
}

DEPT_ECON = {
    "30101": "基本工资",
    "30102": "津贴补贴",
    "30103": "奖金",
    "30107": "绩效工资",
    "30108": "机关事业单位基本养老保险缴费",
    "30109": "职业年金缴费",
    "30110": "职工基本医疗保险缴费",
    "30112": "其他社会保障缴费",
    "30113": "住房公积金",
    "30114": "医疗费",
    "30199": "其他工资福利支出",
    "30201": "办公费",
    "30202": "印刷费",
    "30205": "水费",
    "30206": "电费",
    "30207": "邮电费",
    "30209": "物业管理费",
    "30211": "差旅费",
    "30212": "因公出国（境）费用",
    "30213": "维修（护）费",
    "30214": "租赁费",
    "30215": "会议费",
    "30216": "培训费",
    "30217": "公务接待费",
    "30226": "劳务费",
    "30227": "委托业务费",
    "30228": "工会经费",
    "30229": "福利费",
    "30231": "公务用车运行维护费",
    "30299": "其他商品和服务支出",
    "30302": "退休费",
    "30309": "奖励金",
    "30399": "其他对个人和家庭的补助",
    "31002": "办公设备购置",
    "31007": "信息网络及软件购置更新",
    "31013": "公务用车购置",
    "31099": "其他资本性支出",
}

#: 预算01表's expenditure side, in print order (the 06 list adds three more).
TABLE01_CLASSES = [
    ("201", "一般公共服务支出"),
    ("202", "外交支出"),
    ("203", "国防支出"),
    ("204", "公共安全支出"),
    ("205", "教育支出"),
    ("206", "科学技术支出"),
    ("207", "文化旅游体育与传媒支出"),
    ("208", "社会保障和就业支出"),
    ("209", "社会保险基金支出"),
    ("210", "卫生健康支出"),
    ("211", "节能环保支出"),
    ("212", "城乡社区支出"),
    ("213", "农林水支出"),
    ("214", "交通运输支出"),
    ("215", "资源勘探工业信息等支出"),
    ("216", "商业服务业等支出"),
    ("217", "金融支出"),
    ("219", "援助其他地区支出"),
    ("220", "自然资源海洋气象等支出"),
    ("221", "住房保障支出"),
    ("222", "粮油物资储备支出"),
    ("223", "国有资本经营预算支出"),
    ("224", "灾害防治及应急管理支出"),
    ("229", "其他支出"),
    ("232", "债务付息支出"),
    ("233", "债务发行费用支出"),
    ("234", "抗疫特别国债安排的支出"),
]
TABLE06_CLASSES = TABLE01_CLASSES[:23] + [
    ("227", "预备费"),
    ("229", "其他支出"),
    ("230", "转移性支出"),
    ("231", "债务还本支出"),
    ("232", "债务付息支出"),
    ("233", "债务发行费用支出"),
    ("234", "抗疫特别国债安排的支出"),
]
TABLE01_INCOME = [
    "一、一般公共预算拨款收入",
    "二、政府性基金预算拨款收入",
    "三、国有资本经营预算拨款收入",
    "四、财政专户管理资金收入",
    "五、事业收入",
    "六、上级补助收入",
    "七、附属单位上缴收入",
    "八、事业单位经营收入",
    "九、其他收入",
]

DISTRICTS = [
    ("东城区", "110101"),
    ("西城区", "110102"),
    ("朝阳区", "110105"),
    ("丰台区", "110106"),
    ("石景山区", "110107"),
    ("海淀区", "110108"),
    ("门头沟区", "110109"),
    ("房山区", "110111"),
    ("通州区", "110112"),
    ("顺义区", "110113"),
    ("昌平区", "110114"),
    ("大兴区", "110115"),
    ("怀柔区", "110116"),
    ("平谷区", "110117"),
    ("密云区", "110118"),
    ("延庆区", "110119"),
]

ADMIN, INST = "1-行政单位", "2-事业单位"


@dataclass(frozen=True)
class Field:
    """A department's line of work: its 功能分类 subjects, units, project topics and duties."""

    area: str  # used in duty sentences, e.g. 教育
    admin: str  # the 行政运行 item of the 本级
    projects: tuple[str, ...]  # items projects are booked under
    institutions: tuple[tuple[str, str], ...]  # (name template, item) of 事业单位
    cores: tuple[str, ...]  # project topics
    duties: tuple[str, ...]
    catalogue: tuple[tuple[str, str, str], ...] = ()


FIELDS: dict[str, Field] = {
    "edu": Field(
        "教育",
        "2050101",
        ("2050199", "2050201", "2050202", "2050203", "2050204", "2050299", "2050801"),
        (
            ("北京市{d}教育科学研究院（北京市{d}教师研修中心）", "2050801"),
            ("北京市{d}第一幼儿园", "2050201"),
            ("北京市{d}实验小学", "2050202"),
            ("北京市{d}第二中学", "2050204"),
            ("北京市{d}中小学卫生保健所", "2050299"),
            ("北京市{d}教育考试中心", "2050199"),
        ),
        (
            "中小学校舍安全检测",
            "普惠性幼儿园扶持",
            "教师继续教育培训",
            "中小学信息化设备",
            "校园安保",
            "学生体质健康监测",
            "中小学课后服务",
            "中考考务",
            "教育督导评估",
            "校外培训机构治理",
            "集团化办学",
            "中小学教育教学质量监测",
            "智慧校园平台",
        ),
        (
            "统筹规划本区各级各类教育的发展，拟订本区教育事业发展规划和年度计划。",
            "负责本区基础教育、职业教育、成人教育和学前教育的统筹管理和指导工作。",
            "负责本区教师队伍建设，指导中小学校教师培训和继续教育工作。",
            "负责本区中小学校舍、教学仪器设备和信息化建设的规划与管理。",
            "负责本区教育督导评估和教育质量监测工作。",
        ),
        (
            ("01-基本公共服务", "0101-公共教育", "课后服务"),
            ("01-基本公共服务", "0101-公共教育", "学生体质健康监测服务"),
        ),
    ),
    "health": Field(
        "卫生健康",
        "2100101",
        ("2100199", "2100408", "2100409", "2100410", "2100717", "2100399"),
        (
            ("北京市{d}疾病预防控制中心", "2100401"),
            ("北京市{d}卫生健康监督所", "2100402"),
            ("北京市{d}妇幼保健院", "2100403"),
            ("北京市{d}社区卫生服务管理中心", "2100301"),
            ("北京市{d}精神卫生保健院（北京市{d}精神卫生防治中心）", "2100399"),
        ),
        (
            "基本公共卫生服务",
            "家庭医生签约服务",
            "疫苗冷链运输",
            "传染病防控",
            "卫生监督执法",
            "妇幼健康服务",
            "老年人健康体检",
            "院前急救网络运行",
            "无偿献血宣传",
            "职业病防治",
            "核酸检测",
            "爱国卫生运动",
            "卫生健康信息化平台",
        ),
        (
            "贯彻落实国家和本市卫生健康工作方针政策，拟订本区卫生健康事业发展规划并组织实施。",
            "负责本区疾病预防控制工作，组织实施免疫规划和重大疾病防治。",
            "负责本区医疗机构、医疗服务行业的监督管理，推进分级诊疗制度建设。",
            "负责本区妇幼健康和老龄健康工作，完善计划生育政策。",
            "组织指导本区爱国卫生运动和健康促进工作。",
        ),
        (
            ("01-基本公共服务", "0106-医疗卫生", "基本公共卫生服务"),
            ("01-基本公共服务", "0106-医疗卫生", "健康教育服务"),
        ),
    ),
    "culture": Field(
        "文化和旅游",
        "2070101",
        ("2070108", "2070111", "2070112", "2070113", "2070199", "2070204"),
        (
            ("北京市{d}第一图书馆", "2070104"),
            ("北京市{d}文化馆", "2070109"),
            ("北京市{d}博物馆", "2070205"),
            ("北京市{d}文化市场综合执法大队（北京市{d}文化市场行政执法队）", "2070112"),
        ),
        (
            "公共文化服务",
            "图书采购",
            "群众文化活动",
            "非物质文化遗产保护",
            "文物保护修缮",
            "旅游宣传推广",
            "文化市场执法",
            "剧场运营补贴",
            "全民阅读推广",
            "博物馆展陈",
            "文化志愿服务",
        ),
        (
            "贯彻落实国家和本市文化和旅游工作方针政策，拟订本区文化和旅游发展规划并组织实施。",
            "负责本区公共文化服务体系建设，指导群众文化、图书馆、文化馆事业发展。",
            "负责本区文物和非物质文化遗产保护工作，组织文物保护修缮。",
            "负责本区旅游宣传推广和旅游市场监管工作。",
            "负责本区文化市场综合执法工作。",
        ),
        (("01-基本公共服务", "0109-公共文化", "公共文化活动组织"),),
    ),
    "sci": Field(
        "科技和信息化",
        "2060101",
        ("2060702", "2060799", "2069999", "2060499"),
        (
            ("北京市{d}信息中心（北京市{d}中小企业服务中心）", "2060199"),
            ("北京市{d}科技创新服务中心", "2060199"),
            ("北京市{d}大数据中心", "2069999"),
        ),
        (
            "电子政务专网及机房平台",
            "大数据平台社会数据接入",
            "社会信用体系",
            "科普活动",
            "高新技术企业认证咨询",
            "软件正版化",
            "云平台安全防护",
            "网格化服务管理支撑系统",
            "协同办公系统",
            "互联网出口",
            "政务外网线路",
            "数字经济创新发展",
            "中小企业服务平台",
        ),
        (
            "贯彻落实国家、北京市科技和信息化工作的法律、法规、规章和政策，拟订本区相关政策和措施，并组织实施。",
            "组织拟订和实施本区中长期科技和信息化领域的发展规划和年度计划。",
            "统筹推进本区大数据工作，负责政务数据和相关社会数据的整合、管理、应用和服务体系建设工作。",
            "负责本区政府投资信息化项目的技术论证和评价评估，提出项目年度计划。",
            "负责统筹协调本区社会信用体系建设工作，推进社会信用制度建设。",
        ),
        (("01-基本公共服务", "0123-公共信息", "移动数据服务"),),
    ),
    "civil": Field(
        "民政",
        "2080201",
        ("2080208", "2080299", "2081002", "2081006"),
        (
            ("北京市{d}社会福利中心", "2081002"),
            ("北京市{d}殡仪馆", "2081004"),
            ("北京市{d}社区服务中心（北京市{d}社会组织服务中心）", "2080299"),
        ),
        (
            "社区治理",
            "养老服务驿站运营补贴",
            "殡葬管理",
            "婚姻登记",
            "社会组织培育",
            "困难群众救助",
            "居家养老服务",
            "地名管理",
            "社区工作者培训",
            "老年人助餐服务",
        ),
        (
            "贯彻落实国家和本市民政工作方针政策，拟订本区民政事业发展规划并组织实施。",
            "负责本区社会组织登记和监督管理工作。",
            "负责本区社会救助、养老服务体系建设和老年人福利工作。",
            "负责本区基层政权建设和社区治理工作，指导社区服务体系建设。",
            "负责本区婚姻登记、殡葬管理和地名管理工作。",
        ),
        (
            ("01-基本公共服务", "0105-养老服务", "居家养老服务"),
            ("01-基本公共服务", "0104-社会救助", "困难群众帮扶服务"),
        ),
    ),
    "justice": Field(
        "司法行政",
        "2040601",
        ("2040604", "2040605", "2040607", "2040610", "2040699"),
        (("北京市{d}公共法律服务中心", "2040607"), ("北京市{d}社区矫正管理中心", "2040610")),
        (
            "人民调解",
            "普法宣传",
            "公共法律服务中心运行",
            "社区矫正",
            "法律援助",
            "行政复议",
            "法律顾问",
            "律师行业管理",
            "安置帮教",
        ),
        (
            "贯彻落实国家和本市司法行政工作方针政策，拟订本区法治建设规划并组织实施。",
            "负责本区普法宣传教育和依法治区工作。",
            "负责本区人民调解、社区矫正和安置帮教工作。",
            "负责本区公共法律服务体系建设，指导管理律师、公证和法律援助工作。",
        ),
        (("01-基本公共服务", "0120-公共法律服务", "人民调解服务"),),
    ),
    "city": Field(
        "城市管理",
        "2120101",
        ("2120104", "2120199", "2120501", "2120399"),
        (
            ("北京市{d}环境卫生服务中心", "2120501"),
            ("北京市{d}城市管理监督指挥中心", "2120199"),
            ("北京市{d}市政设施管理所", "2120399"),
        ),
        (
            "城市道路清扫保洁",
            "垃圾分类",
            "城管执法",
            "户外广告管理",
            "公厕运营维护",
            "背街小巷环境整治",
            "城市照明运维",
            "市政设施巡查",
            "环卫作业车辆租用",
        ),
        (
            "贯彻落实国家和本市城市管理工作方针政策，拟订本区城市管理规划并组织实施。",
            "负责本区环境卫生、生活垃圾分类和市容景观管理工作。",
            "负责本区市政公用设施运行管理和城市照明管理工作。",
            "负责本区城市管理综合执法的统筹协调工作。",
        ),
        (("01-基本公共服务", "0114-城乡环境卫生", "道路清扫保洁服务"),),
    ),
    "market": Field(
        "市场监督管理",
        "2013801",
        ("2013804", "2013805", "2013812", "2013816", "2013899"),
        (("北京市{d}食品药品安全监控中心", "2013899"), ("北京市{d}市场监督管理综合执法队", "2013805")),
        (
            "食品安全抽检",
            "药品监督检查",
            "特种设备安全监察",
            "市场主体登记",
            "计量检定",
            "知识产权保护",
            "投诉举报处理",
            "网络交易监测",
        ),
        (
            "贯彻落实国家和本市市场监督管理工作方针政策，拟订本区市场监管规划并组织实施。",
            "负责本区市场主体登记注册和信用监管工作。",
            "负责本区食品安全、药品、医疗器械和特种设备安全监督管理工作。",
            "负责本区市场秩序综合执法和消费者权益保护工作。",
        ),
        (("04-技术性服务", "0401-检验检疫检测", "食品安全抽检服务"),),
    ),
    "sports": Field(
        "体育",
        "2070301",
        ("2070307", "2070308", "2070399"),
        (("北京市{d}体育运动学校", "2070399"), ("北京市{d}体育场馆管理中心", "2070307")),
        (
            "全民健身活动",
            "体育场馆运营",
            "青少年体育培训",
            "体育赛事组织",
            "健身设施维护",
            "社会体育指导员培训",
        ),
        (
            "贯彻落实国家和本市体育工作方针政策，拟订本区体育事业发展规划并组织实施。",
            "负责推进本区全民健身工作，指导群众性体育活动。",
            "负责本区青少年体育和竞技体育工作。",
            "负责本区体育场馆和公共健身设施的规划与管理。",
        ),
        (("01-基本公共服务", "0110-公共体育", "全民健身活动组织"),),
    ),
    "garden": Field(
        "园林绿化",
        "2130201",
        ("2130205", "2130209", "2130234", "2130299"),
        (
            ("北京市{d}林业工作站", "2130299"),
            ("北京市{d}公园管理中心", "2130299"),
            ("北京市{d}林业保护站", "2130234"),
        ),
        (
            "森林防火",
            "林木有害生物防治",
            "平原造林养护",
            "公园管理",
            "古树名木保护",
            "绿化养护",
            "生态林管护",
            "绿化隔离地区建设",
        ),
        (
            "贯彻落实国家和本市园林绿化工作方针政策，拟订本区园林绿化发展规划并组织实施。",
            "负责本区森林资源保护和造林绿化工作。",
            "负责本区森林防火和林业有害生物防治工作。",
            "负责本区公园、风景名胜区和古树名木的保护管理。",
        ),
        (("01-基本公共服务", "0117-林业和绿化", "绿化养护服务"),),
    ),
    "veterans": Field(
        "退役军人事务",
        "2082801",
        ("2082899", "2082850"),
        (("北京市{d}退役军人服务中心", "2082850"), ("北京市{d}军队离退休干部休养所", "2082850")),
        (
            "退役军人就业创业培训",
            "优抚对象走访慰问",
            "退役军人服务站运行",
            "烈士纪念设施维护",
            "双拥工作",
            "退役军人权益维护",
        ),
        (
            "贯彻落实国家和本市退役军人工作方针政策，拟订本区退役军人工作规划并组织实施。",
            "负责本区退役军人移交安置和就业创业工作。",
            "负责本区优抚对象的抚恤优待工作。",
            "负责本区烈士纪念设施的保护管理和双拥工作。",
        ),
        (("01-基本公共服务", "0102-就业", "退役军人就业培训服务"),),
    ),
    "emergency": Field(
        "应急管理",
        "2240101",
        ("2240106", "2240108", "2240199"),
        (("北京市{d}应急管理事务中心", "2240199"), ("北京市{d}安全生产执法监察大队", "2240106")),
        (
            "安全生产执法检查",
            "应急救援物资储备",
            "应急演练",
            "安全生产宣传",
            "危险化学品监管",
            "防汛",
            "应急指挥平台",
        ),
        (
            "贯彻落实国家和本市应急管理工作方针政策，拟订本区应急管理规划并组织实施。",
            "负责本区安全生产综合监督管理和工贸行业安全生产监督管理工作。",
            "负责本区应急救援体系建设和应急物资储备工作。",
            "负责本区防汛和自然灾害防治的组织协调工作。",
        ),
        (("02-社会管理性服务", "0205-公共公益宣传", "安全生产宣传服务"),),
    ),
    "hrss": Field(
        "人力资源和社会保障",
        "2080101",
        ("2080199", "2080799"),
        (
            ("北京市{d}社会保险基金管理中心", "2080109"),
            ("北京市{d}公共就业服务中心", "2080111"),
            ("北京市{d}劳动人事争议仲裁院", "2080199"),
        ),
        ("就业创业服务", "职业技能培训", "劳动保障监察", "劳动人事争议仲裁", "社会保险经办", "人才引进服务"),
        (
            "贯彻落实国家和本市人力资源和社会保障工作方针政策，拟订本区相关规划并组织实施。",
            "负责本区促进就业和职业技能培训工作。",
            "负责本区社会保险经办和劳动保障监察工作。",
            "负责本区劳动人事争议调解仲裁工作。",
        ),
        (("01-基本公共服务", "0102-就业", "职业技能培训服务"),),
    ),
    "stats": Field(
        "统计",
        "2010501",
        ("2010507", "2010508", "2010599"),
        (("北京市{d}统计局普查中心", "2010599"), ("北京市{d}经济社会调查队", "2010508")),
        ("统计调查", "经济普查", "人口抽样调查", "统计数据质量核查", "统计信息化系统", "统计执法检查"),
        (
            "贯彻落实国家和本市统计工作方针政策，拟订本区统计工作规划并组织实施。",
            "负责组织实施本区各项统计调查和普查工作。",
            "负责本区统计数据质量管理和统计执法检查工作。",
        ),
        (("04-技术性服务", "0404-统计调查", "统计调查服务"),),
    ),
    "dev": Field(
        "发展和改革",
        "2010401",
        ("2010408", "2010499"),
        (("北京市{d}发展和改革委员会综合服务中心", "2010499"), ("北京市{d}价格监测中心", "2010408")),
        ("价格监测", "重大项目前期研究", "节能监察", "经济运行分析", "营商环境评价", "规划编制"),
        (
            "贯彻落实国家和本市发展改革工作方针政策，拟订本区国民经济和社会发展规划并组织实施。",
            "负责本区经济运行监测分析和重大项目统筹协调工作。",
            "负责本区价格监测和节能降耗的综合协调工作。",
        ),
        (("05-政府履职所需辅助性服务", "0509-咨询", "规划编制咨询服务"),),
    ),
}

#: (field, name suffix, short name used in project names, word for 本X机关)
DEPARTMENTS = [
    ("edu", "教育委员会", "区教委", "委"),
    ("health", "卫生健康委员会", "区卫健委", "委"),
    ("culture", "文化和旅游局", "区文旅局", "局"),
    ("sci", "科学技术和信息化局", "区科信局", "局"),
    ("civil", "民政局", "区民政局", "局"),
    ("justice", "司法局", "区司法局", "局"),
    ("city", "城市管理委员会", "区城管委", "委"),
    ("market", "市场监督管理局", "区市场监管局", "局"),
    ("sports", "体育局", "区体育局", "局"),
    ("garden", "园林绿化局", "区园林绿化局", "局"),
    ("veterans", "退役军人事务局", "区退役军人局", "局"),
    ("emergency", "应急管理局", "区应急局", "局"),
    ("hrss", "人力资源和社会保障局", "区人力社保局", "局"),
    ("stats", "统计局", "区统计局", "局"),
    ("dev", "发展和改革委员会", "区发改委", "委"),
]

GENERIC_CORES = (
    "办公楼物业管理",
    "机关食堂社会化管理",
    "档案数字化加工",
    "法律顾问",
    "网络安全等级保护测评",
    "政务信息系统",
    "视频会议系统",
    "办公设备",
    "干部教育培训",
    "政务公开",
    "宣传",
    "热线诉求办理",
    "安全生产",
    "机房",
    "财务审计",
    "第三方绩效评价",
    "应急值守",
    "信息化运行维护",
)

#: A project name's ending decides its economic classification, as in the real tables.
SUFFIX_ECON = [
    ("运维服务项目", ("50209", "30213"), ("50502", "30213")),
    ("运行维护经费", ("50209", "30213"), ("50502", "30213")),
    ("运维费", ("50209", "30213"), ("50502", "30213")),
    ("租用服务", ("50201", "30214"), ("50502", "30214")),
    ("租用项目", ("50201", "30214"), ("50502", "30214")),
    ("培训经费", ("50203", "30216"), ("50502", "30216")),
    ("购置项目", ("50306", "31002"), ("50601", "31002")),
    ("系统升级改造项目", ("50306", "31007"), ("50601", "31007")),
    ("咨询服务", ("50205", "30227"), ("50502", "30227")),
    ("服务费", ("50299", "30299"), ("50502", "30299")),
    ("工作经费", ("50299", "30299"), ("50502", "30299")),
    ("专项经费", ("50299", "30299"), ("50502", "30299")),
    ("服务项目", ("50299", "30299"), ("50502", "30299")),
    ("建设项目", ("50399", "31099"), ("50601", "31099")),
    ("劳务费", ("50299", "30226"), ("50502", "30226")),
    ("会议经费", ("50202", "30215"), ("50502", "30215")),
]

CATALOGUE = (
    ("05-政府履职所需辅助性服务", "0511-机关信息系统建设与维护", "信息化运行维护服务"),
    ("05-政府履职所需辅助性服务", "0501-法律服务", "法律顾问服务"),
    ("05-政府履职所需辅助性服务", "0509-咨询", "决策咨询服务"),
    ("05-政府履职所需辅助性服务", "0508-绩效评价", "项目绩效评价服务"),
    ("05-政府履职所需辅助性服务", "0513-后勤服务", "物业管理服务"),
    ("01-基本公共服务", "0123-公共信息", "其他公共信息"),
    ("04-技术性服务", "0403-监测服务", "信息系统运行监测"),
    ("02-社会管理性服务", "0202-社会组织建设与管理", "社会组织培育服务"),
)

#: Verbatim column-header blocks of the sample ("" is a blank line), repeated after page breaks.
HEADERS: dict[str, tuple[str, ...]] = {
    "01": ("收    入 支    出", "", "项    目 预算数 项    目 预算数"),
    "02": (
        "部门（单位）",
        "代码",
        "",
        "部门（单位）名称 合计",
        "",
        "本年收入 上年结转结余",
        "",
        "小计",
        "一般公共预算",
        "",
        "资金",
        "政府性基金预",
        "",
        "算资金",
        "国有资本经营",
        "",
        "预算资金",
        "财政专户管理",
        "",
        "资金",
        "事业收入",
        "",
        "事业单位经营",
        "收入",
        "",
        "上级补助收入",
        "附属单位上缴",
        "",
        "收入",
        "其他收入 小计",
        "",
        "一般公共预算",
        "资金",
        "",
        "政府性基金预",
        "算资金",
        "",
        "国有资本经营",
        "预算资金",
        "",
        "财政专户管理",
        "资金",
        "",
        "单位资金",
    ),
    "03": (
        "支出功能分类科目 政府支出经济分类科目 部门支出经济分类科目 合计 基本支出 项目支出",
        "其中",
        "",
        "事业单位经营",
        "",
        "支出",
        "上缴上级支出",
        "",
        "对附属单位补",
        "",
        "助支出",
    ),
    "04": (
        "项目单位 类型 项目名称 支出功能分类科目 政府支出经济分类科目 部门支出经济分类科目 合计",
        "",
        "本年拨款 财政拨款结转结余",
        "财政专户管理",
        "",
        "资金",
        "单位资金",
        "",
        "一般公共预算",
        "政府性基金预",
        "",
        "算",
        "国有资本经营",
        "",
        "预算",
        "一般公共预算",
        "",
        "政府性基金预",
        "算",
        "",
        "国有资本经营",
        "预算",
    ),
    "05": ("采购类别 金额",),
    "06": ("收    入 支    出", "", "项    目 预算数 项    目 预算数"),
    "07": (
        "单位名称",
        "",
        "功能分类科目 本年预算数",
        "",
        "科目编码 科目名称 合计",
        "",
        "基本支出 项目支出",
        "",
        "小计 人员经费 公用经费 项目支出总数",
        "扣除基建项目后预",
        "",
        "算数",
    ),
    "08": ("政府支出经济分类科目 部门支出经济分类科目", "本年预算数", "", "合计 人员经费 公用经费"),
    "09": (
        "支出功能分类科目 政府支出经济分类科目 部门支出经济分类科目",
        "本年预算数",
        "",
        "合计 基本支出 项目支出",
    ),
    "10": (
        "支出功能分类科目 政府支出经济分类科目 部门支出经济分类科目",
        "本年国有资本经营预算支出",
        "",
        "合计 基本支出 项目支出",
    ),
    "11": (
        "年度",
        "“三公”经费财政",
        "",
        "拨款预算总额",
        "",
        "因公出国（境）费",
        "",
        "用",
        "公务接待费",
        "",
        "公务用车购置及运行维护费",
        "",
        "公务用车购置费",
        "公务用车运行维护费",
        "",
        "小计 公务用车加油 公务用车维修 公务用车保险 其他 ",
    ),
    "12": ("项目名称", "指导性目录", "", "服务领域 预算金额", "一级 二级 三级"),
    "13": (
        "单位名称 项目名称 项目类别 项目责任人",
        "项目责任人",
        "",
        "电话",
        "项目总额",
        "",
        "其中：",
        "绩效目标 一级指标 二级指标 三级指标 绩效指标性质 本年绩效指标值 绩效度量单位 指标方向性",
        "",
        "财政资金 其他资金",
    ),
}

TITLES = {
    "01": "收支总表",
    "02": "收入总表",
    "03": "支出预算总表",
    "04": "项目支出表",
    "05": "政府采购预算明细表",
    "06": "财政拨款收支预算总表",
    "07": "一般公共预算财政拨款支出表",
    "08": "一般公共预算财政拨款基本支出表",
    "09": "政府性基金预算财政拨款支出表",
    "10": "国有资本经营预算财政拨款支出表",
    "11": "财政拨款“三公”经费支出表",
    "12": "政府购买服务预算财政拨款明细表",
    "13": "项目支出绩效表",
    "14": "整体支出绩效目标申报表",
}

EMPTY_NOTES = {
    "09": "注：本部门没有政府性基金收入，也没有使用政府性基金安排的支出，故本表无数据。",
    "10": "注：本部门没有国有资本经营收入，也没有使用国有资本经营安排的支出，故本表无数据。",
}

#: Wrap widths of the table cells, in full-width characters (ASCII counts one half).
WIDTH = {
    "03_function": 18.0,
    "04_unit": 17.0,
    "04_name": 21.0,
    "04_function": 18.0,
    "02_name": 20.0,
    "07_unit": 20.0,
    "12_project": 16.0,
    "12_l1": 9.0,
    "12_l2": 12.0,
    "12_l3": 12.0,
    "13_unit": 9.0,
    "13_project": 8.5,
    "13_goal": 7.0,
    "13_level2": 7.0,
    "13_level3": 7.0,
    "14_activity": 16.0,
    "14_indicator": 33.0,
    "14_goal": 80.0,
}

#: Page capacities in text lines per table (first page, later pages), from the sample.
CAPACITY = {
    "03": (31, 33),
    "04": (66, 70),
    "07": (40, 44),
    "08": (21, 23),
    "12": (40, 44),
    "13": (46, 50),
    "14": (14, 30),
}

NARRATIVE_LINES_PER_PAGE = 22


# ---------------------------------------------------------------------------
# Formatting, wrapping and pages
# ---------------------------------------------------------------------------


def q2(value: Decimal) -> Decimal:
    """Round to the cent the way the budget system does (half up: 29.625 → 29.63)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def money(value: Decimal) -> str:
    """A table amount: thousand separators and two decimals, e.g. ``1,072.00``."""
    return f"{value:,.2f}"


def plain(value: Decimal) -> str:
    """A narrative amount: no separators, no trailing zeros, e.g. ``20.9``, ``200``."""
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def _s(value: Decimal | None) -> str | None:
    """Truth form of an amount: a two-decimal string, or None for a blank cell."""
    return None if value is None else str(q2(value))


def _char_width(ch: str) -> float:
    return 1.0 if unicodedata.east_asian_width(ch) in "WFA" else 0.5


def _width(text: str) -> float:
    return sum(_char_width(ch) for ch in text)


_BARE = re.compile(r"^[\d.,%\s-]*$")


def wrap_cell(text: str, width: float) -> list[str]:
    """Wrap a table cell as the PDF does: greedily at a fixed width, breaking anywhere.

    Codes and numbers are cut too (``11010122T00000039`` / ``9544-区科信局…``), but a
    piece is never left as a bare number, which a reader would take for a page number
    or an amount; the previous piece gives up characters instead.
    """
    pieces: list[str] = []
    current, used = "", 0.0
    for ch in text:
        w = _char_width(ch)
        if current and used + w > width:
            pieces.append(current)
            current, used = "", 0.0
        current += ch
        used += w
    if current:
        pieces.append(current)
    for i in range(1, len(pieces)):
        while _BARE.match(pieces[i]) and len(pieces[i - 1]) > 1:
            pieces[i] = pieces[i - 1][-1] + pieces[i]
            pieces[i - 1] = pieces[i - 1][:-1]
    return [p.strip() for p in pieces if p.strip()]


_TOKEN = re.compile(r"[A-Za-z0-9.%]+| |.")
_HANGING = set("，。；、：）”》%,.;:")


def wrap_paragraph(text: str, first: float = 26.0, rest: float = 28.0) -> list[str]:
    """Wrap narrative text at the sample's width: ~26 full-width characters on a
    paragraph's first (indented) line, ~28 after; numbers are never split, closing
    punctuation may hang past the margin, and a space at a break disappears."""
    lines: list[str] = []
    current, used, limit = "", 0.0, first
    for token in _TOKEN.findall(text):
        w = _width(token)
        if token == " " and not current:
            continue
        hangs = token in _HANGING and used + w <= limit + 2
        if current and used + w > limit and not hangs:
            lines.append(current.rstrip())
            limit = rest
            current, used = ("", 0.0) if token == " " else (token, w)
            continue
        current += token
        used += w
    if current.strip():
        lines.append(current.rstrip())
    return lines


def row_lines(cells: Iterable[tuple[str, float | None]]) -> list[str]:
    """The text lines one table row becomes in the extraction.

    A cell that wraps prints one piece per line; neighbouring one-line cells share a
    line, separated by single spaces; blank cells print nothing at all (so a row's
    amounts do not say which columns they belong to).
    """
    lines: list[str] = []
    pending: list[str] = []
    for text, width in cells:
        if not text:
            continue
        pieces = wrap_cell(text, width) if width else [text]
        if len(pieces) == 1:
            pending.append(pieces[0])
            continue
        if pending:
            lines.append(" ".join(pending))
            pending = []
        lines.extend(pieces)
    if pending:
        lines.append(" ".join(pending))
    return lines


class _Pager:
    """Collects the output lines and tracks pages, so that the first line of every
    page starts with a single space, as the extraction of the real PDFs does."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.out: list[str] = []
        self.page = 1
        self.on_page = 0
        self._fresh = True

    def line(self, text: str) -> None:
        if self._fresh:
            while self.out and self.out[-1] == "":
                self.out.pop()  # a page's first line directly follows the last one
            text = " " + text
            self._fresh = False
        self.out.append(text)
        self.on_page += 1

    def blank(self) -> None:
        self.out.append("")

    def block(self, lines: Iterable[str]) -> None:
        for text in lines:
            if text:
                self.line(text)
            else:
                self.blank()

    def new_page(self, page_number: bool = False) -> None:
        """Start a page; with ``page_number`` the old page ends with its number on a
        line of its own and the new page's first line has no leading space (as
        before 预算08表 in the sample)."""
        if page_number:
            self.out.extend(["", str(self.page), "", "", ""])
        self.page += 1
        self.on_page = 0
        self._fresh = not page_number

    def row(self, lines: list[str], gap: float = 0.5) -> None:
        """One table row: a blank line before it, and blank lines between its pieces
        at random, as irregular as the sample's."""
        if self.out and self.out[-1] != "" and not self._fresh:
            self.blank()
        for i, text in enumerate(lines):
            if i and self.rng.random() < gap:
                self.blank()
            self.line(text)

    def paragraph(self, lines: list[str]) -> None:
        """Narrative lines, each followed by a blank line, ~22 lines to a page."""
        for text in lines:
            if self.on_page >= NARRATIVE_LINES_PER_PAGE:
                self.new_page()
            self.line(text)
            self.blank()


_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """1 → 一, 12 → 十二, 20 → 二十, 27 → 二十七 (for 预算01表's numbered rows)."""
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _DIGITS[tens] + "十")
    return head + (_DIGITS[ones] if ones else "")


def _amount(rng: random.Random, low: str, high: str) -> Decimal:
    """A random amount in 万元, spread evenly over orders of magnitude (integers only,
    no floats): small items stay small, salaries stay large."""
    lo, hi = int(Decimal(low) * 100), int(Decimal(high) * 100)
    bands = []
    start = lo
    while start < hi:
        end = min(hi, max(start * 10, start + 1))
        bands.append((start, end))
        start = end
    a, b = rng.choice(bands)
    return Decimal(rng.randint(a, b)) / 100


def _scaled(value: Decimal, factor: Decimal) -> Decimal:
    return max(CENT, q2(value * factor))


def kuan_name(code: str, year: int) -> str:
    """The 款 name; 20805 was renamed in 2021 (行政事业单位离退休 → …养老支出)."""
    if code == "20805" and year < 2021:
        return "行政事业单位离退休"
    return KUAN[code]


# ---------------------------------------------------------------------------
# The department: units, basic spending, projects
# ---------------------------------------------------------------------------


@dataclass
class Variant:
    """A generated document: its text, and the ground truth of everything in it."""

    text: str
    truth: dict


@dataclass
class _Unit:
    code: str
    name: str
    kind: str  # ADMIN / INST
    item: str  # the 功能分类 item its basic spending is booked under


@dataclass
class _Basic:
    """One line of basic spending (基本支出) of one unit."""

    unit: _Unit
    item: str
    gov: str
    dept: str
    amount: Decimal

    @property
    def personnel(self) -> bool:
        """人员经费 = 工资福利 (301) + 对个人和家庭的补助 (303); the rest is 公用经费."""
        return self.dept.startswith(("301", "303"))


@dataclass
class _Indicator:
    level1: str
    level2: str
    level3: str
    nature: str
    value: str
    unit: str
    direction: str


@dataclass
class _Project:
    unit: _Unit
    name: str
    item: str
    gov: str
    dept: str
    total13: Decimal  # 预算13表 项目总额, up to six decimals
    core: str
    code: str = ""
    goal: str = ""
    indicators: list[_Indicator] = field(default_factory=list)
    service: tuple[str, str, str] | None = None  # 政府购买服务 catalogue 一级/二级/三级

    @property
    def amount(self) -> Decimal:
        """预算04表 shows the 13 total rounded half up to the cent."""
        return q2(self.total13)


class _Builder:
    """Draws one department from the seed, then writes its text and its truth."""

    def __init__(self, seed: int, units: int | None, projects: int | None, year: int | None, quirk: bool):
        if units is not None and not 1 <= units <= 5:
            raise ValueError(f"units must be 1–5, got {units}")
        if projects is not None and not 1 <= projects <= 200:
            raise ValueError(f"projects must be 1–200, got {projects}")
        if year is not None and not 2019 <= year <= 2025:
            raise ValueError(f"year must be 2019–2025, got {year}")
        self.seed = seed
        self.rng = random.Random(seed)
        rng = self.rng
        self.year = year or rng.randint(2019, 2025)
        self.district, self.division = rng.choice(DISTRICTS)
        self.field_key, suffix, self.abbr, self.word = rng.choice(DEPARTMENTS)
        self.field = FIELDS[self.field_key]
        self.dept_name = f"北京市{self.district}{suffix}"
        self.dept_code = f"{rng.randint(1, 199):03d}"
        self.n_units = units or rng.choice([1, 1, 2, 2, 2, 3, 3, 4, 5])
        self.n_projects = projects or (rng.randint(1, 40) if rng.random() < 0.85 else rng.randint(41, 60))
        self.rounding_quirk = quirk
        self.quirks: list[dict] = []
        self.units: list[_Unit] = []
        self.basic: list[_Basic] = []
        self.projects: list[_Project] = []

    # -- units ---------------------------------------------------------------

    def make_units(self) -> None:
        rng, d = self.rng, self.district
        self.units.append(_Unit(self.dept_code + "001", self.dept_name + "本级", ADMIN, self.field.admin))
        pool = list(self.field.institutions)
        rng.shuffle(pool)
        area = self.field.area
        fallback = [
            (f"北京市{{d}}{area}发展服务中心", pool[0][1]),
            (f"北京市{{d}}{area}综合保障中心（北京市{{d}}{area}宣传教育中心）", pool[0][1]),
            (f"北京市{{d}}{area}事务服务中心", pool[-1][1]),
        ]
        number = 1
        for template, item in (pool + fallback)[: self.n_units - 1]:
            number += rng.randint(1, 3)
            code = f"{self.dept_code}{number:03d}"
            self.units.append(_Unit(code, template.format(d=d), INST, item))

    # -- basic spending ----------------------------------------------------------

    def make_basic(self) -> None:
        for unit in self.units:
            self.basic.extend(self._unit_basic(unit))

    def _unit_basic(self, unit: _Unit) -> list[_Basic]:
        """A unit's basic spending: salaries and office costs under its own item, plus
        the pension, medical and housing items every unit has (208/210/221)."""
        rng = self.rng
        admin = unit.kind == ADMIN
        scale = Decimal(rng.choice(["0.5", "1", "1.5", "3"]))
        pay, goods = ("50101", "50201") if admin else ("50501", "50502")
        lines: list[_Basic] = []

        def add(item: str, gov: str, dept: str, amount: Decimal, p: float = 1.0) -> None:
            if rng.random() < p:
                lines.append(_Basic(unit, item, gov, dept, max(CENT, q2(amount))))

        own = unit.item
        base = _amount(rng, "40", "400") * scale
        add(own, pay, "30101", base)
        add(own, pay, "30102", base * Decimal(rng.randint(150, 320)) / 100)
        add(own, pay, "30103", base * Decimal(rng.randint(3, 12)) / 100, 0.9)
        if not admin:
            add(own, pay, "30107", base * Decimal(rng.randint(20, 60)) / 100, 0.7)
        add(own, "50102" if admin else pay, "30112", _amount(rng, "0.5", "6") * scale, 0.8)
        add(own, "50199" if admin else pay, "30199", _amount(rng, "1", "30") * scale, 0.7)
        for dept, low, high, p in [
            ("30201", "0.5", "25", 0.95),
            ("30202", "0.1", "5", 0.6),
            ("30205", "0.1", "3", 0.6),
            ("30206", "0.5", "10", 0.6),
            ("30207", "0.5", "8", 0.7),
            ("30209", "2", "80", 0.3),
            ("30211", "0.1", "3", 0.7),
            ("30228", "1", "30", 0.9),
            ("30229", "1", "30", 0.9),
        ]:
            add(own, goods, dept, _amount(rng, low, high), p)
        add(own, "50202" if admin else goods, "30215", _amount(rng, "0.1", "3"), 0.5)
        add(own, "50203" if admin else goods, "30216", _amount(rng, "0.1", "5"), 0.6)
        add(own, "50209" if admin else goods, "30213", _amount(rng, "0.05", "10"), 0.6)
        add(own, "50299" if admin else goods, "30299", _amount(rng, "0.5", "20"))  # always: projects share it
        add(own, "50901", "30309", _amount(rng, "0.01", "0.3"), 0.5)
        add(own, "50999", "30399", _amount(rng, "1", "40") * scale, 0.8)
        retired = "2080501" if admin else "2080502"
        before = len(lines)
        add(retired, "50905", "30302", _amount(rng, "1", "150") * scale, 0.8)
        if len(lines) > before:
            add(retired, "50299" if admin else "50502", "30299", _amount(rng, "0.1", "5"), 0.5)
        social = "50102" if admin else pay
        add("2080505", social, "30108", base * Decimal(rng.randint(30, 45)) / 100)
        add("2080506", social, "30109", base * Decimal(rng.randint(15, 22)) / 100)
        medical = "2101101" if admin else "2101102"
        add(medical, social, "30110", base * Decimal(rng.randint(25, 40)) / 100)
        add(medical, "50199" if admin else pay, "30114", base * Decimal(rng.randint(10, 25)) / 100, 0.8)
        add("2210201", "50103" if admin else pay, "30113", base * Decimal(rng.randint(30, 45)) / 100)
        add("2210203", pay, "30102", _amount(rng, "5", "150") * scale, 0.6)
        return lines

    def make_three_public(self) -> None:
        """“三公”经费: vehicles, their running costs (with the 11表 breakdown),
        reception and trips abroad, booked as basic spending of the 本级."""
        rng = self.rng
        own = self.units[0]
        self.vehicles = rng.choice([0, 1, 2, 2, 3, 4, 6])
        self.general_vehicles = self.vehicles - (rng.randint(0, self.vehicles // 2) if self.vehicles else 0)
        cents = [rng.randint(20, 150) * self.vehicles for _ in range(4)] if self.vehicles else [0, 0, 0, 0]
        cents[3] = cents[3] // 5
        self.fuel, self.repair, self.insurance, self.other = (Decimal(c) / 100 for c in cents)
        self.operation = self.fuel + self.repair + self.insurance + self.other
        self.reception = _amount(rng, "0.1", "2") if rng.random() < 0.4 else ZERO
        self.abroad = _amount(rng, "1", "10") if rng.random() < 0.15 else ZERO
        self.purchase = ZERO  # set by a vehicle-purchase project
        for gov, dept, amount in [
            ("50208", "30231", self.operation),
            ("50206", "30217", self.reception),
            ("50207", "30212", self.abroad),
        ]:
            if amount:
                self.basic.append(_Basic(own, own.item, gov, dept, amount))

    # -- projects ----------------------------------------------------------------

    def make_projects(self) -> None:
        rng = self.rng
        names: set[str] = set()
        for _ in range(self.n_projects):
            unit = self.units[0]
            if len(self.units) > 1 and rng.random() < 0.35:
                unit = rng.choice(self.units[1:])
            self.projects.append(self._project(unit, names))
        # A project booked like basic spending, so some 03 rows fill both columns.
        shared = rng.choice(self.projects)
        shared.item = shared.unit.item
        shared.gov, shared.dept = ("50299", "30299") if shared.unit.kind == ADMIN else ("50502", "30299")
        shared.name = self._unique(names, lambda: f"{self.abbr}{rng.choice(self.field.cores)}工作经费")
        if len(self.projects) >= 2 and rng.random() < 0.2:
            car = next(p for p in self.projects if p is not shared)
            car.name = self._unique(names, lambda: f"{self.abbr}公务用车更新购置项目")
            car.gov, car.dept = ("50303", "31013") if car.unit.kind == ADMIN else ("50601", "31013")
            car.total13 = Decimal(rng.randint(12, 30))
            self.purchase = car.amount
        order = {u.code: i for i, u in enumerate(self.units)}
        self.projects.sort(key=lambda p: order[p.unit.code])
        self._number_projects()
        self._ensure_thousands()
        for p in self.projects:
            p.goal = self._goal(p)
            p.indicators = self._indicators(p)
        self._choose_services()

    def _ensure_thousands(self) -> None:
        """Keep the department total above 1,000 万元 so its tables need separators."""
        total = sum((b.amount for b in self.basic), ZERO) + sum((p.amount for p in self.projects), ZERO)
        if total < 1000:
            biggest = max(self.projects, key=lambda p: p.total13)
            biggest.total13 += 1000 - total + _amount(self.rng, "1", "500")

    def _unique(self, names: set[str], make) -> str:
        for _ in range(50):
            name = make()
            if name not in names:
                names.add(name)
                return name
        name = f"{make()}（{len(names) + 1}）"
        names.add(name)
        return name

    def _project(self, unit: _Unit, names: set[str]) -> _Project:
        rng, f = self.rng, self.field
        core = rng.choice(f.cores + GENERIC_CORES)
        suffix, admin_econ, inst_econ = rng.choice(SUFFIX_ECON)
        d, y = self.district, self.year

        def make() -> str:
            other = rng.choice(f.cores + GENERIC_CORES)
            form = rng.randrange(9)
            if form == 0:
                return f"{core}{suffix}"
            if form == 1:
                return f"{self.abbr}{core}{suffix}"
            if form == 2:
                return f"{y}年{core}{suffix}"
            if form == 3:
                return f"{d}{core}及{other}{suffix}"
            if form == 4:
                return f"“{d.removesuffix('区')}{core}”{suffix}"
            if form == 5:
                return f"{core}-{y}年度{suffix}"
            return f"{d}{core}{suffix}"

        name = self._unique(names, make)
        item = unit.item if unit.kind == INST and rng.random() < 0.6 else rng.choice(f.projects)
        gov, dept = admin_econ if unit.kind == ADMIN else inst_econ
        return _Project(unit, name, item, gov, dept, self._project_total(), core)

    def _project_total(self) -> Decimal:
        """预算13表 项目总额: usually whole cents, sometimes three to six decimals
        (18.627, 214.9075, 451.170467) that 04 rounds to the cent."""
        rng = self.rng
        r = rng.random()
        amount = (
            _amount(rng, "0.01", "2")
            if r < 0.05
            else _amount(rng, "1000", "5200")
            if r < 0.12
            else _amount(rng, "2", "800")
        )
        places = rng.choice([2, 2, 2, 2, 2, 3, 4, 6])
        if places > 2:
            amount += Decimal(rng.randint(1, 10 ** (places - 2) - 1)) / Decimal(10) ** places
        return max(amount, CENT)

    def _number_projects(self) -> None:
        """项目编码 <division><yy>T<12 digits>, ascending in the order of 04 and 13;
        now and then one from a later series (a carried-over project)."""
        rng = self.rng
        number = rng.randint(100000, 900000)
        for p in self.projects:
            number += rng.randint(1, 9)
            if rng.random() < 0.04:
                number += rng.randint(100000, 900000)
            p.code = f"{self.division}{self.year % 100:02d}T{number:012d}"

    # -- goals and indicators --------------------------------------------------------

    def _goal(self, p: _Project) -> str:
        rng, f = self.rng, self.field
        obj = rng.choice(
            ["各业务系统", "机关日常办公", "辖区各单位", "服务平台", "相关设施设备", "全区各相关部门"]
        )
        law = rng.choice(["中华人民共和国预算法", "北京市政府购买服务管理办法", f"北京市{f.area}工作规范"])
        sentences = [
            f"完成{p.core}相关工作，保障{obj}正常运行。",
            f"按照{self.district}年度工作计划，开展{p.core}工作，提升{f.area}工作水平。",
            f"通过{p.core}，进一步规范管理流程，提高服务质量和工作效率。",
            f"全年开展{p.core}不少于{rng.randint(2, 60)}次，"
            f"服务对象满意度达到{rng.choice([85, 90, 95])}%以上。",
            f"保障{p.core}工作顺利开展，确保各项任务于{self.year}年{rng.randint(6, 12)}月底前完成。",
            f"落实《{law}》有关要求，做好{p.core}的组织实施和监督检查。",
            f"为{obj}提供技术支持、应急响应、定期巡检等服务。",
        ]
        rng.shuffle(sentences)
        chosen = sentences[: rng.choice([1, 1, 2, 3, 4, 6])]
        if len(chosen) > 1 and rng.random() < 0.3:
            return " ".join(f"目标{i}：{s}" for i, s in enumerate(chosen, 1))
        return "".join(chosen)

    def _indicators(self, p: _Project) -> list[_Indicator]:
        """3–25 indicators: always a cost ceiling and a satisfaction target, then a mix
        of quantity, quality, time and benefit indicators (定性 or ≥ ＝ ≤ with units)."""
        rng, core, area = self.rng, p.core, self.field.area
        out = [
            _Indicator(
                "产出指标",
                "成本指标",
                rng.choice(["预算控制数", "控制项目预算", "预算控制成本", f"{core}费用"]),
                "≤",
                plain(p.total13),
                "万元",
                "反向指标",
            ),
        ]
        satisfied = rng.choice(
            [
                "服务对象满意度",
                "内部使用人员满意度",
                "参与培训人员满意度",
                "辖区居民满意度",
                "全区各相关部门满意度",
            ]
        )
        if rng.random() < 0.5:
            out.append(
                _Indicator(
                    "满意度指标",
                    "服务对象满意度指标",
                    satisfied,
                    "≥",
                    str(rng.choice([85, 90, 95, 98])),
                    "%",
                    "正向指标",
                )
            )
        else:
            out.append(
                _Indicator("满意度指标", "服务对象满意度指标", satisfied, "定性", "高中低", "", "正向指标")
            )
        count = rng.randint(1, 10) if rng.random() < 0.8 else rng.randint(11, 23)
        for _ in range(count):
            out.append(self._indicator(core, area))
        rng.shuffle(out)
        return out

    def _indicator(self, core: str, area: str) -> _Indicator:
        rng = self.rng
        kind = rng.choice(["数量", "数量", "质量", "时效", "效益", "效益"])
        if kind == "数量":
            name = rng.choice(
                [
                    f"开展{core}",
                    f"{core}次数",
                    "组织培训",
                    "完成巡检",
                    "印发宣传材料",
                    "服务人次",
                    "覆盖单位数量",
                    f"完成{core}工作任务",
                    "驻场运维服务人数",
                ]
            )
            nature = rng.choice(["＝", "≥", "≥", "≤"])
            unit = rng.choice(
                [
                    "次",
                    "次",
                    "个",
                    "项",
                    "人",
                    "天",
                    "次/年",
                    "条",
                    "套",
                    "篇（部）",
                    "台（套）",
                    "个（台、套、件、辆）",
                    "人次",
                    "场",
                ]
            )
            return _Indicator(
                "产出指标",
                "数量指标",
                name,
                nature,
                str(rng.choice([1, 2, 3, 4, 6, 12, 24, 52, 100, 365])),
                unit,
                "反向指标" if nature == "≤" else "正向指标",
            )
        if kind == "质量":
            return rng.choice(
                [
                    _Indicator("产出指标", "质量指标", "验收合格率", "≥", "95", "%", "正向指标"),
                    _Indicator("产出指标", "质量指标", "系统全年正常运行率", "≥", "99.9", "%", "正向指标"),
                    _Indicator("产出指标", "质量指标", "网络故障率", "≤", "2", "%", "反向指标"),
                    _Indicator(
                        "产出指标", "质量指标", f"{core}完成质量", "定性", "优良中低差", "", "正向指标"
                    ),
                    _Indicator("产出指标", "质量指标", "问题整改率", "＝", "100", "%", "正向指标"),
                ]
            )
        if kind == "时效":
            return rng.choice(
                [
                    _Indicator("产出指标", "时效指标", "完成时限", "＝", "1", "年", "正向指标"),
                    _Indicator("产出指标", "时效指标", "项目完成时间", "＝", "12", "月", "正向指标"),
                    _Indicator("产出指标", "时效指标", "故障处置响应时间", "≤", "30", "分钟", "反向指标"),
                    _Indicator(
                        "产出指标", "时效指标", "项目立项/招投标工作/合同签订", "＝", "4", "月", "正向指标"
                    ),
                    _Indicator("产出指标", "时效指标", "应急响应时间", "≤", "0.5", "小时/天", "反向指标"),
                ]
            )
        level2 = rng.choice(
            ["社会效益指标", "社会效益指标", "经济效益指标", "生态效益指标", "可持续影响指标"]
        )
        text = rng.choice(
            [
                f"提升{area}服务水平",
                f"保障{core}安全、稳定的运行",
                f"促进{area}事业健康发展",
                f"通过开展{core}工作，提高工作效率和服务质量",
                "提高群众获得感和满意度",
                f"为{self.district}经济社会发展提供有力支撑",
                "优化营商环境",
            ]
        )
        return _Indicator(
            "效益指标",
            level2,
            text,
            "定性",
            rng.choice(["优良中低差", "优良中低差", "高中低"]),
            "",
            "正向指标",
        )

    def _choose_services(self) -> None:
        """About half the projects are 政府购买服务 (预算12表), at least one."""
        rng = self.rng
        catalogue = list(self.field.catalogue) + list(CATALOGUE)
        chosen = [p for p in self.projects if rng.random() < 0.55 and not p.dept.startswith("310")]
        if not chosen:
            chosen = [self.projects[0]]
        for p in chosen:
            if "运维" in p.name or "运行维护" in p.name:
                p.service = CATALOGUE[0]
            elif "法律" in p.name:
                p.service = CATALOGUE[1]
            else:
                p.service = rng.choice(catalogue)

    # -- the tables' figures ------------------------------------------------------------

    def aggregate(self) -> None:
        """Sum the spending lines into the rows of 03, 07 and 08 and the totals."""
        rng = self.rng
        rows03: dict[tuple[str, str, str], list[Decimal]] = {}
        for b in self.basic:
            rows03.setdefault((b.item, b.gov, b.dept), [ZERO, ZERO])[0] += b.amount
        for p in self.projects:
            rows03.setdefault((p.item, p.gov, p.dept), [ZERO, ZERO])[1] += p.amount
        self.rows03 = sorted(rows03.items())

        self.rows07: list[tuple[_Unit, str, list[Decimal]]] = []
        for unit in self.units:
            per: dict[str, list[Decimal]] = {}
            for b in self.basic:
                if b.unit is unit:
                    cell = per.setdefault(b.item, [ZERO] * 3)
                    cell[1 if b.personnel else 2] += b.amount
                    cell[0] += b.amount
            for p in self.projects:
                if p.unit is unit:
                    per.setdefault(p.item, [ZERO] * 3)
            rows = [
                (unit, item, [v[0], v[1], v[2], self._project_sum(unit, item)]) for item, v in per.items()
            ]
            rng.shuffle(rows)  # the sample's 07 rows follow no code order within a unit
            self.rows07.extend(rows)

        rows08: dict[tuple[str, str], list[Decimal] | None] = {}
        for b in self.basic:
            cell = rows08.setdefault((b.gov, b.dept), [ZERO, ZERO])
            assert cell is not None
            cell[0 if b.personnel else 1] += b.amount
        for p in self.projects:
            rows08.setdefault((p.gov, p.dept), None)  # listed, with blank amounts
        self.rows08 = sorted(rows08.items())

        self.class_totals: dict[str, Decimal] = {}
        self.item_totals: dict[str, Decimal] = {}
        for (item, _, _), (basic, project) in self.rows03:
            self.class_totals[item[:3]] = self.class_totals.get(item[:3], ZERO) + basic + project
            self.item_totals[item] = self.item_totals.get(item, ZERO) + basic + project
        self.basic_total = sum((b.amount for b in self.basic), ZERO)
        self.personnel = sum((b.amount for b in self.basic if b.personnel), ZERO)
        self.public = self.basic_total - self.personnel
        self.project_total = sum((p.amount for p in self.projects), ZERO)
        self.total = self.basic_total + self.project_total
        self.unit_totals = {
            u.code: sum((b.amount for b in self.basic if b.unit is u), ZERO)
            + sum((p.amount for p in self.projects if p.unit is u), ZERO)
            for u in self.units
        }
        self.services = [p for p in self.projects if p.service]
        rng.shuffle(self.services)  # 12 lists its projects in no particular order
        self.service_total = sum((p.amount for p in self.services), ZERO)
        self._procurement()
        self.sums = {
            ("02", "total"): self.total,
            ("03", "total"): self.total,
            ("03", "basic"): self.basic_total,
            ("03", "project"): self.project_total,
            ("04", "total"): self.project_total,
            ("05", "total"): sum(self.procurement.values(), ZERO),
            ("07", "total"): self.total,
            ("07", "basic"): self.basic_total,
            ("07", "personnel"): self.personnel,
            ("07", "public"): self.public,
            ("07", "project"): self.project_total,
            ("08", "total"): self.basic_total,
            ("08", "personnel"): self.personnel,
            ("08", "public"): self.public,
            ("12", "total"): self.service_total,
        }
        self.printed = dict(self.sums)

    def _project_sum(self, unit: _Unit, item: str) -> Decimal:
        return sum((p.amount for p in self.projects if p.unit is unit and p.item == item), ZERO)

    def _procurement(self) -> None:
        """预算05表: services bought through procurement, sometimes goods and works too."""
        rng = self.rng
        goods = [p for p in self.projects if p.dept in ("31002", "31007", "31013")]
        works = [p for p in self.projects if p.dept == "31099"]
        services = [p for p in self.projects if not p.dept.startswith("310")]
        self.procurement: dict[str, Decimal] = {}
        if goods and rng.random() < 0.7:
            self.procurement["A-货物"] = sum((p.amount for p in goods), ZERO)
        if works and rng.random() < 0.4:
            self.procurement["B-工程"] = sum((p.amount for p in works), ZERO)
        if services and (rng.random() < 0.9 or not self.procurement):
            picked = [p for p in services if rng.random() < 0.4] or services[:1]
            self.procurement["C-服务"] = sum((p.amount for p in picked), ZERO)
        if not self.procurement:
            self.procurement["A-货物"] = sum((p.amount for p in goods + works), ZERO)

    def apply_quirk(self) -> None:
        """With ``rounding_quirk`` one printed 合计 is a cent off the sum of its rows."""
        if not self.rounding_quirk:
            return
        rng = random.Random(f"{self.seed}-rounding")  # own stream: the rest of the document is unchanged
        key = rng.choice(sorted(k for k, v in self.sums.items() if v >= Decimal("0.02") and k[0] != "02"))
        delta = rng.choice([CENT, -CENT])
        self.printed[key] = self.sums[key] + delta
        self.quirks.append(
            {
                "kind": "rounding",
                "table": key[0],
                "column": key[1],
                "printed": _s(self.printed[key]),
                "sum_of_rows": _s(self.sums[key]),
            }
        )

    # -- narrative figures -------------------------------------------------------------

    def narrative_figures(self) -> None:
        """Last year's figures and the changes the narrative states."""
        rng = self.rng
        self.subject_facts = []
        reasons_up = ["人员增加", "工资标准调整", "业务量增加", f"新增{rng.choice(self.field.cores)}工作任务"]
        reasons_down = [
            "贯彻落实过“紧日子”的要求，压减一般性支出",
            "部分项目已完成",
            "人员减少",
            "厉行节约，压缩非刚性支出",
        ]
        for item in sorted(self.item_totals):
            amount = self.item_totals[item]
            change = q2(amount * Decimal(rng.randint(-3000, 4000)) / 10000)
            if change == 0 or amount - change <= 0:
                change = CENT if amount > CENT else -CENT
            prior = amount - change
            self.subject_facts.append(
                {
                    "code": item,
                    "class_code": item[:3],
                    "class_name": CLASSES[item[:3]],
                    "kuan_code": item[:5],
                    "kuan_name": kuan_name(item[:5], self.year),
                    "name": ITEMS[item],
                    "amount": amount,
                    "prior": prior,
                    "change": change,
                    "pct": q2(change / prior * HUNDRED),
                    "direction": "增加" if change > 0 else "减少",
                    "reason": rng.choice(reasons_up if change > 0 else reasons_down)
                    if rng.random() < 0.35
                    else "",
                }
            )
        prior_total = sum((f["prior"] for f in self.subject_facts), ZERO)
        self.total_change = self.total - prior_total
        self.total_reason = rng.choice(reasons_up if self.total_change > 0 else reasons_down)
        three = [
            ("abroad", self.abroad),
            ("reception", self.reception),
            ("purchase", self.purchase),
            ("operation", self.operation),
        ]
        self.three_prior = {}
        for key, value in three:
            prior = value + Decimal(rng.choice([0, 0, -1, 1, 2, -2]) * rng.randint(1, 50) * 100) / WAN
            self.three_prior[key] = max(prior, ZERO)
        self.operating_cost = sum(
            (b.amount for b in self.basic if b.unit.kind == ADMIN and not b.personnel), ZERO
        )
        self.operating_change = Decimal(rng.randint(-900000, 900000)) / 100
        self.equipment = rng.choice([0, 0, 0, 1, 2])
        self.date = (rng.choice([1, 1, 1, 2]), rng.randint(1, 28))

    # -- text ----------------------------------------------------------------------------

    def render(self) -> str:
        rng = self.rng
        self.pager = _Pager(rng)
        self.numbered_before = rng.choice(["03", "04", "05", "06", "07", "08", "09", "11", "12", "13", "14"])
        self._overview()
        self._table01()
        self._table02()
        self._table03()
        self._table04()
        self._table05()
        self._table06()
        self._table07()
        self._table08()
        self._empty_table("09")
        self._empty_table("10")
        self._table11()
        self._table12()
        self._table13()
        self._table14()
        self._explanation()
        return "\n".join(self.pager.out) + "\n"

    def _n(self, value: Decimal, unit: str = "万元") -> str:
        """A narrative amount with its unit; now and then a space before the unit
        (``200 万元``), as the sample's typesetting sometimes leaves one."""
        return f"{plain(value)}{' ' if self.rng.random() < 0.15 else ''}{unit}"

    def _y(self, year: int) -> str:
        return f"{year}{' ' if self.rng.random() < 0.15 else ''}年"

    def _paragraphs(self, texts: Iterable[str]) -> None:
        for text in texts:
            self.pager.paragraph(wrap_paragraph(text))

    def _overview(self) -> None:
        """一、部门概况: duties, and the units the budget covers."""
        rng, f, d = self.rng, self.field, self.district
        duties = list(f.duties)
        rng.shuffle(duties)
        duties += [
            f"负责本部门机关和所属单位的财务、资产管理和内部审计工作，组织实施{f.area}领域政府购买服务。",
            "完成区委、区政府交办的其他事项。",
        ]
        admin = sum(1 for u in self.units if u.kind == ADMIN)
        inst = len(self.units) - admin
        parts = f"包括政府机关 {admin}户" + (f"；财政补助事业单位 {inst}户。" if inst else "。")
        texts = ["一、部门概况", "（一）主要职能"]
        texts += [
            f"{i}.{duty.replace('本区', '本区' if i % 2 else d.removesuffix('区') + '区')}"
            for i, duty in enumerate(duties, 1)
        ]
        texts += [
            "（二）部门预算单位构成",
            f"从预算单位构成看，本部门预算汇总基层预算单位 {len(self.units)}户，{parts}",
            f"纳入 {self.year}年部门预算编制范围二级预算单位包括：",
            f"1.{self.dept_name}（本级）",
        ]
        texts += [f"{i}. {u.name}" for i, u in enumerate(self.units[1:], 2)]
        texts.append(f"二、{self.year} 年部门（单位）预算表")
        self._paragraphs(texts)

    def _title(self, number: str) -> None:
        """Every table starts a page; before one of them the old page ends with its number."""
        numbered = number == self.numbered_before
        if numbered:
            self.quirks.append(
                {"kind": "page_number", "text": str(self.pager.page), "before": f"预算{number}表"}
            )
        self.pager.new_page(page_number=numbered)
        self.pager.line(f"预算{number}表 {self.year}年部门（单位）{TITLES[number]}")
        self.pager.blank()
        if number != "14":
            self.pager.line("金额单位：万元")
            self.pager.blank()

    def _rows(self, number: str, rows: list[list[str]], header: Iterable[str] | None = None) -> None:
        """Table rows with page breaks at the table's capacity; each new page repeats the
        header block, its first line marked with the leading space."""
        header = tuple(HEADERS[number] if header is None else header)
        first, later = CAPACITY.get(number, (10**6, 10**6))
        capacity, used = first, 0
        for lines in rows:
            if used and used + len(lines) > capacity:
                self.pager.new_page()
                self.pager.block(header)
                capacity, used = later, 0
            self.pager.row(lines)
            used += len(lines)

    def _table01(self) -> None:
        self._title("01")
        self.pager.block(HEADERS["01"])
        total = money(self.total)
        classes = [c for c in TABLE01_CLASSES if c[0] != "234" or self.year >= 2021]
        rows = []
        for i in range(max(len(TABLE01_INCOME), len(classes))):
            left = TABLE01_INCOME[i] + (f" {total}" if i == 0 else "") if i < len(TABLE01_INCOME) else ""
            code, name = classes[i]
            right = f"{cn_number(i + 1)}、{name}" + (
                f" {money(self.class_totals[code])}" if code in self.class_totals else ""
            )
            rows.append([f"{left} {right}" if left else right])
        rows += [
            [f"本年收入合计 {total} 本年支出合计 {total}"],
            ["上年结转结余 年终结转结余"],
            [f"收入总计 {total} 支出总计 {total}"],
        ]
        for lines in rows:
            self.pager.row(lines)

    def _table02(self) -> None:
        self._title("02")
        self.pager.block(HEADERS["02"])
        rows = [
            row_lines(
                [(self.dept_code, None), (self.dept_name, WIDTH["02_name"])] + [(money(self.total), None)] * 3
            )
        ]
        for u in self.units:
            amount = money(self.unit_totals[u.code])
            rows.append(row_lines([(u.code, None), (u.name, WIDTH["02_name"])] + [(amount, None)] * 3))
        printed = money(self.printed["02", "total"])
        rows.append([f"合    计 {printed} {printed} {printed}"])
        self._rows("02", rows)

    def _table03(self) -> None:
        self._title("03")
        self.pager.block(HEADERS["03"])
        rows = []
        for (item, gov, dept), (basic, project) in self.rows03:
            rows.append(
                row_lines(
                    [
                        (f"{item}-{ITEMS[item]}", WIDTH["03_function"]),
                        (f"{gov}-{GOV_ECON[gov]}", None),
                        (f"{dept}-{DEPT_ECON[dept]}", None),
                        (money(basic + project), None),
                        (money(basic) if basic else "", None),
                        (money(project) if project else "", None),
                    ]
                )
            )
        p = self.printed
        rows.append(
            [f"合    计 {money(p['03', 'total'])} {money(p['03', 'basic'])} {money(p['03', 'project'])}"]
        )
        self._rows("03", rows)

    def _table04(self) -> None:
        self._title("04")
        self.pager.block(HEADERS["04"])
        rows = []
        for pr in self.projects:
            rows.append(
                row_lines(
                    [
                        (f"{pr.unit.code}-{pr.unit.name}", WIDTH["04_unit"]),
                        (pr.unit.kind, None),
                        (pr.name, WIDTH["04_name"]),
                        (f"{pr.item}-{ITEMS[pr.item]}", WIDTH["04_function"]),
                        (f"{pr.gov}-{GOV_ECON[pr.gov]}", None),
                        (f"{pr.dept}-{DEPT_ECON[pr.dept]}", None),
                        (money(pr.amount), None),
                        (money(pr.amount), None),
                    ]
                )
            )
        rows.append([f"合  计 {money(self.printed['04', 'total'])} {money(self.project_total)}"])
        self._rows("04", rows)

    def _table05(self) -> None:
        self._title("05")
        self.pager.block(HEADERS["05"])
        for category in sorted(self.procurement):
            self.pager.row([f"{category} {money(self.procurement[category])}"])
        self.pager.row([f"合  计 {money(self.printed['05', 'total'])}"])

    def _table06(self) -> None:
        self._title("06")
        self.pager.block(HEADERS["06"])
        total = money(self.total)
        self.pager.row([f"一、本年收入 {total} 一、本年支出 {total}"])
        left = [f"（一）一般公共预算资金 {total}", "（二）政府性基金预算资金", "（三）国有资本经营预算资金"]
        classes = [c for c in TABLE06_CLASSES if c[0] != "234" or self.year >= 2021]
        for i, (code, name) in enumerate(classes):
            right = f"{cn_number(i + 1)}、{name}" + (
                f" {money(self.class_totals[code])}" if code in self.class_totals else ""
            )
            self.pager.row([f"{left[i]} {right}" if i < len(left) else right])
            if i == 19:  # the sample's first page ends at 二十、
                self.pager.new_page()
                self.pager.block(HEADERS["06"])
        for text in [
            "二、上年结转 二、年终结转结余",
            "（一）一般公共预算拨款",
            "（二）政府性基金预算拨款",
            "（三）国有资本经营预算拨款",
            f"收入总计 {total} 支出总计 {total}",
        ]:
            self.pager.row([text])

    def _table07(self) -> None:
        self._title("07")
        self.pager.block(HEADERS["07"])
        rows = []
        for unit, item, (basic, personnel, public, project) in self.rows07:
            amounts = [basic + project, basic, personnel, public, project, project]
            rows.append(
                row_lines(
                    [(f"{unit.code}-{unit.name}", WIDTH["07_unit"]), (item, None), (ITEMS[item], None)]
                    + [(money(a) if a else "", None) for a in amounts]
                )
            )
        p = self.printed
        rows.append(
            [
                f"合    计 {money(p['07', 'total'])} {money(p['07', 'basic'])} {money(p['07', 'personnel'])} "
                f"{money(p['07', 'public'])} {money(p['07', 'project'])} {money(self.project_total)}"
            ]
        )
        self._rows("07", rows)

    def _table08(self) -> None:
        self._title("08")
        self.pager.block(HEADERS["08"])
        rows = []
        for (gov, dept), cell in self.rows08:
            amounts = [] if cell is None else [money(cell[0] + cell[1]), money(cell[0] or cell[1])]
            rows.append([" ".join([f"{gov}-{GOV_ECON[gov]}", f"{dept}-{DEPT_ECON[dept]}", *amounts])])
        p = self.printed
        rows.append(
            [f"合    计 {money(p['08', 'total'])} {money(p['08', 'personnel'])} {money(p['08', 'public'])}"]
        )
        self._rows("08", rows)

    def _empty_table(self, number: str) -> None:
        self._title(number)
        self.pager.block(HEADERS[number])
        self.pager.row(["合    计"])
        self.pager.row([EMPTY_NOTES[number]])

    def _three_public_total(self) -> Decimal:
        return self.abroad + self.reception + self.purchase + self.operation

    def _table11(self) -> None:
        self._title("11")
        self.pager.block(HEADERS["11"])
        figures = [
            self._three_public_total(),
            self.abroad,
            self.reception,
            self.purchase,
            self.operation,
            self.fuel,
            self.repair,
            self.insurance,
            self.other,
        ]
        self.pager.row([" ".join([str(self.year)] + [plain(v) for v in figures])])

    def _table12(self) -> None:
        self._title("12")
        self.pager.block(HEADERS["12"])
        rows = [[f"合    计 {money(self.printed['12', 'total'])}"]]  # 12 prints its total first
        for p in self.services:
            assert p.service is not None
            level1, level2, level3 = p.service
            rows.append(
                row_lines(
                    [
                        (f"{p.code}-{p.name}", WIDTH["12_project"]),
                        (level1, WIDTH["12_l1"]),
                        (level2, WIDTH["12_l2"]),
                        (level3, WIDTH["12_l3"]),
                        (f"{p.item[:3]}-{CLASSES[p.item[:3]]}", None),
                        (money(p.amount), None),
                    ]
                )
            )
        self._rows("12", rows)

    def _block_head(self, p: _Project, with_unit: bool) -> list[str]:
        """The left part of a 13 block: unit (only at a page top or a new unit), the
        project's code-name, 类别 with the 13 total at six decimals, and the goal."""
        lines = wrap_cell(f"{p.unit.code}-{p.unit.name}", WIDTH["13_unit"]) if with_unit else []
        lines += wrap_cell(f"{p.code}-{p.name}", WIDTH["13_project"])
        lines.append(f"31-部门项目 {p.total13:.6f} {p.total13:.6f}")
        lines += wrap_cell(p.goal, WIDTH["13_goal"])
        return lines

    def _indicator_lines(self, ind: _Indicator) -> list[str]:
        lines = row_lines(
            [
                (ind.level1, None),
                (ind.level2, WIDTH["13_level2"]),
                (ind.level3, WIDTH["13_level3"]),
                (ind.nature, None),
                (ind.value, None),
                (ind.unit, None),
                (ind.direction, None),
            ]
        )
        if ind.unit == "个（台、套、件、辆）":  # a unit that fills its cell touches the next one
            lines[-1] = lines[-1].replace("个（台、套、件、辆） ", "个（台、套、件、辆）")
        return lines

    def _table13(self) -> None:
        """One block per project; a block cut by a page break repeats the header and
        its unit/code/amount/goal lines on the next page, as the sample does."""
        self._title("13")
        self.pager.block(HEADERS["13"])
        first, later = CAPACITY["13"]
        capacity, used, unit = first, 0, None
        self.page_continued: list[str] = []
        for p in self.projects:
            rows = [self._indicator_lines(ind) for ind in p.indicators]
            if used and used + 1 + len(rows[0]) > capacity:
                self.pager.new_page()
                self.pager.block(HEADERS["13"])
                capacity, used = later, 0
            self.pager.row(self._block_head(p, with_unit=used == 0 or p.unit is not unit))
            used += 1
            unit = p.unit
            for lines in rows:
                if used + len(lines) > capacity:
                    self.pager.new_page()
                    self.pager.block(HEADERS["13"])
                    capacity, used = later, 1
                    self.pager.row(self._block_head(p, with_unit=True))
                    self.page_continued.append(p.code)
                self.pager.row(lines)
                used += len(lines)

    def _activities(self) -> list[tuple[str, str, str, str]]:
        rng = self.rng
        out = [("维持机构运转公用经费支出", "保障各科室基本运转", "定性", "优良中低差")]
        picked = [p for p in self.projects if rng.random() < 0.5][:14] or self.projects[:1]
        for p in picked:
            benefits = [i.level3 for i in p.indicators if i.level1 == "效益指标"]
            target = rng.choice(benefits) if benefits else p.goal.split("。")[0]
            out.append((p.name, target, "定性", "优良中低差"))
        return out

    def _table14(self) -> None:
        self._title("14")
        pg = self.pager
        pg.line(f"（{self.year}年度）")
        pg.blank()
        pg.line(f"部门（单位）名称 {self.dept_name}")
        pg.block(
            [
                "",
                "总体资金情况（万元）",
                "预算支出总额",
                "",
                "财政拨款 其他资金",
                "",
                "合计 基本支出 项目支出 合计 基本支出 项目支出",
                "",
            ]
        )
        pg.line(f"{plain(self.total)} {plain(self.basic_total)} {plain(self.project_total)}")
        pg.block(["", "整体绩效目标", "", "整体绩效目标", ""])
        duties = [d.rstrip("。") for d in self.field.duties]
        self.overall_goal = "；".join(duties) + "。"
        pg.row(wrap_cell(self.overall_goal, WIDTH["14_goal"]), gap=1.0)
        pg.row(["其他说明 无。"])
        pg.row(["活动 绩效指标 指标性质 指标值 度量单位"])
        self.activities = self._activities()
        rows = [
            row_lines(
                [(name, WIDTH["14_activity"]), (target, WIDTH["14_indicator"]), (nature, None), (value, None)]
            )
            for name, target, nature, value in self.activities
        ]
        self._rows("14", rows, header=["整体绩效目标"])

    def _subject_sentence(self, i: int, f: dict) -> str:
        """（i）类（类）款（款）项（项）YYYY年预算数为 X万元，比 YYYY-1年预算数增加 C万元，增长 P%。"""
        rng = self.rng
        comma = "," if rng.random() < 0.15 else "，"
        lead = "。" if rng.random() < 0.1 else comma
        grow = "增长" if f["change"] > 0 else "下降"
        pct = f"{abs(f['pct']):.2f}" if rng.random() < 0.5 else plain(abs(f["pct"]))
        text = (
            f"（{i}）{f['class_name']}（类）{f['kuan_name']}（款）{f['name']}（项）"
            f"{self._y(self.year)}预算数为 "
            f"{self._n(f['amount'])}{lead}比 {self._y(self.year - 1)}预算数{f['direction']} "
            f"{self._n(abs(f['change']))}{comma}{grow} {pct}%。"
        )
        if f["reason"]:
            text += f"{grow}的主要原因是{f['reason']}。"
        return text

    def _yuan(self, value: Decimal) -> str:
        return plain(value * WAN)

    def _change_yuan(self, current: Decimal, prior: Decimal) -> str:
        change = current - prior
        return f"{'增加' if change >= 0 else '减少'} {self._yuan(abs(change))}元"

    def _explanation(self) -> None:
        """三、…预算情况说明 and 四、名词解释, in the sample's sentence patterns."""
        y, y1 = self.year, self.year - 1
        classes = sorted(self.class_totals)
        total, basic, project = self.total, self.basic_total, self.project_total
        share = {c: q2(self.class_totals[c] / total * HUNDRED) for c in classes}
        t = self._n(total)
        direction = "增加" if self.total_change >= 0 else "减少"
        texts = [
            f"三、{y} 年部门预算情况说明",
            f"（一）关于本部门 {y}年收支总体情况的说明",
            "按照综合预算的原则，本部门所有收入和支出均纳入部门预算管理。收入包括：一般公共预算拨款收入；支出包括："
            + "、".join(CLASSES[c] for c in classes)
            + "。",
            f"本部门 {y}年收支总预算 {t}。",
            f"（二）关于本部门 {y}年收入预算情况说明",
            f"本部门 {y}年收入预算 {t}，其中：一般公共预算拨款收入 {t}，占 100%。",
            f"（三）关于本部门 {y}年支出预算情况说明",
            f"本部门 {y} 年支出预算 {plain(total)} 万元，其中：基本支出 {self._n(basic)}，占 "
            f"{q2(basic / total * HUNDRED)}%；项目支出 {self._n(project)}，占 "
            f"{q2(project / total * HUNDRED)}%。",
            f"（四）关于本部门 {y}年财政拨款收支总体情况的说明",
            f"本部门 {y}年财政拨款收支总预算 {t}。财政拨款收入包括一般公共预算拨款收入 {t}；支出包括："
            + "、".join(f"{CLASSES[c]} {self._n(self.class_totals[c])}" for c in classes)
            + "。",
            f"（五）关于本部门 {y}年一般公共预算当年拨款情况说明",
            "1．一般公共预算当年拨款规模变化情况",
            f"本部门 {y}年一般公共预算当年拨款 {t}，比 {y1}年预算数{direction} "
            f"{self._n(abs(self.total_change))}，"
            f"{direction}的主要原因是{self.total_reason}。",
            "2．一般公共预算当年拨款结构情况",
            "；".join(f"{CLASSES[c]} {self._n(self.class_totals[c])}，占 {share[c]}%" for c in classes)
            + "。",
            "3．一般公共预算当年拨款具体使用情况",
        ]
        texts += [self._subject_sentence(i, f) for i, f in enumerate(self.subject_facts, 1)]
        personnel_names = sorted({b.dept for b in self.basic if b.personnel})
        public_names = sorted({b.dept for b in self.basic if not b.personnel})
        texts += [
            f"（六）关于本部门 {y}年一般公共预算基本支出情况说明",
            f"本部门 {y}年一般公共预算基本支出 {self._n(basic)}，其中：",
            f"人员经费 {self._n(self.personnel)}，主要包括"
            + "、".join(DEPT_ECON[c] for c in personnel_names)
            + "。",
            f"公用经费 {self._n(self.public)}，主要包括："
            + "、".join(DEPT_ECON[c] for c in public_names)
            + "等。",
        ]
        texts += self._three_public_texts()
        texts += [
            f"（八）关于本部门 {y}年政府性基金当年拨款情况说明",
            f"本部门 {y}年没有使用政府性基金预算拨款安排的支出。",
            "（九）其他重要事项的情况说明",
            "1．机关运行经费",
            f"{y} 年本部门机关运行经费的统计范围为本部门所属行政单位和参照公务员法管理的"
            f"事业单位使用一般公共预算财政拨款安排的基本支出中的公用经费支出。"
            f"{y}年本部门机关运行经费单位范围包括本{self.word}机关 1家。"
            f"{y}年本部门机关运行经费预算 {self._yuan(self.operating_cost)}元，比 {y1}年预算"
            f"{'增加' if self.operating_change >= 0 else '减少'} {plain(abs(self.operating_change))}元。",
            "2．项目支出预算情况",
            f"{y}年共批复本部门项目预算 {len(self.projects)}项，总额 {self._n(project)}。其中：财政拨款预算 "
            f"{self._n(project)}。具体情况见附件 4。",
            "3．政府采购情况",
            f"{y} 年本部门及所属各预算单位政府采购总额 {plain(sum(self.procurement.values(), ZERO))} 万元。"
            f"其中政府采购货物预算 "
            f"{self._n(self.procurement.get('A-货物', ZERO))}，政府采购工程预算 "
            f"{self._n(self.procurement.get('B-工程', ZERO))}，"
            f"政府采购服务预算 {self._n(self.procurement.get('C-服务', ZERO))}。具体情况见附件 5。",
            "4．政府购买服务情况",
            f"{y}年本部门及所属各预算单位政府购买服务项目 {len(self.services)}项，预算总额 "
            f"{self._n(self.service_total)}。"
            "具体项目情况见附件 12。",
            "5．国有资源占有使用情况",
            f"截至 {y1}年底，本部门及所属预算单位共有车辆 {self.vehicles}辆，其中一般公务用车 "
            f"{self.general_vehicles}辆。"
            f"单位价值 200万元以上大型设备 {self.equipment}台（套）。",
            f"{y}年部门预算安排购置车辆 {1 if self.purchase else 0}辆，预算安排购置 200万元以上设备 0套。",
            "6．绩效目标设置情况",
            f"{y}年本部门项目经费中申报绩效目标的项目有 {len(self.projects)}项，涉及一般公共预算当年拨款 "
            f"{self._n(project)}。本部门"
            + "、".join(p.name for p in self.projects)
            + "的项目具体绩效目标见附件 13。",
        ]
        texts += ["四、名词解释", "一般公共预算拨款收入： 财政当年拨付资金。"] + self._glossary()
        texts += [self.dept_name, f"{y}年 {self.date[0]}月 {self.date[1]}日"]
        self.pager.new_page()
        self._paragraphs(texts)

    def _three_public_texts(self) -> list[str]:
        y, y1, prior = self.year, self.year - 1, self.three_prior
        total, prior_total = self._three_public_total(), sum(prior.values(), ZERO)
        vehicle, prior_vehicle = self.purchase + self.operation, prior["purchase"] + prior["operation"]
        scope = "本级及所属单位" if len(self.units) > 1 else "本级"
        short = self.dept_name.removeprefix("北京市")
        return [
            f"（七）关于本部门 {y}年“三公”经费预算情况说明",
            f"{short}因公出国（境）费用、公务用车购置及运行维护费、公务接待费开支单位包括{scope}。",
            f"{y}年一般公共预算“三公”经费支出预算 {self._yuan(total)}元，比 {y1}年"
            f"{self._change_yuan(total, prior_total)}。其中：",
            "1.因公出国（境）费用",
            f"{y}年预算数 {self._yuan(self.abroad)}元，比 {y1}年"
            f"{self._change_yuan(self.abroad, prior['abroad'])}。",
            "2.公务接待费",
            f"{y}年预算数 {self._yuan(self.reception)}元，比 {y1}年"
            f"{self._change_yuan(self.reception, prior['reception'])}。",
            "3.公务用车购置和运行维护费",
            f"{y}年预算数 {self._yuan(vehicle)}元，比 {y1}年{self._change_yuan(vehicle, prior_vehicle)}。"
            f"其中，公务用车购置费 "
            f"{y}年预算数 {self._yuan(self.purchase)}元，比 {y1}年"
            f"{self._change_yuan(self.purchase, prior['purchase'])}；",
            f"公务用车运行维护费 {y}年预算数 {self._yuan(self.operation)}元，比 {y1}年"
            f"{self._change_yuan(self.operation, prior['operation'])}。",
        ]

    def _glossary(self) -> list[str]:
        """四、名词解释: each 类, 款 and 项 of the document, in code order."""
        special = {
            "2080501": "反映行政单位（包括实行公务员管理的事业单位）开支的离退休经费。",
            "2080502": "反映事业单位开支的离退休经费。",
            "2080505": "反映机关事业单位实施养老保险制度由单位缴纳的基本养老保险支出。",
            "2080506": "反映机关事业单位实施养老保险制度由单位缴纳的职业年金支出。",
            "2101101": "反映财政部门安排的行政单位（包括实行公务员管理的事业单位）基本医疗保险缴费经费。",
            "2101102": "反映财政部门安排的事业单位基本医疗保险缴费经费。",
            "2210201": (
                "反映行政事业单位按人力资源和社会保障部、财政部规定的基本工资和津贴补贴"
                "以及规定比例为职工缴纳的住房公积金。"
            ),
            "2210203": "反映按房改政策规定，行政事业单位向符合条件职工（含离退休）发放的用于购买住房的补贴。",
        }
        out = []
        codes = sorted(
            set(self.item_totals) | {c[:5] for c in self.item_totals} | {c[:3] for c in self.item_totals}
        )
        for code in codes:
            if len(code) == 3:
                out.append(f"{CLASSES[code]}（{code}）：反映{CLASSES[code].removesuffix('支出')}方面的支出。")
            elif len(code) == 5:
                out.append(
                    f"{kuan_name(code, self.year)}（{code}）：反映{kuan_name(code, self.year)}方面的支出。"
                )
            elif ITEMS[code] == "行政运行":
                out.append(f"行政运行（{code}）：反映行政单位（包括实行公务员管理的事业单位）的基本支出。")
            else:
                out.append(f"{ITEMS[code]}（{code}）：{special.get(code, f'反映{ITEMS[code]}方面的支出。')}")
        return out

    # -- truth ---------------------------------------------------------------------------

    def truth(self, text: str) -> dict:
        """Everything a test may check, amounts as decimal strings (None = blank cell)."""
        p = self.printed
        units = [
            {
                "code": u.code,
                "name": u.name,
                "kind": u.kind,
                "item": u.item,
                "total": _s(self.unit_totals[u.code]),
            }
            for u in self.units
        ]
        return {
            "seed": self.seed,
            "year": self.year,
            "district": self.district,
            "division_code": self.division,
            "department": {
                "code": self.dept_code,
                "name": self.dept_name,
                "field": self.field_key,
                "short": self.abbr,
            },
            "units": units,
            "projects": [self._project_truth(pr) for pr in self.projects],
            "totals": {
                "total": _s(self.total),
                "basic": _s(self.basic_total),
                "project": _s(self.project_total),
                "personnel": _s(self.personnel),
                "public": _s(self.public),
            },
            "tables": self._tables_truth(),
            "table_totals": {
                "01": _s(self.total),
                "02": _s(p["02", "total"]),
                "03": _s(p["03", "total"]),
                "04": _s(p["04", "total"]),
                "05": _s(p["05", "total"]),
                "06": _s(self.total),
                "07": _s(p["07", "total"]),
                "08": _s(p["08", "total"]),
                "12": _s(p["12", "total"]),
                "13": f"{sum((pr.total13 for pr in self.projects), ZERO):f}",
            },
            "narrative": self._narrative_truth(),
            "counts": {
                "units": len(self.units),
                "projects": len(self.projects),
                "indicators": sum(len(pr.indicators) for pr in self.projects),
                "purchase_service_projects": len(self.services),
                "subjects": len(self.item_totals),
                "pages": self.pager.page,
                "lines": len(text.splitlines()),
                "nonblank_lines": sum(1 for line in text.splitlines() if line.strip()),
            },
            "layout": {"table13_continued": list(self.page_continued)},
            "quirks": list(self.quirks),
        }

    def _project_truth(self, pr: _Project) -> dict:
        return {
            "code": pr.code,
            "name": pr.name,
            "unit_code": pr.unit.code,
            "unit_name": pr.unit.name,
            "unit_kind": pr.unit.kind,
            "category": "31-部门项目",
            "amount": _s(pr.amount),
            "total_13": f"{pr.total13:.6f}",
            "fiscal_13": f"{pr.total13:.6f}",
            "other_13": None,
            "function_code": pr.item,
            "function_name": ITEMS[pr.item],
            "gov_econ_code": pr.gov,
            "gov_econ_name": GOV_ECON[pr.gov],
            "dept_econ_code": pr.dept,
            "dept_econ_name": DEPT_ECON[pr.dept],
            "goal": pr.goal,
            "indicators": [
                {
                    "level1": i.level1,
                    "level2": i.level2,
                    "level3": i.level3,
                    "nature": i.nature,
                    "value": i.value,
                    "measure_unit": i.unit,
                    "direction": i.direction,
                }
                for i in pr.indicators
            ],
            "purchase_service": None
            if pr.service is None
            else dict(zip(("level1", "level2", "level3"), pr.service, strict=True)),
        }

    def _tables_truth(self) -> dict:
        p = self.printed
        classes01 = [c for c in TABLE01_CLASSES if c[0] != "234" or self.year >= 2021]
        return {
            "01": {
                "income": [{"item": "一般公共预算拨款收入", "amount": _s(self.total)}],
                "expenditure": [
                    {"code": c, "name": n, "amount": _s(self.class_totals[c])}
                    for c, n in classes01
                    if c in self.class_totals
                ],
                "rows_listed": len(classes01),
                "income_total": _s(self.total),
                "expenditure_total": _s(self.total),
            },
            "02": {
                "department": {"code": self.dept_code, "name": self.dept_name, "total": _s(self.total)},
                "rows": [
                    {
                        "code": u.code,
                        "name": u.name,
                        "total": _s(self.unit_totals[u.code]),
                        "current": _s(self.unit_totals[u.code]),
                        "general": _s(self.unit_totals[u.code]),
                    }
                    for u in self.units
                ],
                "total": {
                    "total": _s(p["02", "total"]),
                    "current": _s(self.total),
                    "general": _s(self.total),
                },
            },
            "03": {
                "rows": [
                    {
                        "function_code": i,
                        "function_name": ITEMS[i],
                        "gov_econ_code": g,
                        "gov_econ_name": GOV_ECON[g],
                        "dept_econ_code": d,
                        "dept_econ_name": DEPT_ECON[d],
                        "total": _s(b + pj),
                        "basic": _s(b) if b else None,
                        "project": _s(pj) if pj else None,
                    }
                    for (i, g, d), (b, pj) in self.rows03
                ],
                "total": {
                    "total": _s(p["03", "total"]),
                    "basic": _s(p["03", "basic"]),
                    "project": _s(p["03", "project"]),
                },
            },
            "04": {
                "rows": [
                    {
                        "unit_code": pr.unit.code,
                        "unit_name": pr.unit.name,
                        "unit_kind": pr.unit.kind,
                        "project_name": pr.name,
                        "function_code": pr.item,
                        "function_name": ITEMS[pr.item],
                        "gov_econ_code": pr.gov,
                        "dept_econ_code": pr.dept,
                        "total": _s(pr.amount),
                        "general": _s(pr.amount),
                    }
                    for pr in self.projects
                ],
                "total": {"total": _s(p["04", "total"]), "general": _s(self.project_total)},
            },
            "05": {
                "rows": [
                    {"category": c, "amount": _s(self.procurement[c])} for c in sorted(self.procurement)
                ],
                "total": _s(p["05", "total"]),
            },
            "06": {
                "income_total": _s(self.total),
                "general": _s(self.total),
                "expenditure": [{"code": c, "amount": _s(a)} for c, a in sorted(self.class_totals.items())],
                "expenditure_total": _s(self.total),
            },
            "07": {
                "rows": [
                    {
                        "unit_code": u.code,
                        "unit_name": u.name,
                        "function_code": item,
                        "function_name": ITEMS[item],
                        "total": _s(b + pj),
                        "basic": _s(b) if b else None,
                        "personnel": _s(pe) if pe else None,
                        "public": _s(pu) if pu else None,
                        "project": _s(pj) if pj else None,
                        "project_excl_capital": _s(pj) if pj else None,
                    }
                    for u, item, (b, pe, pu, pj) in self.rows07
                ],
                "total": {k: _s(p["07", k]) for k in ("total", "basic", "personnel", "public", "project")}
                | {"project_excl_capital": _s(self.project_total)},
            },
            "08": {
                "rows": [
                    {
                        "gov_econ_code": g,
                        "gov_econ_name": GOV_ECON[g],
                        "dept_econ_code": d,
                        "dept_econ_name": DEPT_ECON[d],
                        "total": None if c is None else _s(c[0] + c[1]),
                        "personnel": None if c is None or not c[0] else _s(c[0]),
                        "public": None if c is None or not c[1] else _s(c[1]),
                    }
                    for (g, d), c in self.rows08
                ],
                "total": {k: _s(p["08", k]) for k in ("total", "personnel", "public")},
            },
            "09": {"empty": True, "note": EMPTY_NOTES["09"]},
            "10": {"empty": True, "note": EMPTY_NOTES["10"]},
            "11": {
                "year": self.year,
                "total": _s(self._three_public_total()),
                "abroad": _s(self.abroad),
                "reception": _s(self.reception),
                "vehicle_purchase": _s(self.purchase),
                "vehicle_operation": _s(self.operation),
                "fuel": _s(self.fuel),
                "repair": _s(self.repair),
                "insurance": _s(self.insurance),
                "other": _s(self.other),
            },
            "12": {
                "rows": [
                    {
                        "project_code": pr.code,
                        "project_name": pr.name,
                        "level1": pr.service[0],
                        "level2": pr.service[1],
                        "level3": pr.service[2],
                        "field": f"{pr.item[:3]}-{CLASSES[pr.item[:3]]}",
                        "amount": _s(pr.amount),
                    }
                    for pr in self.services
                    if pr.service
                ],
                "total": _s(p["12", "total"]),
            },
            "13": {
                "projects": len(self.projects),
                "total": f"{sum((pr.total13 for pr in self.projects), ZERO):f}",
            },
            "14": {
                "department_name": self.dept_name,
                "total": _s(self.total),
                "basic": _s(self.basic_total),
                "project": _s(self.project_total),
                "goal": self.overall_goal,
                "activities": [
                    {"name": a, "indicator": b, "nature": c, "value": d} for a, b, c, d in self.activities
                ],
            },
        }

    def _narrative_truth(self) -> dict:
        y = self.year
        subjects = [
            {
                "code": f["code"],
                "name": f["name"],
                "class_code": f["class_code"],
                "class_name": f["class_name"],
                "kuan_code": f["kuan_code"],
                "kuan_name": f["kuan_name"],
                "amount": _s(f["amount"]),
                "prior": _s(f["prior"]),
                "change": _s(f["change"]),
                "change_pct": _s(f["pct"]),
                "direction": f["direction"],
                "reason": f["reason"],
                "year": y,
            }
            for f in self.subject_facts
        ]
        prior = self.three_prior
        yuan = {
            k: str(int(v * WAN))
            for k, v in [
                ("total", self._three_public_total()),
                ("abroad", self.abroad),
                ("reception", self.reception),
                ("vehicle", self.purchase + self.operation),
                ("vehicle_purchase", self.purchase),
                ("vehicle_operation", self.operation),
            ]
        }
        prior_yuan = {
            "total": str(int(sum(prior.values(), ZERO) * WAN)),
            "abroad": str(int(prior["abroad"] * WAN)),
            "reception": str(int(prior["reception"] * WAN)),
            "vehicle": str(int((prior["purchase"] + prior["operation"]) * WAN)),
            "vehicle_purchase": str(int(prior["purchase"] * WAN)),
            "vehicle_operation": str(int(prior["operation"] * WAN)),
        }
        return {
            "subjects": subjects,
            "total": {
                "amount": _s(self.total),
                "change": _s(self.total_change),
                "direction": "增加" if self.total_change >= 0 else "减少",
                "reason": self.total_reason,
            },
            "basic": {
                "amount": _s(self.basic_total),
                "share_pct": _s(self.basic_total / self.total * HUNDRED),
            },
            "project": {
                "amount": _s(self.project_total),
                "share_pct": _s(self.project_total / self.total * HUNDRED),
            },
            "class_shares": [
                {"code": c, "name": CLASSES[c], "amount": _s(a), "share_pct": _s(a / self.total * HUNDRED)}
                for c, a in sorted(self.class_totals.items())
            ],
            "personnel": _s(self.personnel),
            "public": _s(self.public),
            "three_public_yuan": yuan,
            "three_public_prior_yuan": prior_yuan,
            "operating_cost_yuan": str(int(self.operating_cost * WAN)),
            "operating_cost_change_yuan": f"{self.operating_change:.2f}",
            "project_count": len(self.projects),
            "project_total": _s(self.project_total),
            "procurement": {c: _s(a) for c, a in sorted(self.procurement.items())},
            "procurement_total": _s(sum(self.procurement.values(), ZERO)),
            "purchase_service": {"count": len(self.services), "total": _s(self.service_total)},
            "vehicles": {
                "total": self.vehicles,
                "general": self.general_vehicles,
                "purchase_planned": 1 if self.purchase else 0,
            },
            "large_equipment": self.equipment,
            "performance_projects": len(self.projects),
            "signature": {"department": self.dept_name, "date": f"{y}-{self.date[0]:02d}-{self.date[1]:02d}"},
        }


# ---------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------


def generate(
    seed: int,
    *,
    units: int | None = None,
    projects: int | None = None,
    year: int | None = None,
    rounding_quirk: bool = False,
) -> Variant:
    """One variant document and its truth; the same arguments always give the same result.

    ``units`` (1–5), ``projects`` and ``year`` (2019–2025) are drawn from the seed when
    not given. With ``rounding_quirk`` one printed 合计 is 0.01 off the sum of its rows,
    recorded in ``truth["quirks"]``; otherwise every table identity holds exactly.
    """
    builder = _Builder(seed, units, projects, year, rounding_quirk)
    builder.make_units()
    builder.make_basic()
    builder.make_three_public()
    builder.make_projects()
    builder.aggregate()
    builder.apply_quirk()
    builder.narrative_figures()
    text = builder.render()
    return Variant(text=text, truth=builder.truth(text))


def write_variant(directory: str | Path, seed: int, **kw: Any) -> Path:
    """Write ``variant_<seed>.txt`` and ``variant_<seed>.truth.json``; return the text's path."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    variant = generate(seed, **kw)
    path = directory / f"variant_{seed}.txt"
    path.write_text(variant.text, encoding="utf-8")
    (directory / f"variant_{seed}.truth.json").write_text(
        json.dumps(variant.truth, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.variants", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--seed", type=int, required=True, action="append", help="seed of the variant (repeat for several)"
    )
    parser.add_argument("--units", type=int, help="number of budget units, 1–5")
    parser.add_argument("--projects", type=int, help="number of projects")
    parser.add_argument("--year", type=int, help="budget year, 2019–2025")
    parser.add_argument("--rounding-quirk", action="store_true", help="make one printed total a cent off")
    parser.add_argument("--out", required=True, help="output directory")
    args = parser.parse_args(argv)
    for seed in args.seed:
        path = write_variant(
            args.out,
            seed,
            units=args.units,
            projects=args.projects,
            year=args.year,
            rounding_quirk=args.rounding_quirk,
        )
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
