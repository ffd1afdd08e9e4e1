"""Generate the fictional demo county 云溪县 (year 2025) into input/.

    python tools/make_demo.py [--out DIR] [--mistakes-md FILE] [--no-reviews]

The repository ships this demo so a clerk (and the tests) can run the program on something that
looks like a real county: a roster, one declaration workbook per cadre and month, the Organization
Department's quarterly registers and the results of earlier years.  Everything is made up.

Why it looks the way it does:
- deterministic: a fixed random seed, no "today", and every workbook is re-zipped with fixed
  timestamps, so running it twice gives byte-identical files (the program's manifest records the
  inputs' SHA-256; a demo that changed on every run would look like changed inputs);
- 2025 is a complete year, so every quarter and the year can be computed and published;
- the layouts of the declaration workbooks differ from unit to unit (labels with and without a
  colon, values in the same cell or further right, months as text or as real dates), because
  clerks produce many layouts and the readers must rely on labels and header rows only;
- the special cases (promotion, unit change, joining, leaving, same name, same matter, caps,
  cadres at the bottom several quarters and years) and about ten deliberate mistakes are listed
  in the DATA section below and in tools/demo_mistakes.md (written with --mistakes-md).

Second stage (skipped with --no-reviews): the review round trip.  The real program is run on the
generated inputs, and its review list (待审核清单) is filled in the way a clerk does it, one copy per
quarter, each copy made from the list the program regenerated after the previous ones were in
place; the copies are saved as input/审核结论/2025年第一季度审核结论.xlsx … 第四季度, plus
2025年申辩复核.xlsx, where one rejected item is passed on appeal (申辩复核).  December (and two
November items) stay 待审核, so the first double-click shows every state an item can be in.
The decisions are listed in REVIEW_* below and in tools/demo_mistakes.md.

Safety: before writing, it deletes only files it produces itself (its exact output paths, plus
stale files in its own subfolders whose names follow its naming patterns), never anything outside
the target folder.  In a review-decision folder (审核结论/) it deletes only the five files it
writes itself, by exact name (also with --no-reviews, so that no stale decisions are left behind),
and never looks at any other file there: a clerk's own decisions are safe.
"""

from __future__ import annotations

import argparse
import calendar
import io
import random
import re
import shutil
import sys
import tempfile
import zipfile
from copy import copy
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from jifen.rules_default import BASE_ITEMS, BONUS_ITEMS, PENALTY_ITEMS  # noqa: E402

# =============================================================================================
# DATA: the demo county
# =============================================================================================

YEAR = 2025
SEED = 20250101
COUNTY = "云溪县"
CITY_PAPER = "《云州日报》"          # the (fictional) prefecture-level city is 云州市
REGION_PAPER = "《自治区日报》"
FIXED_STAMP = (2025, 12, 31, 12, 0, 0)  # document and zip timestamps of every generated workbook

# rule code → (名称, 分值) for J/K items, code → (名称, 上限) for base items: read from the defaults
POINTS = {c: (name, pts) for c, _cat, name, pts, *_ in BONUS_ITEMS + PENALTY_ITEMS}
BASE = {c: (name, cap) for c, _cat, name, cap in BASE_ITEMS}

K, H = "科级领导干部", "后备干部"

# One roster row: (干部编号, 姓名, 单位, 职务, 干部类别, 在册起始日期, 在册截止日期, 排名分组, 备注).
# A cadre with two rows has them consecutively, with non-overlapping dates.
ROSTER = [
    ("K0001", "张明", "县发展和改革局", "局长", K, "2019-03-01", None, K, ""),
    ("K0002", "李华", "县发展和改革局", "副局长", K, "2021-06-01", None, "", ""),
    ("K0003", "刘建国", "县发展和改革局", "副局长", K, "2018-09-01", None, "", ""),
    ("K0004", "陈静", "县财政局", "局长", K, "2017-12-01", None, "", ""),
    ("K0005", "杨帆", "县财政局", "副局长", K, "2022-01-01", None, "", ""),
    ("K0006", "赵志强", "城关镇", "党委书记", K, "2018-03-01", None, "", ""),
    ("K0007", "孙海峰", "城关镇", "镇长", K, "2020-11-01", None, "", ""),
    ("K0008", "王伟", "县财政局", "副局长", K, "2019-07-01", None, "", "与K0021同名"),
    ("K0009", "马俊", "城关镇", "副镇长", K, "2021-04-01", None, "", ""),
    ("K0010", "何春梅", "青石镇", "党委书记", K, "2016-08-01", None, "", ""),
    ("K0011", "罗文斌", "青石镇", "镇长", K, "2020-05-01", None, "", ""),
    # unit change on 2025-07-01
    ("K0012", "李娜", "县农业农村局", "副局长", K, "2019-08-01", "2025-06-30", "", "2025年7月交流任职"),
    ("K0012", "李娜", "青石镇", "党委副书记", K, "2025-07-01", None, "", "原县农业农村局副局长"),
    ("K0013", "林雪", "县教育局", "局长", K, "2018-02-01", None, "", ""),
    ("K0014", "刘阳", "县教育局", "副局长", K, "2022-09-01", None, "", ""),
    ("K0015", "郑国华", "县卫生健康局", "局长", K, "2017-05-01", None, "", ""),
    ("K0016", "许丽君", "县卫生健康局", "副局长", K, "2021-10-01", None, "", ""),
    ("K0017", "高建军", "县自然资源局", "副局长", K, "2016-04-01", None, "", ""),
    ("K0018", "邓志刚", "县农业农村局", "局长", K, "2019-01-01", None, "", ""),
    ("K0019", "曹玉兰", "县农业农村局", "副局长", K, "2020-03-01", None, "", ""),
    ("K0020", "袁媛", "县自然资源局", "局长", K, "2021-02-01", None, "", ""),
    ("K0021", "王伟", "青石镇", "副镇长", K, "2022-06-01", None, "", "与K0008同名"),
    ("K0022", "蒋涛", "县自然资源局", "副局长", K, "2020-08-01", None, "", ""),
    ("K0023", "潘宏伟", "县住房和城乡建设局", "局长", K, "2018-06-01", None, "", ""),
    ("K0024", "田永刚", "县住房和城乡建设局", "副局长", K, "2017-09-01", None, "", ""),
    ("K0025", "蔡文华", "县市场监督管理局", "局长", K, "2019-10-01", None, "", ""),
    ("K0026", "钟敏", "县市场监督管理局", "副局长", K, "2021-12-01", None, "", ""),
    ("K0027", "姜波", "县市场监督管理局", "副局长", K, "2020-07-01", None, "", ""),
    ("K0028", "魏晨", "城关镇", "党委副书记", K, "2024-03-01", None, "", ""),
    ("K0029", "吕春燕", "县教育局", "副局长", K, "2019-05-15", None, "", ""),
    # leaves on 2025-04-30 (retirement)
    ("K0030", "冯德胜", "县卫生健康局", "副局长", K, "2012-06-01", "2025-04-30", "", "2025年4月到龄退休"),
    # joins on 2025-09-01
    ("K0031", "郭子豪", "城关镇", "副镇长", K, "2025-09-01", None, "", "2025年9月新任职"),
    ("H0001", "周晓燕", "县发展和改革局", "重点项目股股长", H, "2021-03-01", None, H, ""),
    # reserve cadre promoted to 科级领导干部 on 2025-05-01: same 干部编号, category changes
    ("H0002", "黄磊", "县财政局", "预算股股长", H, "2021-03-01", "2025-04-30", "", "2025年5月提拔"),
    ("H0002", "黄磊", "县财政局", "副局长", K, "2025-05-01", None, "", "由后备干部提拔"),
    ("H0003", "吴婷", "城关镇", "党政办主任", H, "2022-04-01", None, "", ""),
    ("H0004", "谢鹏", "青石镇", "经济发展办主任", H, "2021-09-01", None, "", ""),
    ("H0005", "唐晓峰", "县教育局", "教育股股长", H, "2022-02-01", None, "", ""),
    ("H0006", "韩冰", "县卫生健康局", "医政医管股股长", H, "2021-07-01", None, "", ""),
    ("H0007", "彭亮", "县农业农村局", "农村经营管理股股长", H, "2022-03-01", None, "", ""),
    ("H0008", "董晓东", "县住房和城乡建设局", "质量安全股股长", H, "2020-12-01", None, "", ""),
    ("H0009", "苏晓", "县自然资源局", "国土空间规划股股长", H, "2022-05-01", None, "", ""),
    ("H0010", "范佳琪", "县市场监督管理局", "食品安全股股长", H, "2021-11-01", None, "", ""),
    ("H0011", "卢佳怡", "县教育局", "办公室主任", H, "2024-07-01", None, "", ""),
    ("H0012", "丁浩", "青石镇", "党政办主任", H, "2024-07-01", None, "", ""),
]

# Each unit's clerk hands out their own layout of the declaration workbook (see write_declaration).
UNIT_LAYOUT = {
    "县发展和改革局": "A", "县财政局": "B", "城关镇": "C", "青石镇": "D", "县教育局": "A",
    "县卫生健康局": "B", "县农业农村局": "C", "县自然资源局": "D", "县住房和城乡建设局": "A",
    "县市场监督管理局": "B",
}

# Themes the filler items talk about, per unit.
THEMES = {
    "县发展和改革局": ["重点项目谋划储备", "以工代赈", "营商环境优化"],
    "县财政局": ["预算绩效管理", "直达资金监管", "政府采购规范化"],
    "城关镇": ["老旧小区改造", "社区网格化治理", "背街小巷整治"],
    "青石镇": ["乡村振兴示范村建设", "农村人居环境整治", "特色产业发展"],
    "县教育局": ["义务教育优质均衡", "控辍保学", "“双减”工作"],
    "县卫生健康局": ["基层医疗服务能力提升", "爱国卫生运动", "家庭医生签约服务"],
    "县农业农村局": ["高标准农田建设", "粮食生产", "农村集体经济发展"],
    "县自然资源局": ["耕地保护", "不动产登记便民服务", "地质灾害防治"],
    "县住房和城乡建设局": ["城镇燃气安全整治", "保障性住房建设", "建筑工地扬尘治理"],
    "县市场监督管理局": ["食品安全监管", "放心消费创建", "个体工商户帮扶"],
}

# Filler items: code → (weight, [(事项说明 template, 佐证材料)]).  {t} is one of the unit's themes.
FILLER = {
    "J6": (35, [
        ("参加“学雷锋”志愿服务活动，到社区开展环境清扫", "活动照片及社区证明"),
        ("参加无偿献血志愿服务活动", "无偿献血证复印件"),
        ("参加文明交通劝导志愿服务", "活动照片及县文明办证明"),
        ("走访慰问结对帮扶困难群众家庭，帮助解决实际困难", "结对帮扶手册及走访照片"),
        ("到县敬老院开展重阳节敬老志愿服务", "活动照片及敬老院证明"),
        ("参加防溺水安全宣传志愿服务活动", "活动照片及组织单位证明"),
        ("参加“清河行动”河道垃圾清理志愿服务", "活动照片及县河长办证明"),
    ]),
    "J7": (20, [
        ("参与全国文明城市创建工作，包联城关镇东风社区", "县创建办证明"),
        ("参与国家卫生县城复审迎检工作", "县爱卫办证明"),
        ("开展“我为群众办实事”实践活动，协调解决{t}中群众反映的问题", "办事台账及群众回访记录"),
        ("参与自治区级民族团结进步示范县创建工作", "县创建办证明"),
    ]),
    "J5-3": (20, [
        ("{t}工作经验被{city}刊发", "报纸版面复印件"),
        ("{t}做法被“云州发布”微信公众号刊发", "文章网页截图"),
    ]),
    "J5-2": (7, [
        ("{t}工作被{region}报道", "报纸版面复印件"),
        ("{t}经验在自治区广播电视台新闻节目中播出", "节目截图及链接"),
    ]),
    "J3": (6, [
        ("抽调参加全县项目建设攻坚百日行动，成绩突出", "抽调通知及工作组鉴定意见"),
        ("抽调参加县委第五轮巡察工作，成绩突出", "抽调通知及县委巡察办鉴定意见"),
        ("抽调参加全县信访积案化解专项行动，成绩突出", "抽调通知及县信访联席办鉴定意见"),
    ]),
    "J1-8": (6, [("负责的{t}工作获县委、县政府通报表扬", "县政府办公室通报文件")]),
    "J1-4": (4, [
        ("被评为全县优秀党务工作者", "县委表彰决定"),
        ("被评为全县平安建设先进个人", "县委、县政府表彰决定"),
        ("被评为全县巩固拓展脱贫攻坚成果先进个人", "县委、县政府表彰决定"),
    ]),
    "J1-7": (2, [("负责的{t}工作获云州市通报表彰", "市级表彰文件")]),
}

# How many filler items a cadre declares per month on average (binomial over 3 tries).
ACTIVITY = {
    "K0001": 1.2, "K0011": 1.0, "K0013": 1.0, "K0015": 0.9, "H0001": 1.2,   # strong performers
    "K0017": 0.0, "K0024": 0.0,                                               # at the bottom
    "K0009": 0.15, "K0027": 0.15, "K0030": 0.2,
}
DEFAULT_ACTIVITY = 0.55
SKIP_CHANCE = 0.04                       # a cadre hands in nothing at all that month
FORCED_SKIPS = {("K0017", 3), ("K0017", 7), ("K0017", 11), ("K0028", 5), ("H0010", 8)}


@dataclass
class Item:
    """One row of a declaration's item table (or, via Reg, of a register)."""
    code: str
    desc: str
    day: date
    qty: float = 1
    evidence: str = ""
    same: str = ""             # 同一事项标识
    note: str = ""             # 备注
    score: float | None = None  # 申报分值 as the cadre wrote it (default: rulebook points × 数量)
    name: str | None = None     # 项目名称 shown (default: the rulebook's)
    mistake: tuple[str, str, str] | None = None  # (column, 级别, expected problem)


def d(text: str) -> date:
    return date.fromisoformat(text)


# Declared items placed on purpose, (干部编号, month) → items.  Filler items are added after them.
SPECIAL_ITEMS: dict[tuple[str, int], list[Item]] = {
    # --- strong performers -------------------------------------------------------------------
    ("K0001", 3): [Item("J6", "参加“学雷锋”志愿服务月活动，到城关镇东风社区开展义务清扫", d("2025-03-05"),
                        evidence="活动照片及社区证明")],
    ("K0001", 4): [Item("J5-2", "我县重大项目要素保障经验做法被" + REGION_PAPER + "等省级媒体刊发2篇",
                        d("2025-04-16"), qty=2, evidence="报纸版面复印件", note="2篇")],
    # a 12-point row: one matter is capped at 同一事项加分上限 = 10
    ("K0001", 8): [Item("J5-1", "我县以工代赈带动群众就近务工增收的做法被人民日报、新华社客户端、央视新闻客户端、"
                        "光明网刊发4篇", d("2025-08-21"), qty=4, evidence="报道网页截图及版面复印件",
                        note="4篇，共12分")],
    ("K0001", 11): [Item("J1-6", "负责的全县重大项目谋划储备工作获自治区发展改革委通报表彰",
                         d("2025-11-07"), evidence="自治区发展改革委通报")],
    # same matter: county award (1) in March, city award (2) in May → Q1 +1, Q2 +1, year +2
    ("K0011", 3): [Item("J1-4", "被评为2024年度全县防汛抗旱工作先进个人", d("2025-03-12"),
                        evidence="县委、县政府表彰决定（云委〔2025〕8号）", same="防汛2024")],
    ("K0011", 5): [Item("J1-3", "被评为2024年度全市防汛抗旱工作先进个人", d("2025-05-20"),
                        evidence="云州市防汛抗旱指挥部表彰通报", same="防汛2024",
                        note="与3月申报的县级表彰为同一事项")],
    ("K0011", 7): [Item("J6", "汛期带队转移安置受灾群众，参与灾后清淤志愿服务", d("2025-07-18"),
                        evidence="现场照片及镇党委证明")],
    ("K0013", 6): [Item("J1-6", "负责的县域义务教育优质均衡发展工作获自治区教育厅表彰", d("2025-06-10"),
                        evidence="自治区教育厅表彰文件")],
    ("K0013", 9): [Item("J5-2", "“县管校聘”改革经验被" + REGION_PAPER + "和《自治区教育》刊发", d("2025-09-12"),
                        qty=2, evidence="报刊版面复印件", note="2篇")],
    ("K0013", 12): [Item("J7", "参与国家义务教育优质均衡发展县创建迎检工作", d("2025-12-03"),
                         evidence="县创建办证明")],
    ("K0015", 4): [Item("J7", "参与国家卫生县城复审工作，包联城关镇三条街巷环境整治", d("2025-04-22"),
                        evidence="县爱卫办证明")],
    ("K0015", 10): [Item("J1-7", "负责的基层医疗卫生服务能力提升工作获云州市表彰", d("2025-10-15"),
                         evidence="云州市卫生健康委表彰通报")],
    ("H0001", 3): [Item("J6", "参加“学雷锋”志愿服务月活动，到城关镇东风社区开展义务清扫", d("2025-03-05"),
                        evidence="活动照片及社区证明")],
    ("H0001", 6): [Item("J5-3", "重点项目建设进展信息被" + CITY_PAPER + "刊发2篇", d("2025-06-19"), qty=2,
                        evidence="报纸版面复印件", note="2篇")],
    ("H0001", 10): [Item("J1-4", "被评为全县重点项目建设先进个人", d("2025-10-09"), evidence="县委、县政府表彰决定")],
    # --- 2024 annual rankings in the city: J4 items, 0.5 points for a third place ----------------
    ("K0025", 1): [Item("J4-3", "负责的食品安全工作在2024年度全市单项工作考核中排名第三", d("2025-01-24"),
                        evidence="云州市考核结果通报")],
    ("K0004", 2): [Item("J4-3", "负责的财政管理工作在2024年度全市单项工作考核中排名第三", d("2025-02-14"),
                        evidence="云州市考核结果通报")],
    ("K0018", 2): [Item("J4-1", "负责的高标准农田建设工作在2024年度全市单项工作考核中排名第一",
                        d("2025-02-14"), evidence="云州市考核结果通报")],
    ("K0020", 3): [Item("J4-2", "负责的耕地保护工作在2024年度全市单项工作考核中排名第二", d("2025-03-06"),
                        evidence="云州市考核结果通报")],
    # --- a rare self-declared penalty -----------------------------------------------------------
    ("K0007", 11): [Item("K4", "在全县冬季安全生产工作会议上因辖区隐患整改滞后被县委主要领导点名批评",
                         d("2025-11-13"), note="本人如实申报")],
    ("K0024", 2): [Item("J6", "参加春节前走访慰问困难群众志愿服务活动", d("2025-02-06"),
                        evidence="活动照片")],
    # --- the duplicate copy (mistake 8) must have items ----------------------------------------
    ("K0003", 4): [Item("J6", "参加无偿献血志愿服务活动", d("2025-04-09"), evidence="无偿献血证复印件")],
    # --- deliberate mistakes in item rows ---------------------------------------------------------
    ("K0002", 2): [Item("J9", "参加全县招商引资推介会并促成签约项目1个", d("2025-02-26"), score=2,
                        name="招商引资", evidence="签约仪式照片",
                        mistake=("项目代码", "错误", "项目代码J9不在积分规则中（未知代码），该行不计分"))],
    ("K0026", 3): [Item("A1", "按时参加理论学习中心组学习，撰写心得体会3篇", d("2025-03-20"), score=1,
                        name="学习党章党规和讲话精神", evidence="学习笔记",
                        mistake=("项目代码", "错误", "A1为基础积分项目，不可自主申报（由组织部登记扣分）"))],
    ("K0016", 6): [Item("J6", "参加“七一”走访慰问困难党员活动", d("2025-07-05"), evidence="活动照片",
                        mistake=("发生日期", "错误", "发生日期2025-07-05晚于申报月份2025年6月"))],
    ("K0019", 7): [Item("J5-3", "高标准农田建设经验被" + CITY_PAPER + "刊发", d("2025-07-16"), qty=-1, score=-1,
                        evidence="报纸版面复印件",
                        mistake=("数量", "错误", "数量为-1，须为正数"))],
    ("K0022", 5): [Item("J5-2", "耕地保护“田长制”做法被" + REGION_PAPER + "报道", d("2025-05-13"), score=3,
                        evidence="报纸版面复印件",
                        mistake=("申报分值", "警告", "申报分值3与规则分值2（J5-2 × 1）不符，按规则计"))],
    ("H0005", 9): [Item("J6", "参加教师节走访慰问乡村教师志愿服务活动", d("2025-09-10"), evidence="",
                        mistake=("佐证材料", "警告", "J6需佐证，佐证材料为空，提示审核人"))],
    ("K0014", 4): [Item("J7", "参与国家义务教育优质均衡发展县创建资料整理工作", d("2025-04-11"),
                        evidence="县创建办证明")],
    ("K0027", 8): [Item("J6", "参加“清河行动”河道垃圾清理志愿服务", d("2025-08-10"),
                        evidence="活动照片及县河长办证明")],
}

# Reserve cadres' annual assessment comes from their units, so they declare J2 themselves (January).
J2_DECLARED = ["H0001", "H0003", "H0006", "H0009", "H0011"]

# File-level deliberate mistakes and normalisation cases (干部编号, month) → what is special.
NAME_MISMATCH = ("K0014", 4, "刘洋")         # roster: 刘阳
MONTH_MISSING = ("K0027", 8)                  # 申报月份 left empty
DUPLICATE = ("K0003", 4)                      # copied byte for byte into 申报表/重复提交/
LOCK_FILE = ("K0001", 3)                      # Excel's lock file beside it
UNKNOWN_CADRE = ("K0099", "陈晓东", "县文化广电体育和旅游局", 6,
                 [Item("J6", "参加全民健身日志愿服务活动", d("2025-06-14"), evidence="活动照片")])
FULLWIDTH_ID = ("K0006", 2)                   # 干部编号 typed as Ｋ０００６ (NFKC → K0006): not an error
NBSP_NAME = ("K0010", 5)                      # "何春梅\u00a0" and " 青石镇 ": not an error


@dataclass
class Reg:
    """One register row; 数量 of a base item is the number of points deducted."""
    cid: str
    month: int
    code: str
    desc: str
    day: str
    qty: float
    basis: str
    same: str = ""


INSPECT = "巡访记录（2025年第{}轮）"
ASSESS = "县委组织部关于2024年度考核结果的通知"

# Registers.  K0017 is at the bottom in all four quarters, K0024 in Q2–Q4; K0009's D1 is
# over-deducted in Q1 (3 + 4 > 上限 5).  Everybody else loses at most a point now and then.
REGISTER = [
    # Q1
    Reg("K0004", 1, "J2", "2024年度考核确定为“优秀”等次", "2025-01-15", 1, ASSESS, "2024年度考核"),
    Reg("K0010", 1, "J2", "2024年度考核确定为“优秀”等次", "2025-01-15", 1, ASSESS, "2024年度考核"),
    Reg("K0013", 1, "J2", "2024年度考核确定为“优秀”等次", "2025-01-15", 1, ASSESS, "2024年度考核"),
    Reg("K0017", 1, "K3", "2024年度考核确定为“不合格”等次", "2025-01-15", 1, ASSESS, "2024年度考核"),
    Reg("K0017", 2, "A1", "巡访发现理论学习笔记缺失，未按要求参加中心组学习", "2025-02-18", 3, INSPECT.format(1)),
    Reg("K0003", 2, "A1", "巡访发现个人学习记录不全", "2025-02-18", 1, INSPECT.format(1)),
    Reg("K0009", 2, "D1", "巡访了解到处理邻里纠纷态度粗暴，群众反映较大", "2025-02-20", 3, INSPECT.format(1)),
    Reg("K0017", 3, "B2", "两次无故缺席所在支部组织生活会", "2025-03-12", 2, INSPECT.format(1)),
    Reg("K0009", 3, "D1", "在公共场所言行失当，造成不良影响", "2025-03-26", 4, INSPECT.format(1)),
    Reg("H0012", 3, "C1", "结对帮扶户走访记录缺失", "2025-03-27", 1, INSPECT.format(1)),
    # Q2
    Reg("K0017", 4, "B1", "违规使用公务车辆办理私事，经核实属实", "2025-04-17", 2, INSPECT.format(2)),
    Reg("K0024", 4, "C1", "未按要求开展结对帮扶走访", "2025-04-18", 2, INSPECT.format(2)),
    Reg("K0017", 5, "C2", "防汛值守期间擅自离岗", "2025-05-09", 3, "县防汛抗旱指挥部督查通报"),
    Reg("K0023", 5, "K5-1", "县住建局城镇燃气安全整治工作被县政府通报批评（主要领导）", "2025-05-22", 1,
        "云溪县人民政府办公室通报〔2025〕12号"),
    Reg("K0024", 5, "K5-2", "县住建局城镇燃气安全整治工作被县政府通报批评（分管领导）", "2025-05-22", 1,
        "云溪县人民政府办公室通报〔2025〕12号"),
    Reg("H0008", 5, "K5-3", "县住建局城镇燃气安全整治工作被县政府通报批评（直接责任人）", "2025-05-22", 1,
        "云溪县人民政府办公室通报〔2025〕12号"),
    Reg("K0026", 5, "A3", "巡访中群众反映窗口服务态度生硬", "2025-05-28", 1, INSPECT.format(2)),
    Reg("K0024", 6, "B2", "连续三个月未按时足额交纳党费", "2025-06-10", 3, INSPECT.format(2)),
    Reg("K0017", 6, "K1", "未按县委要求推进自然资源领域问题整改，工作推进不力", "2025-06-20", 1,
        "县委督查室督查通报"),
    # Q3
    Reg("K0017", 7, "A3", "群众反映办事推诿，服务意识不强", "2025-07-15", 2, INSPECT.format(3)),
    Reg("K0024", 7, "K6-2", "违规操办亲属宴席被通报批评", "2025-07-22", 1, "县纪委监委通报"),
    Reg("K0017", 8, "K4", "在全县项目建设推进会上被县委主要领导点名批评", "2025-08-06", 1, "会议纪要"),
    Reg("K0024", 8, "A1", "未按要求完成党的创新理论学习任务", "2025-08-19", 3, INSPECT.format(3)),
    Reg("K0019", 8, "C1", "结对帮扶台账更新不及时", "2025-08-19", 1, INSPECT.format(3)),
    Reg("K0024", 9, "C2", "森林防火关键期值守不在岗", "2025-09-03", 3, "县森林防火指挥部督查通报"),
    Reg("K0017", 9, "C1", "未参加包联村矛盾纠纷排查化解工作", "2025-09-16", 3, INSPECT.format(3)),
    Reg("K0006", 9, "J3", "抽调参与全县项目建设攻坚百日行动，成绩突出", "2025-09-28", 1,
        "县项目攻坚指挥部考核意见"),
    # Q4
    Reg("K0017", 10, "B2", "未按规定参加所在支部“三会一课”", "2025-10-14", 3, INSPECT.format(4)),
    Reg("K0024", 10, "D2", "操办婚丧喜庆事宜铺张浪费，未带头移风易俗", "2025-10-20", 2, INSPECT.format(4)),
    Reg("H0004", 10, "A1", "巡访发现学习强国学习长期不达标", "2025-10-20", 1, INSPECT.format(4)),
    Reg("K0017", 11, "K6-3", "因履职不到位被县纪委监委提醒谈话", "2025-11-05", 1, "县纪委监委谈话记录"),
    Reg("K0024", 11, "K1", "不服从县委安排，老旧小区改造工作推进不力", "2025-11-18", 1, "县委督查室督查通报"),
    Reg("K0027", 11, "B2", "未按时参加主题党日活动", "2025-11-25", 1, INSPECT.format(4)),
    Reg("K0017", 12, "A1", "巡访发现未认真组织分管领域干部理论学习", "2025-12-09", 2, INSPECT.format(4)),
]
REGISTER_CLERKS = ["赵敏", "孙丽"]

# History (历年结果): per year and group, who is 先进 (top ranks, in order) and 末位 (bottom ranks).
# K0017 is 末位 in 2023 and 2024 (and at the bottom in 2025 → 调整岗位或降职);
# K0024 is 末位 in 2024 only (→ 诫勉谈话 when 末位 again in 2025).
HISTORY = {
    (2023, K): (["K0013", "K0001", "K0006", "K0015"], ["K0017"]),
    (2024, K): (["K0004", "K0013", "K0010", "K0001", "K0011"], ["K0024", "K0017"]),
    (2023, H): (["H0001", "H0006"], ["H0007"]),
    (2024, H): (["H0003", "H0001"], ["H0010"]),
}
HISTORY_MIDDLE = {(2023, K): {"K0024": 22}}   # fixed ranks of a few cadres in the middle

# =============================================================================================
# Roster helpers
# =============================================================================================


def month_end(month: int) -> date:
    return date(YEAR, month, calendar.monthrange(YEAR, month)[1])


def roster_row_on(cid: str, day: date):
    """The roster row of `cid` valid on `day`, or None."""
    for row in ROSTER:
        if row[0] != cid:
            continue
        start = d(row[5]) if row[5] else date.min
        end = d(row[6]) if row[6] else date.max
        if start <= day <= end:
            return row
    return None


def cadre_ids() -> list[str]:
    seen: list[str] = []
    for row in ROSTER:
        if row[0] not in seen:
            seen.append(row[0])
    return seen


def name_of(cid: str) -> str:
    return next(row[1] for row in ROSTER if row[0] == cid)


def on_roster_months(cid: str, year: int) -> int:
    """Months of `year` at whose last day the cadre is on the roster (history eligibility)."""
    count = 0
    for m in range(1, 13):
        last = date(year, m, calendar.monthrange(year, m)[1])
        if any(row[0] == cid and (not row[5] or d(row[5]) <= last)
               and (not row[6] or last <= d(row[6])) for row in ROSTER):
            count += 1
    return count


def group_at_year_end(cid: str, year: int) -> str | None:
    row = roster_row_on(cid, date(year, 12, 31))
    return row[4] if row else None


# =============================================================================================
# Planning: what goes into which file (no I/O)
# =============================================================================================


@dataclass
class Declaration:
    cid: str
    name: str
    unit: str
    month: int
    items: list[Item]
    layout: str
    folder: str = ""                 # relative folder under the target
    id_text: str | None = None       # 干部编号 as written (default cid)
    name_text: str | None = None     # 姓名 as written (default name)
    unit_text: str | None = None
    month_missing: bool = False
    file_mistakes: list[tuple[str, str, str]] = field(default_factory=list)  # (field, 级别, problem)
    notes: list[tuple[str, str]] = field(default_factory=list)               # (field, remark)

    @property
    def relpath(self) -> str:
        return f"{self.folder}/{self.cid}_{self.name}_{YEAR}-{self.month:02d}.xlsx"


def filler_items(rng: random.Random, cid: str, unit: str, month: int) -> list[Item]:
    """0–3 ordinary items, drawn so the average cadre declares a few items a year."""
    rate = ACTIVITY.get(cid, DEFAULT_ACTIVITY)
    count = sum(rng.random() < rate / 3 for _ in range(3))
    codes = list(FILLER)
    weights = [FILLER[c][0] for c in codes]
    items = []
    for _ in range(count):
        code = rng.choices(codes, weights)[0]
        text, evidence = rng.choice(FILLER[code][1])
        theme = rng.choice(THEMES[unit])
        desc = text.format(t=theme, city=CITY_PAPER, region=REGION_PAPER)
        qty = 2 if code.startswith("J5") and rng.random() < 0.25 else 1
        day = date(YEAR, month, rng.randint(1, 28))
        note = "2篇" if qty == 2 else ""
        items.append(Item(code, desc, day, qty=qty, evidence=evidence, note=note))
    return items


def plan_declarations(rng: random.Random) -> list[Declaration]:
    """One declaration per cadre per month on the roster, minus the skipped months."""
    forced = set(SPECIAL_ITEMS) | {(c, 1) for c in J2_DECLARED} | {
        NAME_MISMATCH[:2], MONTH_MISSING, DUPLICATE, LOCK_FILE, FULLWIDTH_ID, NBSP_NAME}
    out = []
    for cid in cadre_ids():
        for month in range(1, 13):
            row = roster_row_on(cid, month_end(month)) or roster_row_on(cid, date(YEAR, month, 1))
            if row is None:
                continue
            # draw even for skipped months so one change does not reshuffle everything after it
            skip = rng.random() < SKIP_CHANCE
            filler = filler_items(rng, cid, row[2], month)
            if (cid, month) not in forced and (skip or (cid, month) in FORCED_SKIPS):
                continue
            items = list(SPECIAL_ITEMS.get((cid, month), []))
            if month == 1 and cid in J2_DECLARED:
                items.insert(0, Item("J2", "2024年度考核确定为“优秀”等次", d("2025-01-20"),
                                     evidence="单位年度考核结果通知", note="2024年度考核优秀"))
            if cid not in ("K0017", "K0024") and not any(i.mistake for i in items):
                items += filler
            items = items[:4]
            out.append(Declaration(cid, row[1], row[2], month, items, UNIT_LAYOUT[row[2]],
                                   folder=f"申报表/{YEAR}-{month:02d}"))
    for dec in out:
        key = (dec.cid, dec.month)
        if key == NAME_MISMATCH[:2]:
            dec.name_text = NAME_MISMATCH[2]
            problem = f"姓名“{NAME_MISMATCH[2]}”与干部编号{dec.cid}在名册中的姓名“{dec.name}”不符"
            dec.file_mistakes.append(("姓名", "错误", problem))
        if key == MONTH_MISSING:
            dec.month_missing = True
            dec.layout = "A"
            dec.file_mistakes.append(("申报月份", "错误", "申报月份为空，整份申报表的事项无法归期，不计分"))
        if key == FULLWIDTH_ID:
            dec.id_text = "".join(chr(ord(c) + 0xFEE0) for c in dec.cid)
            dec.notes.append(("干部编号", f"全角“{dec.id_text}”，规范化后为{dec.cid}，不是错误"))
        if key == NBSP_NAME:
            dec.name_text = dec.name + "\u00a0"
            dec.unit_text = f" {dec.unit} "
            dec.notes.append(("姓名", "姓名后带不间断空格、单位前后带空格，规范化后匹配，不是错误"))
    cid, name, unit, month, items = UNKNOWN_CADRE
    unknown = Declaration(cid, name, unit, month, items, "A", folder=f"申报表/{YEAR}-{month:02d}")
    unknown.file_mistakes.append(("干部编号", "错误", f"干部编号{cid}不在干部名册中，该表事项不计分"))
    out.append(unknown)
    return out


def history_rows(rng: random.Random) -> list[tuple]:
    """Ranks for 2023 and 2024 per group; 先进/末位 as in HISTORY, the middle shuffled."""
    rows = []
    for year in (2023, 2024):
        for group in (K, H):
            eligible = [c for c in cadre_ids()
                        if group_at_year_end(c, year) == group and on_roster_months(c, year) >= 6]
            top, bottom = HISTORY[(year, group)]
            fixed = HISTORY_MIDDLE.get((year, group), {})
            middle = [c for c in eligible if c not in top and c not in bottom and c not in fixed]
            rng.shuffle(middle)
            order = list(top) + middle + list(bottom)
            for cid, rank in sorted(fixed.items(), key=lambda kv: kv[1]):
                order.insert(rank - 1, cid)
            for rank, cid in enumerate(order, start=1):
                band = "先进" if cid in top else "末位" if cid in bottom else ""
                rows.append((year, cid, name_of(cid), rank, band))
    return rows


# =============================================================================================
# Writing
# =============================================================================================

THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
TITLE = Font(name="方正小标宋简体", size=16)
BOLD = Font(name="宋体", size=11, bold=True)
BODY = Font(name="宋体", size=11)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP = Alignment(vertical="center", wrap_text=True)

DECL_HEADER = ["序号", "项目代码", "项目名称", "事项说明", "同一事项标识", "发生日期", "数量", "申报分值",
               "佐证材料", "备注"]
DECL_WIDTHS = [6, 9, 26, 44, 14, 12, 7, 9, 22, 16]
REG_HEADER = ["登记编号", "干部编号", "姓名", "月份", "项目代码", "事项说明", "同一事项标识", "发生日期",
              "数量", "依据", "登记人"]
REG_WIDTHS = [12, 10, 9, 10, 9, 46, 14, 12, 7, 30, 8]


def save_stable(wb: openpyxl.Workbook, path: Path) -> None:
    """Save with fixed document properties and zip timestamps, so the bytes never change."""
    wb.properties.creator = "云溪县委组织部（演示数据）"
    wb.properties.lastModifiedBy = None
    wb.properties.created = datetime(*FIXED_STAMP)
    raw = io.BytesIO()
    wb.save(raw)
    stamp = datetime(*FIXED_STAMP).strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                              rb"\g<1>" + stamp.encode() + rb"\g<2>", data)
            zi = zipfile.ZipInfo(info.filename, date_time=FIXED_STAMP)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.create_system = 0
            zi.external_attr = 0
            dst.writestr(zi, data)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(out.getvalue())


def put(ws, ref: str, value, *, font=BODY, align=None, fmt=None, merge=None, border=False):
    """Write one cell.

    Setting styles through openpyxl's descriptors hashes them on every cell, which made the
    ~480 workbooks slow; each combination is styled once per workbook and then copied.
    """
    cell = ws[ref]
    cell.value = value
    styles = ws.parent.__dict__.setdefault("_demo_styles", {})
    key = (id(font), id(align), fmt, border)    # module-level style objects: ids are stable
    if key in styles:
        cell._style = copy(styles[key])
    else:
        if font:
            cell.font = font
        if align:
            cell.alignment = align
        if fmt:
            cell.number_format = fmt
        if border:
            cell.border = BOX
        styles[key] = copy(cell._style)
    if merge:
        ws.merge_cells(f"{ref}:{merge}")
    return cell


def month_value(layout: str, month: int):
    """申报月份 as each layout writes it: text 2025年3月, text 2025-03, a real date, 2025年03月."""
    return {"A": f"{YEAR}年{month}月", "B": f"{YEAR}-{month:02d}",
            "C": datetime(YEAR, month, 1), "D": f"{YEAR}年{month:02d}月"}[layout]


def day_value(layout: str, day: date):
    """发生日期: a real date, or text 2025-03-15 (layout B), or 2025/3/15 (layout D)."""
    if layout == "B":
        return day.isoformat()
    if layout == "D":
        return f"{day.year}/{day.month}/{day.day}"
    return datetime(day.year, day.month, day.day)


def write_fields(ws, dec: Declaration) -> dict[str, str]:
    """The labelled fields, laid out per dec.layout; returns field → value cell, and header row."""
    cid = dec.id_text or dec.cid
    name = dec.name_text or dec.name
    unit = dec.unit_text or dec.unit
    mval = None if dec.month_missing else month_value(dec.layout, dec.month)
    if dec.layout == "A":      # label | value pairs on two rows (like the shipped sample)
        title = f"{COUNTY}科级领导干部及后备干部日常积分申报表"
        title += "" if dec.month_missing else f"（{YEAR}年{dec.month}月）"
        put(ws, "A1", title, font=TITLE, align=CENTER, merge="J1")
        for ref, label, value in [("A2", "干部编号", cid), ("C2", "姓名", name), ("E2", "单位", unit),
                                  ("A3", "申报月份", mval)]:
            put(ws, ref, label, font=BOLD)
            col = chr(ord(ref[0]) + 1)
            put(ws, f"{col}{ref[1:]}", value)
        ws.merge_cells("F2:H2")
        return {"干部编号": "B2", "姓名": "D2", "单位": "F2", "申报月份": "B3", "header": 5}
    if dec.layout == "B":      # "label：value" in one merged cell, a note row above
        put(ws, "A1", "干部日常积分申报表", font=TITLE, align=CENTER, merge="J1")
        put(ws, "A2", "填报说明：项目代码按《积分规则》填写；同一事项多次获得表彰的，请填写相同的同一事项标识。",
            merge="J2")
        put(ws, "A3", f"干部编号：{cid}", merge="C3")
        put(ws, "D3", f"姓名：{name}", merge="E3")
        put(ws, "F3", f"单位：{unit}", merge="H3")
        put(ws, "I3", f"申报月份：{mval}" if mval else "申报月份：", merge="J3")
        return {"干部编号": "A3", "姓名": "D3", "单位": "F3", "申报月份": "I3", "header": 5}
    if dec.layout == "C":      # "label：" then the value one or two cells further right
        put(ws, "A1", f"{COUNTY}干部日常积分月度申报表", font=TITLE, align=CENTER, merge="J1")
        put(ws, "A2", "单位：", font=BOLD)
        put(ws, "B2", unit, merge="D2")
        put(ws, "G2", "申报月份：", font=BOLD)
        put(ws, "I2", mval, fmt='yyyy"年"m"月"')
        put(ws, "A3", "干部编号：", font=BOLD)
        put(ws, "C3", cid)
        put(ws, "E3", "姓名：", font=BOLD)
        put(ws, "F3", name, merge="G3")
        put(ws, "J4", "（分值单位：分）", align=Alignment(horizontal="right"))
        return {"干部编号": "C3", "姓名": "F3", "单位": "B2", "申报月份": "I2", "header": 6}
    # "D": labels down column A, values in B, a template with pre-numbered empty rows
    put(ws, "A1", f"科级领导干部及后备干部积分申报表（{YEAR}年度）", font=TITLE, align=CENTER, merge="J1")
    for r, (label, value) in enumerate([("干部编号", cid), ("姓名", name), ("单位", unit),
                                        ("申报月份", mval)], start=3):
        put(ws, f"A{r}", label, font=BOLD)
        put(ws, f"B{r}", value, merge=f"D{r}")
    return {"干部编号": "B3", "姓名": "B4", "单位": "B5", "申报月份": "B6", "header": 8}


def write_declaration(dec: Declaration, path: Path, found: list) -> None:
    """One cadre's monthly declaration; records the cells of its deliberate mistakes in `found`."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "积分申报表"
    cells = write_fields(ws, dec)
    head = cells["header"]
    for col, (label, width) in enumerate(zip(DECL_HEADER, DECL_WIDTHS), start=1):
        letter = get_column_letter(col)
        put(ws, f"{letter}{head}", label, font=BOLD, align=CENTER, border=True)
        ws.column_dimensions[letter].width = width
    row = head
    for seq, item in enumerate(dec.items, start=1):
        row = head + seq
        name = item.name or (POINTS.get(item.code) or BASE.get(item.code, ("", 0)))[0]
        score = item.score if item.score is not None else POINTS[item.code][1] * item.qty
        values = [seq, item.code, name, item.desc, item.same or None,
                  day_value(dec.layout, item.day), item.qty, score, item.evidence or None,
                  item.note or None]
        for col, value in enumerate(values, start=1):
            fmt = "yyyy-mm-dd" if isinstance(value, datetime) else None
            put(ws, f"{get_column_letter(col)}{row}", value, align=WRAP, fmt=fmt, border=True)
        if item.mistake:
            column, level, problem = item.mistake
            ref = f"{get_column_letter(DECL_HEADER.index(column) + 1)}{row}"
            found.append((dec.relpath, ref, level, problem))
    if dec.layout == "D":      # the template's pre-numbered rows the cadre left empty
        for seq in range(len(dec.items) + 1, 6):
            row = head + seq
            for col in range(1, len(DECL_HEADER) + 1):
                put(ws, f"{get_column_letter(col)}{row}", seq if col == 1 else None, border=True)
    row += 2
    put(ws, f"A{row}", "本人承诺以上申报内容真实准确。", merge=f"E{row}")
    if dec.layout == "D":
        put(ws, f"A{row + 1}", "申报人签字：")
        put(ws, f"F{row + 1}", "日期：")
    else:
        put(ws, f"F{row}", "申报人签字：")
        put(ws, f"H{row}", "日期：")
    for fld, level, problem in dec.file_mistakes:
        found.append((dec.relpath, cells[fld], level, problem))
    for fld, remark in dec.notes:
        found.append((dec.relpath, cells[fld], "无", remark))
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    save_stable(wb, path)


def evidence_files(declarations: list) -> dict[str, str]:
    """Scans handed in with three declarations in four, in a folder named after the declaration:
    `<申报表文件名>/<序号>-<佐证材料>.pdf` (the fourth shows what a text-only 佐证材料 looks like)."""
    out = {}
    for i, dec in enumerate(sorted(declarations, key=lambda x: x.relpath)):
        if i % 4 == 3:
            continue
        stem = Path(dec.relpath).with_suffix("").as_posix()
        for seq, item in enumerate(dec.items, start=1):
            if item.evidence and item.code.startswith("J"):
                name = re.sub(r'[\\/:*?"<>|（）()〔〕\s]+', "", item.evidence)[:20]
                out[f"{stem}/{seq}-{name}.pdf"] = f"{dec.cid} {YEAR}-{dec.month:02d} item {seq}"
    return out


def pdf_bytes(text: str) -> bytes:
    """A one-page PDF showing `text` (ASCII), standing in for a scanned document."""
    stream = f"BT /F1 14 Tf 72 760 Td (Demo evidence scan: {text}) Tj ET".encode("ascii")
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


QUARTER_CN = {1: "一", 2: "二", 3: "三", 4: "四"}


def register_month(quarter: int, month: int):
    """月份 as each quarter's clerk wrote it: 2025-01, 2025年4月, a real date, 2025-10."""
    if quarter == 2:
        return f"{YEAR}年{month}月"
    if quarter == 3:
        return datetime(YEAR, month, 1)
    return f"{YEAR}-{month:02d}"


def write_register(quarter: int, rows: list[tuple[str, Reg]], path: Path) -> None:
    """One quarter's 组织部登记表; Q2 has an extra note row above the header."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "积分登记表"
    put(ws, "A1", f"中共{COUNTY}委组织部干部日常积分登记表（{YEAR}年第{QUARTER_CN[quarter]}季度）",
        font=TITLE, align=CENTER, merge="K1")
    head = 2
    if quarter == 2:
        put(ws, "A2", "说明：基础积分项目“数量”填写扣分数；奖励、惩戒项目“数量”填写次数（篇数）。", merge="K2")
        head = 3
    for col, (label, width) in enumerate(zip(REG_HEADER, REG_WIDTHS), start=1):
        letter = get_column_letter(col)
        put(ws, f"{letter}{head}", label, font=BOLD, align=CENTER, border=True)
        ws.column_dimensions[letter].width = width
    for offset, (number, reg) in enumerate(rows, start=1):
        day = d(reg.day)
        values = [number, reg.cid, name_of(reg.cid), register_month(quarter, reg.month), reg.code,
                  reg.desc, reg.same or None,
                  reg.day if quarter == 2 else datetime(day.year, day.month, day.day),
                  reg.qty, reg.basis, REGISTER_CLERKS[offset % 2]]
        for col, value in enumerate(values, start=1):
            fmt = None
            if isinstance(value, datetime):
                fmt = "yyyy-mm" if col == 4 else "yyyy-mm-dd"
            ref = f"{get_column_letter(col)}{head + offset}"
            put(ws, ref, value, align=WRAP, fmt=fmt, border=True)
    ws.freeze_panes = f"A{head + 1}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    save_stable(wb, path)


def write_roster(path: Path) -> None:
    """The roster, with a title row above the header, a 序号 and a 备注 column the reader ignores."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "干部名册"
    header = ["序号", "干部编号", "姓名", "单位", "职务", "干部类别", "排名分组", "在册起始日期", "在册截止日期",
              "备注"]
    widths = [6, 10, 9, 20, 18, 14, 14, 14, 14, 22]
    put(ws, "A1", f"{COUNTY}科级领导干部及后备干部名册", font=TITLE, align=CENTER, merge="J1")
    put(ws, "A2", f"制表单位：中共{COUNTY}委组织部　　　　统计截至：{YEAR}年12月31日", merge="J2")
    for col, (label, width) in enumerate(zip(header, widths), start=1):
        letter = get_column_letter(col)
        put(ws, f"{letter}3", label, font=BOLD, align=CENTER, border=True)
        ws.column_dimensions[letter].width = width
    for i, (cid, name, unit, post, cat, start, end, group, remark) in enumerate(ROSTER, start=1):
        as_text = i % 3 == 0          # every third row keeps its dates as text, as typed
        dates = [None if not t else t if as_text else d(t) for t in (start, end)]
        values = [i, cid, name, unit, post, cat, group or None, *dates, remark or None]
        for col, value in enumerate(values, start=1):
            fmt = "yyyy-mm-dd" if isinstance(value, date) else None
            put(ws, f"{get_column_letter(col)}{i + 3}", value, fmt=fmt, border=True)
    ws.freeze_panes = "A4"
    save_stable(wb, path)


def write_history(rows: list[tuple], path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "历年结果"
    header = ["年度", "干部编号", "姓名", "年度名次", "等次"]
    for col, label in enumerate(header, start=1):
        put(ws, f"{get_column_letter(col)}1", label, font=BOLD, align=CENTER, border=True)
        ws.column_dimensions[get_column_letter(col)].width = 12
    for r, values in enumerate(rows, start=2):
        for col, value in enumerate(values, start=1):
            put(ws, f"{get_column_letter(col)}{r}", value or None, border=True)
    ws.freeze_panes = "A2"
    save_stable(wb, path)


def lock_file_bytes(owner: str = "Admin") -> bytes:
    """What Excel leaves as ~$file.xlsx while a workbook is open: 165 bytes naming the owner."""
    ansi = bytes([len(owner)]) + owner.encode("ascii").ljust(53, b" ")
    wide = len(owner).to_bytes(2, "little") + owner.encode("utf-16-le")
    return (ansi + wide).ljust(165, b" ")


NOTE_TEXT = (
    "申报表收取说明\r\n"
    "1. 各单位每月5日前报送上月申报表，按月份放入对应文件夹。\r\n"
    "2. 同一干部重复报送的申报表暂放“重复提交”文件夹，核实后删除。\r\n"
    "3. 佐证材料原件由各单位留存备查。\r\n"
)

# =============================================================================================
# Stage 2: the review round trip (审核结论), filled in as the department's clerks do it
# =============================================================================================

REVIEW_DIR = "审核结论"
QUARTER_FILES = {q: f"{REVIEW_DIR}/{YEAR}年第{QUARTER_CN[q]}季度审核结论.xlsx" for q in range(1, 5)}
APPEAL_FILE = f"{REVIEW_DIR}/{YEAR}年申辩复核.xlsx"
REVIEW_RELS = [*QUARTER_FILES.values(), APPEAL_FILE]   # the only files make_demo touches in 审核结论/
# The order the clerks worked in: each file is a copy of the list the program wrote after the
# previous ones were in input/ (so a later file repeats the earlier decisions, identically, in its
# 已审核事项 sheet).  The appeal is decided on 2025-10-20, after the third quarter's review and
# before the fourth's.
REVIEW_STEPS = [("quarter", 1), ("quarter", 2), ("quarter", 3), ("appeal", None), ("quarter", 4)]

REVIEWERS = ["赵敏", "李红"]        # alternate by unit (UNIT_LAYOUT order)
REVIEW_DAY = 8                      # items of a month are reviewed on the 8th of the next month
DECIDED_THROUGH = 11                # December's items stay 待审核 (reviewed in January)


@dataclass
class Verdict:
    """A decision that is not a plain 通过; code and text guard against a changed demo."""
    code: str                  # 项目代码 the item must have
    text: str                  # … and a phrase of its 事项说明
    conclusion: str            # 通过 / 不通过 / 调整, or "" = left open (初评意见 only)
    first: str                 # 初评意见
    opinion: str = ""          # 审核意见
    reason: str = ""           # 不通过原因
    value: float | None = None  # 审核分值 (调整)


# 事项ID → the decision of the first review (初审).
REVIEW_SPECIAL = {
    # rejected for lack of evidence (the declaration's 佐证材料 is empty), passed on appeal below
    "H0005-2025-09-1": Verdict("J6", "教师节", "不通过", "未附佐证材料",
                               "未提供活动照片或组织单位证明，无法核实参加志愿服务的情况", reason="佐证不足"),
    # a fabricated award: listed in the master ledger's 弄虚作假事项 sheet
    "K0002-2025-07-1": Verdict("J1-4", "优秀党务工作者", "不通过", "未附表彰决定文号，需核对表彰名单",
                               "经核对县委表彰决定，本年度全县优秀党务工作者名单中无本人，申报内容与事实不符",
                               reason="弄虚作假"),
    # the same secondment declared twice in one month
    "K0013-2025-08-2": Verdict("J3", "第五轮巡察", "不通过", "与本月第1项内容相同",
                               "与本月第1项为同一次抽调（县委第五轮巡察），重复申报，只计一次", reason="重复申报"),
    # 2 articles declared, 1 accepted
    "H0001-2025-06-1": Verdict("J5-3", "刊发2篇", "调整", "2篇中1篇疑为转载，需核对版面",
                               "经核对报纸版面，其中1篇为转载稿件，按1篇计1分", value=1),
    # left open: the clerk is still checking with the broadcaster
    "K0020-2025-11-1": Verdict("J5-2", "广播电视台", "", "待向自治区广播电视台核实播出记录，暂缓审核"),
    "K0022-2025-11-1": Verdict("J5-2", "广播电视台", "", "待向自治区广播电视台核实播出记录，暂缓审核"),
}
# The appeal (申辩复核), edited in the 已审核事项 sheet by the other reviewer.
APPEAL_ID = "H0005-2025-09-1"
APPEAL = Verdict("J6", "教师节", "通过", "本人提出申辩，补充学校出具的活动证明及现场照片",
                 "申辩后补充佐证材料，核实属实")
APPEAL_DATE = date(YEAR, 10, 20)


def first_opinion(code: str, hint: str) -> str:
    """初评意见 of an ordinary item, by what the clerk checked."""
    if code == "J2":
        text = "已核对年度考核结果通知，属实"
    elif code.startswith("J1"):
        text = "已核对表彰文件，属实"
    elif code.startswith("J4"):
        text = "已核对考核结果通报，属实"
    elif code == "J3":
        text = "已核对抽调通知及鉴定意见，属实"
    elif code.startswith("J5"):
        text = "已核对刊发版面（截图），属实"
    elif code in ("J6", "J7"):
        text = "经所在单位核实，属实"
    elif code.startswith("K"):
        text = "本人如实申报，属实"
    else:
        text = "属实"
    if "申报分值" in hint:
        text += "；申报分值有误，按规则分值计"
    return text


def reviewer_of(unit: str) -> str:
    units = list(UNIT_LAYOUT)
    return REVIEWERS[units.index(unit) % 2] if unit in units else REVIEWERS[0]


class ListSheet:
    """One sheet of the program's review list, columns found by their header labels."""

    def __init__(self, ws):
        self.ws = ws
        for r in range(1, 11):
            labels = [c.value for c in ws[r]]
            if "事项ID" in labels and "审核结论" in labels:
                self.header = r
                self.col = {v: i + 1 for i, v in enumerate(labels) if isinstance(v, str)}
                return
        raise SystemExit(f"待审核清单的“{ws.title}”表找不到表头（事项ID、审核结论），程序的输出格式可能已变化。")

    def rows(self):
        for r in range(self.header + 1, self.ws.max_row + 1):
            if self.get(r, "事项ID"):
                yield r

    def get(self, r: int, label: str):
        return self.ws.cell(r, self.col[label]).value

    def put(self, r: int, label: str, value) -> None:
        cell = self.ws.cell(r, self.col[label])
        cell.value = value
        if isinstance(value, datetime):
            cell.number_format = "yyyy-mm-dd"

    def decide(self, r: int, v: Verdict, reviewer: str, day: date, kind: str = "初审") -> None:
        self.put(r, "初评意见", v.first)
        if not v.conclusion:
            return
        self.put(r, "审核结论", v.conclusion)
        self.put(r, "审核分值", v.value if v.conclusion == "调整" else None)
        self.put(r, "不通过原因", v.reason if v.conclusion == "不通过" else None)
        self.put(r, "审核意见", v.opinion or None)
        self.put(r, "审核人", reviewer)
        self.put(r, "审核日期", datetime(day.year, day.month, day.day))
        self.put(r, "类型", kind)

    def guard(self, r: int, iid: str, v: Verdict) -> None:
        code, desc = self.get(r, "项目代码"), str(self.get(r, "事项说明") or "")
        if code != v.code or v.text not in desc:
            raise SystemExit(f"演示数据已变化：事项 {iid} 现在是 {code}“{desc}”，"
                             f"不再是 REVIEW_SPECIAL 所指的 {v.code}“…{v.text}…”，请更新 tools/make_demo.py。")


def fill_quarter(wb, quarter: int, log: list) -> set[str]:
    """Decide the quarter's pending items (months ≤ DECIDED_THROUGH); → the special IDs seen."""
    sheet = ListSheet(wb["待审核清单"])
    months = {f"{YEAR}-{m:02d}" for m in range(3 * quarter - 2, 3 * quarter + 1) if m <= DECIDED_THROUGH}
    seen = set()
    for r in sheet.rows():
        month = str(sheet.get(r, "月份") or "")
        if month not in months:
            continue
        iid = sheet.get(r, "事项ID")
        m = int(month[5:7])
        day = date(YEAR, m + 1, REVIEW_DAY)
        reviewer = reviewer_of(sheet.get(r, "单位") or "")
        v = REVIEW_SPECIAL.get(iid)
        if v is None:
            v = Verdict(sheet.get(r, "项目代码"), "", "通过",
                        first_opinion(str(sheet.get(r, "项目代码")), str(sheet.get(r, "校验提示") or "")))
        else:
            sheet.guard(r, iid, v)
            seen.add(iid)
        sheet.decide(r, v, reviewer, day)
        log.append((QUARTER_FILES[quarter], iid, sheet.get(r, "姓名"), v.code, sheet.get(r, "事项说明"),
                    v, reviewer, day if v.conclusion else None, "初审"))
    return seen


def fill_appeal(wb, log: list) -> None:
    """Edit the rejected item's row in 已审核事项: passed on appeal, dated after the rejection."""
    sheet = ListSheet(wb["已审核事项"])
    for r in sheet.rows():
        if sheet.get(r, "事项ID") != APPEAL_ID:
            continue
        sheet.guard(r, APPEAL_ID, APPEAL)
        if sheet.get(r, "审核结论") != "不通过":
            raise SystemExit(f"演示数据：申辩的事项 {APPEAL_ID} 在重新生成的清单中不是“不通过”。")
        first = sheet.get(r, "审核人")
        reviewer = next(x for x in REVIEWERS if x != first)
        sheet.decide(r, APPEAL, reviewer, APPEAL_DATE, kind="申辩复核")
        log.append((APPEAL_FILE, APPEAL_ID, sheet.get(r, "姓名"), APPEAL.code, sheet.get(r, "事项说明"),
                    APPEAL, reviewer, APPEAL_DATE, "申辩复核"))
        return
    raise SystemExit(f"演示数据：重新生成的清单的“已审核事项”表中没有事项 {APPEAL_ID}。")


def keep_own_rows(wb, keep) -> None:
    """Delete the rows of both sheets that are not this file's own (keep(月份, 事项ID) is False):
    each quarter's file then holds only its quarter's items and decisions, and the appeal file
    only the appealed item, so a clerk looking for a decision finds it in one place."""
    for name in ("待审核清单", "已审核事项"):
        sheet = ListSheet(wb[name])
        for r in reversed(list(sheet.rows())):
            if not keep(str(sheet.get(r, "月份") or ""), sheet.get(r, "事项ID")):
                sheet.ws.delete_rows(r)


def in_quarter(quarter: int):
    """keep_own_rows's test for a quarter's file: the row's month is in that quarter."""
    months = {f"{YEAR}-{m:02d}" for m in range(3 * quarter - 2, 3 * quarter + 1)}
    return lambda month, _iid: month in months


def run_program(inp: Path, out: Path):
    """The real pipeline on the demo; stops on anything wrong with the decision files."""
    from jifen import pipeline
    from jifen.outputs import review_list

    res = pipeline.run(pipeline.Options(input_dir=inp, output_dir=out, rulebook=ROOT / "rulebook.xlsx",
                                        archive_dir=out.parent / "archive"))
    if res.fatal or (res.log and res.log.failed):
        raise SystemExit("运行积分程序失败：" + "；".join(res.fatal + [f"{p}：{m}" for p, m in res.log.failed]))
    bad = [p for p in res.problems if p.file.startswith(REVIEW_DIR + "/")]
    if bad:
        raise SystemExit("生成的审核结论有问题：" + "；".join(f"{p.file} {p.cell} {p.message}" for p in bad))
    return res, review_list.list_path(out, YEAR)


def make_review_decisions(target: Path, inputs: list[str]) -> tuple[list, dict]:
    """Fill the program's review list quarter by quarter and the appeal, into target/审核结论/.

    The program runs on a private copy of the generated `inputs` (relative paths), so files a
    clerk added to the target cannot change the result.  → (decision log, final balance).
    """
    log: list = []
    seen: set[str] = set()
    with tempfile.TemporaryDirectory(prefix="jifen-demo-") as tmp:
        inp, out = Path(tmp) / "input", Path(tmp) / "output"
        for rel in sorted(inputs):
            if (target / rel).is_file():
                (inp / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(target / rel, inp / rel)
        for kind, quarter in REVIEW_STEPS:
            print(f"审核结论：运行积分程序，填写 {QUARTER_FILES[quarter] if quarter else APPEAL_FILE} …", flush=True)
            _res, list_file = run_program(inp, out)
            wb = openpyxl.load_workbook(list_file)
            if kind == "quarter":
                seen |= fill_quarter(wb, quarter, log)
                rel = QUARTER_FILES[quarter]
                keep_own_rows(wb, in_quarter(quarter))
            else:
                fill_appeal(wb, log)
                rel = APPEAL_FILE
                keep_own_rows(wb, lambda _month, iid: iid == APPEAL_ID)
            save_stable(wb, target / rel)
            (inp / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(target / rel, inp / rel)
        missing = sorted(set(REVIEW_SPECIAL) - seen)
        if missing:
            raise SystemExit(f"演示数据已变化：待审核清单中找不到事项 {'、'.join(missing)}，请更新 REVIEW_SPECIAL。")
        res, _ = run_program(inp, out)         # the result a clerk sees on the first double-click
        return log, res.balance()


def reviews_markdown(log: list, balance: dict) -> str:
    """The section of demo_mistakes.md that lists the review decisions."""
    plain: dict[str, int] = {}
    lines = ["", "## 审核结论（演示审核流程）", "",
             (f"`审核结论/` 中的 {len(REVIEW_RELS)} 个文件由 `tools/make_demo.py` 的第二步生成（`--no-reviews` 不生成）："
              f"运行程序，把它生成的待审核清单复制后填写，每份都是放入前一份后重新生成的清单；每个季度的文件只保留"
              f"本季度月份的行（其他季度的行已删去），所以每个结论只在一个文件中；申辩复核文件只保留申辩的那一行。"),
             "",
             (f"- 1–{DECIDED_THROUGH}月的申报事项除下表所列外均为“通过”（类型“初审”，初评意见如“经所在单位核实，属实”），"
              f"审核日期为事项所属月份的下月{REVIEW_DAY}日，审核人按单位轮流为{'、'.join(REVIEWERS)}；"),
             f"- {DECIDED_THROUGH + 1}月的事项和下表中两项{DECIDED_THROUGH}月事项未审核，保持“待审核”；",
             "- 这些文件不应在校验报告中产生任何问题（“文件”在 `审核结论/` 下的问题应为零）。",
             "", "| 文件 | 事项ID | 干部 | 项目 | 事项说明 | 审核 |", "|---|---|---|---|---|---|"]
    for rel, iid, name, code, desc, v, reviewer, day, kind in log:
        if iid not in REVIEW_SPECIAL and kind == "初审":
            plain[rel] = plain.get(rel, 0) + 1
            continue
        if not v.conclusion:
            what = f"未审核（初评意见：{v.first}），保持待审核"
        else:
            what = v.conclusion
            if v.conclusion == "不通过":
                what += f"（{v.reason}）"
            if v.conclusion == "调整":
                what += f"为 {v.value:g} 分"
            what += f"，{kind}，{reviewer} {day.isoformat()}：{v.opinion}"
        lines.append(f"| `{rel}` | {iid} | {name} | {code} | {desc} | {what} |")
    lines += ["", "- 其余“通过”的事项：" + "；".join(f"`{rel}` {n} 项" for rel, n in plain.items()) + "；",
              (f"- 申辩复核：`{APPEAL_FILE}` 是放入前三季度审核结论后重新生成的清单（只保留申辩的一行），在其“已审核事项”表中把 "
               f"{APPEAL_ID} 一行改为“通过”、类型“申辩复核”、审核日期 {APPEAL_DATE.isoformat()}"
               f"（由原审核人以外的审核人复核）；程序应生成 `output/申辩答复/` 下的答复书，"
               f"弄虚作假的事项应列入 `output/台账/积分总台账_{YEAR}.xlsx` 的“弄虚作假事项”表；"),
              (f"- 预期运行结果：读到 {balance['items_read']} = 计分 {balance['计分']} + 待审核 {balance['待审核']} "
               f"+ 不通过 {balance['不通过']} + 无效 {balance['无效']}。")]
    return "\n".join(lines) + "\n"


# =============================================================================================
# Cleaning the target safely
# =============================================================================================

OWN_PATTERNS = [
    re.compile(rf"^申报表/({YEAR}-\d{{2}}|重复提交)/(~\$)?[A-Z]\d{{4}}_[^/]+_{YEAR}-\d{{2}}\.xlsx$"),
    re.compile(r"^申报表/说明\.txt$"),
    re.compile(rf"^登记表/组织部登记表_{YEAR}年第[1-4]季度\.xlsx$"),
    re.compile(r"^历史结果/历年结果\.xlsx$"),
    re.compile(r"^干部名册\.xlsx$"),
]
OWN_DIRS = ["申报表", "登记表", "历史结果"]


def clean_target(target: Path, planned: set[str]) -> int:
    """Delete the files this script produces (planned, or matching its own naming patterns).

    Only regular files inside `target` with suffix .xlsx/.txt/.pdf are considered, symlinks are
    never followed, and folders other than OWN_DIRS are never entered: in 审核结论/ only the exact
    paths in `planned` (REVIEW_RELS) are deleted, whatever else a clerk keeps there.
    """
    root = target.resolve()
    removed = 0
    candidates = [target / rel for rel in sorted(planned)]
    for sub in OWN_DIRS:
        base = target / sub
        if base.is_dir() and not base.is_symlink():
            candidates += sorted(p for p in base.rglob("*") if p.is_file())
    for path in candidates:
        if path.is_symlink() or not path.is_file():
            continue
        rel = path.relative_to(target).as_posix()
        if path.suffix.lower() not in (".xlsx", ".txt", ".pdf"):
            continue
        if rel not in planned and not any(p.match(rel) for p in OWN_PATTERNS):
            continue
        if root not in path.resolve().parents:
            raise SystemExit(f"拒绝删除目标文件夹以外的文件：{path}")
        path.unlink()
        removed += 1
    # drop the folders this script makes when they are left empty (deepest first)
    folders = {parent for rel in planned for parent in Path(rel).parents if parent != Path(".")}
    for folder in sorted(folders, key=lambda p: len(p.parts), reverse=True):
        path = target / folder
        if path.is_dir() and not path.is_symlink() and not any(path.iterdir()):
            path.rmdir()
    return removed


def check_planned(target: Path, planned: set[str]) -> None:
    """Refuse to write through a symlink: every planned file must land inside the target."""
    root = target.resolve()
    for rel in sorted(planned):
        path = target / rel
        parent = path.parent.resolve()
        if path.is_symlink() or root not in (parent, *parent.parents) or (
                path.exists() and not path.is_file()):
            raise SystemExit(f"拒绝写入：{path} 是符号链接、不是普通文件或位于目标文件夹以外，请先移走它。")


def check_target(target: Path) -> None:
    """Refuse obviously wrong targets (a filesystem root, the home folder, the project itself)."""
    resolved = target.resolve()
    forbidden = {Path("/").resolve(), Path.home().resolve(), ROOT}
    if resolved in forbidden or resolved == Path(resolved.anchor):
        raise SystemExit(f"拒绝写入：{resolved} 不能作为演示数据目录，请指定一个专用文件夹（如 input/）。")
    if target.exists() and not target.is_dir():
        raise SystemExit(f"拒绝写入：{target} 不是文件夹。")


# =============================================================================================
# Main
# =============================================================================================


def mistakes_markdown(found: list) -> str:
    lines = [
        "# 演示数据中的特殊情况与故意错误",
        "",
        "由 `tools/make_demo.py --mistakes-md tools/demo_mistakes.md` 生成，与 `input/` 中的演示数据一一对应。",
        ("文件路径相对于 `input/`。级别“跳过”：应列入校验报告的跳过文件；"
         "“无”：规范化后应正常读取、不应报错的写法。"),
        "",
        "| 文件 | 单元格 | 级别 | 预期问题 |",
        "|---|---|---|---|",
    ]
    for rel, ref, level, problem in found:
        lines.append(f"| `{rel}` | {ref} | {level} | {problem} |")
    lines += ["", "## 特殊情况（不是错误，用来演示计分规则）", ""]
    lines += [f"- {text}" for text in SPECIAL_CASES]
    return "\n".join(lines) + "\n"


SPECIAL_CASES = [
    "同名同姓：K0008 王伟（县财政局副局长）与 K0021 王伟（青石镇副镇长），以干部编号区分。",
    "调整单位：K0012 李娜 2025-06-30 前在县农业农村局，2025-07-01 起任青石镇党委副书记（名册两行）。",
    ("后备提拔：H0002 黄磊 2025-05-01 由后备干部（预算股股长）提拔为科级领导干部（县财政局副局长），"
     "干部编号不变；一季度在后备干部组排名，二季度起在科级领导干部组。"),
    "新任职：K0031 郭子豪 2025-09-01 起在册，参加三、四季度排名，年度在册不足6个月不参加年度排名。",
    "退出：K0030 冯德胜 2025-04-30 到龄退休，只参加一季度排名，二季度起列出但不排名。",
    ("同一事项：K0011 罗文斌 3月申报县级表彰 J1-4（1分）、5月申报市级表彰 J1-3（2分），"
     "同一事项标识“防汛2024”，一季度 +1、二季度 +1、年度 +2。"),
    "单项封顶：K0001 张明 2025-08 申报 J5-1 × 4 = 12 分，同一事项最多加 10 分。",
    "0.5 分：K0025 蔡文华（1月）、K0004 陈静（2月）申报 J4-3。",
    ("J2 自主申报（1月）：H0001、H0003、H0006、H0009、H0011；"
     "组织部登记表登记 J2：K0004、K0010、K0013；K3（上年度不合格）：K0017。"),
    "自主申报惩戒：K0007 孙海峰 2025-11 申报 K4（1分）。",
    "基础积分子项封顶：K0009 马俊 一季度 D1 扣 3（2月）+ 4（3月）= 7，上限 5，季度只扣 5。",
    ("连续末位：K0017 高建军一至四季度均为科级组末位（三季度起组织约谈，当年不得评先评优），"
     "2023、2024、2025 年度均末位 → 调整岗位或降职；"
     "K0024 田永刚二、三、四季度末位（四季度组织约谈），2024、2025 年度末位 → 诫勉谈话。"),
    "通报批评：县住建局 2025-05 被县政府通报，K5-1 潘宏伟、K5-2 田永刚、K5-3 董晓东（后备干部）各扣 1 分。",
    "模板空行：D 式申报表（青石镇、县自然资源局）序号预填到 5，未填写的行只有序号，应忽略。",
    "登记表格式：一季度月份为文本 2025-01，二季度为“2025年4月”且表头上方多一行说明，三季度为日期，四季度为文本。",
    "名册：标题行在表头上方，多出“序号”“备注”两列；每三行中有一行的日期为文本。",
    ("发布：一季度有两处“错误”（K0002 2月的 J9、K0026 3月的 A1），`publish 2025Q1` 拒绝发布并列出它们；"
     "按处理建议改正这两份申报表、审核改正后的事项后才能发布。十二月的事项待审核，`publish 2025Q4` 和 `publish 2025` 同样拒绝。"),
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="生成云溪县（虚构）2025年演示数据")
    parser.add_argument("--out", type=Path, default=ROOT / "input", help="目标文件夹（默认 input/）")
    parser.add_argument("--mistakes-md", type=Path, help="把特殊情况与故意错误清单写入此 Markdown 文件")
    parser.add_argument("--no-reviews", action="store_true",
                        help="不生成审核结论（审核结论/ 中本脚本的文件也会删除，全部申报事项保持待审核）")
    args = parser.parse_args(argv)
    target: Path = args.out
    check_target(target)

    rng = random.Random(SEED)
    declarations = plan_declarations(rng)
    history = history_rows(rng)
    quarters: dict[int, list[tuple[str, Reg]]] = {q: [] for q in range(1, 5)}
    for number, reg in enumerate(REGISTER, start=1):
        quarters[(reg.month - 1) // 3 + 1].append((f"DJ{YEAR}-{number:03d}", reg))

    dup = next(x for x in declarations if (x.cid, x.month) == DUPLICATE)
    lock = next(x for x in declarations if (x.cid, x.month) == LOCK_FILE)
    dup_rel = f"申报表/重复提交/{Path(dup.relpath).name}"
    lock_rel = f"{lock.folder}/~${Path(lock.relpath).name}"
    register_rels = {q: f"登记表/组织部登记表_{YEAR}年第{q}季度.xlsx" for q in quarters}
    planned = {x.relpath for x in declarations} | {dup_rel, lock_rel, "申报表/说明.txt",
                                                   "干部名册.xlsx", "历史结果/历年结果.xlsx"}
    planned |= set(register_rels.values())
    scans = evidence_files(declarations)
    planned |= set(scans)
    inputs = set(planned)
    planned |= set(REVIEW_RELS)        # deleted in any case; written again by the second stage

    target.mkdir(parents=True, exist_ok=True)
    check_planned(target, planned)
    removed = clean_target(target, planned)

    found: list = []
    write_roster(target / "干部名册.xlsx")
    for dec in declarations:
        write_declaration(dec, target / dec.relpath, found)
    (target / dup_rel).parent.mkdir(parents=True, exist_ok=True)
    (target / dup_rel).write_bytes((target / dup.relpath).read_bytes())
    found.append((dup_rel, "（整个文件）", "警告",
                  f"与 {dup.relpath} 字节完全相同的重复提交，只计一次"))
    (target / lock_rel).write_bytes(lock_file_bytes())
    found.append((lock_rel, "（整个文件）", "跳过", "Excel 锁定文件（~$），列为跳过的文件，不作数据读取"))
    found.append((lock.relpath, "（整个文件）", "警告",
                  f"旁边有锁定文件 {Path(lock_rel).name}：该表可能正在 Excel/WPS 中打开，未保存的修改没有读入"))
    for rel, text in scans.items():
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
        (target / rel).write_bytes(pdf_bytes(text))
    (target / "申报表/说明.txt").write_bytes(NOTE_TEXT.encode("utf-8-sig"))
    found.append(("申报表/说明.txt", "（整个文件）", "跳过", "不是工作簿，列为跳过的文件"))
    for q, rows in quarters.items():
        write_register(q, rows, target / register_rels[q])
    write_history(history, target / "历史结果/历年结果.xlsx")

    review_log, balance = ([], {}) if args.no_reviews else make_review_decisions(target, sorted(inputs))

    order = {rel: i for i, rel in enumerate(sorted(planned))}
    found.sort(key=lambda f: (order.get(f[0], 0), f[1]))
    if args.mistakes_md:
        text = mistakes_markdown(found)
        if review_log:
            text += reviews_markdown(review_log, balance)
        args.mistakes_md.write_text(text, encoding="utf-8")

    n_items = sum(len(x.items) for x in declarations)
    n_empty = sum(not x.items for x in declarations)
    print(f"演示数据已写入 {target}：名册 1 份（{len(ROSTER)} 行，{len(cadre_ids())} 人），"
          f"申报表 {len(declarations) + 1} 份（其中重复提交 1 份、无事项 {n_empty} 份，共 {n_items} 项），"
          f"登记表 {len(quarters)} 份（{len(REGISTER)} 行），历年结果 1 份（{len(history)} 行），"
          f"跳过类文件 2 个；故意错误与特殊写法 {len(found)} 处；清除旧文件 {removed} 个。")
    if review_log:
        decided = sum(1 for entry in review_log if entry[5].conclusion)
        print(f"审核结论已写入 {target / REVIEW_DIR}：{len(REVIEW_RELS)} 份（决定 {decided} 项，含申辩复核 1 项）；"
              f"程序运行结果：读到 {balance['items_read']} = 计分 {balance['计分']} + 待审核 {balance['待审核']} "
              f"+ 不通过 {balance['不通过']} + 无效 {balance['无效']}。")
    return 0


if __name__ == "__main__":
    sys.exit(main())
