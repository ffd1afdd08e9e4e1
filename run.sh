#!/usr/bin/env bash
# 干部日常积分管理 — 启动脚本（Linux；macOS 请双击 run.command，Windows 请双击 run.bat）
#
#   ./run.sh                    处理 input/ 中的材料，结果写入 output/
#   ./run.sh check              只校验，不出结果
#   ./run.sh publish 2026Q1     发布（归档）一个季度；其他参数见 README
#   ./run.sh test [pytest 参数]  安装测试依赖并运行全部测试（开发者用）
#   ./run.sh bundle             生成 Windows 便携版 dist/干部日常积分-<版本>-win64.zip（开发者用）
#
# 第一次运行时在本文件夹下建立 .venv/ 并安装所需程序包（有 wheels/ 文件夹时离线安装），
# 以后直接复用。结束时若在终端窗口里运行则等待回车再关闭；设置 JIFEN_NO_PAUSE=1 不等待。
# 退出状态即 process.py（或 pytest）的退出状态；运行环境准备失败时为 2。
# Keep this file LF-only and compatible with bash 3.2 (macOS runs it through run.command).

mode=run
if [ "${1:-}" = "test" ]; then mode=test; fi
if [ "${1:-}" = "bundle" ]; then mode=bundle; fi

jifen_pause() {
  # Wait for Enter only when a person is watching: stdin is a terminal, the developer has not
  # set JIFEN_NO_PAUSE, and this is not the test command.
  if [ -t 0 ] && [ -z "${JIFEN_NO_PAUSE:-}" ] && [ "$mode" = "run" ]; then
    printf '\n按回车键关闭窗口……'
    read -r _ || true
  fi
}

finish() {
  jifen_pause
  exit "$1"
}

here=${BASH_SOURCE[0]%/*}
if [ "$here" = "${BASH_SOURCE[0]}" ]; then here=.; fi
if [ -z "$here" ]; then here=/; fi
if ! cd "$here"; then
  echo "无法进入程序所在的文件夹：$here"
  finish 2
fi

version_ok() {
  "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 8) else 1)' >/dev/null 2>&1
}

PY=
too_old=
consider() {
  # Use $1 when it is a Python >= 3.8; remember the first too-old one for the message.
  local p=$1
  [ -n "$p" ] && [ -x "$p" ] || return 1
  case "${OSTYPE:-}" in
    darwin*)
      # /usr/bin/python3 on a Mac without the developer tools only opens an install dialog.
      if [ "$p" = /usr/bin/python3 ] && ! xcode-select -p >/dev/null 2>&1; then return 1; fi ;;
  esac
  if version_ok "$p"; then PY=$p; return 0; fi
  if [ -z "$too_old" ]; then
    too_old="$p（$("$p" -c 'import platform; print(platform.python_version())' 2>/dev/null)）"
  fi
  return 1
}

find_python() {
  local name p
  for name in "${JIFEN_PYTHON:-}" python3.14 python3.13 python3.12 python3.11 python3.10 python3.9 python3.8 python3 python; do
    [ -n "$name" ] || continue
    p=$(command -v "$name" 2>/dev/null) || continue
    consider "$p" && return 0
  done
  for p in /Library/Frameworks/Python.framework/Versions/3.*/bin/python3 \
           /opt/homebrew/bin/python3 /usr/local/bin/python3; do
    consider "$p" && return 0
  done
  return 1
}

no_python() {
  echo "没有找到 Python 3.8 或更高版本，无法运行。"
  if [ -n "$too_old" ]; then echo "找到的 Python 版本过旧：$too_old"; fi
  case "${OSTYPE:-}" in
    darwin*)
      echo "请到 https://www.python.org/downloads/macos/ 下载安装 Python 3.12（或更新版本），"
      echo "然后重新双击 run.command。" ;;
    *)
      echo "请安装 Python 3.8 或更高版本及 venv 模块，例如："
      echo "  sudo apt install python3 python3-venv"
      echo "系统自带的 Python 版本过低（统信 UOS、麒麟等常见）时，请信息中心另行安装 Python 3.12，"
      echo "装好后可用 JIFEN_PYTHON=/安装位置/bin/python3 ./run.sh 指定。" ;;
  esac
  echo "详见 docs/launchers.md。"
}

# JIFEN_VENV (developers): another environment folder, e.g. .venv-floor for the lowest pins.
venv_py=${JIFEN_VENV:-.venv}/bin/python
if [ -x "$venv_py" ] && version_ok "$venv_py"; then
  boot=$venv_py
elif find_python; then
  boot=$PY
else
  no_python
  finish 2
fi

if [ "$mode" = "test" ]; then
  "$boot" tools/bootstrap.py --test || finish $?
  shift
  # The whole suite runs on two worker processes (pytest-xdist), each taking whole test files so
  # that a module's fixtures are built once, the slowest files first (tests/conftest.py). Named
  # test files, --pdb and --trace run in this one process, which starts faster.
  dist="-n 2 --dist loadfile"
  # pytest-xdist >= 3.8 (Python >= 3.9) would otherwise reorder the files by size.
  if "$venv_py" -c 'import sys; from importlib.metadata import version as v
sys.exit(tuple(map(int, v("pytest-xdist").split(".")[:2])) < (3, 8))' 2>/dev/null; then
    dist="$dist --no-loadscope-reorder"
  fi
  for arg in "$@"; do
    case "$arg" in
      tests|tests/) ;;
      --pdb|--trace|tests/*|*.py|*.py::*) dist= ;;
    esac
  done
  "$venv_py" -m pytest $dist "$@"
elif [ "$mode" = "bundle" ]; then
  "$boot" tools/bootstrap.py || finish $?
  shift
  "$venv_py" tools/bundle.py "$@"
else
  "$boot" tools/bootstrap.py || finish $?
  "$venv_py" process.py "$@"
  status=$?
  # A plain run (double-click, no arguments): show the overview page when a person is watching.
  if [ $# -eq 0 ]; then "$venv_py" tools/bootstrap.py --open-overview; fi
  finish $status
fi
finish $?
