"""Each writer's output equals its expected file in tests/expected/, XML part by XML part
(see writer_cases.py). A failure after upgrading XlsxWriter or python-docx, or after changing
a writer, lists the parts and elements that differ; if the change is intended, regenerate
with `python tools/make_expected.py`, open the files, and commit them with the change."""

from __future__ import annotations

import io
import zipfile

import pytest
import writer_cases

from jifen import __version__

NAMES = sorted([*writer_cases.OUTPUTS, *writer_cases.DIRECT])


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> dict:
    return writer_cases.build_outputs(tmp_path_factory.mktemp("writers"))


def test_every_writer_has_an_expected_file():
    assert sorted(p.name for p in writer_cases.EXPECTED.iterdir() if p.suffix in (".xlsx", ".docx")) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_writer_output_matches_its_expected_file(made, name):
    expected = (writer_cases.EXPECTED / name).read_bytes()
    found = writer_cases.differences(made[name], expected, (__version__, writer_cases.expected_version()))
    assert found == [], (f"tests/expected/{name} differs from what the writer makes now "
                         "(regenerate on purpose with python tools/make_expected.py):\n" + "\n".join(found))


def _rewrite(data: bytes, part: str, old: bytes, new: bytes) -> bytes:
    src, buf = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            dst.writestr(info, body.replace(old, new, 1) if info.filename == part else body)
    return buf.getvalue()


def test_the_comparison_sees_attribute_text_element_and_part_changes():
    data = (writer_cases.EXPECTED / "table.xlsx").read_bytes()
    assert writer_cases.differences(data, data) == []
    sheet = "xl/worksheets/sheet1.xml"
    moved = _rewrite(data, sheet, b'<pageSetup paperSize="9"', b'<pageSetup paperSize="1"')
    assert any("pageSetup[9]: attributes paperSize: '9' → '1'" in d for d in writer_cases.differences(moved, data))
    retitled = _rewrite(data, "xl/sharedStrings.xml", "副标题".encode(), "副标".encode())
    assert any("副标题' → '" in d and d.endswith("副标'") for d in writer_cases.differences(retitled, data))
    extra = _rewrite(data, sheet, b"</sheetData>", b"<row r=\"99\"/></sheetData>")
    assert any("child elements" in d for d in writer_cases.differences(extra, data))
    assert writer_cases.differences(_rewrite(data, "xl/styles.xml", b"<fonts", b"<fonts "), data) == []   # same XML


def test_version_and_fingerprints_are_not_the_writers_business():
    stamp = "程序版本 9.9.9；规则文件 SHA-256 0123456789ab…"
    assert writer_cases.normalize(f"副标题 {stamp}") == writer_cases.normalize("副标题 程序版本 0.1.0；规则文件 SHA-256 fedcba987654…")
    assert writer_cases.normalize("a" * 64) == writer_cases.normalize("b" * 64) != writer_cases.normalize("g" * 64)
