"""The catalogue of problem codes: one place that says, for every code the program can report,
its level, its Chinese 问题类型 and what a clerk does about it.

`problems.error`/`problems.warning` read it (the generic advice when an emitter gives no
specific hint), the 校验报告 shows its 问题类型 beside each code, and `docs/问题代码.md` is
generated from it (`python tools/make_problem_doc.py`). tests/test_problem_catalog.py fails
when the source emits a code that is not listed here, or lists it at another level.

Codes are stable identifiers (tests and clerks' notes refer to them); wording may change.
"""

from __future__ import annotations

from dataclasses import dataclass

ERROR = "错误"
WARNING = "警告"


@dataclass(frozen=True)
class Entry:
    code: str
    level: str          # 错误 / 警告
    kind: str           # 问题类型, a few characters a clerk can filter on
    advice: str         # what to do, in general (the report's 处理建议 is often more specific)
    stage: str          # the part of the work it comes from (groups the documentation)


STAGES = ("规则文件", "文件读取", "干部名册", "申报与登记", "审核结论", "历年结果与归档", "输出")


def _entries(stage: str, level: str, rows) -> list[Entry]:
    return [Entry(code, level, kind, advice, stage) for code, kind, advice in rows]


_ALL = [
    *_entries("规则文件", ERROR, [
        ("rulebook-missing", "规则文件缺失", "把 rulebook.xlsx 放在程序目录，或用 --rulebook 指定规则文件。"),
        ("rulebook-unreadable", "规则文件无法打开", "用 Excel 打开规则文件检查，另存为 .xlsx。"),
        ("rulebook-sheet-missing", "规则文件缺少工作表", "从程序自带的 rulebook.xlsx 复制该工作表。"),
        ("rulebook-header", "规则文件表头缺失", "恢复该工作表的表头行（列名见程序自带的规则文件）。"),
        ("rulebook-value", "规则取值不是数字", "在指出的单元格填写非负数字（扣分也写正数）。"),
        ("rulebook-duplicate-code", "项目代码重复", "每个项目代码只能出现一次，删除或改正重复的一行。"),
    ]),
    *_entries("规则文件", WARNING, [
        ("rulebook-params-missing", "缺少参数表", "全部参数取默认值；需要修改时从程序自带的规则文件复制“参数”表。"),
        ("rulebook-param-default", "参数取默认值", "需要修改时在“参数”表中增加该参数。"),
        ("rulebook-unknown-param", "参数名称不认识", "检查参数名称是否写错；不需要的行可删除。"),
        ("rulebook-extra-sheet", "规则文件多余工作表", "程序不读取该表；不需要可删除。"),
    ]),
    *_entries("文件读取", ERROR, [
        ("empty-file", "空文件", "重新复制或重新保存该文件。"),
        ("old-xls", "旧版 Excel 格式", "用 Excel 或 WPS 打开，另存为“Excel 工作簿（.xlsx）”后重新放入。"),
        ("encrypted-workbook", "工作簿有打开密码", "去掉打开密码后重新保存。"),
        ("html-renamed", "网页文件冒充工作簿", "用 Excel 打开后另存为 .xlsx。"),
        ("text-renamed", "文本文件冒充工作簿", "用 Excel 打开后另存为 .xlsx。"),
        ("not-a-workbook", "不是 Excel 工作簿", "另存为 .xlsx 后重新放入；不是积分材料的请移出 input 文件夹。"),
        ("ods-workbook", "OpenDocument 表格", "用 WPS、LibreOffice 或 Excel 另存为 .xlsx 后重新放入。"),
        ("xlsb-workbook", "Excel 二进制工作簿", "用 Excel 打开，另存为“Excel 工作簿（.xlsx）”后重新放入。"),
        ("table-not-workbook", "CSV/文本表格", "用 Excel 或 WPS 打开，另存为“Excel 工作簿（.xlsx）”后放回原处，删除原文件；"
         "不是积分材料的请移出 input 文件夹。"),
        ("declaration-not-workbook", "申报表不是 Excel 文件", "申报表须用组织部下发的 Excel 模板填写、保存为 .xlsx；"
         "佐证材料请放进以申报表文件名命名的文件夹，或让文件名以申报表文件名开头。"),
        ("damaged-zip", "文件损坏", "重新复制该文件，或用 Excel 打开修复后另存为 .xlsx。"),
        ("zip-bomb", "文件异常巨大", "疑似恶意文件，未读取；请报送人重新制作。"),
        ("xml-entities", "文件含可疑内容", "疑似恶意构造的文件，未读取；请报送人用 Excel 重新保存。"),
        ("unreadable-file", "文件无法读取", "用 Excel 或 WPS 打开该文件，另存为 .xlsx 后重新放入。"),
        ("header-not-found", "找不到表头", "保留程序下发表格的表头行（如 序号、项目代码、数量）。"),
        ("id-precision-lost", "长数字丢失精度", "把该单元格设为文本格式后重新输入完整的编号。"),
    ]),
    *_entries("文件读取", WARNING, [
        ("macro-content", "工作簿含宏", "程序不运行宏，只读数据；建议另存为不含宏的 .xlsx。"),
        ("range-too-large", "表格范围过大", "删除表格末尾或右侧多余的内容和格式后重新保存。"),
        ("hidden-rows", "隐藏行已读入", "确认隐藏行中的数据确实需要计分。"),
        ("hidden-sheet", "隐藏工作表已读入", "确认隐藏表中的数据确实需要计分。"),
        ("unrecognised-workbook", "未识别的工作簿", "申报请使用组织部下发的模板；不是积分材料的请移出 input 文件夹。"),
        ("invisible-characters", "含不可见字符", "已自动去除；建议在表格中删除这些字符。"),
        ("workbook-open", "文件可能正在编辑", "在打开该文件的电脑上保存并关闭它后重新运行（未保存的修改没有读入）。"),
        ("pictures-unreadable", "图片部件损坏", "数据已读入，图片未提取；请重新保存该文件，或把图片作为单独的文件随表报送。"),
        ("picture-damaged", "图片数据损坏", "该图片未提取；请重新粘贴图片，或把图片作为单独的文件随表报送。"),
        ("picture-too-large", "图片过大", "该图片未提取；请压缩后重新粘贴（每张不超过 20 MB），或作为单独的文件随表报送。"),
        ("too-many-pictures", "图片过多", "超出的图片未提取；请把多余的图片作为单独的文件随表报送。"),
    ]),
    *_entries("干部名册", ERROR, [
        ("roster-missing", "没有干部名册", "把干部名册放入 input 文件夹。"),
        ("roster-missing-id", "名册缺干部编号", "为该行补填干部编号（不要用身份证号）。"),
        ("roster-bad-category", "干部类别不认识", "干部类别填“科级领导干部”或“后备干部”。"),
        ("roster-bad-date", "在册日期有误", "核对在册起止日期（日期格式，截止不早于起始）。"),
        ("roster-overlap", "在册期间重叠", "同一干部的多行记录首尾相接：前一行填截止日期，后一行从次日开始。"),
    ]),
    *_entries("干部名册", WARNING, [
        ("roster-id-looks-like-idcard", "编号像身份证号", "干部编号使用组织部统一编号，不要使用身份证号。"),
    ]),
    *_entries("申报与登记", ERROR, [
        ("missing-cadre-id", "缺少干部编号", "补填干部编号后重新运行。"),
        ("bad-month", "月份有误", "填写申报月份或月份，如 2026-03 或 2026年3月。"),
        ("duplicate-register-id", "登记编号重复", "每条登记使用唯一的登记编号；重复登记的删除一行。"),
        ("unknown-cadre", "干部编号不在名册", "按处理建议核对干部编号（列出名册中同名干部的编号和相近的编号）；"
         "新任干部先在名册中增加；其他县（区）的文件移出 input 文件夹。"),
        ("name-mismatch", "姓名与编号不符", "核对干部编号和姓名（同名同姓以编号区分）。"),
        ("not-on-roster", "该月不在册", "核对月份，或核对名册中该干部的在册起止日期。"),
        ("missing-code", "缺少项目代码", "从下拉列表选择项目代码。"),
        ("unknown-code", "项目代码不存在", "对照积分规则（rulebook.xlsx）改正项目代码。"),
        ("not-self-declarable", "不可自主申报", "该项目由组织部登记，请从申报表中删除该行。"),
        ("bad-quantity", "数量有误", "填写正整数（基础积分扣分可为 0.5 的倍数）。"),
        ("bad-date", "发生日期有误", "写成 2026-03-15 或设为日期格式。"),
        ("date-after-month", "发生日期晚于月份", "核对发生日期，或改到正确月份的申报表。"),
        ("over-yearly-limit", "超过每年次数上限", "删除重复的申报或登记。"),
        ("duplicate-declaration-conflict", "重复申报表内容不同", "确认哪一份有效，把另一份移出 input 文件夹。"),
        ("declaration-month-mismatch", "申报月份与文件不符",
         "向申报人核实所属月份：改正表中的申报月份，或把文件移到正确月份的文件夹、改正文件名（不要删除该文件）。"),
    ]),
    *_entries("申报与登记", WARNING, [
        ("declared-value-differs", "申报分值与规则不符", "按规则计分，无需修改。"),
        ("missing-evidence", "缺少佐证材料", "请干部补交佐证材料；审核时核实。"),
        ("evidence-not-attached", "佐证只有文字说明", "请干部随表交回文件或照片（同名文件夹、以申报表文件名开头，或粘贴在单元格中）；审核时核实。"),
        ("evidence-file-not-found", "佐证文件未交", "请干部补交“佐证材料”栏中写的文件，放在申报表旁或同名文件夹中。"),
        ("evidence-ambiguous", "佐证文件无法对应", "把文件放进以申报表文件名命名的文件夹，或在文件名中写明月份。"),
        ("duplicate-seq", "序号重复", "把序号改为不重复的数字。"),
        ("template-old-rulebook", "旧版模板", "可申报项目已改变：下月使用新生成的申报模板。"),
        ("duplicate-declaration-identical", "重复提交", "只计一次；可把重复的一份移出 input 文件夹。"),
        ("duplicate-declaration-empty", "重复申报表（一份为空）", "采用有事项的一份；可删除空的一份。"),
        ("register-no-id-column", "登记表无登记编号列", "增加“登记编号”列并为每行填写唯一编号。"),
        ("register-missing-id", "登记编号为空", "为该行填写唯一的登记编号。"),
    ]),
    *_entries("审核结论", ERROR, [
        ("review-missing-id", "审核行缺事项ID", "不要删除或修改“事项ID”列。"),
        ("review-bad-conclusion", "审核结论不认识", "审核结论填“通过”“不通过”或“调整”。"),
        ("review-bad-type", "审核类型不认识", "类型填“初审”或“申辩复核”。"),
        ("review-missing-date", "审核日期缺失", "填写审核日期，如 2026-04-08。"),
        ("review-adjust-value", "调整缺审核分值", "调整时填写审核分值（扣分也填正数）。"),
        ("review-adjust-opinion", "调整缺审核意见", "调整时在“审核意见”中写明理由。"),
        ("review-reject-reason", "缺不通过原因", "从下拉列表选择不通过原因。"),
        ("review-appeal-date", "申辩复核日期过早", "申辩复核填写复核当天的日期（晚于原审核日期）。"),
        ("review-conflict", "同日结论冲突", "删除错误的一行，或把更正的结论填写更晚的审核日期。"),
        ("review-item-changed", "事项审核后被修改", "在新生成的待审核清单中重新审核该事项。"),
    ]),
    *_entries("审核结论", WARNING, [
        ("review-unknown-item", "找不到审核的事项", "事项确已撤回的，可删除此行。"),
        ("review-on-invalid-item", "事项校验未通过", "先按校验报告改正该事项。"),
    ]),
    *_entries("历年结果与归档", WARNING, [
        ("history-bad-row", "历年结果行无法识别", "年度写 2025，季度写 1～4，等次为“先进”“末位”或空白。"),
        ("history-disagrees", "历年结果不一致", "核对历年结果表；程序以计算或归档结果为准。"),
        ("archive-unreadable", "归档无法读取", "不要手工修改 archive 文件夹。"),
        ("published-changed", "已发布结果有更正", "核对该期附件的“更正说明”表后重新发布（publish），打印重新生成的通报。"),
    ]),
    *_entries("输出", ERROR, [
        ("output-not-written", "输出文件未写入", "关闭在 Excel/WPS 中打开的该文件后重新运行。"),
    ]),
    *_entries("输出", WARNING, [
        ("stale-lock", "接管遗留的运行锁", "上一次运行没有正常结束（窗口被关闭或电脑关机），本次已接管；一般无需处理。"),
    ]),
]

CATALOG: dict[str, Entry] = {e.code: e for e in _ALL}
assert len(CATALOG) == len(_ALL), "a code is listed twice"
UNKNOWN_KIND = "其他"


def kind(code: str) -> str:
    """The Chinese 问题类型 of `code` (其他 for a code not catalogued)."""
    entry = CATALOG.get(code)
    return entry.kind if entry else UNKNOWN_KIND


def advice(code: str) -> str:
    entry = CATALOG.get(code)
    return entry.advice if entry else ""


def markdown() -> str:
    """docs/问题代码.md: every code by stage, errors first (written by tools/make_problem_doc.py)."""
    lines = ["# 问题代码一览", "",
             "校验报告“问题清单”中每个问题的代码、级别、问题类型和一般处理办法。“错误”级问题的事项不计分"
             "（或文件未读入），改正后重新运行；“警告”不影响计分，请留意。报告中的“处理建议”针对具体问题，"
             "比这里更具体。", "",
             "本文件由 `python tools/make_problem_doc.py` 根据 `jifen/problem_catalog.py` 生成，请勿手工修改。", ""]
    for stage in STAGES:
        entries = [e for e in CATALOG.values() if e.stage == stage]
        entries.sort(key=lambda e: (e.level != ERROR, e.code))
        lines += [f"## {stage}", "", "| 代码 | 级别 | 问题类型 | 处理办法 |", "|---|---|---|---|"]
        lines += [f"| `{e.code}` | {e.level} | {e.kind} | {e.advice} |" for e in entries]
        lines.append("")
    return "\n".join(lines)
