"""Where the program's own files live (beside process.py, whatever the current directory)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
