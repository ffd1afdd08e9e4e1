"""总览.html: numbers equal 校验报告's, links resolve, changes since the previous run; and the same
page in a real browser (headless Chromium through selenium; skipped where it is absent)."""

import dataclasses
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

import builders as b
import pandas as pd
import pytest

from jifen.outputs.overview import href
from jifen.views import overview

ROSTER = [
    ("K0001", "张明", "县财政局", "局长", "科级领导干部", "2020-01-01"),
    ("K0002", "李华", "县财政局", "副局长", "科级领导干部", "2020-01-01"),
    ("K0003", "王伟", "城关镇", "镇长", "科级领导干部", "2020-01-01"),
    ("H0001", "赵六", "县教育局", "股长", "后备干部", "2020-01-01"),
]
ODD = "申报 表#1%/"        # a folder name with a space, '#' and '%': all must be encoded in links
MONTHS = ("2026-01", "2026-02", "2026-03")


def _declare_k0001(inp: Path, bad: bool) -> None:
    for m in MONTHS:
        code = "ZZ9" if bad and m == "2026-02" else "J1-4"
        b.declaration(inp / f"{ODD}{m}/K0001_张明.xlsx", "K0001", "张明", m,
                      [{"code": code, "qty": 1, "date": f"{m}-05"}])


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    """Two runs: the first with a bad code in K0001's February form and K0003 missing two
    forms; the second with the form fixed and K0002's registered award doubled."""
    base = tmp_path_factory.mktemp("overview")
    inp = base / "input"
    b.roster(inp / "名册.xlsx", ROSTER, title="干部名册")
    _declare_k0001(inp, bad=True)
    b.declaration(inp / "申报/2026-01/K0003.xlsx", "K0003", "王伟", "2026-01", [], unit="城关镇")
    rows = [{"id": "DJ1", "cadre_id": "K0002", "name": "李华", "month": "2026-02", "code": "J1-3"},
            {"id": "DJ2", "cadre_id": "K0003", "name": "王伟", "month": "2026-03", "code": "A1", "qty": 2},
            {"id": "DJ3", "cadre_id": "H0001", "name": "赵六", "month": "2026-01", "code": "J1-4"}]
    b.register(inp / "登记.xlsx", rows)
    first = b.run_process(base)
    assert first.returncode == 1, first.stdout + first.stderr
    page1 = (base / "output" / "总览.html").read_text("utf-8")
    _declare_k0001(inp, bad=False)
    rows[0]["qty"] = 2
    b.register(inp / "登记.xlsx", rows)
    second = b.run_process(base)
    assert second.returncode == 0, second.stdout + second.stderr
    return {"base": base, "out": base / "output", "page1": page1,
            "page2": (base / "output" / "总览.html").read_text("utf-8")}


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs, self.tags = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for k, v in attrs:
            if k in ("href", "src"):
                self.hrefs.append(v)


def _parse(page: str) -> _Links:
    p = _Links()
    p.feed(page)
    return p


def _numbers(page: str) -> dict:
    return {k: int(v) for k, v in re.findall(r'data-k="([^"]+)"[^>]*>(\d+)<', page)}


def _report_numbers(out: Path) -> dict:
    """The same figures as 校验报告.xlsx states them."""
    balance = b.table(out / "校验报告.xlsx", "数量核对", key="项目")
    problems = b.problem_codes(out)
    starts = {"files_total": "input 中的文件总数", "files_read": "已读取", "files_rejected": "无法读取",
              "files_evidence": "佐证材料", "files_skipped": "跳过", "items_read": "读到的事项行", "计分": "计分",
              "待审核": "待审核", "不通过": "审核不通过", "无效": "无效"}
    got = {}
    for key, label in starts.items():
        found = [r["数量"] for r in balance if str(r["项目"]).startswith(label)]
        if found:                      # (a count the report does not have is not on the page either)
            assert len(found) == 1, label
            got[key] = int(found[0])
    assert len(got) >= 9
    got["errors"] = sum(1 for r in problems if r["级别"] == "错误")
    got["warnings"] = sum(1 for r in problems if r["级别"] == "警告")
    return got


# --- the page as written ---------------------------------------------------------------------


def test_page_is_self_contained_and_internal(county):
    page = county["page2"]
    parsed = _parse(page)
    assert "script" not in parsed.tags and "link" not in parsed.tags and "img" not in parsed.tags
    assert not [h for h in parsed.hrefs if re.match(r"(?i)(https?:|//)", h)]
    assert "内部资料" in page[:3000] and "<svg" in page
    assert len(page.encode("utf-8")) < 200_000


def test_status_says_what_it_means_not_a_number(county):
    assert "退出状态" not in county["page1"] and "退出状态" not in county["page2"]
    assert "完成，但有错误需要处理：发现“错误”级问题，结果仍全部写出" in county["page1"]
    assert "完成：没有“错误”级问题，结果全部写出" in county["page2"]


def test_numbers_equal_the_report(county):
    got = _numbers(county["page2"])
    want = _report_numbers(county["out"])
    assert {k: got[k] for k in want} == want
    assert want["items_read"] == want["计分"] + want["待审核"] + want["不通过"] + want["无效"]


def test_every_link_resolves_and_the_bad_file_is_linked(county):
    out = county["out"]
    hrefs = [h for h in _parse(county["page1"]).hrefs if not h.startswith("#")]
    assert hrefs
    for h in hrefs:
        assert "%" in h or h.isascii(), h          # non-ASCII names are percent-encoded
        target = (out / unquote(h)).resolve()
        assert target.is_file(), h
    bad = next(h for h in hrefs if "2026-02" in unquote(h) and "K0001" in unquote(h))
    assert "%23" in bad and "%20" in bad and "%25" in bad       # '#', ' ' and '%' in the folder name
    assert "校验报告.xlsx" in map(unquote, hrefs)


def test_submission_matrix_counts_missing_forms(county):
    page = county["page2"]
    row = re.search(r"<tr><td>城关镇</td>(.*?)</tr>", page, re.S).group(1)
    cells = re.findall(r'<td class="n cell-(\w+)">([^<]*)</td>', row)
    assert cells == [("ok", "1/1"), ("bad", "0/1"), ("bad", "0/1")]
    assert re.search(r'<td class="n bad">2</td>', row)           # two forms missing in the year


def test_changes_since_the_previous_run(county):
    first, second = county["page1"], county["page2"]
    assert "这是第一次运行" in first
    nums = _numbers(second)
    assert nums["fixed"] >= 1                                     # the unknown code is gone
    changed = second[second.index('id="changes"'):]
    moved = re.findall(r"<tr><td>(\w+)</td><td>[^<]*</td><td>[^<]*</td><td class=\"n\">([^<]*)</td>"
                       r"<td class=\"n\">([^<]*)</td>", changed)
    # only K0002's award changed (1 → 2 points): in the quarter and in the year, nobody else
    assert sorted(moved) == [("K0002", "102", "104"), ("K0002", "102", "104")]
    assert "已改正的问题" in changed and "ZZ9" in changed


# --- the pure parts ----------------------------------------------------------------------------


def test_href_is_relative_and_percent_encoded(tmp_path):
    out = tmp_path / "output"
    target = tmp_path / "input" / "申报 表#1" / "a%b.xlsx"
    assert href(target, out) == "../input/%E7%94%B3%E6%8A%A5%20%E8%A1%A8%231/a%25b.xlsx"
    assert href(out / "校验报告.xlsx", out) == "%E6%A0%A1%E9%AA%8C%E6%8A%A5%E5%91%8A.xlsx"


def test_changes_list_exactly_the_moved_cadres():
    before = {"version": overview.RECORD_VERSION, "titles": {}, "problems": {"a|f|s|B2|": ["错误", "f", "坏"]},
              "ranks": {"2026Q1": {"A": ["甲", "u", 101.0, 1, "先进"], "B": ["乙", "u", 100.0, 2, ""],
                                   "C": ["丙", "u", 99.0, 3, "末位"]}}}
    after = {"version": overview.RECORD_VERSION, "titles": {"2026Q1": "2026年第一季度"},
             "problems": {"b|g|s|C3|": ["警告", "g", "新"]},
             "ranks": {"2026Q1": {"A": ["甲", "u", 101.0, 1, "先进"], "B": ["乙", "u", 98.0, 3, "末位"],
                                  "C": ["丙", "u", 99.0, 2, ""]},
                       "2026Q2": {"A": ["甲", "u", 100.0, None, ""]}}}
    ch = overview.changes(before, after)
    q1 = next(p for p in ch["periods"] if p["key"] == "2026Q1")
    assert [r["cadre_id"] for r in q1["rows"]] == ["B", "C"] and q1["band_moved"] == 2
    b_row = q1["rows"][0]
    assert (b_row["old_score"], b_row["score"], b_row["old_rank"], b_row["rank"]) == ("100", "98", 2, 3)
    assert next(p for p in ch["periods"] if p["key"] == "2026Q2")["new"]
    assert (ch["n_fixed"], ch["n_new"]) == (1, 1) and ch["fixed"][0]["message"] == "坏"
    assert overview.changes(None, after) == {"first": True}


def test_problems_are_grouped_by_unit_and_file(monkeypatch):
    from types import SimpleNamespace

    from jifen.problems import error, warning

    roster = pd.DataFrame({"cadre_id": ["C1", "C2"], "start_d": ["2026-01-01"] * 2, "unit": ["甲局", "乙局"]})
    files = [SimpleNamespace(path=f, kinds=k) for f, k in
             [("a.xlsx", ["申报表"]), ("名册.xlsx", ["干部名册"]), ("x.xlsx", []), ("y.xlsx", [])]]
    res = SimpleNamespace(roster=roster, declarations=[{"file": "a.xlsx", "cadre_id": "C1"}], files=files, problems=[
        warning("w", "w1", file="a.xlsx", sheet="1月", cell="B3"),
        error("e", "e1", file="a.xlsx", cell="C4"),          # an error's message replaces a warning's
        error("e", "e2", file="a.xlsx"),
        error("g", "全局错"),
        warning("w", "wx", file="x.xlsx", cadre_id="C2"),
        warning("w", "wx2", file="x.xlsx", cadre_id="C1"),    # the smallest cadre ID gives the unit
        warning("w", "wy", file="y.xlsx"),
        warning("w", "wr", file="名册.xlsx")])
    got = overview.problems_by_unit(res, lambda name: "L:" + name)
    assert [(u["unit"], u["errors"], u["warnings"], u["more"]) for u in got["units"]] == [
        ("甲局", 2, 3, 0), ("（全局）", 1, 0, 0), ("组织部材料（干部名册）", 0, 1, 0), ("（未能确定单位）", 0, 1, 0)]
    first = got["units"][0]
    assert first["files"] == [{"path": "a.xlsx", "errors": 2, "warnings": 1, "first": "C4：e1", "href": "L:a.xlsx"}]
    assert first["warned"] == [{"path": "x.xlsx", "errors": 0, "warnings": 2, "first": "wx", "href": "L:x.xlsx"}]
    assert got["units"][1]["files"] == [{"path": overview.GLOBAL_FILE, "errors": 1, "warnings": 0, "first": "全局错",
                                         "href": None}]
    assert (got["n_files"], got["n_shown"]) == (5, 5)
    monkeypatch.setattr(overview, "MAX_FILES", 2)        # the page lists the first files only
    got = overview.problems_by_unit(res, lambda name: "L:" + name)
    assert [(len(u["files"]) + len(u["warned"]), u["more"]) for u in got["units"]] == [(2, 0), (0, 1), (0, 1), (0, 1)]
    assert (got["n_files"], got["n_shown"]) == (5, 2)


def test_histogram_splits_bins_by_band():
    scores = pd.Series([93.0, 94.0, 100.0, 100.0, 101.0, 112.0])
    bands = pd.Series(["末位", "末位", "", "", "", "先进"])
    h = overview.histogram(scores, bands)
    assert sum(x["top"] + x["bottom"] + x["other"] for x in h["bins"]) == 6
    assert h["width"] == "1" and h["bins"][0]["from"] == "93" and h["bins"][0]["bottom"] == 1
    assert h["bins"][-1] == {"from": "112", "to": "113", "top": 1, "bottom": 0, "other": 0}
    assert h["max"] == 2


# --- in a real browser ----------------------------------------------------------------------------


def _chrome():
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium not installed (test extras)")
    browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    driver_path = shutil.which("chromedriver")
    if not browser or not driver_path:
        pytest.skip("Chromium or chromedriver not installed (apt-get install chromium chromium-driver)")
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = browser
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1366,768", "--allow-file-access-from-files"):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    try:
        return webdriver.Chrome(options=opts, service=Service(driver_path))
    except Exception as exc:       # a browser that cannot start here (no display libraries …)
        pytest.skip(f"Chromium did not start: {exc}")


@pytest.fixture(scope="module")
def browser():
    driver = _chrome()
    try:
        yield driver
    finally:
        driver.quit()


def test_page_in_chromium(county, browser):
    from selenium.webdriver.common.by import By

    out = county["out"]
    browser.set_window_size(1366, 768)
    browser.get((out / "总览.html").as_uri())
    assert "运行总览" in browser.title
    errors = [e for e in browser.get_log("browser") if e.get("level") == "SEVERE"]
    assert errors == []
    # every link, as the browser resolves it, is a file that exists
    links = [a.get_attribute("href") for a in browser.find_elements(By.TAG_NAME, "a")]
    assert len(links) > 10
    for link in links:
        url = urlparse(link)
        assert url.scheme == "file", link
        assert Path(unquote(url.path)).is_file(), link
    # the numbers the browser shows are 校验报告's
    shown = {el.get_attribute("data-k"): int(el.text) for el in browser.find_elements(By.CSS_SELECTOR, "[data-k]")
             if el.text.strip().isdigit()}
    want = _report_numbers(out)
    assert {k: shown[k] for k in want} == want
    # a 1366×768 screenshot that is not blank: many colours, most of it the white page
    import io

    from PIL import Image

    shot = Image.open(io.BytesIO(browser.get_screenshot_as_png())).convert("RGB")
    assert shot.size[0] >= 1300
    colours = shot.getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 50
    assert max(colours)[0] < shot.size[0] * shot.size[1] * 0.97      # not one colour nearly everywhere


def test_early_warnings_of_the_latest_complete_quarter():
    from types import SimpleNamespace

    from jifen.rules.periods import Period

    frame = pd.DataFrame([{"干部编号": "K1", "姓名": "甲", "预警": "连续两个季度末位", "期间": "2026Q2"}])
    periods = [Period("2026Q2", "quarter", 2026, ("2026-04", "2026-05", "2026-06"), True, "2026-06")]
    res = SimpleNamespace(warnings={"2026Q1": frame.head(0), "2026Q2": frame}, periods=periods)
    got = overview.early_warnings(res, 2026)
    assert got["title"] == "2026年第二季度" and got["rows"][0]["姓名"] == "甲"
    assert overview.early_warnings(res, 2025) == {"title": "", "rows": [], "more": 0}
    assert overview.early_warnings(SimpleNamespace(periods=periods), 2026) is None   # no 预警 computed


def test_alerts_section_renders_when_the_pipeline_has_them(tmp_path):
    from jifen.outputs.overview import linker, render

    inp = tmp_path / "input"
    b.roster(inp / "名册.xlsx", ROSTER, title="干部名册")
    b.month_register(inp / "登记.xlsx", MONTHS, "K0002", "李华")
    res = b.pipeline_run(tmp_path)
    first = overview.changes(None, overview.record(res))
    page = render({**overview.context(res, linker(tmp_path / "output"), first), "stamp": ""}).decode()
    alerts = page[page.index('id="alerts"'):page.index('id="results"')]   # the pipeline computes 预警
    assert "没有需要预警的人员" in alerts                    # and this county has none
    res = dataclasses.replace(res, warnings={"2026Q1": pd.DataFrame(
        [{"干部编号": "K0003", "姓名": "王伟", "预警": "接近末位", "期间": "2026Q1"}])})
    page = render({**overview.context(res, linker(tmp_path / "output"), first), "stamp": ""}).decode()
    alerts = page[page.index('id="alerts"'):page.index('id="results"')]
    assert "2026年第一季度" in alerts and "<td>王伟</td><td>接近末位</td>" in alerts


def test_a_page_that_cannot_be_built_leaves_the_run_and_says_so(tmp_path, monkeypatch):
    from jifen.outputs import overview as page

    def broken(ctx):
        raise KeyError("模板缺少的字段")

    monkeypatch.setattr(page, "render", broken)
    inp = tmp_path / "input"
    b.roster(inp / "名册.xlsx", ROSTER, title="干部名册")
    b.month_register(inp / "登记.xlsx", MONTHS, "K0002", "李华")
    res = b.pipeline_run(tmp_path, write=True)
    out = tmp_path / "output"
    assert res.exit_code == 2 and not (out / "总览.html").exists()
    assert (out / "季度通报" / "2026年第1季度积分情况通报.docx").exists()
    rows = [p for p in b.problem_codes(out) if p["问题代码"] == "output-not-written"]
    assert len(rows) == 1 and "总览.html" in rows[0]["问题"] and "KeyError" in rows[0]["问题"], rows
