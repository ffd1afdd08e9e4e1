#!/usr/bin/env bash
# 干部日常积分管理 — 信创离线版启动脚本（麒麟、统信等 Linux 桌面；x86_64 与 arm64）
#
#   ./run.sh                    处理 input/ 中的材料，结果写入 output/
#   ./run.sh check              只校验，不出结果
#   ./run.sh publish 2026Q1     发布（归档）一个季度；其他参数见 README
#
# 用系统自带的 python3（3.8 或更新），从不联网。第一次运行时用随包的 pip 把 wheelhouse/ 里
# 适合本机的程序包装到本文件夹的 .libs/ 下（约一分钟），以后直接运行。也可双击
# “干部日常积分.desktop”在终端中运行；结束时若在终端窗口里运行则等待回车再关闭。
# 设置 JIFEN_NO_PAUSE=1 不等待；JIFEN_PYTHON=/路径/python3 指定所用的 Python。
# Exit status: that of process.py; 2 when the environment could not be prepared.
# (This file is tools/linux/run.sh in the source tree; tools/bundle_linux.py ships it as run.sh.)

jifen_pause() {
  if [ -t 0 ] && [ -z "${JIFEN_NO_PAUSE:-}" ]; then
    printf '\n按回车键关闭窗口……'
    read -r _ || true
  fi
}

finish() {
  jifen_pause
  exit "$1"
}

ask_office() {
  # One message: what is wrong ($1), then what to ask the information office (信息中心) for.
  echo
  echo "无法运行：$1"
  shift
  for line in "$@"; do echo "$line"; done
  echo "（详见本文件夹 README.md 的“信创桌面离线版”一节。）"
  finish 2
}

here=${BASH_SOURCE[0]%/*}
if [ "$here" = "${BASH_SOURCE[0]}" ]; then here=.; fi
if [ -z "$here" ]; then here=/; fi
if ! cd "$here" || [ ! -f process.py ] || [ ! -d wheelhouse ]; then
  ask_office "run.sh 必须放在程序文件夹里（与 process.py、wheelhouse 文件夹在一起）。" \
    "请把下载的压缩包完整解压后，在解压出的“干部日常积分”文件夹里运行 run.sh。"
fi
folder=$(pwd)

# The environment of the clerk's session must not change what runs: no user pip settings,
# no ~/.local packages, no PYTHONPATH or PYTHONHOME from elsewhere.
for var in $(compgen -e); do
  case "$var" in PIP_*|PYTHONPATH|PYTHONHOME|PYTHONSTARTUP|PYTHONUSERBASE) unset "$var" ;; esac
done
export PYTHONNOUSERSITE=1 PYTHONIOENCODING=utf-8 PIP_CONFIG_FILE=/dev/null PIP_NO_INPUT=1
case "${LANG:-}${LC_ALL:-}" in *[Uu][Tt][Ff]*) ;; *) export LC_ALL=C.UTF-8 ;; esac

py=${JIFEN_PYTHON:-python3}
if ! pypath=$(command -v "$py" 2>/dev/null); then
  ask_office "这台电脑上没有找到 Python 3（python3 命令）。" \
    "请信息中心为本机安装系统自带的 Python 3（3.8 或更新版本；麒麟、统信的软件包名为 python3），" \
    "不需要联网安装其他程序包。装好后重新运行。"
fi
# Works on any Python 3 (no f-strings): major, minor, full version and platform, e.g. "3 8 3.8.10 linux-x86_64".
probe=$("$pypath" -c 'import sys, sysconfig, platform; print("%d %d %s %s" % (sys.version_info[0], sys.version_info[1], platform.python_version(), sysconfig.get_platform()))' 2>/dev/null)
read -r major minor full platform <<EOF
$probe
EOF
if [ -z "$platform" ]; then
  ask_office "$pypath 不能正常运行（它不是可用的 Python 3）。" \
    "请信息中心检查本机的 Python 3（python3 命令），需要 3.8 或更新版本。"
fi
if [ "$major" -ne 3 ] || [ "$minor" -lt 8 ]; then
  ask_office "本机的 Python 版本过旧：$full（$pypath），需要 3.8 或更新版本。" \
    "统信 UOS V20 等系统自带 Python 3.7，不能运行本程序。" \
    "请信息中心为本机安装 Python 3.8 或更新版本（例如升级系统，或另装 python3.8 软件包），" \
    "然后用 JIFEN_PYTHON=/安装位置/bin/python3 ./run.sh 运行；麒麟 V10 自带的 Python 3.8 可直接使用。"
fi
machine=${platform#linux-}
set_name="cp$major$minor-$machine"
requirements="wheelhouse/$set_name.txt"
if [ ! -f "$requirements" ]; then
  if ! compgen -G "wheelhouse/*-$machine.txt" >/dev/null; then
    ask_office "本离线版没有适合这台电脑处理器（$machine）的程序包。" \
      "本离线版支持 x86_64（海光、兆芯、英特尔、AMD）和 arm64（飞腾、鲲鹏）处理器；" \
      "龙芯（loongarch64、mips64）等其他处理器的电脑暂不能运行。" \
      "请信息中心另安排一台 x86_64 或 arm64 处理器的电脑，或使用 Windows 便携版。"
  fi
  ask_office "本机的 Python $full 太新，本离线版只带有 Python 3.8 至 3.13 的程序包。" \
    "请信息中心为本机提供 Python 3.8 至 3.13 中的任一版本，" \
    "然后用 JIFEN_PYTHON=/安装位置/bin/python3 ./run.sh 运行；或索取更新版本的离线版。"
fi

# The program writes input/, output/, archive/ and .libs/ here: a folder it cannot write
# (a CD, a read-only USB stick, another user's folder) is said once, before anything else.
probe_file=".jifen-write-test.$$"
if ! (: > "$probe_file") 2>/dev/null; then
  ask_office "程序所在的文件夹不能写入：$folder" \
    "程序要在这个文件夹里保存规则文件、材料和结果。请把整个“干部日常积分”文件夹复制到" \
    "自己的文件夹（如“桌面”或“文档”）里，再运行复制后的 run.sh。" \
    "若复制后仍不能写入，请信息中心检查该文件夹的权限，给本人写入权限。"
fi
rm -f "$probe_file"

# First run for this Python: install the wheel set with the bundled pip, offline, hashes checked.
# The stamp is a copy of the requirements file: a newer package (other versions) reinstalls.
lib=".libs/$set_name"
if ! cmp -s "$requirements" "$lib/.jifen-installed" 2>/dev/null; then
  pip_wheel=$(compgen -G "wheelhouse/pip-*.whl" | head -n 1)
  echo "首次运行：正在从 wheelhouse 文件夹安装所需的程序包（不联网，约一两分钟），请稍候……"
  echo "使用 Python $full（$pypath），处理器 $machine。"
  rm -rf "$lib" "$lib.part"
  mkdir -p .libs
  # On Python < 3.10 pip reads install locations through distutils, which Debian-based
  # systems (麒麟, 统信) may split off; sysconfig serves as well for --target.
  if ! "$pypath" -c 'import sys, runpy, sysconfig; sysconfig._PIP_USE_SYSCONFIG = True; sys.path.insert(0, sys.argv.pop(1)); sys.argv[0] = "pip"; runpy.run_module("pip", run_name="__main__", alter_sys=True)' \
      "$pip_wheel" install --no-index --find-links wheelhouse --require-hashes --only-binary=:all: \
      --target "$lib.part" -r "$requirements" -q --disable-pip-version-check --no-warn-script-location --root-user-action=ignore; then
    rm -rf "$lib.part"
    ask_office "安装所需的程序包失败（原因见上方英文信息）。" \
      "可能是压缩包没有完整解压或已损坏：请重新解压一份完整的离线版再运行。" \
      "仍然失败时，请把本窗口的内容截图发给信息中心。"
  fi
  cp "$requirements" "$lib.part/.jifen-installed"
  mv "$lib.part" "$lib"
  echo "程序包已安装，以后运行不再需要这一步。"
  echo
fi

PYTHONPATH="$folder/$lib" "$pypath" process.py "$@"
status=$?
# A plain run (double-click, no arguments): show the overview page when a person is watching.
if [ $# -eq 0 ]; then "$pypath" tools/bootstrap.py --open-overview; fi
finish $status
