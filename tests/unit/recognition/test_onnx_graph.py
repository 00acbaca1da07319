"""The training's ONNX graph edits keep what the graph computes (checked with ONNX Runtime)."""

from __future__ import annotations

from typing import Any

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper, numpy_helper

from platewarden.recognition.training.onnx_graph import (
    constants_to_initializers,
    cut_classifier,
    explicit_same_padding,
    folded_convs,
    halve_weights,
    stored_weights,
)

RNG = np.random.default_rng(7)


def _model(nodes: list[Any], *, inputs: list[Any], output: str,
           inits: dict[str, Any] | None = None, shape: list[int] | None = None) -> Any:
    graph = helper.make_graph(
        nodes, "g", inputs, [helper.make_tensor_value_info(output, TensorProto.FLOAT, shape)],
        initializer=[numpy_helper.from_array(v, k) for k, v in (inits or {}).items()])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def _run(proto: Any, x: Any) -> Any:
    session = ort.InferenceSession(proto.SerializeToString(), providers=["CPUExecutionProvider"])
    return session.run(None, {session.get_inputs()[0].name: x})[0]


def _classifier_model() -> Any:
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 6, 4])
    nodes = [helper.make_node("Relu", ["x"], ["f"]),
             helper.make_node("MatMul", ["f", "w"], ["m"]),
             helper.make_node("Add", ["m", "b"], ["a"]),
             helper.make_node("Identity", ["a"], ["i"]),
             helper.make_node("Softmax", ["i"], ["p"], axis=-1)]
    inits = {"w": RNG.normal(size=(4, 9)).astype(np.float32),
             "b": RNG.normal(size=9).astype(np.float32)}
    return _model(nodes, inputs=[x], output="p", inits=inits), inits


def test_cutting_the_classifier_returns_its_weights_and_leaves_the_features() -> None:
    proto, inits = _classifier_model()
    weight, bias = cut_classifier(proto)
    np.testing.assert_array_equal(weight, inits["w"])
    np.testing.assert_array_equal(bias, inits["b"])
    assert [n.op_type for n in proto.graph.node] == ["Relu"]
    assert not proto.graph.initializer
    x = RNG.normal(size=(1, 6, 4)).astype(np.float32)
    np.testing.assert_array_equal(_run(proto, x), np.maximum(x, 0))


def test_a_graph_without_a_classifier_at_its_end_is_refused() -> None:
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])
    proto = _model([helper.make_node("Softmax", ["x"], ["p"])], inputs=[x], output="p")
    with pytest.raises(ValueError, match="does not end"):
        cut_classifier(proto)


def _same_upper_model(*, stride: int) -> Any:
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2, 5, 7])
    nodes = [helper.make_node("Conv", ["x", "w"], ["c"], kernel_shape=[2, 2],
                              strides=[stride, stride], auto_pad="SAME_UPPER"),
             helper.make_node("MaxPool", ["c"], ["p"], kernel_shape=[2, 2], strides=[1, 1],
                              auto_pad="SAME_UPPER")]
    inits = {"w": RNG.normal(size=(3, 2, 2, 2)).astype(np.float32)}
    return _model(nodes, inputs=[x], output="p", inits=inits)


def test_same_upper_padding_written_out_computes_the_same() -> None:
    proto = _same_upper_model(stride=1)
    x = RNG.normal(size=(1, 2, 5, 7)).astype(np.float32)
    before = _run(proto, x)
    explicit_same_padding(proto)
    for node in proto.graph.node:
        attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
        assert "auto_pad" not in attrs
        assert attrs["pads"] == [0, 0, 1, 1]
    np.testing.assert_array_equal(_run(proto, x), before)


def test_same_upper_padding_with_a_stride_is_refused() -> None:
    with pytest.raises(ValueError, match="stride"):
        explicit_same_padding(_same_upper_model(stride=2))


def test_constant_weights_become_initializers_without_changing_the_result() -> None:
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3])
    weight = RNG.normal(size=(3, 4)).astype(np.float32)
    nodes = [helper.make_node("Constant", [], ["w"], value=numpy_helper.from_array(weight)),
             helper.make_node("MatMul", ["x", "w"], ["y"])]
    proto = _model(nodes, inputs=[x], output="y")
    constants_to_initializers(proto)
    assert [n.op_type for n in proto.graph.node] == ["MatMul"]
    assert [t.name for t in proto.graph.initializer] == ["w"]
    data = RNG.normal(size=(2, 3)).astype(np.float32)
    np.testing.assert_allclose(_run(proto, data), data @ weight, rtol=1e-5, atol=1e-6)


def test_halved_weights_are_float16_in_the_file_and_float32_at_run_time() -> None:
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 64])
    weight = RNG.normal(size=(64, 64)).astype(np.float32)
    proto = _model([helper.make_node("MatMul", ["x", "w"], ["y"])], inputs=[x], output="y",
                   inits={"w": weight}, shape=[2, 64])
    data = RNG.normal(size=(2, 64)).astype(np.float32)
    before, size = _run(proto, data), len(proto.SerializeToString())
    halve_weights(proto)
    onnx.checker.check_model(proto)
    assert [t.data_type for t in proto.graph.initializer] == [TensorProto.FLOAT16]
    assert len(proto.SerializeToString()) < 0.6 * size
    after = _run(proto, data)
    assert after.dtype == np.float32
    np.testing.assert_allclose(after, before, rtol=2e-2, atol=2e-2)
    assert not np.array_equal(after, before)  # the weights really were rounded


def _exported_model() -> Any:
    """Like a PyTorch export: a weight shared through Identity, a folded conv + batch norm."""
    x = helper.make_tensor_value_info("image", TensorProto.FLOAT, [1, 2, 4, 4])
    nodes = [helper.make_node("Identity", ["layer.0.weight"], ["layer.1.weight"]),
             helper.make_node("Conv", ["image", "onnx::Conv_7", "onnx::Conv_8"], ["c"],
                              name="/backbone/p2o/Conv/0/Conv"),
             helper.make_node("Conv", ["c", "layer.0.weight"], ["d"], name="/backbone/x/Conv")]
    inits = {"layer.0.weight": RNG.normal(size=(3, 3, 1, 1)).astype(np.float32),
             "onnx::Conv_7": RNG.normal(size=(3, 2, 1, 1)).astype(np.float32),
             "onnx::Conv_8": RNG.normal(size=3).astype(np.float32)}
    return _model(nodes, inputs=[x], output="d", inits=inits), inits


def test_a_weight_is_found_under_its_own_name_and_through_identity_aliases() -> None:
    proto, inits = _exported_model()
    stored = stored_weights(proto)
    np.testing.assert_array_equal(stored.get("layer.0.weight"), inits["layer.0.weight"])
    np.testing.assert_array_equal(stored.get("layer.1.weight"), inits["layer.0.weight"])
    assert stored.get("layer.2.weight") is None


def test_folded_convolutions_are_found_by_their_module_path() -> None:
    proto, inits = _exported_model()
    found = folded_convs(proto)
    assert list(found) == ["p2o/Conv/0"]  # the named conv is not a folded one
    weight, bias = found["p2o/Conv/0"]
    np.testing.assert_array_equal(weight, inits["onnx::Conv_7"])
    np.testing.assert_array_equal(bias, inits["onnx::Conv_8"])
