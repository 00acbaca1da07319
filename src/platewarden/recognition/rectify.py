"""Rectification: from a detector's loose box to a level, tight plate text line.

Readers do best on a crop whose characters are level and fill its height. Detector boxes are
loose and plates are tilted, so the crop is (1) cut with a margin, (2) rotated so the line
through the character blobs is level, and (3) trimmed vertically to the character band.
Characters are found as connected components of the right size in whichever polarity
(dark-on-light or light-on-dark) yields more of them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

from platewarden.recognition.imageio import Frame
from platewarden.recognition.types import Box


@dataclass(frozen=True, slots=True)
class CharBlob:
    """A character-sized connected component: bounding box in crop pixels."""

    x: int
    y: int
    w: int
    h: int


def cut(frame: Frame, box: Box, *, margin_x: float = 0.0, margin_y: float = 0.0) -> Frame:
    """Crop ``box`` from ``frame``, grown (positive) or shrunk (negative) by fractions."""
    fh, fw = frame.shape[:2]
    dx, dy = box.w * margin_x, box.h * margin_y
    x0 = max(0, math.floor(box.x - dx))
    y0 = max(0, math.floor(box.y - dy))
    x1 = min(fw, math.ceil(box.x + box.w + dx))
    y1 = min(fh, math.ceil(box.y + box.h + dy))
    if x1 - x0 < 2 or y1 - y0 < 2:
        return frame[box.y:box.y + max(box.h, 2), box.x:box.x + max(box.w, 2)]
    out: Frame = frame[y0:y1, x0:x1]
    return out


def _blobs(binary: Any) -> list[CharBlob]:
    """Connected components shaped like plate characters."""
    h, w = binary.shape[:2]
    count, _, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
    found: list[CharBlob] = []
    for i in range(1, count):
        x, y, bw, bh, area = (int(v) for v in stats[i])
        if not (0.25 * h <= bh <= 0.95 * h and 1 <= bw <= 0.25 * w):
            continue
        if not 0.1 <= bw / bh <= 1.2 or area < 0.15 * bw * bh:
            continue
        found.append(CharBlob(x, y, bw, bh))
    return _consistent(found)


def _consistent(blobs: list[CharBlob]) -> list[CharBlob]:
    """Keep blobs whose height is close to the median (drops bolts, bars and borders)."""
    if len(blobs) < 3:
        return blobs
    median = float(np.median([b.h for b in blobs]))
    return [b for b in blobs if abs(b.h - median) <= 0.25 * median]


def find_chars(crop: Frame) -> list[CharBlob]:
    """Character blobs in a plate crop, in either polarity, left to right."""
    grey = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY) if crop.ndim == 3 else crop
    if grey.shape[0] < 60:
        scale = 60.0 / grey.shape[0]
        grey = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    else:
        scale = 1.0
    _, dark = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    candidates = [_blobs(dark), _blobs(255 - dark)]
    best = max(candidates, key=len)
    inv = 1.0 / scale
    return sorted(
        (CharBlob(round(b.x * inv), round(b.y * inv), max(1, round(b.w * inv)),
                  max(1, round(b.h * inv))) for b in best),
        key=lambda b: b.x,
    )


def skew_angle(blobs: list[CharBlob]) -> float:
    """Angle in degrees of the line through the blob centres (0 when under 3 blobs)."""
    if len(blobs) < 3:
        return 0.0
    xs = np.array([b.x + b.w / 2 for b in blobs], dtype=np.float64)
    ys = np.array([b.y + b.h / 2 for b in blobs], dtype=np.float64)
    if float(np.ptp(xs)) < 1e-6:
        return 0.0
    slope = float(np.polyfit(xs, ys, 1)[0])
    return math.degrees(math.atan(slope))


def rotate(crop: Frame, angle: float) -> Frame:
    """Rotate ``crop`` by ``angle`` degrees about its centre, edges replicated."""
    h, w = crop.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    out: Frame = cv2.warpAffine(crop, matrix, (w, h), flags=cv2.INTER_LINEAR,
                                borderMode=cv2.BORDER_REPLICATE)
    return out


def rectify(crop: Frame, *, max_angle: float = 25.0, pad: float = 0.12) -> Frame:
    """Level and tighten a plate crop; returns it unchanged when no text line is found.

    Args:
        crop: BGR plate crop (a detector box, possibly with margin).
        max_angle: Larger estimated skews are distrusted and ignored.
        pad: Vertical padding kept around the character band, as a fraction of its height.
    """
    blobs = find_chars(crop)
    angle = skew_angle(blobs)
    if 0.7 < abs(angle) <= max_angle:
        crop = rotate(crop, angle)
        blobs = find_chars(crop)
    if len(blobs) < 3:
        return crop
    top = min(b.y for b in blobs)
    bottom = max(b.y + b.h for b in blobs)
    extra = round((bottom - top) * pad)
    y0, y1 = max(0, top - extra), min(crop.shape[0], bottom + extra)
    left = min(b.x for b in blobs)
    right = max(b.x + b.w for b in blobs)
    xpad = round((bottom - top) * 0.35)
    x0, x1 = max(0, left - xpad), min(crop.shape[1], right + xpad)
    if y1 - y0 < 8 or x1 - x0 < 8:
        return crop
    out: Frame = crop[y0:y1, x0:x1]
    return out
