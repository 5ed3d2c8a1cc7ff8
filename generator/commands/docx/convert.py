""".docx -> Markdown body, pictures and what was recognised: mammoth, then markdownify.

mammoth turns the Word document into semantic HTML through a style map that knows Word's
and WPS's built-in style names in Chinese and English; structure.py decides title,
headings, notes and tables on mammoth's model first. markdownify then writes the
Markdown (chosen over html-to-markdown on this project's documents: see the commit that
added it). Pictures are numbered in document order and kept as bytes with their alt
text; where they go is decided later, once the file's name is known. Nothing is written.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

from . import structure

STYLE_MAP = """
# Word's and WPS's built-in names, English and Chinese; a heading one level below the page title.
p[style-name='heading 1'] => h2:fresh
p[style-name='heading 2'] => h3:fresh
p[style-name='heading 3'] => h4:fresh
p[style-name='heading 4'] => h5:fresh
p[style-name='heading 5'] => h6:fresh
p[style-name='heading 6'] => h6:fresh
p[style-name='标题 1'] => h2:fresh
p[style-name='标题 2'] => h3:fresh
p[style-name='标题 3'] => h4:fresh
p[style-name='标题 4'] => h5:fresh
p[style-name='标题 5'] => h6:fresh
p[style-name='标题 6'] => h6:fresh
p[style-name='Title'] => h2:fresh
p[style-name='标题'] => h2:fresh
p[style-name='Subtitle'] => p:fresh
p[style-name='副标题'] => p:fresh
p[style-name='Quote'] => blockquote > p:fresh
p[style-name='引用'] => blockquote > p:fresh
p[style-name='Intense Quote'] => blockquote > p:fresh
p[style-name='明显引用'] => blockquote > p:fresh
# Word's own contents list, headers and footers: the site makes its own contents list.
p[style-name^='toc'] => !
p[style-name^='目录'] => !
p[style-name='Table of Figures'] => !
p[style-name='图表目录'] => !
p[style-name='header'] => !
p[style-name='页眉'] => !
p[style-name='footer'] => !
p[style-name='页脚'] => !
# Lists come from Word's numbering; a list style without numbering is a plain paragraph.
p:unordered-list(1) => ul > li:fresh
p:unordered-list(2) => ul|ol > li > ul > li:fresh
p:unordered-list(3) => ul|ol > li > ul|ol > li > ul > li:fresh
p:ordered-list(1) => ol > li:fresh
p:ordered-list(2) => ul|ol > li > ol > li:fresh
p:ordered-list(3) => ul|ol > li > ul|ol > li > ol > li:fresh
""" + "\n".join(f"p[style-name='{name}'] => p:fresh" for name in (
    "Normal", "正文", "Body Text", "正文文本", "Body Text 2", "正文文本 2", "Body Text 3", "正文文本 3",
    "Body Text First Indent", "正文首行缩进", "Body Text First Indent 2", "正文首行缩进 2", "Body Text Indent",
    "正文文本缩进", "Normal Indent", "正文缩进", "Normal (Web)", "普通(网站)", "普通（网站）", "Plain Text", "纯文本",
    "No Spacing", "无间隔", "List Paragraph", "列表段落", "List", "列表", "List Bullet", "列表项目符号",
    "List Number", "列表编号", "List Continue", "列表继续", "Caption", "题注", "Date", "日期", "Salutation",
    "称呼", "Closing", "结束语", "Signature", "签名", "Block Text", "文本块", "Footnote Text", "脚注文本",
    "Endnote Text", "尾注文本", "Default", "默认", "Body", "HTML Preformatted", "HTML 预设格式")) + """
r[style-name='Strong'] => strong
r[style-name='要点'] => strong
r[style-name='Emphasis'] => em
r[style-name='强调'] => em
r[style-name='Hyperlink'] =>
r[style-name='超链接'] =>
"""
# Browsers show these; an EMF or WMF drawing (Office's vector formats) and TIFF they do not.
WEB_IMAGES = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp", "image/bmp": "bmp"}
IMAGE_MARK = "import-image-{}"  # the src of picture n until its file name is known
ODD_IMAGE = "\ue004{}\ue005"  # where a picture a browser cannot show was
# Drawings mammoth has no HTML for: Word charts and SmartArt (their data is not a picture).
DRAWINGS = {"图表": re.compile(rb'graphicData uri="[^"]*/chart"'),
            "SmartArt 图形": re.compile(rb'graphicData uri="[^"]*/diagram"')}
UNKNOWN_STYLE = re.compile(r"Unrecognised paragraph style: (.+?) \(Style ID: ([^)]*)\)")
FILE_LIKE = re.compile(r"(^[a-z]:\\|[\\/]|\.(jpe?g|png|gif|bmp|tiff?|emf|wmf|webp)$)", re.I)


@dataclass
class Picture:
    """One picture of the document, in order: its bytes, extension and alt text ("" if none)."""

    number: int
    data: bytes
    extension: str
    alt: str


@dataclass
class Converted:
    """A converted document: Markdown body (pictures still marked), pictures, findings."""

    markdown: str
    pictures: list[Picture]
    findings: structure.Findings
    skipped_pictures: list[str] = field(default_factory=list)  # the formats browsers cannot show
    unknown_styles: list[str] = field(default_factory=list)


def _image_handler(pictures: list[Picture], skipped: list[str]):
    from mammoth import html

    def convert(image) -> list:
        with image.open() as stream:
            data = stream.read()
        extension = WEB_IMAGES.get((image.content_type or "").lower())
        if extension is None:
            skipped.append((image.content_type or "未知格式").split("/")[-1].upper().removeprefix("X-"))
            return [html.text(ODD_IMAGE.format(len(skipped)))]
        alt = " ".join((image.alt_text or "").split())
        if FILE_LIKE.search(alt):  # Word 2010 put the picture's file path there: no description
            alt = ""
        pictures.append(Picture(len(pictures) + 1, data, extension, alt))
        attributes = {"src": IMAGE_MARK.format(len(pictures))}
        if alt:
            attributes["alt"] = alt
        return [html.element("img", attributes)]

    return convert


def convert(data: bytes) -> Converted:
    """Convert a checked .docx (docx_guard.check has looked at it) into Markdown and pictures."""
    import mammoth

    found: dict[str, structure.Findings] = {}

    def transform(document):
        document, found["findings"] = structure.prepare(document)
        return document

    pictures: list[Picture] = []
    skipped: list[str] = []
    result = mammoth.convert_to_html(io.BytesIO(data), style_map=STYLE_MAP, transform_document=transform,
                                     convert_image=_image_handler(pictures, skipped),
                                     include_embedded_style_map=False, external_file_access=False)
    unknown = sorted({m.group(1) for m in (UNKNOWN_STYLE.search(msg.message) for msg in result.messages) if m})
    from .markdown import to_markdown

    markdown = to_markdown(result.value)
    for number, kind in enumerate(skipped, 1):
        markdown = markdown.replace(ODD_IMAGE.format(number), f"<!-- 这里原有第 {number} 张无法在网页上显示的"
                                    f"{kind} 图片：请在 Word 中把它另存为 PNG，放进 media/，再在这里引用 -->")
    findings = found["findings"]
    findings.notes.extend(_drawings(data))
    return Converted(markdown, pictures, findings, skipped, unknown)


def _drawings(data: bytes) -> list[str]:
    """Notes on the charts and SmartArt the page will not have (mammoth passes over them silently)."""
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        body = archive.read("word/document.xml") if "word/document.xml" in archive.namelist() else b""
    counts = {name: len(pattern.findall(body)) for name, pattern in DRAWINGS.items()}
    return [f"文档中有 {n} 个 Word {name}，网页上无法显示，没有导入：请在 Word 中右键 → 另存为图片，"
            f"再把图片插入文档后重新导入（或放进 media/ 后在正文中引用）。" for name, n in counts.items() if n]
