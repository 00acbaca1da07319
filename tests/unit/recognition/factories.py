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


def street_frame(text: str, *, seed: int, size: tuple[int, int] = (1280, 720),
                 plate_height: int = 40) -> tuple[Any, tuple[int, int, int, int]]:
    """A 1280x720 frame: textured road-like background, a car-ish block, a plate on it.

    Returns the frame and the plate box ``(x, y, w, h)``.
    """
    rng = random.Random(seed)
    gen = np.random.default_rng(seed)
    w, h = size
    frame = np.clip(gen.normal(110, 25, (h, w, 3)), 0, 255).astype(np.uint8)
    frame = cv2.GaussianBlur(frame, (0, 0), 3)
    plate = plate_bgr(text, height=plate_height)
    ph, pw = plate.shape[:2]
    x = rng.randint(200, w - pw - 200)
    y = rng.randint(250, h - ph - 100)
    car = tuple(int(c) for c in gen.integers(20, 200, 3))
    cv2.rectangle(frame, (x - pw, y - 3 * ph), (x + 2 * pw, y + 2 * ph), car, -1)
    cv2.rectangle(frame, (x - pw // 2, y - 3 * ph), (x + int(1.5 * pw), y - ph), (40, 40, 40), -1)
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
