"""Backend registry, CTC decoding and the pipeline wired with fake backends."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest

from platewarden.recognition.backends.ctc import ALPHABET, decode
from platewarden.recognition.errors import BackendError
from platewarden.recognition.pipeline import Recognizer, RecognizerConfig
from platewarden.recognition.registry import (
    build_detector,
    build_reader,
    detector_types,
    reader_types,
    register_reader,
)
from platewarden.recognition.types import Box, Detection, Reading


def _probs(text: str, *, blank_between: bool = True, peak: float = 0.9) -> Any:
    """A CTC probability matrix that spells ``text``."""
    rows = []
    for ch in text:
        row = np.full(len(ALPHABET) + 1, (1 - peak) / len(ALPHABET))
        row[ALPHABET.index(ch) + 1] = peak
        rows.append(row)
        if blank_between:
            blank = np.full(len(ALPHABET) + 1, 0.001)
            blank[0] = 1.0
            rows.append(blank / blank.sum())
    return np.array(rows)


def test_builtin_backends_are_registered() -> None:
    assert {"yolov8-onnx", "whole-frame"} <= set(detector_types())
    assert {"crnn-onnx", "ppocr-onnx"} <= set(reader_types())


def test_unknown_backend_type_is_a_clear_error() -> None:
    with pytest.raises(BackendError, match="unknown detector type 'nope'"):
        build_detector({"type": "nope"})
    with pytest.raises(BackendError, match="unknown reader type"):
        build_reader({})


def test_missing_model_file_is_a_clear_error() -> None:
    with pytest.raises(BackendError, match="not found"):
        build_detector({"type": "yolov8-onnx", "model": "/nonexistent/model.onnx"})


def test_a_detector_takes_its_input_size_from_the_model() -> None:
    with pytest.raises(BackendError, match="takes 320 x 160 input, not size 416"):
        build_detector({"type": "yolov8-onnx", "model": "plate-detector-uz-160x320.onnx",
                        "size": 416})
    detector = build_detector({"type": "yolov8-onnx",
                               "model": "plate-detector-uz-160x320.onnx"})
    assert detector.detect(np.zeros((150, 300, 3), np.uint8)) == []


def test_ctc_decode_collapses_repeats_and_blanks() -> None:
    reading = decode(_probs("01A123BC"))
    assert reading.text == "01A123BC"
    assert len(reading.char_confidences) == 8
    assert reading.confidence == pytest.approx(0.9 ** 8, rel=1e-6)


def test_ctc_repeated_characters_need_a_blank() -> None:
    probs = _probs("77", blank_between=False)
    assert decode(probs).text == "7"
    assert decode(_probs("77")).text == "77"


def test_ctc_alternatives_swap_the_weakest_characters() -> None:
    probs = _probs("01A123BC")
    probs[12, ALPHABET.index("8") + 1] = 0.45  # the frame of "B" (row 12) also looks like "8"
    probs[12, ALPHABET.index("B") + 1] = 0.5
    reading = decode(probs)
    assert reading.text == "01A123BC"
    assert reading.alternatives[0].text == "01A1238C"


class _OneBox:
    name = "fake"

    def detect(self, frame: Any) -> list[Detection]:
        return [Detection(Box(10, 10, 50, 20), 0.9), Detection(Box(0, 0, 5, 5), 0.1)]


class _Fixed:
    name = "fixed"

    def __init__(self, text: str) -> None:
        self.text = text

    def read(self, crops: Sequence[Any]) -> list[Reading]:
        return [Reading(self.text, 0.8, (0.97,) * len(self.text)) for _ in crops]


def test_pipeline_with_fake_backends_applies_the_grammar() -> None:
    config = RecognizerConfig(detector={}, reader={}, rectify=False)
    recognizer = Recognizer(config, detector=_OneBox(), reader=_Fixed("O1A123BC"))
    plates = recognizer.recognize(np.zeros((100, 100, 3), np.uint8))
    assert len(plates) == 1  # the low-score detection is dropped
    assert plates[0].text == "01A123BC"
    assert (plates[0].country, plates[0].format) == ("UZ", "private")
    assert plates[0].box == Box(10, 10, 50, 20)


def test_a_registered_reader_is_built_from_config() -> None:
    @register_reader("test-fixed")
    def _build(config: Any) -> Any:
        return _Fixed(str(config["text"]))

    reader = build_reader({"type": "test-fixed", "text": "40B777AA"})
    assert reader.read([np.zeros((4, 4, 3), np.uint8)])[0].text == "40B777AA"


class _RecordingSession:
    """An ONNX Runtime session stand-in that keeps the input it was given."""

    def __init__(self, meta: dict[str, str]) -> None:
        self.meta = meta
        self.seen: list[Any] = []

    def get_inputs(self) -> list[Any]:
        return [type("Input", (), {"name": "image"})()]

    def get_modelmeta(self) -> Any:
        return type("Meta", (), {"custom_metadata_map": self.meta})()

    def run(self, _outputs: Any, feeds: dict[str, Any]) -> list[Any]:
        self.seen.append(feeds["image"])
        steps = np.full((len(feeds["image"]), 4, len(ALPHABET) + 1), 1e-4)
        steps[:, :, 0] = 1.0
        return [np.log(steps)]


@pytest.mark.parametrize(("order", "blue_channel"), [("rgb", 2), ("bgr", 0)])
def test_crnn_onnx_feeds_the_channel_order_its_model_was_trained_on(
        monkeypatch: pytest.MonkeyPatch, order: str, blue_channel: int) -> None:
    from platewarden.recognition.backends import crnn

    session = _RecordingSession({"height": "8", "width": "16", "channel_order": order})
    monkeypatch.setattr(crnn, "make_session", lambda *_a, **_k: session)
    blue = np.zeros((10, 30, 3), np.uint8)
    blue[..., 0] = 255  # OpenCV crops are BGR: channel 0 is blue
    crnn.CrnnReader().read([blue])
    x = session.seen[0]
    assert x.shape == (1, 3, 8, 16)
    assert np.allclose(x[0, blue_channel], 1.0)
    assert np.allclose(np.delete(x[0], blue_channel, axis=0), -1.0)
