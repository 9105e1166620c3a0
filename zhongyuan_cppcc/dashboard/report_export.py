"""The work report as an official document: Word (.docx) and PDF, title centred, 仿宋-style body, page numbers."""

import io

from django.template.loader import render_to_string

from zhongyuan_cppcc.pdf import CJK_FONT_STACK, html_to_pdf

# Official documents use 仿宋_GB2312 for the body and 方正小标宋 for the title; Word falls back to the
# next installed font. On this server only Noto CJK exists, so the PDF puts Noto Serif CJK after FangSong.
BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
PDF_FONT_STACK = '"FangSong_GB2312", "FangSong", "仿宋", ' + CJK_FONT_STACK


def _east_asian_font(run, name: str) -> None:
    from docx.oxml.ns import qn

    run.font.name = name
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), name)


def _page_number_field(paragraph) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = paragraph.add_run("— ")
    _east_asian_font(run, BODY_FONT)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        field_run = paragraph.add_run()
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        field_run._element.append(element)
    paragraph.add_run(" —")


def to_docx(title: str, paragraphs: list[str]) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    document = Document()
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(title)
    run.font.size = Pt(22)
    _east_asian_font(run, TITLE_FONT)
    for text in paragraphs:
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.first_line_indent = Pt(32)
        paragraph.paragraph_format.line_spacing = Pt(28)
        run = paragraph.add_run(text)
        run.font.size = Pt(16)
        _east_asian_font(run, BODY_FONT)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_number_field(footer)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def to_pdf(title: str, paragraphs: list[str], *, compress: bool = True) -> bytes:
    html = render_to_string("dashboard/work_report_pdf.html",
                            {"title": title, "paragraphs": paragraphs, "font_stack": PDF_FONT_STACK})
    return html_to_pdf(html, compress=compress)
