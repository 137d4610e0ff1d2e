#!/usr/bin/env python
"""The PNG icons of the web manifest, drawn with Pillow from the shapes of
frontend/public/icons/icon.svg (kept in step by hand: the same planks, sun and horizon).

    .venv/bin/python scripts/make_icons.py

Writes frontend/public/icons/icon-192.png, icon-512.png (purpose "any"), maskable-512.png
(the artwork shrunk into the central 80 % safe zone, background to the edges) and
apple-touch-icon.png (180 px, iOS "Add to Home Screen") and badge-96.png (the push
notification's status-bar badge: Android draws only its alpha, so the planks and sun in white
on transparent). The PNGs are committed; run this again after changing the SVG.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

ICONS = Path(__file__).resolve().parents[1] / "frontend" / "public" / "icons"
TEAL, SAND, SUN = "#0f4c5c", "#f7f5f0", "#e9a23b"
PLANKS = [  # the SVG's paths, as polygons in its 512-unit box
    [(156, 392), (356, 392), (370, 432), (142, 432)],
    [(172, 334), (340, 334), (351, 370), (161, 370)],
    [(186, 284), (326, 284), (335, 314), (177, 314)],
    [(198, 242), (314, 242), (321, 266), (191, 266)],
    [(208, 208), (304, 208), (309, 226), (203, 226)],
]
SUPERSAMPLE = 4


def draw(size: int, *, scale: float = 1.0) -> Image.Image:
    """The icon at ``size`` px; ``scale`` < 1 shrinks the artwork about the centre."""
    big = size * SUPERSAMPLE
    unit = big / 512

    def at(x: float, y: float) -> tuple[float, float]:
        return ((256 + (x - 256) * scale) * unit, (256 + (y - 256) * scale) * unit)

    image = Image.new("RGB", (big, big), TEAL)
    pen = ImageDraw.Draw(image)
    # The horizon line at 55 % opacity over the teal, as the SVG's opacity=".55".
    horizon = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    ImageDraw.Draw(horizon).rounded_rectangle(
        [at(96, 186), at(416, 192)], radius=3 * unit * scale, fill=(247, 245, 240, 140)
    )
    image.paste(horizon, (0, 0), horizon)
    for plank in PLANKS:
        pen.polygon([at(x, y) for x, y in plank], fill=SAND)
    cx, cy = at(256, 148)
    r = 40 * unit * scale
    pen.ellipse([cx - r, cy - r, cx + r, cy + r], fill=SUN)
    return image.resize((size, size), Image.LANCZOS)


def badge(size: int) -> Image.Image:
    """The monochrome badge: the planks and the sun, white on transparent, filling the square."""
    big = size * SUPERSAMPLE
    # The artwork spans x 142–370, y 108–432 of the 512 box: scale that to the badge.
    top, span = 100, 340
    unit = big / span

    def at(x: float, y: float) -> tuple[float, float]:
        return ((x - 256) * unit + big / 2, (y - top) * unit)

    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    for plank in PLANKS:
        pen.polygon([at(x, y) for x, y in plank], fill="white")
    cx, cy = at(256, 148)
    r = 40 * unit
    pen.ellipse([cx - r, cy - r, cx + r, cy + r], fill="white")
    return image.resize((size, size), Image.LANCZOS)


def main() -> None:
    draw(192).save(ICONS / "icon-192.png", optimize=True)
    draw(512).save(ICONS / "icon-512.png", optimize=True)
    # Maskable: everything that matters inside the circle of radius 40 % (the safe zone).
    draw(512, scale=0.78).save(ICONS / "maskable-512.png", optimize=True)
    draw(180).save(ICONS / "apple-touch-icon.png", optimize=True)
    badge(96).save(ICONS / "badge-96.png", optimize=True)


if __name__ == "__main__":
    main()
