"""Budget vocabulary: the words people use for budget things, as data.

Nothing here names a particular department, project or amount: these are
the terms every 部门预算 uses, and the colloquial forms people type for them.
"""

from __future__ import annotations

import re

#: Colloquial form → the form the documents print. A question is rewritten only where it
#: does not already use the printed form.
SYNONYMS = {
    "公车": "公务用车",
    "车辆购置": "公务用车购置",
    "出国费": "因公出国（境）费用",
    "出国": "因公出国（境）",
    "接待费": "公务接待费",
    "三公经费": "“三公”经费",
    "养老保险": "基本养老保险",
    "公积金": "住房公积金",
    "购买服务": "政府购买服务",
    "政府买服务": "政府购买服务",
    "买服务": "政府购买服务",
    "职业年金": "职业年金缴费",
    "政府采购总额": "政府采购",
    "绩效指标": "指标",
    "兆": "M",
    "修车": "公务用车维修",
    "车辆保险": "公务用车保险",
    "车辆加油": "公务用车加油",
    "社保和就业": "社会保障和就业",
    "社保就业": "社会保障和就业",
    "社保缴费": "社会保障缴费",
}

#: Department-level totals: the words for them and where each is printed, best source first.
#: Each source is (table, measure, row selector); the selector picks the total row when None,
#: or the row whose 项目 cell matches it.
TOTALS: dict[str, tuple[tuple[str, ...], list[tuple[str, str, str | None]]]] = {
    "收入合计": (
        ("收入合计", "收入总额", "总收入", "总预算", "部门预算总额", "预算总额"),
        [("02", "合计", None), ("01", "预算数", "本年收入合计")],
    ),
    "支出合计": (
        ("支出合计", "支出总额", "总支出"),
        [("03", "合计", None), ("01", "预算数", "本年支出合计")],
    ),
    "基本支出": (("基本支出",), [("03", "基本支出", None), ("07", "基本支出", None)]),
    "项目支出": (
        ("项目支出", "项目预算总额", "项目支出总额"),
        [("03", "项目支出", None), ("04", "合计", None)],
    ),
    "人员经费": (("人员经费",), [("08", "人员经费", None), ("07", "人员经费", None)]),
    "公用经费": (("公用经费",), [("08", "公用经费", None), ("07", "公用经费", None)]),
    "财政拨款": (
        ("财政拨款", "一般公共预算财政拨款", "一般公共预算拨款", "拨款总额"),
        [("07", "合计", None), ("06", "预算数", "支出总计")],
    ),
    "政府采购": (("政府采购", "政府采购预算"), [("05", "金额", None)]),
    "政府购买服务": (("政府购买服务",), [("12", "预算金额", None)]),
    "“三公”经费": (("“三公”经费", "三公"), [("11", "“三公”经费财政拨款预算总额", "")]),
}

#: The parts of each “三公” item as 预算11表 prints them (分项): a breakdown ranks or shares these.
THREE_PUBLIC_PARTS = {
    "“三公”经费财政拨款预算总额": ("因公出国（境）费用", "公务接待费", "公务用车购置及运行维护费"),
    "公务用车购置及运行维护费": ("公务用车购置费", "公务用车运行维护费"),
    "公务用车运行维护费": ("公务用车加油", "公务用车维修", "公务用车保险", "其他"),
}

#: A row's attribute columns as people name them (column → word); the words are read longest first.
ATTRIBUTES = {
    "目录三级": "三级目录",
    "目录二级": "二级目录",
    "目录一级": "一级目录",
    "服务领域": "服务领域",
    "功能分类科目": "功能分类科目",
    "部门经济分类": "部门经济分类",
    "政府经济分类": "政府经济分类",
    "单位名称": "项目单位",
}
ATTRIBUTE_WORDS = {
    "三级目录": "目录三级",
    "二级目录": "目录二级",
    "一级目录": "目录一级",
    "服务领域": "服务领域",
    "功能分类科目": "功能分类科目",
    "功能科目": "功能分类科目",
    "部门经济分类": "部门经济分类",
    "经济分类科目": "部门经济分类",
    "政府经济分类": "政府经济分类",
    "哪个单位": "单位名称",
    "项目单位": "单位名称",
    "哪家单位": "单位名称",
}

#: The classes of 政府采购 (预算05表 采购类别: A-货物, B-工程, C-服务) as people name them.
PROCUREMENT_CLASSES = ("货物", "工程", "服务")

#: Measures a table prints, as people name them (word → column name).
MEASURES = {
    "人员经费": "人员经费",
    "公用经费": "公用经费",
    "基本支出": "基本支出",
    "项目支出": "项目支出",
    "收入合计": "合计",
    "预算合计": "合计",
    "财政拨款": "合计",
    "一般公共预算": "一般公共预算资金",
}

#: Words that never identify anything on their own: matching them proves nothing.
#: Beijing's districts: a question naming one picks (or rules out) documents.
DISTRICTS = (
    "东城区",
    "西城区",
    "朝阳区",
    "海淀区",
    "丰台区",
    "石景山区",
    "门头沟区",
    "房山区",
    "通州区",
    "顺义区",
    "昌平区",
    "大兴区",
    "怀柔区",
    "平谷区",
    "密云区",
    "延庆区",
)

GENERIC_WORDS = (
    "北京市",
    *DISTRICTS,
    *(d.removesuffix("区") for d in DISTRICTS),  # 门头沟, 西城: a place, never part of a name's identity
    "部门预算",
    "预算",
    "项目",
    "支出",
    "经费",
    "费用",
    "服务",
    "合计",
    "部门",
    "单位",
    "资金",
    "收入",
    "金额",
    "年度",
    "科目",
    "分类",
    "其他",
    "本级",
    "总额",
    "多少",
    "本部门",
    "全部门",
    "安排",
    "一共",
    "总共",
    "加起来",
    "是多少",
    "哪个",
    "哪些",
    "最多",
    "最少",
    "最大",
    "最小",
    "最高",
    "最低",
    "比例",
    "百分比",
    "百分之",
    "原因",
    "什么",
    "为什么",
    "增加",
    "减少",
    "增长",
    "下降",
    "比去年",
    "比上年",
    "情况",
    "数据",
    "要求",
    "目标",
    "指标",
    "绩效",
    "多少钱",
    "块钱",
    "万元",
    "一下",
    "请问",
    "帮我",
    "查一下",
    "今年",
    "本年",
    "相比",
    "区级",
    "全区",
    "分别",
    "经济分类",
    "功能分类",
    "支出功能分类",
    "部门经济分类",
    "政府经济分类",
    "花了",
    "用了",
    "安排了",
    "给了",
    "拨了",
    "预算数",
    "名称",
    "明细",
    "构成",
    "排名",
    "前三",
    "前五",
    "前十",
    "第一",
    "第二",
    "第三",
    "统计",
    "是指",
    "指什么",
    "包括",
    "折合",
    "换算",
)

#: Single characters that carry no identity (particles, question words, measure words).
STOP_CHARS = set(
    "的了是和与及跟在中里比占多少几个项那这呢吗么啥钱块元年有为要给共总花用其该此各按以被从对于之也都还就又请问吧啊呀嘛下上看能会得去一搞做出把"
)

#: Question phrases that the documents never answer (people, suppliers, contracts).
OUT_OF_SCOPE = (
    "谁",
    "姓名",
    "名字叫",
    "负责人",
    "局长",
    "馆长",
    "院长",
    "校长",
    "园长",
    "所长",
    "站长",
    "队长",
    "主任",
    "处长",
    "科长",
    "书记",
    "联系电话",
    "电话号码",
    "电话是多少",
    "电话多少",
    "责任人",
    "手机号",
    "中标",
    "承包",
    "供应商",
    "承建",
    "哪家公司",
    "什么公司",
    "哪些公司",
    "哪个公司",
    "哪家企业",
    "哪些企业",
    "哪个企业",
    "合同",
    "招标",
    "工资多少",
    "收多少钱",
    "收费标准",
    "怎么收费",
    "收费多少",
    "编制",
    "在编",
    "职工人数",
    "员工人数",
    "多少人",
    "多少名",
    "几个人",
    "几名",
    "多少位",
    "几位",
    "地址",
    "在哪",
    "哪里办公",
    "决算",
    "实际花",
    "实际支出",
    "执行率",
    "执行情况",
)

#: Asking which device or car exactly: the narrative states only how many (车辆、大型设备的数量).
ITEM_DETAIL = re.compile(
    r"具体是(什么|哪)(台|辆|些|个|种)?(设备|车|型号)|什么(型号|品牌)|哪个品牌|什么牌子的(车|设备)"
)

#: Counting people (学生、教师、职工 …): budgets print no head counts.
PEOPLE_COUNT = re.compile(
    r"(多少|几)(个|名|位)?(学生|老师|教师|医生|护士|职工|员工|干部|工作人员|律师|志愿者|孩子|小孩|幼儿|病人|人员|"
    r"老人|老年人|居民|群众)"
)

#: Counting places and rooms (床位、房间、面积): budgets print no facilities.
FACILITY_COUNT = re.compile(
    r"(多少|几)(张|个|间)?(床位|张床|病床|房间|间房|教室|座位|车位)|(多少|几)平(方米?|米)|"
    r"(床位|病床|房间|教室|座位|车位)[^，。？?]{0,3}(几|多少)"
)

#: Asking an organisation's other name: the one printed in brackets after it (加挂的牌子).
OTHER_NAME = re.compile(
    r"还有个?(名字|名称|牌子)|(另一个|别的|其他|其它|另外的?)(名字|名称|牌子)|别名|又叫|也叫|还叫|挂.{0,8}牌子|加挂|"
    r"两块牌子"
)

#: Organisation words whose initial letters people abbreviate (发展和改革委员会 → 发改委).
ORG_SUFFIXES = ("委员会", "管理局", "办公室", "中心", "局", "委", "办", "院", "所", "队", "站", "馆", "会")
ABBREVIATION_SKIP = set("和与及")

#: Counting units as documents print them; a question's counter picks the fact.
COUNTERS = ("个", "项", "户", "辆", "家", "台", "套", "人", "名", "次", "条", "部", "所")

#: An organisation named in a question (科信局, 西城教委, 城运中心), to tell a department that is not loaded.
ORGANISATION = re.compile(  # not 要办, 怎么办: a verb
    r"([\u4e00-\u9fff]{2,10}?(?:委员会|管理局|局|委|办公室|(?<![要去来么想在能可好还])办|中心|街道|法院|检察院))"
)

#: Counting words of performance targets (次, 人, 天 …) rather than of rows or stated counts.
INDICATOR_COUNTERS = re.compile(
    r"(几|多少)(次|人|天|小时|分钟|场|期|篇|份|人次|户次|个工作日|课时|批次|单|件|场次|个点位|处|"
    r"棵|株|亩|平方米|公里|吨|只|头)"
)
#: Units a counting word accepts (多少人 fits a target in 人次, 几天 one in 工作日, 几份 one in 篇（部）);
#: a word not listed here is not checked.
COUNTER_UNITS = {
    "人": "人名位",
    "人次": "人名位",
    "天": "天日",
    "个工作日": "天日",
    "小时": "小时h",
    "分钟": "分钟",
    "场": "场次期",
    "次": "次场期",
    "份": "份篇部本期册",
    "篇": "份篇部本期册",
    "棵": "棵株",
    "株": "棵株",
    "亩": "亩平方公顷",
    "平方米": "亩平方公顷",
    "吨": "吨公斤",
}
