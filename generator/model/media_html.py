"""Images and attachments in a page's HTML, once the body is sanitised (markdown.finalize).

- An image of media/ becomes a <picture>: WebP and the original format in the sizes made at
  build time (images.py), with `srcset`/`sizes`, `width`/`height` (the page does not jump as
  it loads) and `loading="lazy"` below the first screen. An original too big to send (over
  2 MB or 4,000 px) is linked beside the picture, never sent as it.
- `![说明](photo.jpg "图注")` alone in its paragraph becomes a <figure> with a <figcaption>.
- A link to a PDF, Word, Excel or WPS file of media/ says its type and size (PDF，1.2 MB) and
  downloads under a readable name from the link text (download="会议议程.pdf"); the URL stays
  ASCII.

Pure text in, text out: the records it reads are made by images.py and the Builder.
"""

from __future__ import annotations

import html
import posixpath
import re
from dataclasses import dataclass
from typing import Mapping, Union
from urllib.parse import unquote, urlsplit

from .urls import relative

BODY_SIZES = "(max-width: 45em) 100vw, 820px"  # the text column: the phone's width, else at most ~820 px
EAGER_TEXT = 200  # characters of text before the first image that still leave it on the first screen

ATTACHMENTS = {  # suffix -> (what readers call it, MIME type)
    ".pdf": ("PDF", "application/pdf"),
    ".doc": ("Word", "application/msword"),
    ".docx": ("Word", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ".xls": ("Excel", "application/vnd.ms-excel"),
    ".xlsx": ("Excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ".ppt": ("PowerPoint", "application/vnd.ms-powerpoint"),
    ".pptx": ("PowerPoint", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    ".wps": ("WPS 文字", "application/vnd.ms-works"),
    ".et": ("WPS 表格", "application/vnd.ms-excel"),
    ".dps": ("WPS 演示", "application/vnd.ms-powerpoint"),
    ".ofd": ("OFD", "application/ofd"),
    ".zip": ("ZIP 压缩包", "application/zip"),
    ".rar": ("RAR 压缩包", "application/vnd.rar"),
    ".7z": ("7z 压缩包", "application/x-7z-compressed"),
}


@dataclass(frozen=True)
class Variant:
    """One published size of a picture."""

    path: str  # site-relative, e.g. media/hall.480.1a2b3c4d.webp
    width: int
    height: int
    mime: str


@dataclass(frozen=True)
class Picture:
    """A content image as published: the original (metadata removed) and its sizes."""

    source: str  # the editor's file, media/会场.jpg
    path: str  # where the original is published, media/hui-chang.jpg
    width: int  # as shown (after the camera's orientation)
    height: int
    mime: str
    size: int  # bytes of the published original
    oversized: bool  # over 2 MB or 4,000 px: linked, never the page's picture
    variants: tuple[Variant, ...]

    def of(self, mime: str) -> tuple[Variant, ...]:
        return tuple(v for v in self.variants if v.mime == mime)

    def fallback(self, limit: int = 960) -> Variant:
        """The <img src>: the original's format, the largest size up to `limit` px wide."""
        own = self.of(self.mime) or self.variants
        fit = [v for v in own if v.width <= limit]
        return fit[-1] if fit else own[0]


@dataclass(frozen=True)
class Attachment:
    """A document of media/ that readers download."""

    source: str
    path: str
    size: int
    label: str  # PDF, Word, …
    mime: str


MediaFile = Union[Picture, Attachment]

IMG = re.compile(r"<img\b[^>]*>")
LONE_IMG = re.compile(r"<p>\s*(<img\b[^>]*>)\s*</p>")
LINK = re.compile(r"<a\b([^>]*)>(.*?)</a>", re.S)
ATTR = re.compile(r'([a-zA-Z-]+)="([^"]*)"')
TAG = re.compile(r"<[^>]+>")
UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def size_label(size: int) -> str:
    """1.2 MB, 23 KB: a file's size as readers expect it."""
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


def _target(src: str, page_url: str) -> str | None:
    """The site-relative path a relative URL on `page_url` leads to (None: another site)."""
    parts = urlsplit(html.unescape(src))
    if parts.scheme or parts.netloc or not parts.path or parts.path.startswith("/"):
        return None
    return posixpath.normpath(posixpath.join(page_url, unquote(parts.path)))


def _srcset(variants: tuple[Variant, ...], page_url: str) -> str:
    return ", ".join(f"{relative(v.path, page_url)} {v.width}w" for v in variants)


def picture_html(pic: Picture, page_url: str, alt: str, *, lazy: bool, sizes: str = BODY_SIZES,
                 cls: str = "", width: int | None = None, height: int | None = None) -> str:
    """<picture> with a WebP source and an <img> of the original's format; `alt` is escaped here."""
    img = pic.fallback()
    webp = pic.of("image/webp")
    own = pic.of(pic.mime)
    source = f'<source type="image/webp" srcset="{_srcset(webp, page_url)}" sizes="{sizes}">' if webp else ""
    extra = f' class="{cls}"' if cls else ""
    lazy_attr = ' loading="lazy"' if lazy else ""
    return (f'<picture>{source}<img src="{relative(img.path, page_url)}" srcset="{_srcset(own, page_url)}" '
            f'sizes="{sizes}" width="{width or img.width}" height="{height or img.height}" '
            f'alt="{html.escape(alt, quote=True)}"{extra}{lazy_attr} decoding="async"></picture>')


def _original_link(pic: Picture, page_url: str) -> str:
    kind = pic.mime.split("/")[1].upper()
    return (f'<a class="original" href="{relative(pic.path, page_url)}">查看原图'
            f'<span class="file-meta">（{kind}，{size_label(pic.size)}）</span></a>')


def _attrs(tag: str) -> dict[str, str]:
    return {name: html.unescape(value) for name, value in ATTR.findall(tag)}


def enrich(body: str, page_url: str, media: Mapping[str, MediaFile]) -> str:
    """A finished body with its media/ images as pictures (figures where captioned) and its
    attachment links typed, sized and named for download."""
    if "<img" not in body and "<a " not in body:
        return body
    state = {"images": 0}

    def image(tag: str, caption: bool) -> str:
        attrs = _attrs(tag)
        target = _target(attrs.get("src", ""), page_url)
        pic = media.get(target) if target else None
        title = attrs.get("title", "").strip()
        if isinstance(pic, Picture):
            before = len(" ".join(html.unescape(TAG.sub(" ", body[:body.find(tag)])).split()))
            lazy = state["images"] > 0 or before > EAGER_TEXT
            state["images"] += 1
            shown = picture_html(pic, page_url, attrs.get("alt", ""), lazy=lazy)
            if pic.oversized:
                shown += _original_link(pic, page_url)
        else:
            shown = tag.replace(f' title="{html.escape(title, quote=True)}"', "") if caption else tag
        if caption:
            return f'<figure class="figure">{shown}<figcaption>{html.escape(title)}</figcaption></figure>'
        return shown

    def lone(match: re.Match) -> str:
        tag = match.group(1)
        return image(tag, True) if _attrs(tag).get("title", "").strip() else f"<p>{image(tag, False)}</p>"

    if "<img" in body:
        body = LONE_IMG.sub(lone, body)
        body = IMG.sub(lambda m: m.group() if "decoding=" in m.group() else image(m.group(), False), body)
    if "<a " in body:
        body = LINK.sub(lambda m: _attachment(m, page_url, media), body)
    return body


def _attachment(match: re.Match, page_url: str, media: Mapping[str, MediaFile]) -> str:
    attrs = _attrs(match.group(1))
    target = _target(attrs.get("href", ""), page_url)
    doc = media.get(target) if target else None
    if not isinstance(doc, Attachment) or "download" in attrs:
        return match.group()
    suffix = posixpath.splitext(doc.path)[1]
    text = " ".join(html.unescape(TAG.sub("", match.group(2))).split())
    name = UNSAFE_NAME.sub(" ", text).strip(" .")[:80] or posixpath.basename(doc.source)
    if not name.lower().endswith(suffix):
        name += suffix
    return (f'<a{match.group(1)} download="{html.escape(name, quote=True)}" type="{doc.mime}">{match.group(2)}</a>'
            f'<span class="file-meta">（{doc.label}，{size_label(doc.size)}）</span>')
