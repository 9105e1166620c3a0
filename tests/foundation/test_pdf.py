"""The shared PDF helper: a template becomes a PDF with the Chinese text set in the Noto CJK fonts."""

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
