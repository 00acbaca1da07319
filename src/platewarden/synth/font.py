"""Typeface loading and text masks for the plate renderer.

The shipped face is DejaVu Sans Condensed Bold (Bitstream Vera licence, see
``fonts/LICENSE-DejaVu.txt``): a narrow, even-stroke sans close enough to the German
FE-Schrift for synthetic training data. Its ``0`` is narrower than its ``O`` and ``1`` has a
flag, which keeps the confusable pairs distinct, as on real plates.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT_FILE = "DejaVuSansCondensed-Bold.ttf"


def font_path() -> Path:
    """Path of the shipped plate typeface."""
    return Path(str(resources.files("platewarden.synth").joinpath("fonts", FONT_FILE)))


@lru_cache(maxsize=128)
def load_font(size_px: int, font_file: str | None = None) -> ImageFont.FreeTypeFont:
    """A typeface (default: the shipped plate face) at ``size_px`` pixels (cached)."""
    return ImageFont.truetype(font_file or str(font_path()), size=size_px)


@lru_cache(maxsize=16)
def _cap_ratio(font_file: str | None = None) -> float:
    """Cap height of the face as a fraction of its nominal size, measured on ``H``."""
    font = load_font(200, font_file)
    left, top, right, bottom = font.getbbox("H")
    del left, right
    return (bottom - top) / 200.0


def text_mask(
    text: str, *, cap_px: int, tracking: float = 0.12, font_file: str | None = None,
) -> Image.Image:
    """Render ``text`` as a tight greyscale mask whose capitals are ``cap_px`` tall.

    Args:
        text: Characters to draw (upper-case letters and digits; spaces are gaps).
        cap_px: Height of a capital letter in pixels.
        tracking: Extra space between characters, as a fraction of ``cap_px``.
        font_file: Another TrueType face to use instead of the shipped one.

    Returns:
        An ``L`` image, white ink on black, cropped to the ink vertically at cap height.
    """
    size = max(4, round(cap_px / _cap_ratio(font_file)))
    font = load_font(size, font_file)
    gap = round(tracking * cap_px)
    widths = [round(font.getlength(ch)) for ch in text]
    total = sum(widths) + gap * max(0, len(text) - 1)
    ascent, descent = font.getmetrics()
    canvas = Image.new("L", (max(1, total), ascent + descent), 0)
    draw = ImageDraw.Draw(canvas)
    x = 0
    for ch, width in zip(text, widths, strict=True):
        if ch != " ":
            draw.text((x, 0), ch, font=font, fill=255)
        x += width + gap
    _, top, _, bottom = font.getbbox("H")
    return canvas.crop((0, top, canvas.width, bottom))
