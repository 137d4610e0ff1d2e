"""Uploaded photos: size checked before decoding, then decoded and re-encoded, so that only
pixels this server encoded are ever stored.

Re-encoding drops whatever rode along with the picture: bytes appended after the image (an
HTML page behind a PNG), EXIF (the camera's GPS location), XMP, comments, text chunks. The
EXIF orientation is applied to the pixels first, so portrait photos stay upright. Bytes in,
bytes out: no ORM, no storage.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from PIL import Image, ImageCms, ImageOps

from planner.exceptions import ValidationFailed

CANNOT_DECODE = "The file is not a readable image: it is damaged or cut short."

# Sniffed type -> the Pillow format it is decoded as and encoded to. HEIC is not here: Pillow
# cannot decode it without a GPL-licensed plugin, and what cannot be decoded cannot be checked.
_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
_SAVE_OPTIONS: dict[str, dict[str, object]] = {
    "JPEG": {"quality": 85, "optimize": True},
    "PNG": {"optimize": True},
    "WEBP": {"quality": 85, "method": 4},
}
_KEPT_MODES = {"JPEG": {"RGB", "L"}, "PNG": {"RGB", "RGBA", "L", "LA"}, "WEBP": {"RGB", "RGBA"}}
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


@dataclass(frozen=True)
class EncodedPhoto:
    data: bytes
    content_type: str
    width: int
    height: int


def configure_pillow() -> None:
    """Pillow's own decompression-bomb guard, set from settings in one place (app start):
    ``Image.open`` refuses more than twice ``PHOTO_MAX_PIXELS`` and warns above it; the
    warning is made an error, so nothing decodes a bomb even outside :func:`photo_reencode`
    (which checks the limit itself too)."""
    Image.MAX_IMAGE_PIXELS = settings.PHOTO_MAX_PIXELS
    warnings.simplefilter("error", Image.DecompressionBombWarning)


def _too_large(limit: int) -> ValidationFailed:
    return ValidationFailed(
        f"The image has more than {limit:,} pixels; send a smaller one.", field="image"
    )


def _to_srgb(image: Image.Image, icc: bytes | None) -> Image.Image:
    """Pixels in sRGB (a phone's Display P3 photo keeps its colours without its profile)."""
    if not icc or image.mode not in {"RGB", "RGBA"}:
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        return ImageCms.profileToProfile(image, source, _SRGB, outputMode=image.mode)
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image  # an unreadable profile: keep the pixels as they are


def photo_reencode(data: bytes, *, content_type: str) -> EncodedPhoto:
    """The photo ``data`` (already proven ``content_type`` by its leading bytes) decoded and
    encoded again in the same format, upright, in sRGB, without metadata, its longer edge at
    most ``PHOTO_MAX_EDGE`` pixels. Raises ValidationFailed (``image``) for more than
    ``PHOTO_MAX_PIXELS`` pixels (checked from the header, before any pixel is decoded) and for
    anything the decoder cannot read."""
    fmt = _FORMATS.get(content_type)
    if fmt is None:
        raise ValidationFailed("Not a JPEG, PNG or WebP image.", field="image")
    limit = settings.PHOTO_MAX_PIXELS
    max_edge = settings.PHOTO_MAX_EDGE
    try:
        image = Image.open(io.BytesIO(data), formats=[fmt])  # reads the header only
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_large(limit) from None
    except Exception:
        raise ValidationFailed(CANNOT_DECODE, field="image") from None
    with image:
        width, height = image.size
        if width <= 0 or height <= 0:
            raise ValidationFailed(CANNOT_DECODE, field="image")
        if width * height > limit:
            raise _too_large(limit)
        try:
            if fmt == "JPEG":
                # Decode big JPEGs at 1/2 .. 1/8 scale straight away: less memory and time.
                image.draft("RGB", (max_edge, max_edge))
            image.load()
            icc = image.info.get("icc_profile")
            picture = ImageOps.exif_transpose(image)
        except Exception:
            raise ValidationFailed(CANNOT_DECODE, field="image") from None
    if picture.mode not in _KEPT_MODES[fmt]:
        has_alpha = "A" in picture.getbands() or "transparency" in picture.info
        picture = picture.convert("RGBA" if has_alpha and fmt != "JPEG" else "RGB")
    picture = _to_srgb(picture, icc)
    if max(picture.size) > max_edge:
        picture.thumbnail((max_edge, max_edge), Image.Resampling.LANCZOS)
    # Nothing of the upload's metadata may reach the encoder (some encoders read im.info).
    picture.info = {}
    out = io.BytesIO()
    picture.save(out, fmt, **_SAVE_OPTIONS[fmt])
    return EncodedPhoto(
        data=out.getvalue(), content_type=content_type, width=picture.width, height=picture.height
    )
