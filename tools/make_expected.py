"""Regenerate tests/expected/: the files each writer makes from the fixed county of
tests/writer_cases.py, which tests/test_writer_contract.py compares XML-by-XML.

Run it only on purpose — after a deliberate change to a writer, or after upgrading
XlsxWriter / python-docx once you have looked at what the comparison reported — and review
the resulting files (open them) before committing:

    python tools/make_expected.py             # the expected outputs, from the checked-in county
    python tools/make_expected.py --inputs    # first rebuild the county itself (tests/expected/input/)
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import writer_cases  # noqa: E402

from jifen import __version__  # noqa: E402


def main(argv: list[str]) -> int:
    writer_cases.EXPECTED.mkdir(exist_ok=True)
    if "--inputs" in argv or not writer_cases.INPUT.is_dir():
        shutil.rmtree(writer_cases.INPUT, ignore_errors=True)
        writer_cases.build_county(writer_cases.INPUT)
        print(f"  rebuilt  {writer_cases.INPUT.relative_to(ROOT)}/")
    with tempfile.TemporaryDirectory(prefix="jifen-expected-") as tmp:
        made = writer_cases.build_outputs(Path(tmp))
    for name, data in sorted(made.items()):
        path = writer_cases.EXPECTED / name
        old = path.read_bytes() if path.exists() else None
        path.write_bytes(data)
        state = "new" if old is None else "unchanged" if old == data else "rewritten"
        print(f"{state:>9}  tests/expected/{name}")
    writer_cases.VERSION_FILE.write_text(__version__ + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
