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
    """A reader to train: input ``size`` (height, width), channel order, constructor."""

    name: str
    size: tuple[int, int]
    channel_order: str
    build: Callable[[], nn.Module]

    def normalise(self, images: Any) -> Any:
        """``N x H x W x 3`` BGR uint8 to the model's ``N x 3 x H x W`` float32 in [-1, 1]."""
        return normalise_batch(images, channel_order=self.channel_order)


def _crnn() -> nn.Module:
    from platewarden.recognition.training.model import Crnn

    return Crnn(len(ALPHABET) + 1, height=32)


def _ppocr() -> nn.Module:
    from platewarden.recognition.training.ppocr_model import PlateOcr

    return PlateOcr()


ARCHITECTURES = {
    # The small CRNN trained from scratch (plate-reader-crnn.onnx).
    "crnn": Architecture("crnn", (32, 128), "rgb", _crnn),
    # PP-OCRv4's recogniser from the rapidocr wheel, fine-tuned with a plate head; it was
    # trained on BGR images, as OpenCV loads them.
    "ppocr-v4": Architecture("ppocr-v4", (48, 192), "bgr", _ppocr),
}
