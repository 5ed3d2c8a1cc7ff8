"""Test images and attachments made here with Pillow: a camera photo with GPS in its EXIF
(10 MB, 4000×3000, as a phone sends it), ordinary photos, a PNG, a mislabelled file."""

from __future__ import annotations

import io
import os
import random

GPS = {1: "N", 2: (30.0, 17.0, 46.2), 3: "E", 4: (120.0, 29.0, 8.4)}  # 杭州钱塘, as a phone records it


def photo(width: int, height: int, *, noise: bool = False, gps: bool = True, orientation: int = 1,
          quality: int = 90, seed: int = 1) -> bytes:
    """A JPEG with EXIF (camera, time and, by default, GPS). `noise`: grainy, so that it is big."""
    from PIL import Image, ImageDraw

    if noise:  # random grain over a gradient: JPEG cannot squeeze it, as with a real 12 MP photo
        rng = random.Random(seed)
        image = Image.frombytes("RGB", (width, height), rng.randbytes(width * height * 3))
    else:
        image = Image.new("RGB", (width, height), (200, 120, 90))
        draw = ImageDraw.Draw(image)
        for i in range(0, width, max(1, width // 12)):
            draw.rectangle([i, 0, i + width // 24, height], fill=(150 + i % 100, 60, 40 + i % 150))
        draw.ellipse([width // 4, height // 4, width * 3 // 4, height * 3 // 4], fill=(250, 220, 80))
    exif = Image.Exif()
    exif[0x010F] = "TestPhone"  # Make
    exif[0x0110] = "Model X"  # Model
    exif[0x0132] = "2026:01:10 09:30:00"  # DateTime
    if orientation != 1:
        exif[0x0112] = orientation
    if gps:
        exif[0x8825] = GPS
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=quality, exif=exif.tobytes(), comment=b"taken at the hall")
    return buf.getvalue()


def big_photo() -> bytes:
    """About 10 MB, 4000×3000, with GPS: what a phone uploads."""
    return photo(4000, 3000, noise=True, quality=93)


def png_chart(width: int = 800, height: int = 500) -> bytes:
    from PIL import Image, ImageDraw, PngImagePlugin

    image = Image.new("RGBA", (width, height), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    for i in range(5):
        draw.rectangle([40 + i * 150, height - 60 - i * 70, 150 + i * 150, height - 40], fill=(155, 28, 28, 255))
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "某某 13800000000")
    buf = io.BytesIO()
    image.save(buf, "PNG", pnginfo=info)
    return buf.getvalue()


def pdf(pages: int = 1, padding: int = 0) -> bytes:
    """A small valid PDF (padded to a size where asked)."""
    body = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    return body + b"%" + os.urandom(padding // 2).hex().encode()[:padding] + b"\ntrailer<</Root 1 0 R>>\n%%EOF\n"
