"""Frame sources for the agent: a folder of images, a video file or a live stream."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2

from platewarden.recognition.errors import ImageError
from platewarden.recognition.imageio import IMAGE_SUFFIXES_READ, is_video, load_image


@dataclass(frozen=True, slots=True)
class SourceFrame:
    """One frame with its position in the source and its capture time."""

    index: int
    captured_at_ms: int
    image: Any


def folder_frames(folder: Path, *, fps: float = 0.0) -> Iterator[SourceFrame]:
    """Images of ``folder`` in name order; time from ``fps`` after the first file's mtime,
    or each file's own modification time when ``fps`` is 0. Unreadable files are skipped."""
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES_READ)
    if not files:
        return
    start = int(files[0].stat().st_mtime * 1000)
    for index, path in enumerate(files):
        try:
            image = load_image(path)
        except ImageError:
            continue
        when = start + round(index * 1000 / fps) if fps > 0 else int(path.stat().st_mtime * 1000)
        yield SourceFrame(index, when, image)


def video_frames(source: str, *, start_ms: int | None = None, stride: int = 1,
                 clock: Callable[[], float] = time.time) -> Iterator[SourceFrame]:
    """Frames of a video file (time = ``start_ms`` + position) or a stream (wall clock).

    Raises:
        ImageError: When OpenCV cannot open the source.
    """
    live = "://" in source
    if not live and not Path(source).is_file():
        raise ImageError(f"{source}: no such video file")
    capture = cv2.VideoCapture(source)
    if not capture.isOpened():
        raise ImageError(f"{source}: cannot open video")
    base = start_ms if start_ms is not None else (
        0 if live else int(Path(source).stat().st_mtime * 1000))
    index = 0
    try:
        while True:
            ok, frame = capture.read()
            if not ok:
                break
            if index % stride == 0:
                if live:
                    when = int(clock() * 1000)
                else:
                    when = base + int(capture.get(cv2.CAP_PROP_POS_MSEC))
                yield SourceFrame(index, when, frame)
            index += 1
    finally:
        capture.release()


def open_source(source: str, *, fps: float = 0.0, stride: int = 1,
                start_ms: int | None = None) -> Iterator[SourceFrame]:
    """Frames from a folder, a video file or an ``rtsp://`` URL."""
    path = Path(source)
    if "://" not in source and path.is_dir():
        return folder_frames(path, fps=fps)
    if is_video(source) or "://" in source:
        return video_frames(source, start_ms=start_ms, stride=stride)
    raise ImageError(f"{source}: not a folder, video file or stream URL")
