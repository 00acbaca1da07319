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
    glyphs = [_glyph(ch, font, cap_px) for ch in text]
    total = sum(g.width for g in glyphs) + gap * max(0, len(text) - 1)
    canvas = Image.new("L", (max(1, total), cap_px), 0)
    x = 0
    for glyph in glyphs:
        canvas.paste(glyph, (x, 0))
        x += glyph.width + gap
    return canvas


def _glyph(ch: str, font: ImageFont.FreeTypeFont, cap_px: int) -> Image.Image:
    """One character as a mask exactly ``cap_px`` tall, its advance wide.

    Letters with a descender in this face (``J``, ``Q``) are squeezed onto the baseline, as
    FE-Schrift draws them: on a plate every character stands between the same two lines.
    """
    width = max(1, round(font.getlength(ch)))
    if ch == " ":
        return Image.new("L", (width, cap_px), 0)
    ascent, descent = font.getmetrics()
    cell = Image.new("L", (width, ascent + descent), 0)
    ImageDraw.Draw(cell).text((0, 0), ch, font=font, fill=255)
    _, cap_top, _, cap_bottom = font.getbbox("H")
    box = cell.getbbox()
    top, bottom = cap_top, cap_bottom
    if box is not None:
        top, bottom = min(cap_top, box[1]), max(cap_bottom, box[3])
    band = cell.crop((0, top, width, bottom))
    if band.height != cap_px:
        band = band.resize((width, cap_px), Image.Resampling.LANCZOS)
    return band
