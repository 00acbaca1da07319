"""Other countries' plate layouts (EU, US, Brazil) for training a reader that generalises.

These are impressions, not replicas: the proportions, colours, the EU blue band, the US
state line and slogan, the Brazilian city line. The readable text is returned with each
plate so a training set can pair them.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw

from platewarden.synth.font import text_mask

_LETTERS = string.ascii_uppercase
_DIGITS = string.digits
# Extra faces for variety when the system has them (Debian package fonts-dejavu-core).
_SYSTEM_FONTS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
)
_US_PATTERNS = ("DLLLDDD", "LLLDDDD", "DDDLLL", "LLDDDD", "DLLDDD", "LLLDDD", "DDLLDD",
                "LDDDDD", "DDDDLL", "LLDDDDL", "DDDDDD", "LLLLDD")
_EU_PATTERNS = ("LLDDDLL", "DLLDDDD", "LLDDDD", "LLLDDDD", "LDDDLL", "LLLDDD")
_STATES = ("ALASKA", "ARIZONA", "CALIFORNIA", "TEXAS", "OHIO", "FLORIDA", "NEW YORK",
           "VIRGINIA", "NEVADA", "IDAHO", "DELAWARE", "MAINE", "OREGON", "UTAH")


@dataclass(frozen=True, slots=True)
class Plate:
    """A rendered plate and the text a reader should output for it."""

    image: Image.Image
    text: str


def _fill(pattern: str, rng: random.Random) -> str:
    return "".join(rng.choice(_DIGITS if p == "D" else _LETTERS) for p in pattern)


def _face(rng: random.Random) -> str | None:
    """The shipped face most of the time, a system face sometimes."""
    available = [f for f in _SYSTEM_FONTS if Path(f).is_file()]
    if available and rng.random() < 0.4:
        return rng.choice(available)
    return None


def _paste(canvas: Image.Image, text: str, box: tuple[int, int, int, int],
           ink: tuple[int, int, int], *, font_file: str | None, tracking: float) -> None:
    left, top, right, bottom = box
    mask = text_mask(text, cap_px=bottom - top, tracking=tracking, font_file=font_file)
    width = min(mask.width, right - left)
    mask = mask.resize((max(1, width), bottom - top), Image.Resampling.LANCZOS)
    x = left + (right - left - mask.width) // 2
    canvas.paste(ink, (x, top, x + mask.width, top + mask.height), mask)


def _spaced(text: str, rng: random.Random) -> str:
    """Insert a separator gap at a letter/digit boundary, as many plates print one."""
    cuts = [i for i in range(1, len(text)) if text[i].isdigit() != text[i - 1].isdigit()]
    if not cuts or rng.random() < 0.3:
        return text
    cut = rng.choice(cuts)
    return text[:cut] + " " + text[cut:]


def render_eu(rng: random.Random, *, height_px: int = 110) -> Plate:
    """White EU plate with the blue band on the left."""
    text = _fill(rng.choice(_EU_PATTERNS), rng)
    w, h = 520 * 3, 110 * 3
    canvas = Image.new("RGB", (w, h), (245, 245, 240))
    draw = ImageDraw.Draw(canvas)
    draw.rounded_rectangle((0, 0, w - 1, h - 1), radius=18, outline=(20, 20, 20), width=8)
    draw.rectangle((8, 8, 120, h - 9), fill=(0, 51, 153))
    _paste(canvas, rng.choice(["SK", "CZ", "D", "F", "A", "PL"]), (20, 200, 110, 290),
           (250, 250, 250), font_file=None, tracking=0.05)
    _paste(canvas, _spaced(text, rng), (150, 60, w - 40, h - 60), (20, 20, 20),
           font_file=_face(rng), tracking=rng.uniform(0.05, 0.2))
    return Plate(canvas.resize((round(w * height_px / h), height_px), Image.Resampling.LANCZOS),
                 text)


def render_us(rng: random.Random, *, height_px: int = 110) -> Plate:
    """A US-style 2:1 plate: light tinted background, state line, coloured characters."""
    text = _fill(rng.choice(_US_PATTERNS), rng)
    w, h = 600, 300
    top = tuple(rng.randint(170, 255) for _ in range(3))
    bottom = tuple(rng.randint(150, 255) for _ in range(3))
    canvas = Image.new("RGB", (w, h))
    draw = ImageDraw.Draw(canvas)
    for y in range(h):
        t = y / h
        draw.line([(0, y), (w, y)], fill=tuple(round(a * (1 - t) + b * t)
                                               for a, b in zip(top, bottom, strict=True)))
    ink = rng.choice([(20, 30, 90), (15, 15, 15), (150, 20, 20), (10, 80, 40)])
    _paste(canvas, rng.choice(_STATES), (100, 18, 500, 62), ink, font_file=None, tracking=0.1)
    _paste(canvas, _spaced(text, rng), (30, 85, 570, 225), ink, font_file=_face(rng),
           tracking=rng.uniform(0.02, 0.15))
    _paste(canvas, rng.choice(["GRAND CANYON STATE", "VACATIONLAND", "THE FIRST STATE",
                               "SUNSHINE STATE", "LAND OF LINCOLN"]),
           (150, 245, 450, 275), ink, font_file=None, tracking=0.05)
    return Plate(canvas.resize((round(w * height_px / h), height_px), Image.Resampling.LANCZOS),
                 text)


def render_br(rng: random.Random, *, height_px: int = 110) -> Plate:
    """Old Brazilian plate: grey, city line on top, ``AAA 9999``."""
    text = _fill("LLLDDDD", rng)
    w, h = 400 * 3, 130 * 3
    shade = rng.randint(150, 215)
    canvas = Image.new("RGB", (w, h), (shade, shade, shade + rng.randint(-10, 10)))
    draw = ImageDraw.Draw(canvas)
    draw.rounded_rectangle((0, 0, w - 1, h - 1), radius=20, outline=(20, 20, 20), width=10)
    city = f"{rng.choice(['SP', 'RJ', 'MG', 'PR'])} {rng.choice(['SAO PAULO', 'CURITIBA'])}"
    _paste(canvas, city, (300, 25, 900, 85), (25, 25, 25), font_file=None, tracking=0.1)
    _paste(canvas, text[:3] + " " + text[3:], (40, 115, w - 40, h - 35), (25, 25, 25),
           font_file=_face(rng), tracking=rng.uniform(0.05, 0.15))
    return Plate(canvas.resize((round(w * height_px / h), height_px), Image.Resampling.LANCZOS),
                 text)


def render_foreign(rng: random.Random, *, height_px: int = 110) -> Plate:
    """One plate of a random foreign style."""
    style = rng.choice([render_eu, render_us, render_us, render_br])
    return style(rng, height_px=height_px)
