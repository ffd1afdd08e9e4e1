"""Text, number, ID and month normalisation shared by every reader.

Clerks and cadres type the same thing many ways: full-width digits, stray or zero-width
spaces, `2026年3月` or `2026-03` or a real Excel date, IDs that Excel turned into numbers.
Everything is brought to one canonical form here, before any matching.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from decimal import Decimal, InvalidOperation

# Zero-width and other invisible characters NFKC leaves in place.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"\s+")

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}


def clean(value) -> str:
    """Any cell value → display text: invisible characters gone, spaces tidied.

    Chinese punctuation is kept as typed (NFKC would turn ，into ,), so this is what
    outputs show; matching uses `text`.
    """
    if type(value) is str and value.isprintable():
        # the usual cell: no invisible, control or wide-space characters, so only runs of
        # plain spaces can need tidying (the general path below gives the same result)
        s = value.strip()
        return s if "  " not in s else _SPACES.sub(" ", s)
    return clean_any(value)


def clean_any(value) -> str:
    """`clean` without its shortcut (kept separate so tests can compare the two)."""
    if value is None or (isinstance(value, float) and value != value):  # None or NaN
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        value = value.date()
    s = str(value).translate(_INVISIBLE)
    s = _CONTROL.sub("", s)
    return _SPACES.sub(" ", s.replace("\u3000", " ").replace("\xa0", " ")).strip()


def text(value) -> str:
    """Any cell value → matching text (NFKC: full-width letters and digits folded)."""
    s = clean(value)
    folded = unicodedata.normalize("NFKC", s)
    if folded is s:
        # already NFKC (returned as is): `clean` left single plain spaces only, none at the ends
        return s
    return _SPACES.sub(" ", folded).strip()


def text_any(value) -> str:
    """`text` without its shortcut (kept so tests can compare the two)."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", clean(value))).strip()


def label(value) -> str:
    """Text used for matching a label or header: no spaces at all, no trailing colon."""
    if isinstance(value, str):
        return _label_str(value)
    s = text(value).replace(" ", "")
    return s.rstrip(":：")


@functools.lru_cache(maxsize=1 << 16)
def _label_str(value: str) -> str:
    # the same few hundred header and label texts recur in every workbook
    return text(value).replace(" ", "").rstrip(":：")


def cadre_id(value) -> str:
    """干部编号 as text: numbers typed by Excel lose their `.0`, letters are upper-cased."""
    return text(value).replace(" ", "").upper()


def has_invisible(value) -> bool:
    if not isinstance(value, str):
        return False
    return value != value.translate(_INVISIBLE) or bool(_CONTROL.search(value)) or (
        "\u3000" in value or "\xa0" in value)


def _cn_number(s: str) -> int | None:
    """Small Chinese numerals (一 .. 九十九) → int; None when not one."""
    if not s or any(ch not in _CN_DIGITS and ch != "十" for ch in s):
        return None
    if "十" not in s:
        return _CN_DIGITS[s] if len(s) == 1 else None
    tens, _, ones = s.partition("十")
    t = _CN_DIGITS.get(tens, None) if tens else 1
    o = _CN_DIGITS.get(ones, None) if ones else 0
    if t is None or o is None:
        return None
    return t * 10 + o


_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_NUM_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


def number(value) -> Decimal | None:
    """A quantity or points value → Decimal, or None when it is not a number.

    Accepts numbers, numeric text with thousands separators or a trailing unit
    (`2篇`, `1次`, `1,000`), full-width digits and small Chinese numerals (`两`, `十二`).
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return None
        return Decimal(repr(value))
    s = text(value).replace(" ", "")
    s = re.sub(r"(分|次|篇|项|个|人次)$", "", s)
    if "," in s:
        if not _THOUSANDS.match(s):
            return None        # “1,0” is not ten: only thousands separators are accepted
        s = s.replace(",", "")
    if not s:
        return None
    if _NUM_RE.match(s):
        try:
            return Decimal(s)
        except InvalidOperation:
            return None
    n = _cn_number(s)
    return Decimal(n) if n is not None else None


_MONTH_RES = [
    re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月?(份)?$"),
    re.compile(r"^(\d{4})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})(\d{2})$"),
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$"),
]


def month(value) -> str | None:
    """A month cell → `YYYY-MM`, or None when it cannot be read as a month."""
    if isinstance(value, (dt.date, dt.datetime)):
        return f"{value.year:04d}-{value.month:02d}"
    s = text(value).replace(" ", "")
    for rx in _MONTH_RES:
        m = rx.match(s)
        if m:
            y, mo = int(m.group(1)), int(m.group(2))
            if 1 <= mo <= 12 and 1900 < y < 2200:
                return f"{y:04d}-{mo:02d}"
            return None
    return None


_DATE_RES = [
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]


def date(value) -> dt.date | None:
    """A date cell (real date, text, or Excel serial number) → date, or None."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        # An Excel serial that reached us as a plain number (cell formatted as General).
        if 20000 < value < 80000:
            return dt.date(1899, 12, 30) + dt.timedelta(days=int(value))
        return None
    s = text(value).replace(" ", "")
    s = s.split("T")[0]
    if len(s) > 10 and s[10:11] in (" ", ""):
        s = s[:10]
    for rx in _DATE_RES:
        m = rx.match(s)
        if m:
            try:
                return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                return None
    return None


def yes(value, default: bool = False) -> bool:
    s = text(value)
    if not s:
        return default
    return s in ("是", "Y", "y", "YES", "yes", "Yes", "1", "TRUE", "True", "true", "√", "✓")


@functools.lru_cache(maxsize=4096)
def month_end(ym: str) -> dt.date:
    y, m = int(ym[:4]), int(ym[5:7])
    nxt = dt.date(y + (m == 12), m % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def quarter_of(ym: str) -> int:
    return (int(ym[5:7]) - 1) // 3 + 1


def cn_date(d: dt.date) -> str:
    """`2026年4月5日`, as official documents write dates."""
    return f"{d.year}年{d.month}月{d.day}日"


def shown(value):
    """A figure as people read it: whole numbers as int (100, not 100.0), blanks as None."""
    if value is None:
        return None
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    if f != f:
        return None
    return int(f) if f.is_integer() else f
