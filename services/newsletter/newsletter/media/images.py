"""Image checks and variants with Pillow: the bytes decide what a file is, never its name."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from newsletter.errors import InvalidInput
from newsletter.media.domain import FORMATS, ORIGINAL, variant_name, variant_widths

QUALITY = 85


@dataclass(frozen=True)
class Rendition:
    variant: str
    ext: str
    width: int
    height: int
    data: bytes


def _open(data: bytes, max_bytes: int, max_pixels: int) -> Image.Image:
    if not data:
        raise InvalidInput("Choose an image file.", field="file")
    if len(data) > max_bytes:
        raise InvalidInput(
            f"The image is too large (at most {max_bytes // 1_000_000} MB).", field="file"
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
            # Header only: refuse a decompression bomb before decoding a single pixel.
            if probe.width * probe.height > max_pixels:
                raise InvalidInput("The image has too many pixels.", field="file")
            if probe.format not in FORMATS:
                raise InvalidInput("Upload a PNG, JPEG, WebP or GIF image.", field="file")
            probe.verify()
            image = Image.open(io.BytesIO(data))
            image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise InvalidInput("Upload a PNG, JPEG, WebP or GIF image.", field="file") from exc
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise InvalidInput("The image has too many pixels.", field="file") from exc
    return image


def _encode(image: Image.Image, fmt: str, *, animated: bool = False) -> bytes:
    out = io.BytesIO()
    options: dict[str, object] = {}
    if fmt == "JPEG":
        image = image.convert("RGB") if image.mode not in ("RGB", "L") else image
        options = {"quality": QUALITY, "optimize": True}
    elif fmt == "WEBP":
        options = {"quality": QUALITY}
    elif fmt == "GIF" and animated:
        options = {"save_all": True}
    # No exif/xmp/comment is passed, and `info` is emptied: metadata does not survive.
    image.info = {}
    image.save(out, format=fmt, **options)
    return out.getvalue()


def renditions(data: bytes, *, max_bytes: int, max_pixels: int) -> list[Rendition]:
    """The cleaned original (EXIF orientation applied, metadata dropped) and narrower copies."""
    image = _open(data, max_bytes, max_pixels)
    fmt = str(image.format)
    ext = FORMATS[fmt]
    animated = fmt == "GIF" and bool(getattr(image, "is_animated", False))
    if animated:
        original = _encode(image, fmt, animated=True)
    else:
        image = ImageOps.exif_transpose(image)
        original = _encode(image.copy(), fmt)
    found = [Rendition(ORIGINAL, ext, image.width, image.height, original)]
    base = image.convert("RGBA") if image.mode in ("P", "LA", "PA") else image
    for width in variant_widths(image.width):
        height = max(1, round(image.height * width / image.width))
        small = base.resize((width, height), Image.Resampling.LANCZOS)
        found.append(Rendition(variant_name(width), ext, width, height, _encode(small, fmt)))
    return found
