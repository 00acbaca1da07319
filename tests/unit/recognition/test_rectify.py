"""Rectification levels tilted plates and trims them to the character band."""

from __future__ import annotations

import cv2
import pytest

from platewarden.recognition.rectify import cut, find_chars, rectify, rotate, skew_angle
from platewarden.recognition.types import Box

from .factories import plate_bgr


def _padded(text: str = "01A123BC") -> object:
    return cv2.copyMakeBorder(plate_bgr(text), 40, 40, 20, 20, cv2.BORDER_CONSTANT,
                              value=(90, 90, 90))


def test_finds_the_characters_of_a_clean_plate() -> None:
    blobs = find_chars(plate_bgr("01A123BC"))
    assert len(blobs) == 8  # 01 + A123BC; the small UZ and the flag are not characters
    assert [b.x for b in blobs] == sorted(b.x for b in blobs)


def test_finds_light_characters_on_a_green_plate() -> None:
    assert len(find_chars(plate_bgr("01M123456"))) == 9


@pytest.mark.parametrize("angle", [-12.0, -6.0, 0.0, 4.0, 10.0])
def test_skew_is_measured(angle: float) -> None:
    tilted = rotate(_padded(), angle)
    assert skew_angle(find_chars(tilted)) == pytest.approx(-angle, abs=1.0)


@pytest.mark.parametrize("angle", [-9.0, 7.0])
def test_rectified_plate_is_level_and_tight(angle: float) -> None:
    out = rectify(rotate(_padded(), angle))
    assert abs(skew_angle(find_chars(out))) < 1.0
    height = out.shape[0]
    assert 60 <= height <= 100  # the band of ~60 px characters plus a little padding


def test_rectify_leaves_a_blank_crop_alone() -> None:
    blank = plate_bgr("01A123BC")[:, :10]
    assert rectify(blank).shape == blank.shape


def test_cut_grows_and_clips_to_the_frame() -> None:
    frame = plate_bgr("01A123BC")
    assert cut(frame, Box(10, 10, 100, 50), margin_x=0.1, margin_y=0.2).shape[:2] == (70, 120)
    assert cut(frame, Box(0, 0, 520, 110), margin_x=0.5, margin_y=0.5).shape[:2] == (110, 520)
