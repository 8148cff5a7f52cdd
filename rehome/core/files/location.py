"""Location taken out of photos before they are stored (F-08), losslessly.

A phone photo carries where it was taken (EXIF GPS, often XMP too). Unless
the uploader keeps it, the stored copy has none: nobody can download what
was never kept. The pixels are not touched: JPEG segments, PNG chunks and
WebP chunks are copied as they are, and only the metadata that holds a place
is rewritten (EXIF without its GPS directory and maker note) or dropped (XMP).
Files are streamed segment by segment, never read whole.
"""

from __future__ import annotations

import shutil
import struct
import zlib
from typing import BinaryIO

from PIL import Image
from PIL.ExifTags import IFD

_EXIF = b"Exif\x00\x00"
_XMP_PREFIXES = (b"http://ns.adobe.com/xap/1.0/\x00", b"http://ns.adobe.com/xmp/extension/\x00")
_MAKER_NOTE = 0x927C
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_CHUNK = 1024 * 1024
CARRIERS = frozenset({"image/jpeg", "image/png", "image/webp"})  # types that can hold a location


def strip_location(content_type: str, src: BinaryIO, dst: BinaryIO) -> bool:
    """Copy `src` to `dst` without location metadata; True if anything was removed."""
    strip = {"image/jpeg": _jpeg, "image/png": _png, "image/webp": _webp}.get(content_type)
    if strip is None:
        shutil.copyfileobj(src, dst, _CHUNK)
        return False
    return strip(src, dst)


def clean_exif(payload: bytes) -> bytes | None:
    """EXIF (with its `Exif\\0\\0` prefix) without GPS and maker note; None if it had neither."""
    exif = Image.Exif()
    exif.load(payload)
    if IFD.GPSInfo not in exif:
        return None
    del exif[IFD.GPSInfo]
    sub = exif.get_ifd(IFD.Exif)
    sub.pop(_MAKER_NOTE, None)  # vendors keep positions in there too
    return exif.tobytes()


def _jpeg(src: BinaryIO, dst: BinaryIO) -> bool:
    removed = False
    dst.write(_read(src, 2))  # SOI
    while True:
        marker = _read(src, 2)
        if marker[0] != 0xFF:
            raise ValueError("not a JPEG segment")
        if marker[1] == 0xDA or marker[1] == 0xD9:  # start of scan (or end): the rest is image data
            dst.write(marker)
            shutil.copyfileobj(src, dst, _CHUNK)
            return removed
        if 0xD0 <= marker[1] <= 0xD7 or marker[1] == 0x01:  # markers without a length
            dst.write(marker)
            continue
        (length,) = struct.unpack(">H", _read(src, 2))
        payload = _read(src, length - 2)
        if marker[1] == 0xE1 and payload.startswith(_EXIF):
            cleaned = clean_exif(payload)
            if cleaned is not None:
                payload, removed = cleaned, True
        elif marker[1] == 0xE1 and payload.startswith(_XMP_PREFIXES):
            removed = True
            continue
        dst.write(marker + struct.pack(">H", len(payload) + 2) + payload)


def _png(src: BinaryIO, dst: BinaryIO) -> bool:
    removed = False
    dst.write(_read(src, 8))
    while header := src.read(8):
        length, kind = struct.unpack(">I4s", header)
        if kind == b"iTXt" and _peek_keyword(src) == b"XML:com.adobe.xmp":
            src.seek(length + 4, 1)
            removed = True
            continue
        if kind == b"eXIf":
            data, _crc = _read(src, length), _read(src, 4)
            cleaned = clean_exif(data)
            data, removed = (data, removed) if cleaned is None else (cleaned.removeprefix(_EXIF), True)
            dst.write(struct.pack(">I4s", len(data), kind) + data)
            dst.write(struct.pack(">I", zlib.crc32(kind + data)))
            continue
        dst.write(header)
        _copy(src, dst, length + 4)
        if kind == b"IEND":
            break
    return removed


def _webp(src: BinaryIO, dst: BinaryIO) -> bool:
    riff = _read(src, 12)
    chunks: list[tuple[bytes, bytes]] = []  # small metadata chunks are read; image data is copied later
    offsets: list[tuple[bytes, int, int]] = []
    removed = False
    while header := src.read(8):
        kind, size = struct.unpack("<4sI", header)
        offsets.append((kind, src.tell(), size))
        if kind in (b"EXIF", b"XMP ", b"VP8X"):
            chunks.append((kind, _read(src, size)))
            src.seek(size & 1, 1)
        else:
            src.seek(size + (size & 1), 1)
    bodies = dict(chunks)
    if b"XMP " in bodies:
        removed = True
    if b"EXIF" in bodies:
        cleaned = clean_exif(bodies[b"EXIF"])
        if cleaned is not None:
            bodies[b"EXIF"], removed = cleaned.removeprefix(_EXIF), True
    if not removed:
        src.seek(0)
        shutil.copyfileobj(src, dst, _CHUNK)
        return False
    kept = [(kind, offset, len(bodies[kind]) if kind in bodies else size) for kind, offset, size in offsets]
    kept = [k for k in kept if k[0] != b"XMP "]
    dst.write(riff[:4] + struct.pack("<I", 4 + sum(8 + size + (size & 1) for _, _, size in kept)) + riff[8:])
    for kind, offset, size in kept:
        dst.write(kind + struct.pack("<I", size))
        if kind in bodies:
            body = bodies[kind]
            if kind == b"VP8X":  # no XMP any more: clear its flag
                body = bytes([body[0] & ~0x04]) + body[1:]
            dst.write(body + b"\x00" * (size & 1))
        else:
            src.seek(offset)
            _copy(src, dst, size + (size & 1))
    return True


def _peek_keyword(src: BinaryIO) -> bytes:
    at = src.tell()
    keyword = src.read(80).split(b"\x00", 1)[0]
    src.seek(at)
    return keyword


def _copy(src: BinaryIO, dst: BinaryIO, count: int) -> None:
    while count > 0:
        piece = src.read(min(count, _CHUNK))
        if not piece:
            raise ValueError("the file ends early")
        dst.write(piece)
        count -= len(piece)


def _read(src: BinaryIO, count: int) -> bytes:
    data = src.read(count)
    if len(data) != count:
        raise ValueError("the file ends early")
    return data
