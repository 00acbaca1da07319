"""The refining detector: a zoomed second pass tightens the first pass's boxes."""

from __future__ import annotations

from typing import Any

import numpy as np

from platewarden.recognition.backends.refine import RefiningDetector
from platewarden.recognition.presets import PRESETS
from platewarden.recognition.registry import build_detector
from platewarden.recognition.types import Box, Detection

from .factories import street_frame


class _Fixed:
    """A detector that answers the same detections, recording the frame sizes it saw."""

    name = "fixed"

    def __init__(self, *boxes: Box) -> None:
        self.boxes = boxes
        self.seen: list[tuple[int, int]] = []

    def detect(self, frame: Any) -> list[Detection]:
        self.seen.append((int(frame.shape[1]), int(frame.shape[0])))
        return [Detection(b, 0.9 - 0.1 * i) for i, b in enumerate(self.boxes)]


def _frame() -> Any:
    return np.zeros((720, 1280, 3), np.uint8)


def test_the_second_pass_box_comes_back_in_frame_coordinates() -> None:
    first = _Fixed(Box(600, 400, 100, 40))
    # Region: 300 wide (3 x 100; 3 x 40 x 2 = 240 is less), 150 high, centred on the box.
    second = _Fixed(Box(105, 58, 90, 30))
    refiner = RefiningDetector(first=first, second=second, grow=3.0)
    assert refiner.region(_frame(), Box(600, 400, 100, 40)) == Box(500, 345, 300, 150)
    found = refiner.detect(_frame())
    assert second.seen == [(300, 150)]
    assert found == [Detection(Box(605, 403, 90, 30), 0.9)]  # the first pass's score stays


def test_the_region_stops_at_the_frame_edge() -> None:
    refiner = RefiningDetector(first=_Fixed(), second=_Fixed(), grow=3.0)
    assert refiner.region(_frame(), Box(0, 690, 100, 30)) == Box(0, 630, 200, 90)


def test_a_box_with_nothing_or_another_plate_in_its_region_is_kept() -> None:
    loose = Box(600, 400, 100, 40)
    for second in (_Fixed(), _Fixed(Box(0, 0, 40, 15))):  # nothing; a plate in the corner
        refiner = RefiningDetector(first=_Fixed(loose), second=second)
        assert refiner.detect(_frame())[0].box == loose


def test_only_the_best_boxes_are_refined() -> None:
    boxes = [Box(100 + 200 * i, 300, 100, 40) for i in range(4)]
    second = _Fixed(Box(105, 58, 90, 30))
    found = RefiningDetector(first=_Fixed(*boxes), second=second, top=2).detect(_frame())
    assert len(second.seen) == 2
    assert [d.box for d in found[2:]] == boxes[2:]
    assert [d.box.w for d in found[:2]] == [90, 90]


def test_refining_the_shipped_detector_keeps_finding_the_plate() -> None:
    config = PRESETS["platewarden-pair-refined"].detector
    plain = build_detector(config["detector"])
    refined = build_detector(config)
    ious = []
    for seed in range(6):
        frame, (x, y, w, h) = street_frame("01A123BC", seed=seed, plate_height=30)
        truth = Box(x, y, w, h)
        before = max((d.box.iou(truth) for d in plain.detect(frame)), default=0.0)
        after = max((d.box.iou(truth) for d in refined.detect(frame)), default=0.0)
        ious.append((before, after))
    # On these drawn scenes the first boxes are already tight (IoU about 0.5); what must hold
    # is that no plate found is lost and the boxes stay about as good (real photos gain).
    assert all(after >= 0.3 for before, after in ious if before >= 0.3), ious
    assert sum(a for _, a in ious) / len(ious) >= sum(b for b, _ in ious) / len(ious) - 0.05, ious


def test_the_refining_pass_takes_a_2_to_1_input_and_finds_the_plate_in_its_region() -> None:
    config = PRESETS["platewarden-pair-refined"].detector
    assert config["second"]["model"] == "plate-detector-uz-160x320.onnx"
    second = build_detector(config["second"])
    refiner = RefiningDetector(first=_Fixed(), second=second, grow=3.0)
    found = 0
    for seed in range(6):
        frame, (x, y, w, h) = street_frame("01A123BC", seed=seed, plate_height=30)
        area = refiner.region(frame, Box(x - 6, y - 6, w + 12, h + 12))  # a loose box
        patch = frame[area.y:area.y + area.h, area.x:area.x + area.w]
        local = Box(x - area.x, y - area.y, w, h)
        found += max((d.box.iou(local) for d in second.detect(patch)), default=0.0) >= 0.5
    assert found >= 5
