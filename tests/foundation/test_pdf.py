"""The shared PDF helper: a template becomes a PDF with the Chinese text set in the Noto CJK fonts, laid out once
for as long as the same document is printed again."""

import re

import pytest

from zhongyuan_cppcc.pdf import html_to_pdf, pdf_response, render_pdf

DOC = """<!DOCTYPE html><html lang="zh-Hans"><head><meta charset="utf-8">
<style>body {{ font-family: {fonts}; }}</style></head><body><h1>{{{{ title }}}}</h1></body></html>"""


@pytest.fixture
def template_dir(tmp_path, settings):
    from zhongyuan_cppcc.pdf import CJK_FONT_STACK

    (tmp_path / "doc.html").write_text(DOC.format(fonts=CJK_FONT_STACK), encoding="utf-8")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    return tmp_path


def test_render_pdf_embeds_a_cjk_font_and_escapes_the_context(template_dir):
    pdf = render_pdf("doc.html", {"title": "信息专刊<script>"}, compress=False)
    assert pdf.startswith(b"%PDF-")
    fonts = re.findall(rb"/BaseFont\s*/[A-Z]{6}\+([A-Za-z\-]+)", pdf)
    assert fonts and all(b"CJK" in name for name in fonts), fonts


def test_external_resources_are_not_fetched():
    pdf = html_to_pdf('<html><body><img src="http://203.0.113.1/x.png"><p>正文</p></body></html>')
    assert pdf.startswith(b"%PDF-")


def test_pdf_response_names_the_file_in_utf8():
    response = pdf_response(b"%PDF-1.7", filename="信息专刊2023年第6期.pdf")
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''%E4%BF%A1" in disposition
    assert pdf_response(b"", filename="a.pdf", inline=True)["Content-Disposition"].startswith("inline;")


class Layouts:
    """Counts WeasyPrint's layouts (the real ones: this only watches zhongyuan_cppcc.pdf._layout)."""

    def __init__(self, monkeypatch):
        from zhongyuan_cppcc import pdf

        self.count, real = 0, pdf._layout

        def counted(html, compress):
            self.count += 1
            return real(html, compress)

        monkeypatch.setattr(pdf, "_layout", counted)


def test_a_document_printed_again_is_not_laid_out_again(monkeypatch):
    layouts = Layouts(monkeypatch)
    first = html_to_pdf("<html><body><p>第一份</p></body></html>")
    again = html_to_pdf("<html><body><p>第一份</p></body></html>")
    assert first == again and first.startswith(b"%PDF-") and layouts.count == 1
    other = html_to_pdf("<html><body><p>第二份</p></body></html>")
    assert other != first and layouts.count == 2
    readable = html_to_pdf("<html><body><p>第一份</p></body></html>", compress=False)
    assert readable != first and layouts.count == 3


def test_a_cache_that_does_not_answer_only_costs_the_layout(monkeypatch, settings):
    settings.CACHES = {"default": {"BACKEND": "tests.foundation.failing_backends.DownCache"}}
    layouts = Layouts(monkeypatch)
    assert html_to_pdf("<html><body><p>缓存不可用</p></body></html>").startswith(b"%PDF-")
    assert html_to_pdf("<html><body><p>缓存不可用</p></body></html>").startswith(b"%PDF-")
    assert layouts.count == 2
