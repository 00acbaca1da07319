"""Test data made in code: synthetic plates, frames with plates in them, bad files."""

from __future__ import annotations

import random
import struct
import zlib
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from platewarden.synth import render_plate


def plate_bgr(text: str, *, height: int = 110) -> Any:
    """A clean rendered plate as a BGR array."""
    return cv2.cvtColor(np.asarray(render_plate(text, height_px=height)), cv2.COLOR_RGB2BGR)


def draw_car(frame: Any, x: int, y: int, pw: int, ph: int, colour: tuple[int, ...]) -> None:
    """A car seen from behind around a plate slot at ``(x, y)`` of ``pw x ph``."""
    cx = x + pw // 2
    body_w, body_h = int(pw * 3.2), int(ph * 6)
    left, top = cx - body_w // 2, y - int(ph * 4)
    cv2.rectangle(frame, (left, top), (left + body_w, top + body_h), colour, -1)
    roof = (left + body_w // 6, top - int(ph * 2.5))
    cv2.rectangle(frame, roof, (left + 5 * body_w // 6, top), colour, -1)
    cv2.rectangle(frame, (roof[0] + ph // 2, roof[1] + ph // 2),
                  (left + 5 * body_w // 6 - ph // 2, top + ph), (50, 45, 40), -1)  # rear window
    for side in (left + ph // 2, left + body_w - int(ph * 2.3)):
        cv2.rectangle(frame, (side, top + ph * 2), (side + int(ph * 1.8), top + ph * 3),
                      (30, 30, 200), -1)  # tail lights
    bumper_top = y - ph // 2
    cv2.rectangle(frame, (left, bumper_top), (left + body_w, bumper_top + 2 * ph), (35, 35, 35),
                  -1)
    for wheel in (left + ph, left + body_w - 2 * ph):
        cv2.rectangle(frame, (wheel, top + body_h), (wheel + ph, top + body_h + ph // 2),
                      (15, 15, 15), -1)


def street_frame(text: str, *, seed: int, size: tuple[int, int] = (1280, 720),
                 plate_height: int = 40) -> tuple[Any, tuple[int, int, int, int]]:
    """A 1280x720 road scene with one car seen from behind and its plate.

    Returns the frame (BGR) and the plate box ``(x, y, w, h)``.
    """
    rng = random.Random(seed)
    gen = np.random.default_rng(seed)
    w, h = size
    frame = np.clip(gen.normal(100, 18, (h, w, 3)), 0, 255).astype(np.uint8)
    frame = cv2.GaussianBlur(frame, (0, 0), 2)
    cv2.rectangle(frame, (0, 0), (w, h // 4), (200, 170, 140), -1)  # sky/buildings band
    plate = plate_bgr(text, height=plate_height)
    ph, pw = plate.shape[:2]
    x = rng.randint(pw * 2, w - pw * 3)
    y = rng.randint(h // 4 + ph * 7, h - ph * 3)
    colour = tuple(int(c) for c in gen.integers(30, 220, 3))
    draw_car(frame, x, y, pw, ph, colour)
    frame[y:y + ph, x:x + pw] = plate
    return frame, (x, y, pw, ph)


def write_jpeg(path: Path, image: Any, *, quality: int = 90) -> Path:
    """Write a BGR array as JPEG."""
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    path.write_bytes(data.tobytes())
    return path


def huge_png_header(path: Path, *, width: int = 20000, height: int = 20000) -> Path:
    """A PNG that declares ``width x height`` pixels but carries almost no data."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat)
                     + chunk(b"IEND", b""))
    return path
