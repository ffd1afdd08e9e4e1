"""The Windows 7 package (干部日常积分-<version>-win7-x64.zip, Python 3.8 from tools/win7.lock): built
once, unzipped under 桌面\\积分 管理\\, run with `wine cmd /c run.bat` in a Chinese console on a
Wine prefix that reports Windows 7 (HKCU\\Software\\Wine Version = win7), and compared with the
Linux run of the same inputs. Skips as tests/test_windows_package.py does; see
tests/wine_package.py for the cached prefixes.
"""

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


def test_its_python_3_8_and_every_library_load_on_windows_7(package):
    wp.prepare_prefix("win7")
    code = ("import sys, numpy, pandas, openpyxl, xlsxwriter, jinja2, docx, docxtpl, lxml, defusedxml, "
            "msoffcrypto, cryptography; "
            "print(sys.version.split()[0], sys.getwindowsversion()[:3], numpy.__version__, pandas.__version__)")
    status, text = wp.wine_python(package, code, version="win7")
    assert status == 0, text
    assert f"{WIN7.python_full} (6, 1, 7601) 1.24.4 2.0.3" in text, text
    version_txt = (package / "版本.txt").read_text(encoding="utf-8-sig")
    assert "Windows 7 / 8 64 位便携版" in version_txt and f"自带 Python {WIN7.python_full}" in version_txt
    pth = (package / "python" / "python38._pth").read_text(encoding="utf-8").splitlines()
    assert pth[:4] == ["python38.zip", ".", "Lib\\site-packages", ".."]


def test_run_bat_runs_the_demo_county_on_windows_7(wine_run, linux_run):
    status, text = wine_run
    assert status == linux_run[0], text
    assert "首次运行：已把默认规则文件复制为 rulebook.xlsx" in text      # GBK decoded: cp936
    assert "输出文件夹" in text and "Traceback" not in text
    assert text.count("python-calamine 无法加载") <= 1                     # Wine may lack its DLL


def test_windows_7_results_match_linux(package, wine_run, linux_run):
    wp.assert_same_results(package / "output", linux_run[1])
