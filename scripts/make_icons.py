"""Draw ReHome's app icons (PWA manifest, iOS touch icon, favicon) from one
simple brand mark, so the PNGs in assets/ can be remade after a colour change
instead of being edited by hand. Run once and commit the output:
    .venv/bin/python scripts/make_icons.py
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

ASSETS = Path(__file__).resolve().parent.parent / "assets"
BRAND = (247, 107, 21, 255)  # #f76b15, the theme colour in the manifest and <meta>
WHITE = (255, 255, 255, 255)
SCALE = 4  # draw big and shrink: smooth edges without an anti-aliasing library


def _house(draw: ImageDraw.ImageDraw, size: int, inset: float) -> None:
    """A white house (roof, walls, door) inside the central `1 - 2*inset` of the square."""
    box = size * (1 - 2 * inset)
    left, top = size * inset, size * inset

    def at(x: float, y: float) -> tuple[float, float]:
        return (left + x * box, top + y * box)

    draw.polygon([at(0.5, 0.12), at(0.92, 0.5), at(0.08, 0.5)], fill=WHITE)  # roof
    draw.rectangle([at(0.2, 0.46), at(0.8, 0.88)], fill=WHITE)  # walls
    draw.rectangle([at(0.43, 0.62), at(0.57, 0.88)], fill=BRAND)  # door


def draw_icon(size: int, maskable: bool = False) -> Image.Image:
    """`maskable` fills the whole square and keeps the mark in the 80 % safe zone
    that Android's masks never crop; the plain icon is a rounded tile."""
    big = size * SCALE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if maskable:
        draw.rectangle([0, 0, big, big], fill=BRAND)
        _house(draw, big, inset=0.24)
    else:
        draw.rounded_rectangle([0, 0, big - 1, big - 1], radius=big * 0.22, fill=BRAND)
        _house(draw, big, inset=0.16)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    icons = ASSETS / "icons"
    icons.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        draw_icon(size).save(icons / f"icon-{size}.png", optimize=True)
    draw_icon(512, maskable=True).save(icons / "icon-maskable-512.png", optimize=True)
    # iOS ignores transparency and the manifest: a full-bleed 180 px tile.
    draw_icon(180, maskable=True).convert("RGB").save(icons / "apple-touch-icon.png", optimize=True)
    draw_icon(256).save(ASSETS / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])
    print(f"icons written to {icons} and {ASSETS / 'favicon.ico'}")


if __name__ == "__main__":
    main()
