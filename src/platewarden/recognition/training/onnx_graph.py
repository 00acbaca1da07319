"""Edits of ONNX graphs for training and export (``onnx`` only, no PyTorch).

PP-OCR's recognisers come as Paddle exports that onnx2torch cannot take as they are, and a
fine-tuned reader must fit the repository's 10 MB limit; these functions edit the ``onnx``
protos in place. The last two read weights back out of a graph PyTorch exported
(``bench/recognition/recover_reader_weights.py``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import onnx
from onnx import numpy_helper


def constants_to_initializers(proto: Any) -> None:
    """Move weights that Paddle's older exports keep in Constant nodes into initializers."""
    kept = []
    for node in proto.graph.node:
        if node.op_type == "Constant" and node.attribute[0].name == "value":
            tensor = node.attribute[0].t
            tensor.name = node.output[0]
            proto.graph.initializer.append(tensor)
        else:
            kept.append(node)
    _replace_nodes(proto, kept)


def explicit_same_padding(proto: Any) -> None:
    """Write stride-1 ``SAME_UPPER`` padding (PP-OCRv6's stem) as explicit pads.

    onnx2torch converts only explicit pads; with stride 1 the padding does not depend on the
    input size: ``(k - 1) * dilation`` in all, the odd one at the end.

    Raises:
        ValueError: On ``SAME_UPPER`` with a stride above 1 (its pads depend on the input).
    """
    for node in proto.graph.node:
        attrs = {a.name: a for a in node.attribute}
        if "auto_pad" not in attrs or attrs["auto_pad"].s != b"SAME_UPPER":
            continue
        kernel = list(attrs["kernel_shape"].ints)
        strides = list(attrs["strides"].ints) if "strides" in attrs else [1] * len(kernel)
        if any(s != 1 for s in strides):
            raise ValueError(f"{node.name}: SAME_UPPER padding with a stride above 1")
        dilations = list(attrs["dilations"].ints) if "dilations" in attrs else [1] * len(kernel)
        totals = [(k - 1) * d for k, d in zip(kernel, dilations, strict=True)]
        node.attribute.remove(attrs["auto_pad"])
        node.attribute.append(onnx.helper.make_attribute(
            "pads", [t // 2 for t in totals] + [t - t // 2 for t in totals]))


def cut_classifier(proto: Any) -> tuple[Any, Any]:
    """Remove the classifier (MatMul, Add, Softmax) that ends ``proto``'s graph.

    The graph's output becomes the classifier's input features (``N x T x F``).

    Returns:
        The classifier's weight (``F x C``) and bias (``C``) as NumPy arrays.

    Raises:
        ValueError: When the graph does not end in MatMul, Add and Softmax.
    """
    producer = {out: node for node in proto.graph.node for out in node.output}
    inits = {t.name: t for t in proto.graph.initializer}
    node, dropped = producer.get(proto.graph.output[0].name), []
    while node is not None and node.op_type in ("Softmax", "Identity"):
        dropped.append(node)
        node = producer.get(node.input[0])
    matmul = producer.get(node.input[0]) if node is not None else None
    if (node is None or matmul is None or node.op_type != "Add" or matmul.op_type != "MatMul"
            or node.input[1] not in inits or matmul.input[1] not in inits):
        raise ValueError("the graph does not end in a MatMul, Add and Softmax classifier")
    weight = numpy_helper.to_array(inits[matmul.input[1]])
    bias = numpy_helper.to_array(inits[node.input[1]])
    _replace_nodes(proto, [n for n in proto.graph.node if n not in (*dropped, node, matmul)])
    for name in (matmul.input[1], node.input[1]):
        proto.graph.initializer.remove(inits[name])
    del proto.graph.output[:]
    proto.graph.output.append(
        onnx.helper.make_tensor_value_info(matmul.input[0], onnx.TensorProto.FLOAT, None))
    return weight, bias


def halve_weights(proto: Any) -> None:
    """Store every float32 weight as float16 behind a Cast back to float32.

    ONNX Runtime folds the casts when it loads the model, so inference runs in float32 as
    before; only the file is half the size (weights rounded to float16's 11-bit mantissa).
    """
    casts = []
    for tensor in list(proto.graph.initializer):
        if tensor.data_type != onnx.TensorProto.FLOAT or int(np.prod(tensor.dims)) < 16:
            continue
        half = numpy_helper.from_array(
            numpy_helper.to_array(tensor).astype(np.float16), f"{tensor.name}__fp16")
        proto.graph.initializer.remove(tensor)
        proto.graph.initializer.append(half)
        casts.append(onnx.helper.make_node("Cast", [half.name], [tensor.name],
                                           to=onnx.TensorProto.FLOAT))
    _replace_nodes(proto, [*casts, *proto.graph.node])


def _replace_nodes(proto: Any, nodes: list[Any]) -> None:
    kept = list(nodes)
    del proto.graph.node[:]
    proto.graph.node.extend(kept)


def stored_weights(proto: Any) -> dict[str, Any]:
    """Every array an exported graph stores, by name, under ``Identity`` aliases too.

    The PyTorch exporter stores a weight once and passes it on to other names through
    ``Identity`` nodes; a name the graph stores nothing under is absent.
    """
    found = {i.name: numpy_helper.to_array(i) for i in proto.graph.initializer}
    aliases = {n.output[0]: n.input[0] for n in proto.graph.node if n.op_type == "Identity"}
    for alias in aliases:
        name, seen = alias, set()
        while name not in found and name in aliases and name not in seen:
            seen.add(name)
            name = aliases[name]
        if name in found:
            found[alias] = found[name]
    return found


def folded_convs(proto: Any, *, prefix: str = "/backbone/") -> dict[str, tuple[Any, Any]]:
    """Convolutions whose weights the exporter stored unnamed: module path -> (weight, bias).

    The exporter folds a batch norm into the convolution before it and stores the result
    under generated ``onnx::`` names; the node's name keeps the module's path
    (``/backbone/p2o/Conv/0/Conv`` -> ``p2o/Conv/0``).
    """
    inits = {i.name: i for i in proto.graph.initializer}
    out = {}
    for node in proto.graph.node:
        if node.op_type == "Conv" and len(node.input) == 3 \
                and node.input[1].startswith("onnx::") and node.input[1] in inits:
            path = node.name.removeprefix(prefix).removesuffix("/Conv")
            out[path] = (numpy_helper.to_array(inits[node.input[1]]),
                         numpy_helper.to_array(inits[node.input[2]]))
    return out
