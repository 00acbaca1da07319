"""Safe loading of images and video frames, with clear errors for bad input."""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt
from PIL import Image, UnidentifiedImageError

from platewarden.recognition.errors import ImageError

Frame = npt.NDArray[Any]  # H x W x 3, uint8, BGR (OpenCV order)

MAX_PIXELS = 40_000_000  # a 8K frame is 33 MP; more is a mistake or an attack
IMAGE_SUFFIXES_READ = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".webp"})
VIDEO_SUFFIXES = frozenset({".mp4", ".avi", ".mkv", ".mov", ".webm", ".m4v", ".ts", ".mpg"})


def is_video(source: str | Path) -> bool:
    """Whether ``source`` names a video file or a stream URL."""
    text = str(source)
    if text.startswith(("rtsp://", "rtsps://", "http://", "https://")):
        return True
    return Path(text).suffix.lower() in VIDEO_SUFFIXES


def decode_image(data: bytes, *, name: str = "image") -> Frame:
    """Decode encoded image bytes into a BGR array.

    Raises:
        ImageError: When the bytes are empty, not an image, truncated, or the image has
            more than ``MAX_PIXELS`` pixels (checked from the header, before decoding).
    """
    if not data:
        raise ImageError(f"{name}: empty file")
    with warnings.catch_warnings():
        # The size check below replaces Pillow's decompression-bomb warning.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            img = Image.open(io.BytesIO(data))
        except Image.DecompressionBombError as exc:
            raise ImageError(f"{name}: image too large ({exc})") from exc
        except (UnidentifiedImageError, OSError) as exc:
            raise ImageError(f"{name}: not a readable image ({exc.__class__.__name__})") from exc
        width, height = img.size
        if width * height > MAX_PIXELS:
            raise ImageError(
                f"{name}: image too large ({width}x{height} pixels, limit {MAX_PIXELS})"
            )
        try:
            rgb = img.convert("RGB")
        except (OSError, SyntaxError, ValueError) as exc:
            raise ImageError(f"{name}: corrupt or truncated image ({exc})") from exc
    arr: Frame = cv2.cvtColor(np.asarray(rgb, dtype=np.uint8), cv2.COLOR_RGB2BGR)
    return arr


def load_image(path: str | Path) -> Frame:
    """Read and decode an image file into a BGR array.

    Raises:
        ImageError: When the file is missing, unreadable or not a valid image.
    """
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise ImageError(f"{p}: cannot read ({exc.strerror or exc})") from exc
    return decode_image(data, name=str(p))


def iter_video(source: str | Path, *, stride: int = 1) -> Iterator[tuple[int, Frame]]:
    """Yield ``(frame_index, frame)`` from a video file or stream URL, every ``stride``-th.

    Raises:
        ImageError: When OpenCV cannot open the source or it has no frame at all.
    """
    text = str(source)
    if "://" not in text and not Path(text).is_file():
        raise ImageError(f"{text}: no such video file")
    capture = cv2.VideoCapture(text)
    if not capture.isOpened():
        raise ImageError(f"{text}: cannot open video")
    index, seen = 0, 0
    try:
        while True:
            ok, frame = capture.read()
            if not ok:
                break
            if frame.shape[0] * frame.shape[1] > MAX_PIXELS:
                raise ImageError(f"{text}: video frames too large")
            if index % stride == 0:
                seen += 1
                yield index, frame
            index += 1
    finally:
        capture.release()
    if seen == 0:
        raise ImageError(f"{text}: no readable frame")
