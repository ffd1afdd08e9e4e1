import compileall
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))


def pytest_configure(config):
    """Keep compiled bytecode, even where PYTHONDONTWRITEBYTECODE is set (it is on the machines
    this project is developed on): the test modules' assertion rewriting is then cached between
    sessions (collection 2.8 s → 1.3 s, in each xdist worker), and jifen/ is compiled once here
    rather than by each of the suite's sixty-odd process.py runs (about 0.1 s of CPU a run).
    The files go to __pycache__/ folders, which git ignores."""
    sys.dont_write_bytecode = False
    if not hasattr(config, "workerinput"):        # once: in the main process, not in each worker
        compileall.compile_dir(ROOT / "jifen", quiet=1)


# Under pytest-xdist (`--dist loadfile`), files are handed to the two workers in collection
# order: the files whose setup takes longest go first, so that neither worker ends the run
# alone with one of them. Within a file the order is unchanged; without xdist nothing depends on it.
SLOW_FIRST = [
    "test_linux_package.py", "test_windows_package.py", "test_windows7_package.py", "test_review_roundtrip.py", "test_publish.py", "test_pdf.py",
    "test_consequences.py", "test_faults.py", "test_bench.py", "test_checks.py", "test_outputs.py",
]


def pytest_collection_modifyitems(session, config, items):
    def rank(item):
        name = item.path.name
        return SLOW_FIRST.index(name) if name in SLOW_FIRST else len(SLOW_FIRST)
    items.sort(key=rank)
