"""One run at a time per output folder (issue 14): a lock naming who, which PC, since when."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import builders as b
import openpyxl
import pytest

from jifen import runlock

ROSTER = [("K0001", "张明", "县财政局", "局长", "科级领导干部", "2020-01-01"),
          ("K0002", "李华", "县财政局", "副局长", "科级领导干部", "2020-01-01")]


def county(base: Path) -> Path:
    b.roster(base / "input" / "干部名册.xlsx", ROSTER)
    b.register(base / "input" / "登记表.xlsx", [
        {"id": "DJ1", "cadre_id": "K0001", "name": "张明", "month": "2026-01", "code": "J1-3"},
        {"id": "DJ2", "cadre_id": "K0002", "name": "李华", "month": "2026-02", "code": "K1"}])
    return base


def write_lock(output: Path, **record) -> Path:
    output.mkdir(parents=True, exist_ok=True)
    path = output / runlock.LOCK_NAME
    path.write_text(json.dumps(record, ensure_ascii=False), "utf-8")
    return path


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_lock_names_the_holder_and_refuses_a_second(tmp_path):
    with runlock.acquire(tmp_path, "run") as lock:
        record = json.loads((tmp_path / runlock.LOCK_NAME).read_text("utf-8"))
        assert record["host"] == socket.gethostname() and record["pid"] == os.getpid()
        assert record["user"] and record["since"] and record == lock.record
        with pytest.raises(runlock.Busy) as exc:
            runlock.acquire(tmp_path, "publish")
        assert record["user"] in str(exc.value) and socket.gethostname() in str(exc.value)
        assert f"进程 {os.getpid()}" in str(exc.value) and "请等对方运行结束后再运行" in str(exc.value)
    assert not (tmp_path / runlock.LOCK_NAME).exists()


def test_lock_of_a_process_gone_on_this_pc_is_taken_over(tmp_path):
    since = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    write_lock(tmp_path, user="钱进", host=socket.gethostname(), pid=dead_pid(), since=since)
    with runlock.acquire(tmp_path) as lock:
        assert len(lock.warnings) == 1 and "钱进" in lock.warnings[0] and "进程已经结束" in lock.warnings[0]
        assert json.loads((tmp_path / runlock.LOCK_NAME).read_text("utf-8"))["pid"] == os.getpid()


def test_lock_from_another_pc_holds_until_very_old(tmp_path):
    now = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    path = write_lock(tmp_path, user="孙丽", host="ZZB-PC-02", pid=4242, since="2026-11-30T08:30:00+08:00")
    with pytest.raises(runlock.Busy) as exc:
        runlock.acquire(tmp_path, now=now)
    assert "孙丽 在电脑 ZZB-PC-02 上自 2026-11-30 08:30 起运行（进程 4242）" in str(exc.value)
    assert str(path) in str(exc.value)
    later = now + dt.timedelta(hours=13)
    with runlock.acquire(tmp_path, now=later) as lock:
        assert "已超过 12 小时" in lock.warnings[0]


def test_unreadable_lock_is_waited_for_then_taken_over(tmp_path):
    path = tmp_path / runlock.LOCK_NAME
    path.write_bytes(b"\x00garbage")
    with pytest.raises(runlock.Busy) as exc:          # just made: maybe being written
        runlock.acquire(tmp_path)
    assert "刚刚启动" in str(exc.value)
    old = path.stat().st_mtime - runlock.UNREADABLE_AFTER - 1
    os.utime(path, (old, old))
    with runlock.acquire(tmp_path) as lock:
        assert "无法识别" in lock.warnings[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == []   # no private or moved-aside file left


@pytest.mark.skipif(not hasattr(signal, "SIGSTOP"), reason="needs SIGSTOP to hold a run mid-way")
def test_two_concurrent_runs_one_refusal_intact_outputs(tmp_path):
    """Run A is paused (SIGSTOP) while it holds the lock; run B on the same folder refuses
    with exit 2 naming A; A resumes and finishes; its outputs open and the lock is gone."""
    base = county(tmp_path / "county")
    out = base / "output"
    lock_path = out / runlock.LOCK_NAME
    cmd = [sys.executable, str(b.ROOT / "process.py"), "--input", str(base / "input"), "--output", str(out),
           "--archive", str(base / "archive")]
    env = b.no_soffice_env(base)
    for _attempt in range(5):
        with open(tmp_path / "a.log", "wb") as log:
            first = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + 120
        while not lock_path.exists() and first.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        os.kill(first.pid, signal.SIGSTOP)
        if runlock._read(lock_path).get("pid") == first.pid:
            break
        os.kill(first.pid, signal.SIGCONT)   # it finished before we could hold it: again
        first.wait()
    else:
        pytest.fail("run A never held the lock long enough to be paused")
    try:
        second = subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8", env=env, timeout=300)
    finally:
        os.kill(first.pid, signal.SIGCONT)
    assert first.wait(timeout=300) == 0, (tmp_path / "a.log").read_text("utf-8", "replace")
    assert second.returncode == 2
    assert "输出文件夹正在被另一次运行使用" in second.stdout
    assert f"在电脑 {socket.gethostname()} 上" in second.stdout and f"进程 {first.pid}" in second.stdout
    assert not lock_path.exists()
    for path in sorted(out.rglob("*.xlsx")):
        openpyxl.load_workbook(path).close()   # every output whole
    assert (out / "校验报告.xlsx").exists() and (out / "台账" / "积分总台账_2026.xlsx").exists()
    again = b.run_process(base)
    assert again.returncode == 0 and "输出已是最新" in again.stdout


def test_an_output_folder_that_cannot_be_written_is_named(tmp_path):
    blocker = tmp_path / "output"
    blocker.write_text("a file where the output folder should be", "utf-8")
    base = county(tmp_path / "county")
    proc = b.run_process(base, output=blocker)
    assert proc.returncode == 2
    assert "无法在输出文件夹" in proc.stdout and str(blocker) in proc.stdout


def test_a_run_taking_over_a_left_lock_says_so_and_reports_it(tmp_path):
    base = county(tmp_path / "county")
    since = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    write_lock(base / "output", user="钱进", host=socket.gethostname(), pid=dead_pid(), since=since)
    proc = b.run_process(base)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "注意：输出文件夹的运行锁是一次已不存在的运行留下的（钱进" in proc.stdout
    codes = [(p["问题代码"], p["级别"]) for p in b.problem_codes(base / "output")]
    assert ("stale-lock", "警告") in codes
    assert not (base / "output" / runlock.LOCK_NAME).exists()


def test_compare_waits_for_a_run_on_the_same_output_folder(tmp_path):
    """compare writes 规则调整影响.xlsx into output/ and reads the run's cache: one at a time."""
    base = county(tmp_path / "county")
    since = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    write_lock(base / "output", user="钱进", host=socket.gethostname(), pid=os.getpid(), since=since)
    proc = b.run_process(base, "compare", str(b.RULEBOOK))
    assert proc.returncode == 2 and "未运行" in proc.stdout and "钱进" in proc.stdout, proc.stdout + proc.stderr
    assert not (base / "output" / "规则调整影响.xlsx").exists()
