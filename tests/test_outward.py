"""外发 passwords and file choice (issue 14); the encrypted copies themselves: test_publish."""

from __future__ import annotations

from pathlib import Path

import pytest

from jifen.publishing import outward


def test_password_from_the_environment_is_used_as_is():
    assert outward.ask_password(env={outward.ENV: "abcd1234"}) == "abcd1234"
    with pytest.raises(outward.NoPassword) as exc:
        outward.ask_password(env={outward.ENV: "short"})
    assert "至少 8 位" in str(exc.value)


def test_password_is_asked_twice_until_both_agree():
    answers = iter(["abc", "first-try-1", "typo-try-1", "second-try", "second-try"])
    asked = []

    def ask(prompt):
        asked.append(prompt)
        return next(answers)

    assert outward.ask_password(env={}, ask=ask, interactive=True) == "second-try"
    assert len(asked) == 5 and "不显示" in asked[0] and "再输入一次" in asked[2]


def test_no_console_and_no_environment_refuses():
    with pytest.raises(outward.NoPassword) as exc:
        outward.ask_password(env={}, interactive=False)
    assert outward.ENV in str(exc.value)


def test_period_files_are_the_internal_workbooks_of_the_period(tmp_path):
    out = Path(tmp_path)
    assert outward.period_files(out, "2026Q3") == [out / "季度通报" / "2026年第3季度积分排名.xlsx",
                                                  out / "台账" / "积分总台账_2026.xlsx"]
    assert outward.period_files(out, "2026") == [out / "年度排名" / "2026年度积分排名.xlsx",
                                                out / "台账" / "积分总台账_2026.xlsx"]


def test_a_missing_workbook_is_reported_not_invented(tmp_path):
    written, failed = outward.write_copies([tmp_path / "年度排名" / "2026年度积分排名.xlsx"], tmp_path, "abcd1234")
    assert written == [] and "本次没有生成该文件" in failed[0]


def test_a_password_protected_declaration_is_named_in_clear_chinese(tmp_path):
    """A declaration a cadre saved with an opening password: the gate says so, and how to fix it."""
    import builders as b

    from jifen.readers import inputs

    plain = b.declaration(tmp_path / "plain.xlsx", "K0001", "张明", "2026-03", [{"code": "J6"}])
    locked = tmp_path / "input" / "张明3月申报表.xlsx"
    locked.parent.mkdir()
    locked.write_bytes(outward.encrypt_bytes(plain.read_bytes(), "abcd1234"))
    parsed = inputs.parse_file(locked, "张明3月申报表.xlsx")
    assert [(p.code, p.file) for p in parsed.problems] == [("encrypted-workbook", "张明3月申报表.xlsx")]
    assert "设置了打开密码" in parsed.problems[0].message and "去掉密码" in parsed.problems[0].hint
    assert parsed.items == [] and parsed.info.status == "无法读取"


def test_gate_finds_the_encrypted_package_named_in_a_directory_far_into_the_file():
    """Excel may write the OLE directory after a large encrypted stream (beyond the first MB)."""
    import struct

    from jifen.readers import gate

    sector = 512
    far = 4096                                    # directory in sector 4096, at 2 MB
    data = bytearray(gate.OLE2 + bytes(sector - 8))
    struct.pack_into("<H", data, 0x1E, 9)          # sector shift: 512-byte sectors
    struct.pack_into("<I", data, 0x30, far)        # first directory sector
    data += bytes((far + 1) * sector - len(data))
    data += "EncryptedPackage".encode("utf-16-le") + bytes(sector - 32)
    verdict = gate.inspect(bytes(data), "大文件.xlsx")
    assert [p.code for p in verdict.problems] == ["encrypted-workbook"]
    plain_ole = bytes(data[: (far + 1) * sector])  # the same container without it: an old .xls
    assert [p.code for p in gate.inspect(plain_ole, "旧.xls").problems] == ["old-xls"]


def test_run_files_are_the_three_kinds_of_internal_workbooks(tmp_path):
    for rel in ["年度排名/2026年度积分排名.xlsx", "年度排名/2026年度积分情况通报.docx", "季度通报/2026年第1季度积分排名.xlsx",
                "季度通报/2025年第4季度积分排名.xlsx", "台账/积分总台账_2026.xlsx", "台账/2026/个人/x/K1_张明.xlsx",
                "校验报告.xlsx"]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(b"x")
    names = sorted(p.name for p in outward.run_files(tmp_path, 2026))
    assert names == sorted(["2026年第1季度积分排名.xlsx", "2026年度积分排名.xlsx", "积分总台账_2026.xlsx"])
    assert len(outward.run_files(tmp_path)) == 4


def test_run_encrypt_then_a_changed_run_removes_the_stale_copies(tmp_path):
    """`run --encrypt` encrypts every internal workbook the run left; a later run whose outputs
    changed deletes them (an out-of-date copy must not be sent by mistake)."""
    import builders as b

    base = tmp_path / "county"
    b.roster(base / "input" / "干部名册.xlsx", [("K0001", "张明", "县财政局", "局长", "科级领导干部", "2020-01-01")])
    b.register(base / "input" / "登记表.xlsx", [
        {"id": "DJ1", "cadre_id": "K0001", "name": "张明", "month": "2026-01", "code": "J1-3"}])
    first = b.run_process(base, "run", "--encrypt", env={outward.ENV: "abcd1234"})
    assert first.returncode == 0, first.stdout + first.stderr
    sent = sorted(p.name for p in (base / "output" / outward.FOLDER).iterdir())
    assert sent == sorted(["2026年第1季度积分排名（草稿，截至1月）.xlsx", "2026年度积分排名（草稿，截至1月）.xlsx",
                           "积分总台账_2026.xlsx"])
    b.register(base / "input" / "登记表.xlsx", [
        {"id": "DJ1", "cadre_id": "K0001", "name": "张明", "month": "2026-01", "code": "J1-2"}])
    second = b.run_process(base)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "加密副本已过时，已删除" in second.stdout
    assert list((base / "output" / outward.FOLDER).iterdir()) == []
