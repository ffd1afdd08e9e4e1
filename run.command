#!/bin/bash
# 干部日常积分管理 — macOS 启动脚本：在访达（Finder）中双击即可在“终端”中运行。
# 做的事与 run.sh 相同（第一次运行时建立 .venv/ 并安装，之后直接运行 process.py），
# 结束后等待回车再关闭窗口，便于查看结果；设置 JIFEN_NO_PAUSE=1 不等待。
# 若提示“没有权限”，请在终端中执行一次：chmod +x run.command run.sh
# Keep this file LF-only and compatible with bash 3.2.

here=${BASH_SOURCE[0]%/*}
if [ "$here" = "${BASH_SOURCE[0]}" ]; then here=.; fi
if [ -z "$here" ]; then here=/; fi
cd "$here" || { echo "无法进入程序所在的文件夹：$here"; exit 2; }

# run.sh does the work; it must not wait itself, this script waits once at the end.
JIFEN_NO_PAUSE=1 /bin/bash ./run.sh "$@"
status=$?
# run.sh did not open the overview (JIFEN_NO_PAUSE above): a plain double-click run does it here.
if [ $# -eq 0 ] && [ -x .venv/bin/python ]; then .venv/bin/python tools/bootstrap.py --open-overview; fi

if [ -t 0 ] && [ -z "${JIFEN_NO_PAUSE:-}" ]; then
  printf '\n按回车键关闭窗口……'
  read -r _ || true
fi
exit "$status"
