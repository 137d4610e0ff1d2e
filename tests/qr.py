"""Read QR codes back the way a scanner does: rasterize, then decode with zxing-cpp.

Shared by every test that hands out a QR (badge sheets, poster boards, API badge endpoints),
so a code is checked by what a phone would read, not by how the SVG happens to be written.
"""

from __future__ import annotations

import io
import re

import resvg_py
import zxingcpp
from PIL import Image

# Our SVGs are sized in mm (37mm for a short URL): at the SVG default of 96 dpi a module is
# under 4 px, which zxing reads unreliably, and dpi=0 makes resvg fail with "invalid size".
RASTER_DPI = 96 * 3

_INLINE_SVG = re.compile(r"<svg\b.*?</svg>", re.DOTALL | re.IGNORECASE)


def decode_image(image: Image.Image) -> list[str]:
    """The texts of every barcode zxing-cpp finds in ``image``, in its reading order."""
    return [result.text for result in zxingcpp.read_barcodes(image.convert("L"))]


def decode_png(png: bytes) -> list[str]:
    with Image.open(io.BytesIO(png)) as image:
        return decode_image(image)


def decode_svg(svg: str) -> list[str]:
    """Rasterize a standalone SVG on white (the QR's light modules are transparent) and decode."""
    png = resvg_py.svg_to_bytes(svg_string=svg, dpi=RASTER_DPI, background="#ffffff")
    return decode_png(bytes(png))


def svgs_in_html(html: str) -> list[str]:
    """Each inline ``<svg>…</svg>`` in ``html``, in document order (QR SVGs do not nest)."""
    svgs = _INLINE_SVG.findall(html)
    return [_with_namespace(svg) for svg in svgs]


def _with_namespace(svg: str) -> str:
    # Inline SVG in HTML may omit xmlns; a standalone SVG document needs it to parse.
    if "xmlns=" in svg.split(">", 1)[0]:
        return svg
    return svg.replace("<svg", '<svg xmlns="http://www.w3.org/2000/svg"', 1)
