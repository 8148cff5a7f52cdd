"""Site photos and a permit for the demo projects, drawn here (no downloads) and
stored through the real upload path: checks, storage, previews."""

from __future__ import annotations

import io
import random

from PIL import Image, ImageDraw
from sqlmodel import Session

from rehome.core.access import Actor
from rehome.core.files.upload import upload

SCENES = [
    ("kitchen", "before"),
    ("kitchen", "stripped out"),
    ("bathroom", "tiling"),
    ("hallway", "plastered"),
]
PALETTE = [(196, 164, 132), (150, 160, 170), (222, 210, 190), (120, 132, 110), (180, 120, 90)]


def add_demo_files(session: Session, uploader: Actor, project_id: int, seed: int) -> None:
    """A few photos, a permit and a sheet (their own random stream: the rest of the demo is unchanged)."""
    rng = random.Random(seed)
    for index, (room, stage) in enumerate(SCENES):
        photo = _photo(rng, f"{room.title()} · {stage}")
        name = f"IMG_{2040 + index:04d} {room} {stage}.jpg"
        upload(session, uploader, project_id, io.BytesIO(photo), name)
    permit = _permit()
    upload(session, uploader, project_id, io.BytesIO(permit), "Building permit.pdf")
    notes = b"room,width_m,length_m\nkitchen,3.4,4.1\nbathroom,2.1,2.6\nhallway,1.2,5.0\n"
    upload(session, uploader, project_id, io.BytesIO(notes), "Measurements.csv")


def _photo(rng: random.Random, label: str) -> bytes:
    """A 1600 by 1200 'photo': walls, a floor, a window, a few fixtures."""
    image = Image.new("RGB", (1600, 1200), rng.choice(PALETTE))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 820, 1600, 1200), fill=rng.choice(PALETTE))
    draw.rectangle((980, 180, 1380, 560), fill=(200, 225, 240), outline=(90, 90, 90), width=14)
    for _ in range(6):
        x, y = rng.randint(60, 1300), rng.randint(420, 900)
        draw.rectangle((x, y, x + rng.randint(120, 300), y + rng.randint(80, 260)), fill=rng.choice(PALETTE))
    image.paste(_label(label), (40, 40))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def _label(text: str) -> Image.Image:
    """The caption, drawn small with the built-in font and scaled up (no font files needed)."""
    small = Image.new("RGB", (8 * len(text) + 12, 20), "white")
    ImageDraw.Draw(small).text((6, 4), text, fill=(40, 40, 40))
    return small.resize((small.width * 4, small.height * 4), Image.Resampling.NEAREST)


def _permit() -> bytes:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument.new()
    document.new_page(595, 842)
    out = io.BytesIO()
    document.save(out)
    document.close()
    return out.getvalue()
