"""What an upload really is, by its content (F-36): one allowlist for the UI and the API.

Accepted: photos (JPEG, PNG, GIF, WebP; SVG drawings without scripts), PDF,
office documents (`office`), plain text and CSV. Everything else is refused
with a sentence saying what the file turned out to be: a program is a program
whatever it is called, and an HTML page named `.png` is still a page. The
name only picks between plain text and CSV once the content is known to be text.
"""

from __future__ import annotations

import codecs
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import puremagic
from PIL import Image

from rehome.core.files.office import Refused, from_ole, from_zip
from rehome.core.files.svg import check_svg
from rehome.core.infra.errors import UnsupportedType
from rehome.core.vocab import FileKind

HEAD = 64 * 1024
MAX_PIXELS = 150_000_000
IMAGE_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}
ACCEPTED = "photos (JPEG, PNG, GIF, WebP), PDFs, office documents, plain text and CSV files"
PROGRAMS = (  # signatures of things that run, with what to call them
    (b"MZ", "a Windows program"),
    (b"\x7fELF", "a Linux program"),
    (b"\xfe\xed\xfa\xce", "a macOS program"),
    (b"\xfe\xed\xfa\xcf", "a macOS program"),
    (b"\xcf\xfa\xed\xfe", "a macOS program"),
    (b"\xce\xfa\xed\xfe", "a macOS program"),
    (b"\xca\xfe\xba\xbe", "a program (Java or macOS)"),
    (b"#!", "a script"),
    (b"\x00asm", "a WebAssembly program"),
)
_MARKUP = re.compile(
    rb"<\s*(?:!doctype|html|head|body|script|iframe|frame|object|embed|meta|link|style|form|svg|math|\?xml)\b",
    re.IGNORECASE,
)
_TEXT_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class Sniffed:
    content_type: str
    kind: FileKind
    width: int | None = None
    height: int | None = None


def sniff(path: Path, name: str) -> Sniffed:
    """The file's type if it is on the allowlist; `UnsupportedType` saying what it is otherwise."""
    with path.open("rb") as stream:
        head = stream.read(HEAD)
    try:
        return _identify(path, head, name)
    except Refused as refused:
        raise UnsupportedType(f"“{name}” {refused}. You can upload {ACCEPTED}.") from None


def _identify(path: Path, head: bytes, name: str) -> Sniffed:
    for signature, what in PROGRAMS:
        if head.startswith(signature):
            raise Refused(f"is {what}")
    if b"%PDF-" in head[:1024] and not _MARKUP.search(head[:1024]):
        return Sniffed("application/pdf", FileKind.PDF)
    image = _image(path)
    if image is not None:
        return image
    if head.startswith(b"PK\x03\x04"):
        return Sniffed(*from_zip(path))
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return Sniffed(*from_ole(path))
    text = _as_text(head)
    if text is None:
        raise Refused(f"is {_describe(head)}")
    if _looks_like_svg(text):
        check_svg(path)
        return Sniffed("image/svg+xml", FileKind.IMAGE)
    if _MARKUP.search(head):
        raise Refused("is a web page (HTML or XML), which could run scripts in a browser")
    if name.lower().endswith((".csv", ".tsv")):
        return Sniffed("text/csv", FileKind.SPREADSHEET)
    return Sniffed("text/plain", FileKind.TEXT)


def _image(path: Path) -> Sniffed | None:
    """A JPEG, PNG, GIF or WebP that Pillow recognises, with its size; None when it is not one."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path, formats=list(IMAGE_FORMATS)) as image:
                width, height, fmt = image.width, image.height, str(image.format)
    except Image.DecompressionBombError:
        raise Refused("has too many pixels to process safely") from None
    except (OSError, ValueError, SyntaxError):
        return None
    if width * height > MAX_PIXELS:
        raise Refused(f"has {width * height // 1_000_000} megapixels; the most is {MAX_PIXELS // 1_000_000}")
    return Sniffed(IMAGE_FORMATS[fmt], FileKind.IMAGE, width, height)


def _as_text(head: bytes) -> str | None:
    """The head as text (UTF-8, or Windows-1252 as older spreadsheets export), or None if binary."""
    if not head or b"\x00" in head:
        return None
    body = head.removeprefix(codecs.BOM_UTF8)
    for decoder in (codecs.getincrementaldecoder("utf-8")(), codecs.getincrementaldecoder("cp1252")()):
        try:
            text = decoder.decode(body, final=False)
        except UnicodeDecodeError:
            continue
        return None if _TEXT_CONTROLS.search(text) else text
    return None


def _looks_like_svg(text: str) -> bool:
    start = text.lstrip()[:4096].lower()
    return start.startswith(("<?xml", "<svg", "<!--")) and "<svg" in start


def _describe(head: bytes) -> str:
    """A person's name for a refused binary file (puremagic knows many), or a plain one."""
    try:
        found = puremagic.magic_string(head)
    except (puremagic.PureError, ValueError):
        found = []
    best = next((f.name.strip() for f in found if f.name and f.confidence >= 0.5), "")
    if not best:
        return "not a type ReHome accepts"
    return f"a {best}" if best.lower().endswith(" file") else f"a {best} file"
