"""Problems are data: every finding carries a stable code, a severity and its origin.

Nothing here raises; readers and checks return lists of `Problem` that the report writer
flattens. Tests assert on `code` and position, never on wording. Every code is listed in
`problem_catalog` (level, Chinese 问题类型, what to do); an emitter without a specific hint
gets the catalogue's advice.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from jifen import problem_catalog
from jifen.problem_catalog import ERROR, WARNING


@dataclass(frozen=True)
class Problem:
    code: str
    level: str
    message: str
    hint: str = ""
    file: str = ""
    sheet: str = ""
    cell: str = ""
    cadre_id: str = ""
    row: int = 0
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def is_error(self) -> bool:
        return self.level == ERROR

    @property
    def kind(self) -> str:
        """问题类型 from the catalogue."""
        return problem_catalog.kind(self.code)

    def line(self, sep: str = "，") -> str:
        """The problem on one console line: its place (file, sheet, cell), then the message;
        a problem of no file (a missing roster) is the message alone, with no empty place."""
        where = sep.join(x for x in (self.file, self.sheet, self.cell) if x)
        return f"{where}：{self.message}" if where else self.message


def error(code: str, message: str, hint: str = "", **where) -> Problem:
    return Problem(code=code, level=ERROR, message=message, hint=hint or problem_catalog.advice(code), **where)


def warning(code: str, message: str, hint: str = "", **where) -> Problem:
    return Problem(code=code, level=WARNING, message=message, hint=hint or problem_catalog.advice(code), **where)


def col_letter(index: int) -> str:
    """0-based column index → Excel letters (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_name(row0: int, col0: int | None) -> str:
    """0-based grid position → the address a clerk sees in Excel (B7)."""
    if col0 is None:
        return f"第{row0 + 1}行"
    return f"{col_letter(col0)}{row0 + 1}"


class RulebookError(Exception):
    """The rulebook is unusable; the run stops before reading any input."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems
