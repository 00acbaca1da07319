"""Redaction on a picture with several plates and a face: only the offending plate survives."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from platewarden.recognition.faces import HaarCascade
from platewarden.recognition.presets import load_recognizer
from platewarden.recognition.redaction import ImageRedactor
from platewarden.recognition.types import Box
from support.scenes import BYSTANDERS, OFFENDER, SPOTS, street_scene

pytestmark = pytest.mark.integration


def decode(data: bytes) -> np.ndarray:
    frame = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    assert frame is not None
    return frame


def test_other_plates_and_faces_are_blurred_and_the_offending_plate_kept() -> None:
    recognizer = load_recognizer("platewarden-640")
    cascade = HaarCascade()
    original = street_scene()
    before = decode(original)
    # The picture really has three readable plates and a detectable face to begin with.
    assert sorted(p.text for p in recognizer.recognize(before)) == sorted([OFFENDER, *BYSTANDERS])
    assert len(cascade.detect(cv2.cvtColor(before, cv2.COLOR_BGR2GRAY), min_size=20)) == 1

    done = ImageRedactor(recognizer=lambda: recognizer).redact(original, keep_plate=OFFENDER)

    assert (done.plates_blurred, done.faces_blurred, done.plate_kept) == (2, 1, True)
    after = decode(done.data)
    # Read each plate where it was pasted: only the offender's still reads.
    crops = [recognizer.prepare_crop(after, Box(x, y, 160, 34)) for x, y in SPOTS.values()]
    readings = dict(zip(SPOTS, (r.text for r in recognizer.reader.read(crops)), strict=True))
    assert readings[OFFENDER] == OFFENDER
    assert all(readings[plate] != plate for plate in BYSTANDERS)
    x, y = SPOTS[OFFENDER]
    kept = np.abs(after[y:y + 34, x:x + 160].astype(int) - before[y:y + 34, x:x + 160]).mean()
    assert kept < 8  # the offending plate is untouched (JPEG noise only)
    assert cascade.detect(cv2.cvtColor(after, cv2.COLOR_BGR2GRAY), min_size=20) == []


def test_no_plate_is_kept_when_none_reads_as_the_offender() -> None:
    recognizer = load_recognizer("platewarden-640")
    done = ImageRedactor(recognizer=lambda: recognizer).redact(street_scene(),
                                                              keep_plate="99Z999ZZ")
    assert (done.plates_blurred, done.plate_kept) == (3, False)
    after = decode(done.data)
    crops = [recognizer.prepare_crop(after, Box(x, y, 160, 34)) for x, y in SPOTS.values()]
    assert not {r.text for r in recognizer.reader.read(crops)} & set(SPOTS)
