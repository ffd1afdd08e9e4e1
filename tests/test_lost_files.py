"""A declaration handed in as something the program cannot read (CSV, a PDF or photo named like
one) is an error naming the file, counted on the console, and 月度统计's 未交 list points at it;
evidence beside or inside a declaration's folder is never flagged (jifen/rules/lost_files.py)."""

from __future__ import annotations

import builders as b
import openpyxl

from jifen.rules import lost_files

ROSTER = [("K0001", "张明", "县财政局", "局长", "科级领导干部", "2020-01-01"),
          ("K0002", "李华", "县财政局", "副局长", "科级领导干部", "2020-01-01"),
          ("K0003", "王伟", "城关镇", "镇长", "科级领导干部", "2020-01-01")]
MONTH = "申报表/2026-01"
ONE = [{"code": "J1-4", "desc": "在市级刊物发表信息", "qty": 1, "date": "2026-01-10", "evidence": "获奖名单.csv"}]
LOST_CSV = f"{MONTH}/K0002_李华_2026-01.csv"
LOST_PDF = f"{MONTH}/王伟_2026-01.pdf"
COPY = f"{MONTH}/张明_2026-01.pdf"        # names 张明's January, whose declaration is read: a copy, not lost
EVIDENCE = [f"{MONTH}/K0001_张明_2026-01/获奖名单.csv",          # in the folder named after the declaration
            f"{MONTH}/K0001_张明_2026-01_证书.pdf",              # named after it
            f"{MONTH}/K0001_张明_2026-01.pdf"]                   # a PDF copy beside it


def county(tmp_path):
    inp = tmp_path / "input"
    b.roster(inp / "干部名册.xlsx", ROSTER)
    b.declaration(inp / f"{MONTH}/K0001_张明_2026-01.xlsx", "K0001", "张明", "2026-01", ONE)
    for rel in EVIDENCE:
        (inp / rel).parent.mkdir(parents=True, exist_ok=True)
        (inp / rel).write_bytes("序号,姓名\r\n1,张明\r\n".encode("gbk") if rel.endswith(".csv") else b"%PDF-1.4\n")
    rows = [["日常积分申报表（2026-01）"], ["干部编号", "K0002", "姓名", "李华", "单位", "县财政局"],
            ["申报月份", "2026-01"], [], ["序号", "项目代码", "项目名称", "事项说明", "数量", "佐证材料"],
            ["1", "J1-4", "市级刊物发表信息", "发表信息一篇", "1", ""]]
    (inp / LOST_CSV).write_bytes("\r\n".join(",".join(r) for r in rows).encode("gbk"))     # Excel's CSV on Windows
    (inp / LOST_PDF).write_bytes(b"%PDF-1.4\n")
    (inp / MONTH / "说明.txt").write_text("1月份申报材料，请查收。", "utf-8")
    (inp / COPY).write_bytes(b"%PDF-1.4\n")
    return tmp_path


def test_lost_declarations_are_errors_and_evidence_is_not(tmp_path):
    base = county(tmp_path)
    proc = b.run_process(base)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    problems = {p["文件"]: p for p in b.problem_codes(base / "output")
                if p["问题代码"] in lost_files.CODES}
    assert set(problems) == {LOST_CSV, LOST_PDF}
    assert problems[LOST_CSV]["级别"] == "错误" and "看起来是申报表" in problems[LOST_CSV]["问题"]
    assert "另存为“Excel 工作簿（.xlsx）”" in problems[LOST_CSV]["处理建议"]
    assert problems[LOST_PDF]["问题代码"] == "declaration-not-workbook" and "PDF" in problems[LOST_PDF]["问题"]
    errors = sum(1 for p in b.problem_codes(base / "output") if p["级别"] == "错误")
    assert f"问题：错误 {errors} 项" in proc.stdout
    assert "无法读取或未识别 2" in proc.stdout and "跳过 2" in proc.stdout     # not among the skipped files
    report = openpyxl.load_workbook(base / "output" / "校验报告.xlsx")
    skipped = {r[0] for r in report["跳过的文件"].iter_rows(values_only=True)}
    assert {f"{MONTH}/说明.txt", COPY} <= skipped and LOST_CSV not in skipped and LOST_PDF not in skipped
    evidence = {r[0] for r in report["佐证材料"].iter_rows(values_only=True)} if "佐证材料" in report.sheetnames else set()
    assert not set(EVIDENCE) - evidence - skipped_as_evidence(base)


def skipped_as_evidence(base) -> set:
    """The evidence files as 运行清单 lists them (类型 佐证材料)."""
    rows = b.table(base / "output" / "运行清单.xlsx", "输入文件", key="文件")
    return {r["文件"] for r in rows if r["类型"] == "佐证材料"}


def test_monthly_missing_list_points_at_the_unread_files(tmp_path):
    base = county(tmp_path)
    b.run_process(base)
    ws = openpyxl.load_workbook(base / "output" / "月度统计" / "2026-01月度积分统计.xlsx")["未交申报表名单"]
    text = " ".join(str(v) for row in ws.iter_rows(values_only=True) for v in row if v)
    assert f"李华（{LOST_CSV}）" in text and f"王伟（{LOST_PDF}）" in text and "程序无法读取" in text


def test_what_looks_like_a_declaration():
    ids, names = {"K0001"}, {"张明"}
    looks = ["张三_2026-01.pdf", "K0001_张明_2026-03.jpg", "K0099_陈晓东_2025-06.pdf", "张明 2026年1月.docx",
             "K0099_2026-01.png", "李华积分申报表.jpg"]
    evidence = ["1-报纸版面复印件.pdf", "申报佐证材料.pdf", "工作总结_2025-12.pdf", "张三_2026-01_获奖证书.pdf",
                "2026-01.pdf", "IMG_20260105.jpg", "说明.txt", "K0001.pdf", "张三_李四_2026-01.pdf"]
    assert [n for n in looks if not lost_files.looks_like_declaration(n, ids, names)] == []
    assert [n for n in evidence if lost_files.looks_like_declaration(n, ids, names)] == []


def test_whose_file_by_id_or_unique_name():
    names = {"张明": {"K0001"}, "王伟": {"K0003", "H0001"}}
    got = lost_files.whose(["申报表/2026-01/李华.xls", "申报表/2026-01/张明.csv", "K0002_李华_2026-02.pdf",
                            "王伟_2026-01.pdf", "张明.pdf"], {"K0001", "K0002", "K0003", "H0001"}, names)
    assert got == {"申报表/2026-01/张明.csv": ("K0001", "2026-01"), "K0002_李华_2026-02.pdf": ("K0002", "2026-02")}
