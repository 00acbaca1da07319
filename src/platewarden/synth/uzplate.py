"""Clean Uzbek plate renderer (layouts after ``shared/reference/uz-plates.md``).

Geometry is written in millimetres on the real plate (520 x 110 mm for one-line plates) and
drawn supersampled, then reduced with a Lanczos filter so edges are anti-aliased like a
camera's. The grammar (:func:`platewarden.domain.plates.parse`) decides the layout.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from PIL import Image, ImageDraw

from platewarden.domain.plates import PlateParse, parse
from platewarden.synth.font import text_mask

_SUPERSAMPLE = 3
WHITE = (246, 246, 242)
BLACK = (18, 18, 18)
GREEN = (0, 122, 70)
YELLOW = (250, 204, 20)
_FLAG_BLUE = (0, 153, 181)
_FLAG_GREEN = (30, 181, 58)
_FLAG_RED = (206, 17, 38)


@dataclass(frozen=True, slots=True)
class Colours:
    """Background and ink of one plate kind."""

    background: tuple[int, int, int]
    ink: tuple[int, int, int]


@dataclass(frozen=True, slots=True)
class Field:
    """Text drawn into a box on the plate, in millimetres."""

    text: str
    box: tuple[float, float, float, float]  # left, top, right, bottom


@dataclass(frozen=True, slots=True)
class Layout:
    """Everything the painter needs for one plate."""

    size_mm: tuple[float, float]
    colours: Colours
    fields: tuple[Field, ...]
    bars: tuple[tuple[float, float, float, float], ...]
    flag: tuple[float, float, float, float] | None
    country_box: tuple[float, float, float, float] | None


def colours_for(parsed: PlateParse) -> Colours:
    """Plate colours by format: green for foreign companies and diplomats, yellow for
    foreign residents, black on white otherwise."""
    if parsed.format in ("foreign-company", "diplomatic"):
        return Colours(GREEN, WHITE)
    if parsed.format == "foreign-resident":
        return Colours(YELLOW, BLACK)
    return Colours(WHITE, BLACK)


def _groups(parsed: PlateParse) -> tuple[str, str]:
    """Split a parsed plate into (region field, main text with spaces between groups)."""
    t = parsed.text
    splits: dict[str, tuple[int, ...]] = {
        "private": (2, 3, 6),
        "organisation": (2, 5),
        "trailer": (2, 6),
        "motorcycle": (2, 5),
        "foreign-company": (2, 3),
        "foreign-resident": (2, 3),
    }
    cuts = splits.get(parsed.format)
    if cuts is None:
        if parsed.format in ("diplomatic", "temporary-or-diplomatic") and t[:3] != "CMD":
            return "", f"{t[0]} {t[1:]}"
        return "", t
    region, rest, start = t[:2], [], 2
    for cut in (*cuts[1:], len(t)):
        rest.append(t[start:cut])
        start = cut
    return region, " ".join(part for part in rest if part)


def layout_for(parsed: PlateParse) -> Layout:
    """Choose the layout (one or two lines, region field, flag) for a parsed plate."""
    colours = colours_for(parsed)
    region, main = _groups(parsed)
    flag_on = parsed.format != "temporary-or-diplomatic"
    if parsed.format in ("trailer", "motorcycle"):
        width = 290.0 if parsed.format == "trailer" else 240.0
        return Layout(
            size_mm=(width, 170.0),
            colours=colours,
            fields=(Field(region, (12, 16, 84, 74)), Field(main, (12, 94, width - 12, 154))),
            bars=((90, 12, 93, 78),),
            flag=(width - 62, 14, width - 14, 44),
            country_box=(width - 60, 50, width - 16, 78),
        )
    right_edge = 448.0 if flag_on else 508.0
    fields: list[Field] = []
    bars: list[tuple[float, float, float, float]] = []
    left = 12.0
    if region:
        fields.append(Field(region, (12, 25, 86, 85)))
        bars.append((94, 8, 97.5, 102))
        left = 104.0
    fields.append(Field(main, (left, 25, right_edge, 85)))
    return Layout(
        size_mm=(520.0, 110.0),
        colours=colours,
        fields=tuple(fields),
        bars=tuple(bars),
        flag=(457, 16, 507, 48) if flag_on else None,
        country_box=(460, 58, 504, 92) if flag_on else None,
    )


def _draw_flag(draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int]) -> None:
    """Uzbek flag: blue, white and green bands with thin red lines, moon and stars."""
    left, top, right, bottom = box
    h = bottom - top
    band = h / 3
    draw.rectangle((left, top, right, top + band), fill=_FLAG_BLUE)
    draw.rectangle((left, top + band, right, top + 2 * band), fill=(255, 255, 255))
    draw.rectangle((left, top + 2 * band, right, bottom), fill=_FLAG_GREEN)
    line = max(1, round(h / 30))
    for y in (top + band, top + 2 * band - line):
        draw.rectangle((left, y, right, y + line), fill=_FLAG_RED)
    r = band * 0.38
    cx, cy = left + band * 0.55, top + band / 2
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(255, 255, 255))
    draw.ellipse((cx - r + r * 0.45, cy - r, cx + r + r * 0.45, cy + r), fill=_FLAG_BLUE)
    star = max(1.0, band * 0.06)
    for i in range(4):
        sx = cx + r * 1.4 + i * band * 0.28
        draw.ellipse((sx - star, cy - star, sx + star, cy + star), fill=(255, 255, 255))


def _paste_text(
    canvas: Image.Image, field: Field, *, scale: float, ink: tuple[int, int, int],
) -> None:
    """Draw a field's text, centred in its box, condensed if it would not fit."""
    left, top, right, bottom = (round(v * scale) for v in field.box)
    box_w, box_h = right - left, bottom - top
    mask = text_mask(field.text, cap_px=box_h)
    width = min(mask.width, box_w)
    if width != mask.width or mask.height != box_h:
        mask = mask.resize((max(1, width), box_h), Image.Resampling.LANCZOS)
    x = left + (box_w - mask.width) // 2
    canvas.paste(ink, (x, top, x + mask.width, top + mask.height), mask)


def paint(layout: Layout, *, height_px: int, rng: random.Random | None) -> Image.Image:
    """Paint ``layout`` as an RGB image ``height_px`` tall."""
    width_mm, height_mm = layout.size_mm
    scale = height_px * _SUPERSAMPLE / height_mm
    size = (round(width_mm * scale), round(height_mm * scale))
    bg = layout.colours.background
    if rng is not None:
        shade = rng.randint(-14, 6)
        bg = tuple(min(255, max(0, c + shade)) for c in bg)  # type: ignore[assignment]
    ink = layout.colours.ink
    canvas = Image.new("RGB", size, (90, 90, 90))
    draw = ImageDraw.Draw(canvas)
    radius = round(6 * scale)
    draw.rounded_rectangle((0, 0, size[0] - 1, size[1] - 1), radius=radius, fill=bg)
    inset, stroke = round(2.5 * scale), max(1, round(2.2 * scale))
    draw.rounded_rectangle(
        (inset, inset, size[0] - 1 - inset, size[1] - 1 - inset),
        radius=max(1, radius - inset), outline=ink, width=stroke,
    )
    for bar in layout.bars:
        draw.rectangle(tuple(round(v * scale) for v in bar), fill=ink)
    if layout.flag is not None:
        fl, ft, fr, fb = (round(v * scale) for v in layout.flag)
        _draw_flag(draw, (fl, ft, fr, fb))
    if layout.country_box is not None:
        _paste_text(canvas, Field("UZ", layout.country_box), scale=scale, ink=ink)
    for field in layout.fields:
        _paste_text(canvas, field, scale=scale, ink=ink)
    out_size = (max(1, round(size[0] / _SUPERSAMPLE)), height_px)
    return canvas.resize(out_size, Image.Resampling.LANCZOS)


def render_plate(
    text: str, *, height_px: int = 110, rng: random.Random | None = None,
) -> Image.Image:
    """Render a clean Uzbek plate for ``text`` as an RGB image.

    The format comes from :func:`platewarden.domain.plates.parse`: one-line plates are
    520:110 (the region field, a vertical bar, the rest, then flag over ``UZ``); trailers and
    motorcycles are two-line plates; foreign companies and diplomats are green, foreign
    residents yellow; temporary plates have no flag. Text the grammar does not know
    (personalised plates) is drawn across the plate, flag on the right.

    Args:
        text: Plate text, any case, separators ignored.
        height_px: Height of the returned image in pixels (at least 16).
        rng: When given, small natural variations (plate shade); ``None`` is deterministic.

    Returns:
        The plate, RGB, ``height_px`` tall.

    Raises:
        ValueError: When ``text`` has no letter or digit, or ``height_px`` is below 16.
    """
    if height_px < 16:
        raise ValueError("height_px must be at least 16")
    parsed = parse(text)
    if not parsed.text:
        raise ValueError("plate text has no letters or digits")
    return paint(layout_for(parsed), height_px=height_px, rng=rng)
