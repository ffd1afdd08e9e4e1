"""The benchmark's synthetic county: a roster, one declaration workbook per cadre and month
written as Excel writes them, monthly registers and a filled review list; and the edits a
clerk's next run brings (one corrected declaration, one changed decision).

Everything is derived from the seed, so a county of a given size is the same on every run.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import zlib
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import xlsxwriter

UNITS = ["县发展和改革局", "县财政局", "城关镇", "青石镇", "县教育局", "县卫生健康局", "县农业农村局", "县自然资源局",
         "县住房和城乡建设局", "县市场监督管理局", "县交通运输局", "县水利局", "县民政局", "县司法局", "县审计局"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍鹏辉建国红梅志新春海波"
CODES = [("J1-4", 1), ("J1-3", 1), ("J3", 1), ("J5-3", 1), ("J5-2", 1), ("J6", 1), ("J7", 1), ("J4-3", 1),
         ("J1-8", 1), ("K4", 1)]


def _cadres(n: int, rnd: random.Random) -> list[dict]:
    out = []
    n_reserve = max(1, n * 15 // 100)
    for i in range(n):
        reserve = i >= n - n_reserve
        cid = f"H{i:05d}" if reserve else f"K{i:05d}"
        name = rnd.choice(SURNAMES) + rnd.choice(GIVEN) + (rnd.choice(GIVEN) if rnd.random() < 0.6 else "")
        out.append({"id": cid, "name": name, "unit": UNITS[i % len(UNITS)] if n < 200 else f"第{i // 15 + 1}单位",
                    "post": "股长" if reserve else rnd.choice(["局长", "副局长", "镇长", "副镇长", "党委书记"]),
                    "category": "后备干部" if reserve else "科级领导干部"})
    return out


def _xlsx(build) -> bytes:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False})
    wb.set_properties({"created": dt.datetime(2000, 1, 1)})
    build(wb)
    wb.close()
    return buf.getvalue()


def _declaration(cadre: dict, month: str, items: list) -> bytes:
    def build(wb):
        ws = wb.add_worksheet("积分申报表")
        ws.write(0, 0, f"日常积分申报表（{month}）")
        ws.write_row(1, 0, ["干部编号", cadre["id"], "姓名", cadre["name"], "单位", cadre["unit"]])
        ws.write_row(2, 0, ["申报月份", f"{month[:4]}年{int(month[5:])}月"])
        ws.write_row(4, 0, ["序号", "项目代码", "项目名称", "事项说明", "同一事项标识", "发生日期", "数量", "申报分值",
                            "佐证材料", "备注"])
        for i, (code, qty, matter) in enumerate(items, start=1):
            ws.write_row(4 + i, 0, [i, code, "", f"{month}第{i}项工作", matter or "", f"{month}-05", qty, "",
                                    "证明文件", ""])
        ws.write(6 + len(items), 0, "本人承诺以上申报内容真实准确。")
    return _xlsx(build)


def _write_month(args) -> tuple[int, list]:
    folder, cadres, month, seed = args
    rnd = random.Random(seed)
    out = Path(folder) / "申报表" / month
    out.mkdir(parents=True, exist_ok=True)
    ids = []
    for c in cadres:
        k = rnd.choices([0, 1, 2, 3], weights=[35, 35, 20, 10])[0]
        items = []
        for _ in range(k):
            code, qty = rnd.choice(CODES)
            matter = f"事项{rnd.randint(1, 3)}" if code.startswith("J1") and rnd.random() < 0.3 else ""
            items.append((code, qty, matter))
        (out / f"{c['id']}_{month}.xlsx").write_bytes(_declaration(c, month, items))
        ids += [f"{c['id']}-{month}-{i}" for i in range(1, k + 1)]
    return len(cadres), ids


def _register(cadres: list[dict], month: str, rnd: random.Random) -> bytes:
    rows = []
    for c in cadres:
        if rnd.random() < 0.06:
            code = rnd.choice(["A1", "B2", "C1", "D1", "K1", "K4", "K5-2"])
            qty = rnd.choice([1, 2]) if code[0] in "ABCD" else 1
            rows.append([f"DJ{month}-{len(rows) + 1:05d}", c["id"], c["name"], month, code, "巡访登记", "",
                         f"{month}-10", qty, "巡访记录", "赵敏"])

    def build(wb):
        ws = wb.add_worksheet("积分登记表")
        ws.write(0, 0, f"县委组织部积分登记表（{month}）")
        ws.write_row(1, 0, ["登记编号", "干部编号", "姓名", "月份", "项目代码", "事项说明", "同一事项标识", "发生日期", "数量",
                            "依据", "登记人"])
        for i, r in enumerate(rows):
            ws.write_row(2 + i, 0, r)
    return _xlsx(build)


def _roster(cadres: list[dict], year: int) -> bytes:
    def build(wb):
        ws = wb.add_worksheet("干部名册")
        ws.write_row(0, 0, ["干部编号", "姓名", "单位", "职务", "干部类别", "在册起始日期", "在册截止日期"])
        for i, c in enumerate(cadres):
            ws.write_row(1 + i, 0, [c["id"], c["name"], c["unit"], c["post"], c["category"], f"{year - 3}-01-01", ""])
    return _xlsx(build)


REVIEW_HEADER = ["事项ID", "指纹", "审核结论", "审核人", "审核日期", "类型", "不通过原因"]
REJECT_REASON = "佐证不足"


def _review(ids_by_month: dict, rejected: str = "") -> bytes:
    """Every item 通过, except `rejected` (不通过, with its reason)."""
    def build(wb):
        ws = wb.add_worksheet("待审核清单")
        ws.write_row(0, 0, REVIEW_HEADER)
        r = 1
        for month, ids in sorted(ids_by_month.items()):
            y, m = int(month[:4]), int(month[5:])
            day = f"{y + (m == 12)}-{m % 12 + 1:02d}-08"
            for iid in ids:
                no = iid == rejected
                ws.write_row(r, 0, [iid, "", "不通过" if no else "通过", "赵敏", day, "初审", REJECT_REASON if no else ""])
                r += 1
    return _xlsx(build)


@dataclass
class County:
    """What was generated, as the later edits need it."""
    folder: Path
    months: list
    cadres: list = field(repr=False)
    ids_by_month: dict = field(repr=False)
    counts: dict = field(default_factory=dict)

    def declaration_path(self, cadre: dict, month: str) -> Path:
        return self.folder / "申报表" / month / f"{cadre['id']}_{month}.xlsx"

    def review_path(self) -> Path:
        return self.folder / "审核结论" / f"审核结论_{self.months[0]}_{self.months[-1]}.xlsx"

    def correct_declaration(self) -> str:
        """The first cadre's first month declared again, as a cadre's corrected file is: other
        items and quantities (every generated item has quantity 1). → its relative path."""
        cadre, month = self.cadres[0], self.months[0]
        path = self.declaration_path(cadre, month)
        path.write_bytes(_declaration(cadre, month, [("J1-4", 2, ""), ("J6", 3, "")]))
        return path.relative_to(self.folder).as_posix()

    def change_one_decision(self) -> str:
        """The review list again, with one 通过 turned into 不通过 (the last item not of the cadre
        whose declaration `correct_declaration` rewrites) and nothing else changed. → its ID."""
        corrected = f"{self.cadres[0]['id']}-"
        rejected = next(iid for m in reversed(self.months) for iid in reversed(self.ids_by_month[m])
                        if not iid.startswith(corrected))
        self.review_path().write_bytes(_review(self.ids_by_month, rejected))
        return rejected


def generate(folder: Path, n_cadres: int, months: list[str], seed: int = 1, workers: int = 2) -> dict:
    """Write the synthetic county; returns counts."""
    return make_county(folder, n_cadres, months, seed, workers).counts


def make_county(folder: Path, n_cadres: int, months: list[str], seed: int = 1, workers: int = 2) -> County:
    rnd = random.Random(seed)
    cadres = _cadres(n_cadres, rnd)
    year = int(months[0][:4])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "干部名册.xlsx").write_bytes(_roster(cadres, year))
    chunks = []
    size = max(50, n_cadres // (workers * 2))
    for month in months:
        for i in range(0, n_cadres, size):      # a seed of its own per chunk, the same in every process
            chunks.append((str(folder), cadres[i:i + size], month, zlib.crc32(f"{seed}|{month}|{i}".encode())))
    ids_by_month: dict = {m: [] for m in months}
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for (args, (_, ids)) in zip(chunks, pool.map(_write_month, chunks)):
            ids_by_month[args[2]] += ids
    (folder / "登记表").mkdir(exist_ok=True)
    for month in months:
        (folder / "登记表" / f"登记表_{month}.xlsx").write_bytes(_register(cadres, month, random.Random(month)))
    county = County(folder, list(months), cadres, ids_by_month)
    (folder / "审核结论").mkdir(exist_ok=True)
    county.review_path().write_bytes(_review(ids_by_month))
    county.counts = {"cadres": n_cadres, "months": len(months), "declarations": n_cadres * len(months),
                     "items": sum(len(v) for v in ids_by_month.values())}
    return county


def months_of(year: int, n: int) -> list[str]:
    return [f"{year + (m - 1) // 12}-{(m - 1) % 12 + 1:02d}" for m in range(1, n + 1)]


