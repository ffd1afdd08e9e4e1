"""Worker processes as Windows starts them (`spawn`: no fork there), checked on Linux."""

import dataclasses
import shutil
from pathlib import Path

import pytest

from jifen.readers import batch
from jifen.workers import start_method

DEMO_MONTH = Path(__file__).resolve().parent.parent / "input" / "申报表" / "2025-07"


def records(parsed_list):
    out = []
    for parsed in parsed_list:
        d = dataclasses.asdict(parsed)
        d.pop("seconds", None)
        out.append(d)
    return out


@pytest.mark.parametrize("asked, expected", [("spawn", "spawn"), ("serial", "serial"),
                                              ("bogus", "fork"), ("", "fork")])
def test_start_method_follows_the_override(monkeypatch, asked, expected):
    monkeypatch.setenv("JIFEN_START_METHOD", asked)
    assert start_method() == expected


def test_without_fork_the_run_stays_in_one_process(monkeypatch):
    """Windows: no fork, and spawned parsers hang in Wine 8, so no worker processes."""
    import multiprocessing as mp

    monkeypatch.delenv("JIFEN_START_METHOD", raising=False)
    monkeypatch.setattr(mp, "get_all_start_methods", lambda: ["spawn"])
    assert start_method() == "serial"


def test_spawned_parsers_give_what_one_process_gives(tmp_path, monkeypatch):
    inp = tmp_path / "input"
    shutil.copytree(DEMO_MONTH, inp / "申报表")
    monkeypatch.setattr(batch, "PARALLEL_FROM", 2)
    monkeypatch.setenv("JIFEN_START_METHOD", "serial")
    alone, _ = batch.read_inputs(inp, workers=2)
    monkeypatch.setenv("JIFEN_START_METHOD", "spawn")

    def not_here(*_):
        raise AssertionError("parsed in the main process: the spawned workers did not run")

    # spawned workers import the module afresh, so only this process sees the patch
    monkeypatch.setattr(batch.inputs, "parse_file", not_here)
    spawned, _ = batch.read_inputs(inp, workers=2)
    assert len(spawned) > 20
    assert records(spawned) == records(alone)


def test_free_memory_is_given_back_where_the_c_library_can_and_skipped_where_not(monkeypatch):
    import ctypes

    from jifen import workers

    monkeypatch.setattr(workers, "_TRIM", [])
    workers.give_back_free_memory()
    workers.give_back_free_memory()          # found once, then called again
    assert len(workers._TRIM) == 1

    def no_library(*a, **k):
        raise OSError("no such library")

    monkeypatch.setattr(workers, "_TRIM", [])
    monkeypatch.setattr(ctypes, "CDLL", no_library)
    workers.give_back_free_memory()
    assert workers._TRIM == [None]
