"""Files for upload tests, made on the fly: photos (with a location and an
orientation), a PDF, office documents, and the usual abuse cases."""

from __future__ import annotations

import io
import zipfile

from PIL import Image
from PIL.ExifTags import IFD, Base

from tests.fakes.clamd_server import EICAR

GPS = {1: "N", 2: (52.0, 22.0, 1.5), 3: "E", 4: (4.0, 53.0, 0.0)}


def photo(
    width: int = 64,
    height: int = 48,
    *,
    fmt: str = "JPEG",
    gps: bool = True,
    orientation: int = 1,
    color: str = "orange",
) -> bytes:
    exif = Image.Exif()
    exif[Base.Orientation] = orientation
    exif[Base.Make] = "SitePhone"
    exif[IFD.Exif] = {0x9003: "2026:03:04 10:11:12"}
    if gps:
        exif[IFD.GPSInfo] = GPS
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, fmt, exif=exif)
    return buffer.getvalue()


def big_photo(megapixels: float = 12.0, seed: int = 0) -> bytes:
    """A camera-sized JPEG with real-looking detail (noise compresses like a photo)."""
    width = int((megapixels * 1_000_000 * 4 / 3) ** 0.5)
    height = int(width * 3 / 4)
    noise = Image.effect_noise((width // 4, height // 4), 40 + seed % 20).convert("RGB")
    image = noise.resize((width, height))
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[IFD.GPSInfo] = GPS
    image.save(buffer, "JPEG", quality=90, exif=exif)
    return buffer.getvalue()


def pdf(pages: int = 1) -> bytes:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument.new()
    for _ in range(pages):
        document.new_page(595, 842)
    buffer = io.BytesIO()
    document.save(buffer)
    document.close()
    return buffer.getvalue()


def docx() -> bytes:
    return _zip([("[Content_Types].xml", "<Types/>"), ("word/document.xml", "<w:document/>")])


def xlsm() -> bytes:
    return _zip(
        [("[Content_Types].xml", "<Types/>"), ("xl/workbook.xml", "<w/>"), ("xl/vbaProject.bin", "x")]
    )


def windows_exe() -> bytes:
    return (
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
        + b"\x00" * 48
        + b"This program cannot be run in DOS mode"
    )


def html_page() -> bytes:
    return b"<!DOCTYPE html>\n<html><body><script>fetch('/api/me')</script></body></html>\n"


def svg_with_script() -> bytes:
    return b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script><rect/></svg>'


def eicar() -> bytes:
    return EICAR + b"\n"


def _zip(entries: list[tuple[str, str]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries:
            archive.writestr(name, content)
    return buffer.getvalue()
