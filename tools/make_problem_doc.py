"""Write docs/问题代码.md from the problem catalogue (jifen/problem_catalog.py).

    python tools/make_problem_doc.py

tests/test_problem_catalog.py fails when the document is not what this writes.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "问题代码.md"

if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    from jifen.problem_catalog import markdown

    DOC.write_text(markdown(), encoding="utf-8", newline="\n")
    print(f"已生成 {DOC}")
