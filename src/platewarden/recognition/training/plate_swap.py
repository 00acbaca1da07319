"""A real photo's plate replaced by a synthetic Uzbek one, where it was and at its scale.

No labelled Uzbek photos are at hand. :func:`swap` paints a photo's plate out (OpenCV
inpainting of its box, a little grown) and draws a one-line or two-line Uzbek plate in its
place at the original's pixels per millimetre (its width over the country's plate width: US
305, EU 520, BR 400 mm), centred on it, lit like it (mean brightness matched within limits)
and slightly blurred. ``bench/recognition/plate_swap.py`` writes such photos in the benchmark
layout (a measure of the detector and its boxes on Uzbek plates in real scenes);
``platewarden train detector`` trains on them. The plates are upright and clean:
no perspective, dirt or heavy blur.
"""

from __future__ import annotations

import random

import cv2
import numpy as np
import numpy.typing as npt

from platewarden.recognition.formats import TWO_LINE_UZ_KINDS, one_line_uz_kinds
from platewarden.synth import random_uz_text, render_plate

PLATE_WIDTH_MM = {"us": 305.0, "eu": 520.0, "br": 400.0}
HEIGHT_MM = {"uz1": 110.0, "uz2": 170.0}
Image = npt.NDArray[np.uint8]


def _paint_out(frame: Image, x: int, y: int, w: int, h: int) -> Image:
    """``frame`` with the box (grown a little) inpainted from its surroundings."""
    grow_x, grow_y = max(2, round(0.1 * w)), max(2, round(0.2 * h))
    mask = np.zeros(frame.shape[:2], np.uint8)
    mask[max(0, y - grow_y):y + h + grow_y, max(0, x - grow_x):x + w + grow_x] = 255
    return np.asarray(cv2.inpaint(frame, mask, 5, cv2.INPAINT_TELEA), dtype=np.uint8)


def _plate(text: str, height: int, rng: random.Random) -> Image:
    """The clean plate ``height`` pixels tall (BGR), slightly blurred."""
    rgb = np.asarray(render_plate(text, height_px=max(16, height), rng=rng))
    bgr = cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)
    if height < 16:
        width = max(1, round(bgr.shape[1] * height / bgr.shape[0]))
        bgr = cv2.resize(bgr, (width, max(1, height)), interpolation=cv2.INTER_AREA)
    return np.asarray(cv2.GaussianBlur(bgr, (0, 0), rng.uniform(0.3, 1.0)), dtype=np.uint8)


def swap(frame: Image, box: tuple[int, int, int, int], *, country: str, layout: str,
         rng: random.Random) -> tuple[Image, tuple[int, int, int, int], str]:
    """``frame`` with a synthetic Uzbek plate where ``box`` was: (frame, new box, text)."""
    x, y, w, h = box
    kinds = one_line_uz_kinds() if layout == "uz1" else list(TWO_LINE_UZ_KINDS)
    text = random_uz_text(rng, kind=rng.choice(kinds))
    px_per_mm = w / PLATE_WIDTH_MM.get(country, 520.0)
    plate = _plate(text, round(HEIGHT_MM[layout] * px_per_mm), rng)
    original = frame[y:y + h, x:x + w]
    light = float(original.mean()) / max(1.0, float(plate.mean())) if original.size else 1.0
    plate = np.clip(plate.astype(np.float32) * min(1.1, max(0.6, light)), 0, 255).astype(
        np.uint8)
    out = _paint_out(frame, x, y, w, h)
    ph, pw = plate.shape[:2]
    fh, fw = out.shape[:2]
    nx, ny = round(x + w / 2 - pw / 2), round(y + h / 2 - ph / 2)
    x0, y0, x1, y1 = max(0, nx), max(0, ny), min(fw, nx + pw), min(fh, ny + ph)
    out[y0:y1, x0:x1] = plate[y0 - ny:y1 - ny, x0 - nx:x1 - nx]
    return out, (x0, y0, x1 - x0, y1 - y0), text
