#!/usr/bin/env bash
# Minimal launcher (replaced by the full one): venv beside the project, then process.py or tests.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
if [ ! -x .venv/bin/python ]; then python3 -m venv .venv; fi
if [ "${1:-}" = "test" ]; then
  shift
  .venv/bin/python -m pip install -q -e ".[test]"
  exec .venv/bin/python -m pytest "$@"
fi
.venv/bin/python -m pip install -q -e .
exec .venv/bin/python process.py "$@"
