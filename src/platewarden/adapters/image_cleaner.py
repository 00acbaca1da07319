"""Re-encoding uploaded images with Pillow, so no metadata (EXIF GPS above all) survives."""

from __future__ import annotations

import io
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError

from platewarden.services.appeal_attachments import UnreadableImage

_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG"}
_JPEG_QUALITY = 90


class PillowImageCleaner:
    """``ImageCleaner``: decode whole, turn upright, encode again with nothing but pixels."""

    def clean(self, data: bytes, *, content_type: str, max_pixels: int) -> bytes:
        """The image re-encoded as ``content_type``; :class:`UnreadableImage` otherwise."""
        expected = _FORMATS[content_type]
        try:
            with warnings.catch_warnings():
                # Pillow warns (and past twice its own limit, raises) on huge images; the
                # explicit bound below is the one that decides.
                warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                with Image.open(io.BytesIO(data), formats=[expected]) as image:
                    width, height = image.size
                    if width * height > max_pixels:
                        raise UnreadableImage(f"more than {max_pixels} pixels")
                    image.load()  # a truncated file fails here, not later
                    # The orientation lives in EXIF, which goes: apply it to the pixels.
                    upright = ImageOps.exif_transpose(image)
                    return _encode(upright, expected)
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError,
                Image.DecompressionBombError) as exc:
            if isinstance(exc, UnreadableImage):
                raise
            raise UnreadableImage("it does not decode") from exc


def _encode(image: Image.Image, fmt: str) -> bytes:
    if fmt == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    bare = image.copy()
    # ``save`` carries EXIF, ICC, XMP and text chunks over from ``info``: none may survive.
    bare.info = {}
    out = io.BytesIO()
    if fmt == "JPEG":
        bare.save(out, format="JPEG", quality=_JPEG_QUALITY)
    else:
        bare.save(out, format="PNG")
    return out.getvalue()
