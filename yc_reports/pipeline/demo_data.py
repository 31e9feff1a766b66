"""The embedded default's story: six quarters of plausible, fixed figures for the ten actions.

2025Q3 is the quarter the demo builds. In it: 第八项 runs ahead (commended); 第四项's coverage rates have no
base (judged in 2025Q4 only) and its 2023 targets are 无当年数据 (no 2023Q4 figure: the office's records
start in 2024Q3); 第三项 lags on green parks and 第七项 has a 2023 task still unfinished (red); 第九项's
workbook carries an unusable figure and its incinerator has not started (a red matter of its own: red);
第十项 trails on tourism revenue (yellow); 第六项's units did not report (grey). The 督办 ledger's story is
told at RECTIFICATIONS.
2025Q4, the plan's last quarter, is in the inputs too (for `assess 2025` and `evaluate`): some 2025 targets
are met (绿色产品, 绿色供应链, 单位GDP能耗, 用水总量, 绿色融资规模), others not (绿色工厂 10 of 12, 绿色园区, 综合收入).
"""

from __future__ import annotations

from dataclasses import dataclass

from yc_reports.plan.quarter import Quarter

QUARTERS = ("2024Q3", "2024Q4", "2025Q1", "2025Q2", "2025Q3", "2025Q4")
LATEST = Quarter.parse("2025Q3")      # the sample quarter `yc-reports demo` builds
FINAL = Quarter.parse(QUARTERS[-1])   # the plan's last quarter: for 年度考核 and 终期评估
# Key tasks still unfinished at the plan's end (every other task due by then is reported 已完成 in FINAL).
UNFINISHED_AT_END = ("qu_yuan_park", "green_finance_system", "chem_green_system")
MISSING = {"2025Q3": (6,)}  # action ids that do not report in a quarter

# Indicator figures by registry key, one per quarter in QUARTERS order (None: left blank).
FIGURES: dict[str, tuple[str | None, ...]] = {
    # 一 (targets filled in by the office in the demo's plan.toml)
    "energy_intensity_reduction": ("10.8", "11.6", "12.1", "12.6", "13.2", "14.6"),
    "co2_intensity_reduction": ("14.6", "15.9", "16.5", "17.2", "18.0", "19.2"),
    "pollutant_reduction": ("8.1", "8.9", "9.2", "9.6", "10.1", "10.6"),
    # 三 counts since 2022
    "green_products": ("1", "1", "2", "2", "2", "2"),
    "green_factories": ("5", "6", "7", "7", "8", "10"),
    "green_parks": ("0", "1", "1", "1", "1", "1"),
    "green_supply_chains": ("1", "1", "1", "2", "2", "2"),
    # 四
    "innovation_platforms": ("22", "23", "24", "25", "26", "27"),
    "tech_projects": ("8", "8", "9", "9", "9", "9"),
    "rd_institution_coverage": ("90.5", "92.0", "93.1", "94.6", "96.2", "98.5"),
    "rd_activity_coverage": ("86.0", "88.4", "89.9", "91.5", "93.0", "95.1"),
    # 五 (用水总量: within the year, a ceiling)
    "water_use_total": ("15.62", "21.05", "4.98", "10.34", "15.80", "21.40"),
    "eco_base_flow": ("91.0", "92.5", "93.0", "94.0", "95.0", "95.0"),
    "water_use_efficiency": ("10.2", "11.0", "11.8", "12.5", "13.1", "13.8"),
    "water_quality_compliance": ("93.3", "93.3", "94.1", "94.1", "95.0", "95.0"),
    # 八
    "green_finance_growth": ("24.1", "22.8", "23.9", "24.6", "23.5", "22.9"),
    "green_finance_scale": ("1082", "1136", "1215", "1302", "1380", "1452"),
    # 十 (within the year)
    "tourist_arrivals": ("0.80", "1.12", "0.27", "0.58", "0.86", "1.21"),
    "tourism_revenue": ("830", "1180", "290", "620", "1020", "1410"),
}

NOTES: dict[str, str] = {
    "green_parks": "宜都化工园区绿色园区创建材料已报省经信厅，猇亭化工园区尚在整改，预计年内难以获批。",
    "tourism_revenue": "受暑期极端高温和客源市场消费降级影响，过夜游客人均消费同比下降。",
    "pollutant_reduction": "省级目标尚未下达，数据为与2020年相比的累计下降幅度。",
    "green_finance_scale": "含绿色贷款余额和绿色债券存量。",
}

# Task states by registry key: (status, progress, problems), the same in every quarter unless listed in
# TASKS_IN_QUARTER.
TASKS: dict[str, tuple[str, str, str]] = {
    "hq_projects_control": ("正常推进", "严格落实“两高”项目会商联审，本年否决“两高”项目2个。", ""),
    "carbon_peak_start": ("已完成", "2023年度节能减排目标考核结果为“超额完成”等次。", ""),
    "carbon_peak_stage": ("正常推进", "碳达峰实施方案确定的重点任务有序推进。", ""),
    "eco_value_study": ("已完成", "研究报告已通过专家评审并印发。", ""),
    "eco_value_demos": ("已完成", "建成五峰茶园、夷陵柑橘等生态产品价值转化示范项目6个。", ""),
    "eco_value_framework": ("正常推进", "生态产品价值核算办法征求意见稿已形成。", ""),
    "green_demo_units": ("正常推进", "新增国家级绿色工厂申报企业4家。", ""),
    "chem_green_system": ("正常推进", "化工园区绿色化改造项目完成投资过半。", "部分企业改造资金压力较大。"),
    "green_tech_transfer": ("正常推进", "磷石膏综合利用等7项成果实现转化。", ""),
    "water_allocation": ("已完成", "黄柏河、沮漳河等重要河流水量分配方案已批复。", ""),
    "strict_water_management": ("正常推进", "用水总量和强度双控考核有序开展。", ""),
    "three_gorges_transport": ("正常推进", "", ""),
    "national_hub": ("正常推进", "", ""),
    "transport_energy_saving": ("正常推进", "", ""),
    "sub_center_2023": ("正常推进", "省域副中心城市建设重点事项仍有3项未完成。", "跨区域协调事项需省级层面统筹。"),
    "regional_center_2025": ("正常推进", "宜荆荆都市圈发展规划重点项目加快实施。", ""),
    "yjj_metropolis": ("正常推进", "签订都市圈公共服务共建共享协议5项。", ""),
    "green_finance_system": ("正常推进", "绿色金融改革创新试验区方案已上报。", ""),
    "living_env_projects_2023": ("已完成", "城乡生活污水治理、垃圾处理、综合管廊项目2023年底全部完工。", ""),
    "living_env_2025": ("正常推进", "本年新增绿色建筑面积412万平方米。", ""),
    "qu_yuan_park": ("正常推进", "屈原文化公园核心区主体工程完成80%。", "征地拆迁进度偏慢。"),
    "inbound_tourism": ("正常推进", "入境游客人数同比增长35%。", ""),
}

# A task's state in one quarter only ("key@quarter"): 第九项 reports its 2025 task behind in 2024Q3 (red: a
# 督办 item), and on schedule again from 2024Q4.
TASKS_IN_QUARTER: dict[str, tuple[str, str, str]] = {
    "living_env_2025@2024Q3": ("滞后", "本年新增绿色建筑面积186万平方米，低于年度计划。", "部分项目施工图审查滞后。"),
}


@dataclass(frozen=True)
class DemoProject:
    action_id: int
    name: str
    total: str
    annual_plan: str
    ytd_by_quarter: tuple[str, ...]   # year-to-date investment, per quarter in QUARTERS order
    status_by_quarter: tuple[str, ...]
    planned_start: str                # YYYY-MM-DD
    image: str
    problems: str = ""


PROJECTS: tuple[DemoProject, ...] = (
    DemoProject(3, "宜化集团磷石膏综合利用绿色化改造项目", "86000", "32000",
                ("21500", "30800", "6200", "15600", "24800", "32500"), ("在建",) * 6, "2023-03-01",
                "主体装置安装完成85%"),
    DemoProject(3, "兴发集团有机硅绿色供应链示范项目", "45000", "18000",
                ("9800", "16900", "3100", "7900", "12600", "17200"), ("在建",) * 6, "2024-02-01", "一期工程试生产"),
    DemoProject(5, "黄柏河流域水资源配置工程", "128000", "40000",
                ("26000", "38500", "7800", "18600", "29900", "40600"), ("在建",) * 6, "2023-06-01", "输水隧洞贯通"),
    DemoProject(9, "中心城区污水处理厂提标扩能工程", "64000", "24000",
                ("15500", "23800", "4900", "11800", "约1.8亿", "24100"), ("在建",) * 6, "2024-01-01",
                "二期土建完成70%"),
    DemoProject(9, "城乡生活垃圾焚烧发电二期", "52000", "15000",
                ("0", "0", "0", "0", "0", "0"), ("未开工",) * 6, "2025-05-01", "用地手续办理中",
                "项目用地预审尚未批复，未能按计划开工。"),
    DemoProject(9, "伍家岗地下综合管廊", "38000", "12000",
                ("9000", "12100", "2600", "6100", "9300", "12000"), ("在建",) + ("已竣工",) * 5,
                "2023-04-01", "主体完工"),
    DemoProject(10, "屈原文化公园核心区建设", "150000", "45000",
                ("28000", "41000", "6500", "16800", "27200", "45200"), ("在建",) * 6, "2023-09-01",
                "核心区主体工程完成80%", "征地拆迁进度偏慢，影响二期开工。"),
)

# Units' answers on 督办 items in their 整改落实 sheet: 督办编号 (or 督办编号@quarter, for that quarter only)
# -> (整改状态, 整改措施, 整改进展). Items are the matters that are themselves red, whatever the action's colour
# (an indicator 滞后 / 未完成, a task behind or overdue, a project late to start or lagging); a matter to watch is
# 关注, never a 督办 item. The story:
# - 2024Q3 lists 第三项's green parks (2024Q3-03-1), 第七项's 2023 task (2024Q3-07-1), 第九项's 2025 task
#   reported behind (2024Q3-09-1) and its 城乡生活垃圾焚烧发电二期, not started (2024Q3-09-2).
# - 2025Q1 lists 第三项's supply chains (2025Q1-03-1), closed in 2025Q2.
# - 第九项's task is back on schedule from 2024Q4 but the unit reports the item 未启动 until 2025Q3, when it
#   reports it done: 已销号 in 2025Q3. Its project never starts: overdue to the plan's end.
# - 第三项 (green parks, 整改中) and 第七项 (整改中) stay overdue in 2025Q3; 第七项 finishes the task and closes
#   its item in 2025Q4.
RECTIFICATIONS: dict[str, tuple[str, str, str]] = {
    "2024Q3-03-1": ("整改中", "指导猇亭化工园区按绿色园区评价要求整改。", "宜都化工园区材料已报省经信厅。"),
    "2024Q3-07-1": ("整改中", "加强与省直部门对接，逐项推动剩余事项。", "剩余3项事项正在协调。"),
    "2024Q3-09-1": ("未启动", "", ""),
    "2024Q3-09-1@2025Q3": ("已完成", "成立人居环境项目专班，倒排工期推进。", "年度项目均已开工，进度恢复正常。"),
    "2024Q3-07-1@2025Q4": ("已完成", "剩余事项经省直部门协调全部完成。", "省域副中心城市建设重点事项已全部完成。"),
    "2025Q1-03-1": ("已完成", "兴发集团有机硅绿色供应链通过省级认定。", "绿色供应链已达2条。"),
}

# Who fills in, per action: (填报人, 联系电话, 审核人)
CONTACTS: dict[int, tuple[str, str, str]] = {
    1: ("王晓东", "0717-6252101", "李建国"),
    2: ("陈思远", "0717-6252118", "李建国"),
    3: ("刘芳", "0717-6441035", "张卫"),
    4: ("赵磊", "0717-6833207", "周敏"),
    5: ("孙海燕", "0717-6221452", "吴刚"),
    6: ("郑宇", "0717-6445310", "黄涛"),
    7: ("何静", "0717-6252126", "李建国"),
    8: ("杨帆", "0717-6913028", "马丽"),
    9: ("许亮", "0717-6735516", "韩冰"),
    10: ("罗雪", "0717-6242389", "邓超"),
}

SUMMARIES: dict[int, str] = {
    3: "本季度新增绿色工厂1家，磷石膏综合利用项目加快建设，绿色园区创建进度偏慢。",
    4: "绿色技术创新平台和技术攻关项目均已超额完成2023年目标，企业研发活动覆盖面持续扩大。",
    8: "绿色贷款保持较快增长，绿色融资规模提前接近翻番目标。",
    10: "暑期旅游市场总体平稳，游客接待量同比增长，综合收入增速放缓。",
}

NEXT_STEPS: dict[int, str] = {
    3: "指导猇亭化工园区加快整改，力争年底前完成绿色园区申报；组织第二批绿色工厂培育。",
    7: "加强与省直部门对接，推动剩余省域副中心城市建设事项年内完成。",
    10: "策划冬季文旅消费活动，推动综合收入增速回升。",
}

# Office-set values the demo writes into inputs/plan.toml: (exact text in the shipped plan, replacement)
PLAN_EDITS: tuple[tuple[str, str], ...] = (
    ('key = "energy_intensity_reduction"\nname = "单位GDP能源消耗降低率"\nunit = "%"\nkind = "level"\nsigned = true\n'
     'targets = { "2023" = "", "2025" = "" }',
     'key = "energy_intensity_reduction"\nname = "单位GDP能源消耗降低率"\nunit = "%"\nkind = "level"\nsigned = true\n'
     'baseline = { year = 2020, value = 0 }\ntargets = { "2023" = 8.7, "2025" = 14.5 }'),
    ('key = "co2_intensity_reduction"\nname = "单位GDP二氧化碳排放降低率"\nunit = "%"\nkind = "level"\nsigned = true\n'
     'targets = { "2025" = "" }',
     'key = "co2_intensity_reduction"\nname = "单位GDP二氧化碳排放降低率"\nunit = "%"\nkind = "level"\nsigned = true\n'
     'baseline = { year = 2020, value = 0 }\ntargets = { "2025" = 19.5 }'),
    ('baseline = { year = 2020, value = "" }', 'baseline = { year = 2020, value = 620 }'),
    ('key = "water_quality_compliance"\nname = "重要河湖水功能区水质达标率"\nunit = "%"\nkind = "level"\n'
     'targets = { "2025" = "" }',
     'key = "water_quality_compliance"\nname = "重要河湖水功能区水质达标率"\nunit = "%"\nkind = "level"\n'
     'targets = { "2025" = 93 }'),
)
