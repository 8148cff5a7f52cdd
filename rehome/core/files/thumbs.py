"""Previews of photos and PDFs, made in a job (F-08): a small thumbnail for
grids and a larger preview for the lightbox, both plain JPEGs.

Photos are turned upright by their EXIF orientation and saved without any
metadata, so no preview carries a location. JPEGs are decoded at a reduced
scale (`draft`), so a 48-megapixel photo costs a fraction of its full size;
other formats over `MAX_DECODE_PIXELS` get the type's icon instead. PDFs show
their first page (PDFium, through pypdfium2; it is not thread-safe, hence the lock).
"""

from __future__ import annotations

import logging
import tempfile
import threading
import warnings
from pathlib import Path

from PIL import Image, ImageOps
from sqlmodel import Session

from rehome.core.files.names import variant_key
from rehome.core.files.storage import CHUNK, get_storage
from rehome.core.infra.db import session_scope
from rehome.core.models import StoredFile
from rehome.core.realtime import events
from rehome.core.vocab import EventKind, FileKind, ScanStatus

log = logging.getLogger(__name__)
THUMB = 480
PREVIEW = 1600
MAX_DECODE_PIXELS = 50_000_000
_PDFIUM = threading.Lock()
_SWAPPED = {5, 6, 7, 8}  # EXIF orientations that turn the picture a quarter


def make_previews(file_id: int) -> None:
    """Job: make and store a file's previews once (a second run does nothing)."""
    with session_scope() as session:
        stored = session.get(StoredFile, file_id)
        if not _wanted(stored):
            return
        assert stored is not None
        key, kind = stored.storage_key, stored.kind
    with tempfile.TemporaryDirectory(prefix="rehome-preview-") as folder:
        original = Path(folder) / "original"
        with get_storage().open(key) as src, original.open("wb") as out:
            while chunk := src.read(CHUNK):
                out.write(chunk)
        picture = _load(original, kind)
        if picture is None:
            return
        image, upright = picture
        keys = _store(image, key, Path(folder))
    with session_scope() as session:
        stored = session.get(StoredFile, file_id)
        if stored is None or stored.deleted_at is not None or stored.thumb_key:
            get_storage().delete(list(keys))  # deleted (or done elsewhere) meanwhile
            return
        stored.thumb_key, stored.preview_key = keys
        if upright is not None:
            stored.width, stored.height = upright
        session.add(stored)
        _announce(session, stored)


def _wanted(stored: StoredFile | None) -> bool:
    return (
        stored is not None
        and stored.deleted_at is None
        and stored.thumb_key is None
        and ScanStatus(stored.scan_status).downloadable
        and stored.kind in (FileKind.IMAGE, FileKind.PDF)
    )


def _load(path: Path, kind: str) -> tuple[Image.Image, tuple[int, int] | None] | None:
    """The picture to shrink, upright, and the original's upright size (photos only)."""
    try:
        if kind == FileKind.PDF:
            return _first_page(path), None
        return _photo(path)
    except Exception:  # a damaged or hostile file gets the type's icon, not a failed job
        log.warning("no preview for this file", exc_info=True, extra={"path": path.name})
        return None


def _photo(path: Path) -> tuple[Image.Image, tuple[int, int]] | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        opened = Image.open(path)
    width, height = opened.size
    orientation = opened.getexif().get(0x0112, 1)
    upright = (height, width) if orientation in _SWAPPED else (width, height)
    if opened.format == "JPEG":
        opened.draft("RGB", (PREVIEW, PREVIEW))
    elif width * height > MAX_DECODE_PIXELS:
        return None
    return _flatten(ImageOps.exif_transpose(opened)), upright


def _first_page(path: Path) -> Image.Image:
    import pypdfium2 as pdfium

    with _PDFIUM:
        pdf = pdfium.PdfDocument(str(path))
        try:
            page = pdf[0]
            width, height = page.get_size()
            scale = min(PREVIEW / max(width, height, 1), 4.0)
            image = page.render(scale=scale).to_pil()
            page.close()
        finally:
            pdf.close()
    return _flatten(image)


def _flatten(image: Image.Image) -> Image.Image:
    """RGB on white (transparency and palettes included); a GIF shows its first frame."""
    if getattr(image, "is_animated", False):
        image.seek(0)
    if image.mode in ("RGBA", "LA", "P", "PA"):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def _store(image: Image.Image, key: str, folder: Path) -> tuple[str, str]:
    keys = variant_key(key, "thumb"), variant_key(key, "preview")
    preview = image.copy()
    preview.thumbnail((PREVIEW, PREVIEW), Image.Resampling.LANCZOS)
    thumb = preview.copy()
    thumb.thumbnail((THUMB, THUMB), Image.Resampling.LANCZOS)
    storage = get_storage()
    for variant_image, variant, quality in ((thumb, keys[0], 80), (preview, keys[1], 85)):
        path = folder / variant.rsplit("-", 1)[-1]
        variant_image.save(path, "JPEG", quality=quality, optimize=True, progressive=True)
        storage.put(variant, path, "image/jpeg")
    return keys


def _announce(session: Session, stored: StoredFile) -> None:
    events.emit(session, stored.project_id, EventKind.FILE_UPDATED, file_id=stored.id)
