"""Reader architectures ``platewarden train reader --arch`` can train, with their geometry."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from torch import nn

from platewarden.recognition.backends.crnn import normalise_batch
from platewarden.recognition.backends.ctc import ALPHABET


@dataclass(frozen=True)
class Architecture:
    """A reader to train: input ``size`` (height, width), channel order, constructor.

    ``half_weights`` stores the exported weights as float16 (computed in float32) to keep a
    larger model under the repository's 10 MB limit.
    """

    name: str
    size: tuple[int, int]
    channel_order: str
    build: Callable[[], nn.Module]
    half_weights: bool = False

    def normalise(self, images: Any) -> Any:
        """``N x H x W x 3`` BGR uint8 to the model's ``N x 3 x H x W`` float32 in [-1, 1]."""
        return normalise_batch(images, channel_order=self.channel_order)


def _crnn() -> nn.Module:
    from platewarden.recognition.training.model import Crnn

    return Crnn(len(ALPHABET) + 1, height=32)


def _ppocr() -> nn.Module:
    from platewarden.recognition.training.ppocr_model import PlateOcr

    return PlateOcr()


def _ppocr_v6() -> nn.Module:
    from platewarden.recognition.training.ppocr_model import PlateOcr, ppocr_v6_model_path

    return PlateOcr(source=ppocr_v6_model_path)


ARCHITECTURES = {
    # The small CRNN trained from scratch (plate-reader-crnn.onnx).
    "crnn": Architecture("crnn", (32, 128), "rgb", _crnn),
    # PP-OCRv4's recogniser from the rapidocr wheel, fine-tuned with a plate head; it was
    # trained on BGR images, as OpenCV loads them.
    "ppocr-v4": Architecture("ppocr-v4", (48, 192), "bgr", _ppocr),
    # PP-OCRv6's small recogniser from the rapidocr 3.10.0 wheel: reads 84 % of the train
    # split's true crops before fine-tuning (PP-OCRv4: 74 %); 3.0 M weights, 12 MB in float32.
    "ppocr-v6": Architecture("ppocr-v6", (48, 192), "bgr", _ppocr_v6, half_weights=True),
}
