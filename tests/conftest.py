import compileall
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))


def pytest_configure(config):
    """Compile the package once before the tests start. The suite starts some sixty process.py
    runs; where PYTHONDONTWRITEBYTECODE is set (it is on the machines this project is developed
    on) each would otherwise compile every module it imports again, about 0.1 s of CPU a
    run. Done in the main pytest process only, not again in each xdist worker."""
    if not hasattr(config, "workerinput"):
        compileall.compile_dir(ROOT / "jifen", quiet=1)


# Under pytest-xdist (`--dist loadfile`), files are handed to the two workers in collection
# order: the files whose setup takes longest go first, so that neither worker ends the run
# alone with one of them. Within a file the order is unchanged; without xdist nothing depends on it.
SLOW_FIRST = [
    "test_windows_package.py", "test_review_roundtrip.py", "test_publish.py", "test_pdf.py",
    "test_consequences.py", "test_faults.py", "test_bench.py", "test_checks.py", "test_outputs.py",
]


def pytest_collection_modifyitems(session, config, items):
    def rank(item):
        name = item.path.name
        return SLOW_FIRST.index(name) if name in SLOW_FIRST else len(SLOW_FIRST)
    items.sort(key=rank)
