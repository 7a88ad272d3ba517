"""Uploaded images: checked by content, size and pixel count; resized and watermarked copies.

Never trust the file name or the browser's content type: Pillow must recognise the bytes as
one of the allowed formats, and the picture must fit the byte and pixel limits before it is
decoded in full (decompression bombs).
"""

import io
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageDraw, ImageFont, ImageOps, UnidentifiedImageError

from .errors import InvalidInput

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000


@dataclass(frozen=True)
class CheckedImage:
    format: str
    width: int
    height: int


def image_check(
    upload, *, max_bytes: int = MAX_BYTES, max_pixels: int = MAX_PIXELS
) -> CheckedImage:
    """Accept only real JPEG/PNG/WebP/GIF pictures within the limits; raise ``InvalidInput``."""
    size = getattr(upload, "size", None)
    if size is None or size > max_bytes:
        raise InvalidInput(
            _("The image is too large (at most %(mb)s MB).") % {"mb": max_bytes // (1024 * 1024)},
            code="image_too_large",
        )
    upload.seek(0)
    try:
        with Image.open(upload) as probe:
            image_format, (width, height) = probe.format, probe.size
            if image_format not in ALLOWED_FORMATS:
                raise InvalidInput(_("Upload a JPEG, PNG, WebP or GIF image."), code="image_type")
            if width * height > max_pixels:
                raise InvalidInput(
                    _("The image has too many pixels."), code="image_too_many_pixels"
                )
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as full:
            full.load()  # decode every pixel: catches truncated and corrupt files
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as error:
        raise InvalidInput(_("This file is not a valid image."), code="image_invalid") from error
    finally:
        upload.seek(0)
    return CheckedImage(format=image_format, width=width, height=height)


def _open_upright(upload) -> Image.Image:
    upload.seek(0)
    image = Image.open(upload)
    image = ImageOps.exif_transpose(image)  # honour the camera's rotation, then drop EXIF
    return image.convert("RGB")


def _as_jpeg(image: Image.Image, name: str) -> ContentFile:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85, optimize=True, progressive=True)
    return ContentFile(buffer.getvalue(), name=name)


def image_square_thumbnail(upload, *, side: int, name: str) -> ContentFile:
    """A centred square crop of ``side`` pixels, as JPEG without metadata (avatars)."""
    image = ImageOps.fit(_open_upright(upload), (side, side), Image.Resampling.LANCZOS)
    return _as_jpeg(image, name)


def image_watermarked_preview(upload, *, max_side: int, text: str, name: str) -> ContentFile:
    """A copy no larger than ``max_side`` with ``text`` tiled across it, as JPEG.

    Public views show this preview only; the original stays private to its owner.
    """
    image = _open_upright(upload)
    image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    font = ImageFont.load_default(size=max(14, image.width // 18))
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    step_x, step_y = (right - left) + 40, (bottom - top) + 60
    for row, y in enumerate(range(-step_y, image.height + step_y, step_y)):
        offset = (row % 2) * step_x // 2
        for x in range(-step_x + offset, image.width + step_x, step_x):
            draw.text(
                (x, y),
                text,
                font=font,
                fill=(255, 255, 255, 110),
                stroke_width=1,
                stroke_fill=(0, 0, 0, 90),
            )
    marked = Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB")
    return _as_jpeg(marked, name)


def image_downscaled(upload, *, max_side: int, name: str) -> ContentFile:
    """A copy no larger than ``max_side`` on its longer side, as JPEG without metadata."""
    image = _open_upright(upload)
    image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    return _as_jpeg(image, name)
