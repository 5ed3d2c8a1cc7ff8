"""Real .docx files for the import tests, made with python-docx (and, where it has no API, the XML).

Each function returns the bytes of a document as Word or WPS would save it: Chinese style
names (标题 1, 副标题) with style ids Word's defaults do not have, tables with merged cells,
pictures with and without a description, footnotes, and a WPS-like document that uses no
heading style at all. Also the bad inputs `build.py import` must refuse.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from pathlib import Path

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import CONTENT_TYPE as CT, RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Pt, RGBColor

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
# Chinese style names with ids that are not Word's English ones: only the names can say what a style is.
CHINESE_STYLES = {"Title": ("标题", "a3"), "Subtitle": ("副标题", "a5"), "Heading 1": ("标题 1", "1"),
                  "Heading 2": ("标题 2", "2"), "Heading 3": ("标题 3", "3"),
                  "List Paragraph": ("列表段落", "a7"), "Quote": ("引用", "a9")}


def png(width: int = 4, height: int = 3, rgb: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    """A small valid PNG, no imaging library needed."""
    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def chinese_styles(document) -> None:
    """Rename the template's built-in styles as a Chinese Word or WPS names them."""
    for english, (name, style_id) in CHINESE_STYLES.items():
        style = document.styles[english]
        style.name = name
        style.style_id = style_id


def picture(paragraph, data: bytes, descr: str | None = None) -> None:
    """An inline picture; `descr` is Word's 可选文字 (alt text) when given."""
    run = paragraph.add_run()
    shape = run.add_picture(io.BytesIO(data))
    doc_pr = shape._inline.docPr
    doc_pr.set("name", "图片 1")
    if descr is not None:
        doc_pr.set("descr", descr)


def footnotes(document, notes: list[str]) -> None:
    """Give the document a footnotes part holding `notes` (ids 1…n): python-docx cannot write one."""
    body = "".join(
        f'<w:footnote w:id="{i}"><w:p><w:pPr><w:pStyle w:val="FootnoteText"/></w:pPr>'
        f'<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteRef/></w:r>'
        f'<w:r><w:t xml:space="preserve"> {text}</w:t></w:r></w:p></w:footnote>'
        for i, text in enumerate(notes, 1))
    xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes xmlns:w="{W_NS}">'
           '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
           '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r>'
           f'</w:p></w:footnote>{body}</w:footnotes>')
    part = Part(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, xml.encode("utf-8"), document.part.package)
    document.part.relate_to(part, RT.FOOTNOTES)


def footnote_reference(paragraph, note_id: int) -> None:
    run = paragraph.add_run()
    run._r.append(parse_xml(f'<w:rPr {nsdecls("w")}><w:vertAlign w:val="superscript"/></w:rPr>'))
    run._r.append(parse_xml(f'<w:footnoteReference {nsdecls("w")} w:id="{note_id}"/>'))


def hyperlink(paragraph, text: str, url: str) -> None:
    rid = paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True)
    paragraph._p.append(parse_xml(f'<w:hyperlink {nsdecls("w", "r")} r:id="{rid}"><w:r><w:t>{text}</w:t></w:r>'
                                  '</w:hyperlink>'))


def save(document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def word_document() -> bytes:
    """A document written with Word's heading styles, in Chinese: everything the import keeps."""
    d = docx.Document()
    chinese_styles(d)
    d.sections[0].header.paragraphs[0].text = "示例区人大常委会文件"  # 页眉页脚 never reach the page
    d.sections[0].footer.paragraphs[0].text = "第 1 页"
    d.add_paragraph("关于城市更新工作情况的报告", style="标题")
    d.add_paragraph("——2022年1月10日在示例区第一届人民代表大会第二次会议上", style="副标题")
    d.add_paragraph("区人大常委会主任　李明华")
    d.add_paragraph("各位代表：")
    p = d.add_paragraph("　　过去一年，我们坚持")
    p.add_run("依法履职").bold = True
    p.add_run("，推进")
    p.add_run("城市更新").italic = True
    run = p.add_run("工作。")
    run.font.size, run.font.color.rgb = Pt(16), RGBColor(0xC0, 0, 0)  # direct formatting: dropped
    footnote_reference(p, 1)
    d.add_paragraph("一、主要工作", style="标题 1")
    d.add_paragraph("（一）加强监督", style="标题 2")
    p = d.add_paragraph("监督工作详见")
    hyperlink(p, "区人大网站", "https://www.example.gov.cn/renda/")
    p.add_run("。")
    footnote_reference(p, 2)
    d.add_paragraph("听取专项报告", style="List Bullet")
    d.add_paragraph("开展执法检查", style="List Bullet")
    d.add_paragraph("第一步", style="List Number")
    d.add_paragraph("第二步", style="List Number")
    p = d.add_paragraph("地址：钱塘区文渊路")
    p.add_run().add_break()
    p.add_run("电话：0571-00000000")
    d.add_paragraph("（二）改善民生", style="标题 2")
    table = d.add_table(rows=4, cols=3)
    for r, row in enumerate([["项目", "数量", "说明"], ["老旧小区", "12", "已完工"],
                             ["加装电梯", "30", "在建"], ["合计", "", "42"]]):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    table.cell(3, 0).merge(table.cell(3, 1))  # 合计 spans two columns
    table.cell(1, 2).merge(table.cell(2, 2))  # one note for two rows
    picture(d.add_paragraph(), png(rgb=(20, 120, 200)), descr="改造后的小区")
    picture(d.add_paragraph(), png(rgb=(20, 200, 20)))
    d.add_page_break()
    d.add_paragraph("")
    d.add_paragraph("二、存在的问题", style="标题 1")
    d.add_paragraph("有的项目进度偏慢。", style="列表段落")
    footnotes(d, ["数据截至2021年底。", "见区人大常委会2021年工作要点。"])
    return save(d)


def wps_document() -> bytes:
    """A document as WPS users write it: no heading styles, only 一、/（一） lines in plain paragraphs,
    a centred bold title, a ——date subtitle, a speaker line, full-width spaces for indentation."""
    d = docx.Document()
    title = d.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run("示例区人民代表大会常务委员会工作报告")
    run.bold, run.font.size = True, Pt(22)
    d.add_paragraph("——2023年1月12日在示例区第一届人民代表大会第三次会议上").alignment = WD_ALIGN_PARAGRAPH.CENTER
    d.add_paragraph("区人大常委会主任 王　强").alignment = WD_ALIGN_PARAGRAPH.CENTER
    d.add_paragraph("")
    d.add_paragraph("各位代表：")
    d.add_paragraph("　　现在，我代表区人大常委会向大会报告工作，请予审议。")
    d.add_paragraph("　　一、过去一年的主要工作").runs[0].bold = True
    d.add_paragraph("　　（一）坚持党的领导")
    d.add_paragraph("　　常委会始终坚持党的领导，全年召开会议12次。")
    p = d.add_paragraph()
    p.add_run("　　（二）加强预算审查监督。").bold = True
    p.add_run("全年审查预算调整方案2件，提出意见建议15条。")
    d.add_paragraph("　　二、今年的主要任务")
    d.add_paragraph("　　今年是全面贯彻党的二十大精神的开局之年。")
    d.add_paragraph("　　 ")  # an empty-looking paragraph of spaces
    d.add_paragraph("　　三、加强自身建设")
    d.add_paragraph("　　各位代表，让我们团结一心，开拓进取！")
    return save(d)


FRONT = re.compile(r"^---\n(.*?)\n---\n", re.S)


def report_document(markdown_file: Path, headings: str = "word") -> bytes:
    """The seed's work report as an office would send it as a .docx.

    headings="word": Word heading styles (标题 1/标题 2) and a 副标题 paragraph;
    headings="plain": every line in the plain style, the sections numbered 一、二、… by hand and the
    subtitle written as a ——line, as in a WPS document.
    """
    import yaml

    text = markdown_file.read_text(encoding="utf-8")
    meta = yaml.safe_load(FRONT.match(text).group(1))
    body = FRONT.sub("", text)
    d = docx.Document()
    chinese_styles(d)
    plain = headings == "plain"
    if plain:
        d.add_paragraph(meta["title"]).alignment = WD_ALIGN_PARAGRAPH.CENTER
        d.add_paragraph("——" + meta["subtitle"]).alignment = WD_ALIGN_PARAGRAPH.CENTER
    else:
        d.add_paragraph(meta["title"], style="标题")
        d.add_paragraph(meta["subtitle"], style="副标题")
    date = meta["date"]
    d.add_paragraph(f"（{date.year}年{date.month}月{date.day}日）").alignment = WD_ALIGN_PARAGRAPH.CENTER
    d.add_paragraph(f"区人大筹备组组长　{meta['speaker']}").alignment = WD_ALIGN_PARAGRAPH.CENTER
    numbers = iter("一二三四五六七八九十")
    for block in filter(None, (b.strip() for b in body.split("\n\n"))):
        if block.startswith("## "):
            if plain:
                d.add_paragraph(f"{next(numbers)}、{block[3:]}").runs[0].bold = True
            else:
                d.add_paragraph(block[3:], style="标题 1")
        elif block.startswith("### "):
            d.add_paragraph(block[4:], style=None if plain else "标题 2")
        else:
            d.add_paragraph("　　" + block)
    return save(d)


# -- bad input ---------------------------------------------------------------------------------

def ole_container(stream_name: str) -> bytes:
    """The start of an OLE compound file (old .doc, .wps, or an encrypted .docx) naming one stream.

    Enough of the format for a reader to know what it is: the signature, and the stream's name in
    the directory as UTF-16.
    """
    header = bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 16 + struct.pack("<HHH", 0x3E, 3, 0xFFFE)
    header = header.ljust(512, b"\x00")
    entry = stream_name.encode("utf-16-le").ljust(64, b"\x00") + struct.pack("<H", 2 * len(stream_name) + 2)
    return header + entry.ljust(128, b"\x00") + b"\x00" * 1024


def rezip(data: bytes, change) -> bytes:
    """A copy of a .docx with `change(name, bytes) -> bytes | None` applied to each part (None drops it)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            kept = change(info.filename, src.read(info))
            if kept is not None:
                dst.writestr(info.filename, kept)
        extra = change("", b"")
        if isinstance(extra, dict):
            for name, blob in extra.items():
                dst.writestr(name, blob)
    return out.getvalue()


def simple_document(text: str = "一段正文。") -> bytes:
    d = docx.Document()
    d.add_paragraph("测试文档标题")
    d.add_paragraph(text)
    return save(d)


def macro_document() -> bytes:
    """A .docm: macro-enabled content type and a VBA project inside."""
    def change(name: str, blob: bytes):
        if name == "":
            return {"word/vbaProject.bin": ole_container("VBA")}
        if name == "[Content_Types].xml":
            return blob.replace(b"wordprocessingml.document.main+xml", b"ms-word.document.macroEnabled.main+xml")
        return blob
    return rezip(simple_document(), change)


def external_image_document() -> bytes:
    """A picture linked to a file outside the document (插入 → 图片 → 链接到文件)."""
    d = docx.Document()
    d.add_paragraph("测试文档标题")
    picture(d.add_paragraph(), png())
    data = save(d)

    def change(name: str, blob: bytes):
        if name == "word/_rels/document.xml.rels":
            return re.sub(rb'(Type="[^"]*/image" Target=")[^"]*"', rb'\1file:///C:/photos/meeting.jpg" '
                          rb'TargetMode="External"', blob)
        if name == "word/document.xml":
            return blob.replace(b"r:embed=", b"r:link=")
        return None if name.startswith("word/media/") else blob
    return rezip(data, change)


def zip_bomb() -> bytes:
    """A .docx-shaped zip whose document part inflates from ~50 KB to 64 MB."""
    def change(name: str, blob: bytes):
        if name == "word/document.xml":
            return blob.replace(b"</w:body>", b"<!--" + b" " * (64 << 20) + b"--></w:body>")
        return blob
    return rezip(simple_document(), change)


def emf_document() -> bytes:
    """A picture stored as EMF (Office's vector format, which browsers cannot show) beside a PNG one."""
    d = docx.Document()
    d.add_paragraph("图片格式测试")
    d.add_paragraph("下面是一张流程图。")
    picture(d.add_paragraph(), png(rgb=(1, 2, 3)), descr="流程图")
    picture(d.add_paragraph(), png(rgb=(9, 9, 9)), descr="会场照片")
    data = save(d)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        first = sorted(n for n in archive.namelist() if n.startswith("word/media/"))[0]
    emf = first.rsplit(".", 1)[0] + ".emf"

    def change(name: str, blob: bytes):
        if name == "[Content_Types].xml":
            return blob.replace(b"<Default ", b'<Default Extension="emf" ContentType="image/x-emf"/><Default ', 1)
        if name == "word/_rels/document.xml.rels":
            return blob.replace(first.removeprefix("word/").encode(), emf.removeprefix("word/").encode())
        return blob

    renamed = rezip(data, change)
    return rezip(renamed, lambda name, blob: {emf: b"\x01\x00\x00\x00EMF"} if name == "" else
                 (None if name == first else blob))


def chart_document() -> bytes:
    """A Word chart in the text (its data lives in a chart part, which is no picture)."""
    d = docx.Document()
    d.add_paragraph("图表测试")
    d.add_paragraph("全年数据如下图。")
    run = d.add_paragraph().add_run()
    run._r.append(parse_xml(
        f'<w:drawing {nsdecls("w")} xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><wp:inline><wp:extent cx="1" cy="1"/>'
        '<wp:docPr id="9" name="图表 1"/><a:graphic><a:graphicData '
        'uri="http://schemas.openxmlformats.org/drawingml/2006/chart"/></a:graphic></wp:inline></w:drawing>'))
    return save(d)
