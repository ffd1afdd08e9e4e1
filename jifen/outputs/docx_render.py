"""Render a clerk-editable Word template (docxtpl + jinja2) into reproducible bytes.

Autoescaping is on (a name with `<` or `&` cannot break the XML), the template's variables
are checked before rendering, and the zip is rewritten with fixed timestamps and document
properties so the same inputs give byte-identical files.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib

import jinja2
from docxtpl import DocxTemplate

from jifen.outputs.fastsheet import XML_BAD
from jifen.outputs.xlsx import safe_text

FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


class TemplateError(Exception):
    """The template a clerk edited cannot be filled (unknown variable, broken tag)."""


def _clean(value):
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


def _printable(value):
    """_clean for many values: most text is printable and needs no regular expression (and the
    texts and numbers in a dict or list are done in line: a unit's pages hold ~10⁴ values)."""
    if isinstance(value, str):
        return value if value.isprintable() else XML_BAD.sub("", value)
    if isinstance(value, dict):
        return {k: (v if v.isprintable() else XML_BAD.sub("", v)) if type(v) is str
                else v if type(v) in _PLAIN else _printable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [(v if v.isprintable() else XML_BAD.sub("", v)) if type(v) is str
                else v if type(v) in _PLAIN else _printable(v) for v in value]
    return value


_PLAIN = frozenset({int, float, bool, type(None)})      # _printable leaves them as they are


def render(template_path, context: dict, stamp: str = "") -> bytes:
    """Fill the template; `stamp` (program version, rulebook SHA-256) goes into the document's
    properties, where an audit finds it without it being printed on a public notice."""
    try:
        tpl = DocxTemplate(str(template_path))
        unknown = tpl.get_undeclared_template_variables() - set(context)
    except Exception as exc:
        raise TemplateError(f"模板 {template_path} 无法读取：{exc}") from exc
    if unknown:
        raise TemplateError(f"模板 {template_path} 中有程序不认识的变量：{'、'.join(sorted(unknown))}")
    try:
        tpl.render(_clean(context), autoescape=True)
        if stamp:
            tpl.docx.core_properties.comments = safe_text(stamp)
        buf = io.BytesIO()
        tpl.save(buf)
    except Exception as exc:
        raise TemplateError(f"模板 {template_path} 填充失败（请检查 {{{{ }}}} 和 {{% %}} 标记）：{exc}") from exc
    return reproducible_zip(buf.getvalue())


_CORE_DATES = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def reproducible_zip(data: bytes) -> bytes:
    """Same content → same bytes: fixed entry times, fixed core dates, no revision counter."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            blob = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                blob = _CORE_DATES.sub(rb"\g<1>2000-01-01T00:00:00Z\g<3>", blob)
                blob = re.sub(rb"<cp:revision>[^<]*</cp:revision>", b"<cp:revision>1</cp:revision>", blob)
                blob = re.sub(rb"<cp:lastModifiedBy>[^<]*</cp:lastModifiedBy>",
                              b"<cp:lastModifiedBy></cp:lastModifiedBy>", blob)
            zi = zipfile.ZipInfo(info.filename, FIXED_ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            dst.writestr(zi, blob)
    return out.getvalue()


_DICT_ATTRIBUTES = frozenset(dir(dict))


class _Environment(jinja2.Environment):
    """`page.name` on a plain dict without the AttributeError jinja2's getattr catches first
    (the same value: a dict's only attributes are its methods, which still come first)."""

    def getattr(self, obj, attribute):
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


class DocxPattern:
    """One template filled many times, fast: docxtpl's tag clean-up and the jinja2 compile are
    done once, every part but the body is deflated once, and each fill renders the body and
    splices it into the document as text (docxtpl parses and re-serialises it, which costs
    about ten times the rest on a unit's fifteen pages). The result differs from `render`'s
    only in how the XML spells the same characters (a test compares them). A template this
    cannot handle (tags in headers or footers, column loops) raises TemplateError from the
    constructor, and the caller renders the ordinary way."""

    def __init__(self, template_path, context: dict, stamp: str = ""):
        from jifen.outputs.zipparts import pack

        model = render(template_path, context, stamp)        # checks the variables as usual
        zf = zipfile.ZipFile(io.BytesIO(model))
        self.names = [i.filename for i in zf.infolist()]
        parts = {n: zf.read(n) for n in self.names}
        for name, blob in parts.items():
            if name.startswith(("word/header", "word/footer", "word/footnotes")) and (b"{{" in blob or b"{%" in blob):
                raise TemplateError(f"模板 {template_path} 的页眉页脚中有变量")
        self.packed = {n: pack(n, b) for n, b in parts.items() if n != "word/document.xml"}
        document = parts["word/document.xml"].decode("utf-8")
        m = re.search(r"<w:body>.*</w:body>", document, re.S)
        if m is None:
            raise TemplateError(f"模板 {template_path} 的正文结构无法识别")
        self.prefix, self.suffix = document[:m.start()], document[m.end():]
        try:
            self.tpl = DocxTemplate(str(template_path))
            self.tpl.render_init()
            xml = self.tpl.patch_xml(self.tpl.get_xml())
            env = _Environment(autoescape=True)
            self.body = env.from_string(re.sub(r"<w:p([ >])", r"\n<w:p\1", xml))
        except Exception as exc:
            raise TemplateError(f"模板 {template_path} 无法读取：{exc}") from exc
        if "{%tc" in self.tpl.get_xml():
            raise TemplateError(f"模板 {template_path} 含按列循环的表格")

    def fill(self, context: dict) -> bytes:
        from jifen.outputs.zipparts import write_zip

        xml = self.body.render(_printable(context))
        xml = xml.replace("\n<w:p", "<w:p")     # the compiled body has a newline before each <w:p only
        # a brace first: one character is found many times faster than two in a unit's 300,000
        if ("{" in xml or "}" in xml) and ("{_" in xml or "_}" in xml):
            xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
        if any(ch in xml for ch in "\t\a\n\f"):
            xml = self.tpl.resolve_listing(xml)
        # the body as docxtpl gives it declares the namespaces the document element declares already
        if xml.startswith("<w:body"):
            xml = "<w:body>" + xml[xml.index(">") + 1:]
        document = (self.prefix + xml + self.suffix).encode("utf-8")
        # the body is most of the file and of the time: deflated at the fastest level (any level is
        # read alike; fifteen pages compress 3× faster and come out a third larger)
        z = zlib.compressobj(1, zlib.DEFLATED, -15)
        body = ("word/document.xml", document, zlib.crc32(document), z.compress(document) + z.flush())
        return write_zip([body if n == "word/document.xml" else self.packed[n] for n in self.names])
