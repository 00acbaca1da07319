"""Bad input gives a clear ImageError, never a crash."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from platewarden.recognition.errors import ImageError
from platewarden.recognition.imageio import decode_image, is_video, iter_video, load_image

from .factories import huge_png_header, plate_bgr, write_jpeg


def test_good_jpeg_loads_as_bgr(tmp_path: Path) -> None:
    path = write_jpeg(tmp_path / "ok.jpg", plate_bgr("01A123BC"))
    frame = load_image(path)
    assert frame.shape == (110, 520, 3)
    assert frame.dtype == np.uint8


def test_truncated_jpeg_is_refused(tmp_path: Path) -> None:
    good = write_jpeg(tmp_path / "ok.jpg", plate_bgr("01A123BC")).read_bytes()
    bad = tmp_path / "cut.jpg"
    bad.write_bytes(good[: len(good) // 2])
    with pytest.raises(ImageError, match=r"truncated|corrupt"):
        load_image(bad)


def test_empty_file_is_refused(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    with pytest.raises(ImageError, match="empty file"):
        load_image(empty)


def test_huge_image_is_refused_before_decoding(tmp_path: Path) -> None:
    path = huge_png_header(tmp_path / "huge.png")
    with pytest.raises(ImageError, match="too large"):
        load_image(path)


def test_image_over_the_pixel_limit_is_refused(tmp_path: Path) -> None:
    path = huge_png_header(tmp_path / "big.png", width=9000, height=6000)
    with pytest.raises(ImageError, match=r"too large.*9000x6000"):
        load_image(path)


def test_non_image_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.jpg"
    path.write_text("this is not a picture\n" * 20)
    with pytest.raises(ImageError, match="not a readable image"):
        load_image(path)


def test_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ImageError, match="cannot read"):
        load_image(tmp_path / "nope.jpg")


def test_random_bytes_are_refused() -> None:
    with pytest.raises(ImageError):
        decode_image(bytes(range(256)) * 10, name="noise")


def test_video_detection_by_name() -> None:
    assert is_video("clip.MP4")
    assert is_video("rtsp://camera.local/stream")
    assert not is_video("frame.jpg")


def test_missing_video_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ImageError, match="no such video"):
        list(iter_video(tmp_path / "none.mp4"))


def test_garbage_video_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad.mp4"
    path.write_bytes(b"\x00\x01garbage" * 100)
    with pytest.raises(ImageError):
        list(iter_video(path))
