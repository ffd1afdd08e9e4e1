"""First run of an unzipped Windows package: the county's own files are made from the samples.

The package never ships `rulebook.xlsx`, `input/` or `archive/` at its top level, so unzipping
a newer package over an older one cannot overwrite what a county changed or collected. Its
samples live in `示例/` (the default rulebook and the demo county's input). When the default
`rulebook.xlsx` is missing and `示例/rulebook.xlsx` exists, it is copied into place; a missing
`input/` is created with the usual subfolders and a note on where to put the files. In a git
checkout both already exist, so nothing happens there.
"""

from __future__ import annotations

import os
from pathlib import Path

SAMPLES = "示例"
INPUT_FOLDERS = ("申报表", "登记表", "审核结论", "历史结果")


def prepare(root: Path, rulebook: Path | None, input_dir: Path | None) -> list[str]:
    """Create what a first run needs; → the lines to tell the clerk (none when nothing done).

    `rulebook` / `input_dir` are the paths the run will use when they are the defaults, None
    when the clerk named other ones (those are never created)."""
    said: list[str] = []
    sample_rules = root / SAMPLES / "rulebook.xlsx"
    if rulebook is not None and not rulebook.exists() and sample_rules.is_file():
        # read and written, not shutil.copy2: that calls CopyFile2 on Windows, which Wine 8
        # lacks (the process aborts), and the file's dates need not be kept
        rulebook.write_bytes(sample_rules.read_bytes())
        said.append(f"首次运行：已把默认规则文件复制为 {rulebook.name}（可按本县规定修改，升级程序时不会被覆盖）。")
    if input_dir is not None and not input_dir.exists() and (root / SAMPLES).is_dir():
        for sub in INPUT_FOLDERS:
            (input_dir / sub).mkdir(parents=True, exist_ok=True)
        said.append(f"首次运行：已建立 {input_dir.name} 文件夹。请把干部名册放入其中，申报表、登记表等放入相应子文件夹，"
                    f"然后重新运行。想先看看效果，可把“{SAMPLES}{os.sep}input”里的全部内容复制到 {input_dir.name} 文件夹。")
    return said
