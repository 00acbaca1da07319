"""PP-OCRv4's text recogniser as a trainable PyTorch model with a plate head.

The ``rapidocr-onnxruntime`` wheel ships PP-OCRv4's recogniser (Apache-2.0) as ONNX. It is
converted to PyTorch with ``onnx2torch``, cut before its 6,625-class classifier, and given a
37-class head (CTC blank + 0-9 + A-Z) whose rows start as the original classifier's rows for
those characters, so fine-tuning starts from a reader that already reads plates passably.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any

import torch
from torch import nn

from platewarden.recognition.backends.ctc import ALPHABET
from platewarden.recognition.backends.ppocr import ppocr_model_path

HEIGHT = 48  # PP-OCRv4 reads text lines 48 px high
# The converted graph's last nodes: features (N x T x 120), then classifier and softmax.
_FEATURES = "p2o_transpose_8"
_CLASSIFIER = ("p2o_softmax_2", "p2o_add_276", "initializers_onnx_initializer_269",
               "p2o_mat_mul_24", "initializers_onnx_initializer_268")
_WEIGHT, _BIAS = "initializers.onnx_initializer_268", "initializers.onnx_initializer_269"


def _import_onnx2torch() -> Any:
    """``onnx2torch``, which imports torchvision only for NMS and RoIAlign converters.

    This graph uses neither; where torchvision is missing or does not match the installed
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


def _load_graph() -> tuple[Any, list[str]]:
    """The converted PP-OCRv4 recogniser and its character list."""
    import onnx

    onnx2torch = _import_onnx2torch()
    batch_norm = importlib.import_module("onnx2torch.node_converters.batch_norm")
    proto = onnx.load(str(ppocr_model_path()))
    charset = dict((p.key, p.value) for p in proto.metadata_props)["character"].splitlines()
    kept = []
    for node in proto.graph.node:  # Paddle's export keeps weights in Constant nodes
        if node.op_type == "Constant" and node.attribute[0].name == "value":
            tensor = node.attribute[0].t
            tensor.name = node.output[0]
            proto.graph.initializer.append(tensor)
        else:
            kept.append(node)
    del proto.graph.node[:]
    proto.graph.node.extend(kept)
    proto.graph.input[0].type.tensor_type.shape.dim[2].dim_value = HEIGHT
    proto = onnx.shape_inference.infer_shapes(proto)
    # Shape inference leaves some batch norms' inputs without a rank; all are 4-D here.
    batch_norm._BN_CLASS_FROM_SPATIAL_RANK.setdefault(-2, nn.BatchNorm2d)
    return onnx2torch.convert(proto), charset


class PlateOcr(nn.Module):
    """``N x 3 x 48 x 192`` BGR images in ``[-1, 1]`` to ``N x 24 x 37`` log-probabilities."""

    def __init__(self) -> None:
        super().__init__()
        graph, charset = _load_graph()
        weight = graph.get_buffer(_WEIGHT).detach().clone()  # 120 x 6625
        bias = graph.get_buffer(_BIAS).detach().clone()
        nodes = {n.name: n for n in graph.graph.nodes}
        output = next(n for n in graph.graph.nodes if n.op == "output")
        output.args = (nodes[_FEATURES],)
        for name in _CLASSIFIER:
            graph.graph.erase_node(nodes[name])
        graph.recompile()
        _make_trainable(graph.initializers)
        self.backbone = graph
        index = {ch: i + 1 for i, ch in enumerate(charset)}
        rows = [0] + [index[ch] for ch in ALPHABET]
        self.head = nn.Linear(weight.shape[0], len(rows))
        with torch.no_grad():
            self.head.weight.copy_(weight[:, rows].T)
            self.head.bias.copy_(bias[rows])
        self.dropout = nn.Dropout(0.1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        features = self.backbone(x)  # N x T x 120
        return torch.log_softmax(self.head(self.dropout(features)), dim=-1)


def _make_trainable(initializers: nn.Module) -> None:
    """The converter keeps weights of MatMul/Mul/Add nodes as buffers: make them parameters."""
    for name, buffer in list(initializers.named_buffers(recurse=False)):
        if buffer.dtype == torch.float32 and buffer.numel() > 1:
            delattr(initializers, name)
            initializers.register_parameter(name, nn.Parameter(buffer.detach().clone()))
