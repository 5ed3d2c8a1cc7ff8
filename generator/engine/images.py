"""Content images made ready for readers at build time, with Pillow.

Each JPEG, PNG or WebP of media/ is published as:
- its original, with the metadata that could say too much removed (EXIF, GPS, XMP, IPTC,
  comments: a phone photo tells where it was taken) and its pixels untouched (segments and
  chunks are dropped, nothing is encoded again; a rotated photo keeps only its orientation);
- sizes of 240, 480, 960 and 1600 px wide (those narrower than it), each as WebP and in its
  own format, and a WebP of its own width up to 1600 (the original is the largest size in its
  own format, unless it is wider), named by the original's digest (media/hall.480.1a2b3c4d.webp),
  for media_html.py's srcset.

A file whose content is not the image its name says is an error; one over 2 MB or 4,000 px
is a warning (pages then link it and show a smaller size). The work is kept in the site's
.cache/images/, one folder per original's digest and recipe, checked by size and mtime
before it is reused: a build whose images did not change decodes none. Folders unused for
a day are removed. GIF and SVG files are published as they are.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import posixpath
import re
import shutil
import struct
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..errors import Problems
from ..model.media_html import ATTACHMENTS, Attachment, MediaFile, Picture, Variant
from ..pages.render import OutputFile
from . import parallel

WIDTHS = (240, 480, 960, 1600)
BIG_BYTES = 2 * 1024 * 1024
BIG_SIDE = 4000
RECIPE = "2"  # change when variants would come out differently
FORMAT = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WEBP"}
MIME = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}
SUFFIX = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
NAMES = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP", "GIF": "GIF", "BMP": "BMP", "TIFF": "TIFF"}
VARIANT = re.compile(r"^(.*)\.\d+\.[0-9a-f]{8}\.(?:webp|jpg|png)$")
KEEP_UNUSED = 24 * 3600  # seconds an unused folder of .cache/images stays (another build may use it)


class ImageError(Exception):
    """The file is not the image its name says (message for the editor, in Chinese)."""


def variant_of(path: str) -> str | None:
    """The original's path without its suffix, if `path` is the name of a size made here."""
    match = VARIANT.match(path)
    return match.group(1) if match else None


def _recipe_key() -> str:
    import PIL
    return hashlib.sha1(repr((RECIPE, WIDTHS, PIL.__version__)).encode()).hexdigest()[:12]


# -- metadata out, pixels untouched --------------------------------------------------------------

def strip_jpeg(data: bytes, orientation: int) -> bytes:
    """The JPEG without APPn segments other than JFIF, ICC and Adobe, and without comments.

    A rotated photo keeps a minimal EXIF holding only its orientation.
    """
    if data[:2] != b"\xff\xd8":
        raise ImageError("文件不是完整的 JPEG 图片。")
    out = [data[:2]]
    if orientation not in (0, 1):
        tiff = b"MM\x00*\x00\x00\x00\x08\x00\x01\x01\x12\x00\x03\x00\x00\x00\x01" + \
            struct.pack(">H", orientation) + b"\x00\x00\x00\x00\x00\x00"
        body = b"Exif\x00\x00" + tiff
        out.append(b"\xff\xe1" + struct.pack(">H", len(body) + 2) + body)
    i = 2
    while i + 4 <= len(data):
        if data[i] != 0xFF:
            raise ImageError("JPEG 文件已损坏。")
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker == 0xDA:  # start of scan: the rest is image data
            out.append(data[i:])
            return b"".join(out)
        length = struct.unpack(">H", data[i + 2:i + 4])[0]
        segment = data[i:i + 2 + length]
        if not (0xE1 <= marker <= 0xEF and marker not in (0xE2, 0xEE)) and marker != 0xFE:
            out.append(segment)
        i += 2 + length
    raise ImageError("JPEG 文件不完整。")


PNG_DROP = {b"eXIf", b"tEXt", b"zTXt", b"iTXt", b"tIME"}


def strip_png(data: bytes) -> bytes:
    """The PNG without its EXIF, text and time chunks."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ImageError("文件不是完整的 PNG 图片。")
    out, i = [data[:8]], 8
    while i + 8 <= len(data):
        length = struct.unpack(">I", data[i:i + 4])[0]
        kind = data[i + 4:i + 8]
        end = i + 12 + length
        if kind not in PNG_DROP:
            out.append(data[i:end])
        i = end
        if kind == b"IEND":
            break
    return b"".join(out)


def strip_webp(data: bytes) -> bytes:
    """The WebP without its EXIF and XMP chunks (and their flags)."""
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise ImageError("文件不是完整的 WebP 图片。")
    chunks, i = [], 12
    while i + 8 <= len(data):
        kind = data[i:i + 4]
        length = struct.unpack("<I", data[i + 4:i + 8])[0]
        chunk = data[i:i + 8 + length + (length & 1)]
        if kind == b"VP8X":
            chunk = chunk[:8] + bytes([chunk[8] & ~0x0C]) + chunk[9:]
        if kind not in (b"EXIF", b"XMP "):
            chunks.append(chunk)
        i += 8 + length + (length & 1)
    body = b"WEBP" + b"".join(chunks)
    return b"RIFF" + struct.pack("<I", len(body)) + body


# -- making the sizes -------------------------------------------------------------------------------

@dataclass
class Made:
    """One image's published files, as kept in .cache/images/<recipe>/<digest>/info.json."""

    width: int
    height: int
    format: str
    files: dict[str, list] = field(default_factory=dict)  # name -> [size, mtime_ns, sha1]
    sizes: list[list] = field(default_factory=list)  # [name, width, height, mime] of each variant


def _open(data: bytes, suffix: str):
    from PIL import Image
    try:
        image = Image.open(io.BytesIO(data))
        found = image.format
    except Image.DecompressionBombError:
        raise ImageError("图片的像素太多（超过 1.7 亿像素），无法处理。") from None
    except Exception:  # noqa: BLE001 - not an image Pillow knows
        raise ImageError(f"这个文件的扩展名是 {suffix}，内容却不是图片（或已损坏）。") from None
    wanted = FORMAT[suffix]
    if found != wanted:
        raise ImageError(f"这个文件的扩展名是 {suffix}，内容却是 {NAMES.get(found, found)} 图片。")
    return image


def make(data: bytes, suffix: str, folder: Path) -> Made:
    """Decode once, write the stripped original and every size into `folder`; raises ImageError."""
    from PIL import Image, ImageOps
    image = _open(data, suffix)
    fmt = image.format
    try:  # Pillow reads lazily: a broken file fails anywhere from here on
        orientation = image.getexif().get(0x0112, 1)
        stored_w, stored_h = image.size
        turned = orientation in (5, 6, 7, 8)
        width, height = (stored_h, stored_w) if turned else (stored_w, stored_h)
        top = min(width, WIDTHS[-1])
        if fmt == "JPEG":  # decode at a reduced scale where the largest size allows (much faster)
            image.draft("RGB", (max(1, -(-top * stored_w // width)), max(1, -(-top * stored_h // width))))
        image.load()
        icc = image.info.get("icc_profile")
        image = ImageOps.exif_transpose(image) if orientation not in (0, 1) else image
    except Exception:  # noqa: BLE001 - truncated, corrupt: not an image a browser can be trusted with
        raise ImageError("图片数据已损坏，无法解码。") from None
    original = {"JPEG": lambda: strip_jpeg(data, orientation), "PNG": lambda: strip_png(data),
                "WEBP": lambda: strip_webp(data)}[fmt]()
    made = Made(width, height, fmt)
    folder.mkdir(parents=True, exist_ok=True)
    _put(folder, "original", original, made)
    alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    base = image.convert("RGBA" if alpha else "RGB")
    base.info = {}  # no comment, EXIF or XMP carried into the sizes
    widths = sorted({w for w in WIDTHS if w < top} | {top})
    current = base
    for w in reversed(widths):  # largest first, each from the one before: fewer pixels each time
        h = max(1, round(height * w / width))
        current = current.resize((w, h), Image.LANCZOS, reducing_gap=3.0) if current.size != (w, h) else current
        for out_fmt in ("WEBP", fmt):
            if out_fmt == fmt and w == width:  # its own size in its own format: the original itself
                made.sizes.append(["original", w, h, MIME[fmt]])
                continue
            made.sizes.append([f"{w}.{SUFFIX[out_fmt]}", w, h, MIME[out_fmt]])
            _put(folder, f"{w}.{SUFFIX[out_fmt]}", _encode(current, out_fmt, icc), made)
    made.sizes.sort(key=lambda s: (s[3], s[1]))
    return made


def _encode(image, fmt: str, icc: bytes | None) -> bytes:
    buf = io.BytesIO()
    extra = {"icc_profile": icc} if icc else {}
    if fmt == "JPEG":
        image.convert("RGB").save(buf, "JPEG", quality=82, optimize=True, progressive=True, **extra)
    elif fmt == "PNG":
        image.save(buf, "PNG", optimize=True, **extra)
    else:
        image.save(buf, "WEBP", quality=80, method=4, **extra)
    return buf.getvalue()


def _put(folder: Path, name: str, data: bytes, made: Made) -> None:
    path = folder / name
    path.write_bytes(data)
    st = path.stat()
    made.files[name] = [st.st_size, st.st_mtime_ns, hashlib.sha1(data).hexdigest()]


# -- the cache --------------------------------------------------------------------------------------

class ImageCache:
    """.cache/images/<recipe>/<digest of the original>/: the published files of each image."""

    def __init__(self, cache_dir: Path):
        self.root = cache_dir / "images" / _recipe_key()

    def folder(self, digest: str) -> Path:
        return self.root / digest

    def load(self, digest: str) -> Made | None:
        """The image's files if every one is as written (size and mtime), else None."""
        folder = self.folder(digest)
        try:
            info = json.loads((folder / "info.json").read_text(encoding="utf-8"))
            made = Made(info["width"], info["height"], info["format"], info["files"], info["sizes"])
            for name, (size, mtime, _) in made.files.items():
                st = (folder / name).stat()
                if st.st_size != size or st.st_mtime_ns != mtime:
                    return None
        except (OSError, ValueError, KeyError, TypeError):
            return None
        os.utime(folder / "info.json")  # used: kept by the sweep
        return made

    def save(self, digest: str, data: bytes, suffix: str) -> Made:
        """Make the image's files (in a fresh folder, moved into place whole)."""
        tmp = self.root / f".{digest}.{os.getpid()}.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        try:
            made = make(data, suffix, tmp)
            (tmp / "info.json").write_text(json.dumps(vars(made)), encoding="utf-8")
            target = self.folder(digest)
            for _ in range(3):
                try:
                    os.replace(tmp, target)
                    break
                except OSError:
                    # Another build made the same image meanwhile (same bytes, same digest): use
                    # its files if whole, else clear the remains and try again.
                    ready = self.load(digest)
                    if ready is not None:
                        shutil.rmtree(tmp, ignore_errors=True)
                        return ready
                    shutil.rmtree(target, ignore_errors=True)
            else:
                raise OSError(f"cannot move {tmp} into place")
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        return made

    def sweep(self, used: set[str]) -> None:
        """Remove the folders of images no build used for a day, and those of older recipes."""
        now = time.time()
        try:
            for recipe in self.root.parent.iterdir():
                if recipe != self.root:
                    if now - recipe.lstat().st_mtime > KEEP_UNUSED:
                        shutil.rmtree(recipe, ignore_errors=True)
                    continue
                for item in recipe.iterdir():
                    if item.name in used:
                        continue
                    try:
                        seen = (item / "info.json").stat().st_mtime
                    except OSError:
                        seen = item.lstat().st_mtime  # a killed build's leftover
                    if now - seen > KEEP_UNUSED:
                        shutil.rmtree(item, ignore_errors=True) if item.is_dir() else item.unlink(missing_ok=True)
        except OSError:
            pass


# -- a build's media --------------------------------------------------------------------------------

@dataclass
class MediaOutput:
    """What the Builder takes from here: records for the pages and files for the writer."""

    records: dict[str, MediaFile]  # published path -> Picture or Attachment
    files: list[OutputFile]  # images' originals (stripped) and sizes
    handled: set[str]  # editors' paths whose output is in `files` (not to be copied as they are)


def _variant_path(published: str, digest: str, name: str) -> str:
    if name == "original":
        return published
    stem = posixpath.splitext(published)[0]
    width, ext = name.split(".")
    return f"{stem}.{width}.{digest[:8]}.{ext}"


def _work(item: tuple[str, str, str]) -> tuple[str, Made | str]:
    """In a worker (or here): make one image's files; (digest, Made or the error message)."""
    folder, path, digest = item
    cache = ImageCache.__new__(ImageCache)
    cache.root = Path(folder)
    try:
        data = Path(path).read_bytes()
        return digest, cache.save(digest, data, Path(path).suffix.lower())
    except ImageError as exc:
        return digest, str(exc)
    except OSError as exc:
        return digest, f"无法读取或写入图片文件（{exc.strerror or exc}）。"


def prepare_media(files: dict[str, Path], published: dict[str, str], digest_of: Callable[[str], str],
                  cache_dir: Path, problems: Problems, jobs: int = 1) -> MediaOutput:
    """The records and output files of media/: images made (or taken from the cache), attachments sized."""
    cache = ImageCache(cache_dir)
    out = MediaOutput({}, [], set())
    images: dict[str, str] = {}
    for rel, path in sorted(files.items()):
        suffix = path.suffix.lower()
        at = published.get(rel, rel)
        if suffix in ATTACHMENTS:
            label, mime = ATTACHMENTS[suffix]
            try:
                out.records[at] = Attachment(rel, at, path.stat().st_size, label, mime)
            except OSError:
                pass
        elif suffix in FORMAT:
            images[rel] = digest_of(rel)
    todo = {}
    found: dict[str, Made | str] = {}
    for rel, digest in images.items():
        hit = cache.load(digest)
        if hit is not None:
            found[digest] = hit
        elif digest not in todo:
            todo[digest] = (str(cache.root), str(files[rel]), digest)
    if todo:
        cache.root.mkdir(parents=True, exist_ok=True)
        items = list(todo.values())
        results = parallel.run(lambda chunk: [_work(i) for i in chunk], [[i] for i in items], jobs) \
            if len(items) > 1 else None
        for part in results if results is not None else [[_work(i)] for i in items]:
            found.update(dict(part))
    for rel, digest in images.items():
        _publish(rel, published.get(rel, rel), digest, found[digest], cache, files[rel], out, problems)
    cache.sweep(set(images.values()))
    return out


def _publish(rel: str, at: str, digest: str, made: Made | str, cache: ImageCache, path: Path,
             out: MediaOutput, problems: Problems) -> None:
    if isinstance(made, str):
        problems.error(rel, made, fix="用看图软件打开后另存为与扩展名相符的格式（.jpg 存 JPEG，.png 存 PNG），"
                                      "或把扩展名改成它真正的格式。")
        return
    folder = cache.folder(digest)
    size = made.files["original"][0]
    try:
        uploaded = path.stat().st_size
    except OSError:
        uploaded = size
    oversized = uploaded > BIG_BYTES or max(made.width, made.height) > BIG_SIDE
    if oversized:
        problems.warn(rel, f"图片有 {uploaded / 1024 / 1024:.1f} MB（{made.width}×{made.height} 像素），"
                           "超过 2 MB 或 4000 像素：网页上显示缩小后的图片，原图只以“查看原图”链接提供。",
                      fix="不需要原图的话，先缩小到 4000 像素、2 MB 以内再放进 media/。")
    variants = tuple(Variant(_variant_path(at, digest, name), w, h, mime) for name, w, h, mime in made.sizes)
    out.records[at] = Picture(rel, at, made.width, made.height, MIME[made.format], size, oversized, variants)
    out.handled.add(rel)
    out.files.append(OutputFile(at, source=folder / "original", digest=made.files["original"][2]))
    for (name, *_), variant in zip(made.sizes, variants):
        if name != "original":
            out.files.append(OutputFile(variant.path, source=folder / name, digest=made.files[name][2]))
