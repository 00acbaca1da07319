"""PP-OCR text recognisers as trainable PyTorch models with a plate head.

Two Apache-2.0 recognisers ship as ONNX inside PyPI wheels: PP-OCRv4's (``rapidocr-onnxruntime``
1.4.4, 6,623 characters) and PP-OCRv6's small one (``rapidocr`` 3.10.0, 18,708 characters).
Either is converted to PyTorch with ``onnx2torch``, cut before its classifier (found in the
graph: the MatMul and Add feeding the final Softmax), and given a 37-class head (CTC blank +
0-9 + A-Z) whose rows start as the original classifier's rows for those characters, so
fine-tuning starts from a reader that already reads plates passably.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from platewarden.recognition.backends.ctc import ALPHABET
from platewarden.recognition.backends.ppocr import ppocr_model_path
from platewarden.recognition.errors import BackendError
from platewarden.recognition.training.onnx_graph import (
    constants_to_initializers,
    cut_classifier,
    explicit_same_padding,
)

HEIGHT = 48  # PP-OCR recognisers read text lines 48 px high


def ppocr_v6_model_path() -> Path:
    """PP-OCRv6's small recogniser inside the ``rapidocr`` 3.10.0 wheel (the ``train`` extra).

    Located without importing the package, which would load its whole OCR engine.

    Raises:
        BackendError: When the package or the file is missing.
    """
    spec = importlib.util.find_spec("rapidocr")
    if spec is None or spec.origin is None:
        raise BackendError("--arch ppocr-v6 needs the package rapidocr==3.10.0 (train extra)")
    path = Path(spec.origin).parent / "models" / "PP-OCRv6_rec_small.onnx"
    if not path.is_file():
        raise BackendError(f"PP-OCRv6 recogniser missing at {path}")
    return path


def _import_onnx2torch() -> Any:
    """``onnx2torch``, which imports torchvision only for NMS and RoIAlign converters.

    These graphs use neither; where torchvision is missing or does not match the installed
    torch (a CPU-only torch beside PyPI's torchvision), a stand-in module lets the import
    succeed, and those two converters fail if ever used.
    """
    try:
        importlib.import_module("torchvision.ops")
    except (ImportError, RuntimeError):
        for name in [n for n in sys.modules if n.split(".")[0] == "torchvision"]:
            del sys.modules[name]
        stand_in, ops = types.ModuleType("torchvision"), types.ModuleType("torchvision.ops")
        stand_in.ops = ops  # type: ignore[attr-defined]
        ops.roi_align = _unavailable  # type: ignore[attr-defined]
        sys.modules["torchvision"], sys.modules["torchvision.ops"] = stand_in, ops
    return importlib.import_module("onnx2torch")


def _unavailable(*_args: Any, **_kwargs: Any) -> Any:
    raise NotImplementedError("torchvision is not installed")


def _load_graph(source: Path) -> tuple[Any, Any, Any, list[str]]:
    """The converted feature extractor, the classifier's weight and bias, the characters."""
    import onnx

    onnx2torch = _import_onnx2torch()
    batch_norm = importlib.import_module("onnx2torch.node_converters.batch_norm")
    proto = onnx.load(str(source))
    charset = dict((p.key, p.value) for p in proto.metadata_props)["character"].splitlines()
    constants_to_initializers(proto)
    explicit_same_padding(proto)
    weight, bias = cut_classifier(proto)
    proto.graph.input[0].type.tensor_type.shape.dim[2].dim_value = HEIGHT
    proto = onnx.shape_inference.infer_shapes(proto)
    # Shape inference leaves some batch norms' inputs without a rank; all are 4-D here.
    batch_norm._BN_CLASS_FROM_SPATIAL_RANK.setdefault(-2, nn.BatchNorm2d)
    return onnx2torch.convert(proto), weight, bias, charset


class PlateOcr(nn.Module):
    """``N x 3 x 48 x 192`` BGR images in ``[-1, 1]`` to ``N x 24 x 37`` log-probabilities.

    Args:
        source: Returns the ONNX recogniser to start from (default: PP-OCRv4's).
    """

    def __init__(self, *, source: Callable[[], Path] = ppocr_model_path) -> None:
        super().__init__()
        graph, weight, bias, charset = _load_graph(source())
        _make_trainable(graph.initializers)
        self.backbone = graph
        index = {ch: i + 1 for i, ch in enumerate(charset)}
        rows = [0] + [index[ch] for ch in ALPHABET]
        self.head = nn.Linear(weight.shape[0], len(rows))
        with torch.no_grad():
            self.head.weight.copy_(torch.from_numpy(np.ascontiguousarray(weight[:, rows].T)))
            self.head.bias.copy_(torch.from_numpy(np.ascontiguousarray(bias[rows])))
        self.dropout = nn.Dropout(0.1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        features = self.backbone(x)  # N x T x F
        return torch.log_softmax(self.head(self.dropout(features)), dim=-1)


def _make_trainable(initializers: nn.Module) -> None:
    """The converter keeps weights of MatMul/Mul/Add nodes as buffers: make them parameters."""
    for name, buffer in list(initializers.named_buffers(recurse=False)):
        if buffer.dtype == torch.float32 and buffer.numel() > 1:
            delattr(initializers, name)
            initializers.register_parameter(name, nn.Parameter(buffer.detach().clone()))
