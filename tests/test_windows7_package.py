"""The Windows 7 package (干部日常积分-<version>-win7-x64.zip, Python 3.8 from tools/win7.lock): built
once, unzipped under 桌面\\积分 管理\\, run with `wine cmd /c run.bat` in a Chinese console on a
Wine prefix that reports Windows 7 (HKCU\\Software\\Wine Version = win7), and compared with the
Linux run of the same inputs. Skips as tests/test_windows_package.py does; see
tests/wine_package.py for the cached prefixes.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import wine_package as wp
from wine_package import bundle, wine

WIN7 = bundle.TARGETS["win7"]


def test_the_messages_run_bat_types_are_gbk_and_name_the_windows_7_zip(tmp_path):
    """A Chinese console shows `type`d text in code page 936; run.bat names each file it types."""
    bundle.write_messages(tmp_path, "9.9.9")
    bat = (wp.ROOT / "run.bat").read_text(encoding="ascii")
    for name in bundle.MESSAGES:
        assert f'set "MSG={name}"' in bat, name
        data = (tmp_path / f"{name}.txt").read_bytes()
        assert data.decode("gbk").count("\r\n") == data.count(b"\n")       # CRLF only
    take = (tmp_path / "take-win7-package.txt").read_bytes().decode("gbk")
    assert "干部日常积分-9.9.9-win7-x64.zip" in take


@pytest.fixture(scope="module")
def package(tmp_path_factory) -> Path:
    reason = wp.missing()
    if reason:
        pytest.skip(reason)
    built = wp.build(tmp_path_factory.mktemp("dist"), "win7")
    assert built.name.endswith("-win7-x64.zip")
    return wp.unzip(built, tmp_path_factory.mktemp("pc"))


@pytest.fixture(scope="module")
def wine_run(package):
    """`wine cmd /c run.bat` on Windows 7: (exit status, console text)."""
    wp.prepare_prefix("win7")
    return wine(package, version="win7")


@pytest.fixture(scope="module")
def linux_run(package, tmp_path_factory):
    return wp.linux_run(package, tmp_path_factory.mktemp("linux"))


def test_its_python_is_signed_by_the_psf_with_a_chain_up_to_digicerts_root(package):
    """3.8.10's certificate expired in 2021; at its DigiCert timestamp the chain verifies against
    Debian's CA bundle. Expecting another root must fail, so the check is not a formality."""
    py, lock = package / "python", bundle.read_lock(WIN7.lock)
    lines = bundle.check_python(py, lock, WIN7)
    assert len(lines) == 2 and all("chain verified up to DigiCert Assured ID Root CA" in line for line in lines)
    assert "2021" in bundle.authenticode(py / "python38.dll", anchored=True)["time"]
    other = dataclasses.replace(WIN7, root_ca="Microsoft Identity Verification Root Certificate Authority 2020")
    with pytest.raises(bundle.BuildError, match="does not verify up to"):
        bundle.check_python(py, lock, other)


def test_nothing_it_needs_imports_what_windows_7_lacks(package, tmp_path):
    """Windows 7 has no WaitOnAddress, ProcessPrng, PathCch…: a DLL importing one does not load
    there (Wine has them all, so this is read from the import tables). python313.dll, the reason
    for this package, is caught."""
    assert bundle.windows8_imports(package / "python") == {}
    assert not list((package / "python" / "Lib" / "site-packages").glob("python_calamine*"))
    lock = bundle.read_lock()
    bundle.extract_python(bundle.fetch_embed(lock, wp.CACHE / "bundle"), tmp_path)
    assert "api-ms-win-core-path-l1-1-0.dll" in bundle.windows8_imports(tmp_path)["python313.dll"]


def test_its_python_3_8_and_every_library_load_on_windows_7(package):
    """Everything imports and msoffcrypto encrypts, which cryptography 43 and later could not do
    on Windows 7 (nor in Wine 8, which lacks bcryptprimitives.dll)."""
    wp.prepare_prefix("win7")
    code = ("import sys, io, numpy, pandas, openpyxl, xlsxwriter, jinja2, docx, docxtpl, lxml, defusedxml, "
            "msoffcrypto; from jifen.publishing import outward; "
            "data = open('示例/rulebook.xlsx', 'rb').read(); enc = outward.encrypt_bytes(data, 'abcd1234'); "
            "f = msoffcrypto.OfficeFile(io.BytesIO(enc)); f.load_key(password='abcd1234'); out = io.BytesIO(); "
            "f.decrypt(out); assert enc[:4] == bytes.fromhex('d0cf11e0') and out.getvalue() == data; "
            "print(sys.version.split()[0], sys.getwindowsversion()[:3], numpy.__version__, pandas.__version__, "
            "'encrypted', len(enc))")
    status, text = wp.wine_python(package, code, version="win7")
    assert status == 0, text
    assert f"{WIN7.python_full} (6, 1, 7601) 1.24.4 2.0.3 encrypted" in text, text
    version_txt = (package / "版本.txt").read_text(encoding="utf-8-sig")
    assert "Windows 7 / 8 64 位便携版" in version_txt and f"自带 Python {WIN7.python_full}" in version_txt
    pth = (package / "python" / "python38._pth").read_text(encoding="utf-8").splitlines()
    assert pth[:4] == ["python38.zip", ".", "Lib\\site-packages", ".."]


def test_run_bat_runs_the_demo_county_on_windows_7(wine_run, linux_run):
    status, text = wine_run
    assert status == linux_run[0], text
    assert "首次运行：已把默认规则文件复制为 rulebook.xlsx" in text      # GBK decoded: cp936
    assert "输出文件夹" in text and "Traceback" not in text
    assert "python-calamine" not in text          # not shipped for 3.8: openpyxl reads, silently


def test_windows_7_results_match_linux(package, wine_run, linux_run):
    wp.assert_same_results(package / "output", linux_run[1])
