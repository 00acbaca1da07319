"""Recover ``--init`` weights (``.pt``) for a shipped PP-OCR reader from its ONNX file.

    python bench/recognition/recover_reader_weights.py ARCH MODEL.onnx OUT.pt

Needs the ``train`` extra (PyTorch, onnx, onnx2torch). Run once, offline, for
``plate-reader-ppocrv4.onnx``, whose training run kept no ``.pt`` beside it, so the reader
could not be fine-tuned further (``platewarden train reader --init``) without redoing its
first 70-minute stage from PP-OCRv4.

The ONNX export keeps most weights under their PyTorch names; the rest are recovered so:

- weights the exporter shared between names (``Identity`` nodes) are followed to the one
  stored;
- one-element constants (never trained) come from the architecture as built;
- the classifier's weight is stored transposed, as a MatMul input;
- the exporter folded each batch norm into the convolution before it. The folded
  convolution is kept, and the batch norm made to give the same output in inference: its
  statistics are measured on synthetic training-like plates (seed 7) and its scale and
  shift set so that normalising and rescaling cancel, leaving the folded bias. So
  inference is the shipped reader's up to rounding (checked against ONNX Runtime, printed),
  and training, which normalises by each batch, starts from the same function up to batch
  noise.

Weights are saved as float32 (7.7 MB, under the repository's 10 MB limit): stored as
float16 they changed the best path of 6 of 512 plates.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np

CALIBRATION_SEED = 7
CALIBRATION_COUNT = 512


def recovered_state(model: Any, proto: Any) -> tuple[dict[str, Any], list[tuple[str, Any]]]:
    """The state dict with every stored weight; the batch norms still to fit, with the bias
    folded into the convolution before each."""
    import torch

    from platewarden.recognition.training.onnx_graph import folded_convs, stored_weights

    state = model.state_dict()
    params = dict(model.named_parameters())
    stored = stored_weights(proto)
    convs = folded_convs(proto)
    norms = [(_batch_norm_after(model.backbone, conv), bias) for conv, (_, bias) in convs.items()]
    fitted = tuple(f"backbone.{norm}." for norm, _ in norms)
    for key in list(state):
        found = stored.get(key)
        path = key.removeprefix("backbone.").removesuffix(".weight")
        if found is not None:
            state[key] = torch.from_numpy(np.array(found)).to(state[key].dtype)
        elif key == "head.weight":
            state[key] = torch.from_numpy(np.ascontiguousarray(_head(proto, state[key]).T))
        elif path in convs:
            state[key] = torch.from_numpy(np.array(convs[path][0]))
        elif key in params and state[key].numel() > 1 and not key.startswith(fitted):
            raise ValueError(f"no stored weight for trainable {key}")
    return state, norms


def _head(proto: Any, like: Any) -> Any:
    """The classifier's weight, stored transposed as a MatMul's unnamed input."""
    from onnx import numpy_helper

    rows, cols = like.shape
    matches = [numpy_helper.to_array(i) for i in proto.graph.initializer
               if i.name.startswith("onnx::MatMul") and tuple(i.dims) == (cols, rows)]
    if len(matches) != 1:
        raise ValueError("classifier weight not found once in the ONNX file")
    return matches[0]


def _batch_norm_after(backbone: Any, conv_path: str) -> str:
    """The batch norm module that takes the convolution's output (the converted graph's)."""
    for node in backbone.graph.nodes:
        if node.op == "call_module" and node.target == conv_path:
            norms = [u.target for u in node.users
                     if u.op == "call_module" and "BatchNormalization" in u.target]
            if len(norms) == 1:
                return str(norms[0])
    raise ValueError(f"no batch norm after {conv_path}")


def fit_batch_norms(model: Any, norms: list[tuple[str, Any]], images: Any) -> None:
    """Set each batch norm after a folded convolution so that inference is unchanged.

    Args:
        model: The reader, its folded convolutions' weights loaded.
        norms: Each batch norm's module path and the bias folded into the convolution.
        images: Calibration images, normalised.
    """
    import torch

    modules = dict(model.backbone.named_modules())
    captured: dict[str, Any] = {}
    hooks = []
    for norm, bias in norms:
        module = modules[norm]
        with torch.no_grad():  # first the identity plus the folded bias (exact in inference)
            module.running_mean.zero_()
            module.running_var.fill_(1.0 - module.eps)
            module.weight.fill_(1.0)
            module.bias.copy_(torch.from_numpy(np.array(bias)))
        hooks.append(module.register_forward_hook(
            lambda m, args, _out, name=norm: captured.__setitem__(name, args[0].detach())))
    model.eval()
    with torch.no_grad():
        model(images)
    for hook in hooks:
        hook.remove()
    for norm, _ in norms:
        module, x = modules[norm], captured[norm]
        mean, var = x.mean(dim=(0, 2, 3)), x.var(dim=(0, 2, 3), unbiased=False)
        with torch.no_grad():
            module.running_mean.copy_(mean)
            module.running_var.copy_(var)
            module.bias.copy_(module.bias + mean)
            module.weight.copy_(torch.sqrt(var + module.eps))


def calibration_images(arch: Any) -> Any:
    """Synthetic plates as training draws them, normalised for ``arch``."""
    import torch

    from platewarden.recognition.training.data import synth_arrays

    data = synth_arrays(CALIBRATION_COUNT, seed=CALIBRATION_SEED, two_line_share=0.4,
                        size=arch.size)
    return torch.from_numpy(arch.normalise(data.images))


def compare(model: Any, onnx_path: Path, images: Any) -> tuple[float, int]:
    """Largest log-probability difference against ONNX Runtime, and how many images' best
    paths (per-step arg-max) differ."""
    import onnxruntime as ort
    import torch

    model.eval()
    with torch.no_grad():
        ours = model(images).numpy()
    session = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    theirs = session.run(None, {session.get_inputs()[0].name: images.numpy()})[0]
    differ = (ours.argmax(-1) != theirs.argmax(-1)).any(axis=1)
    return float(np.abs(ours - theirs).max()), int(differ.sum())


def main(arch_name: str, onnx_path: Path, out: Path) -> None:
    import onnx
    import torch

    from platewarden.recognition.training.arch import ARCHITECTURES

    arch = ARCHITECTURES[arch_name]
    model = arch.build()
    proto = onnx.load(str(onnx_path))
    state, norms = recovered_state(model, proto)
    model.load_state_dict(state)
    images = calibration_images(arch)
    fit_batch_norms(model, norms, images)
    largest, differ = compare(model, onnx_path, images)
    print(f"against ONNX Runtime on {len(images)} plates: largest log-probability difference "
          f"{largest:.2e}, best paths that differ: {differ}")
    torch.save(model.state_dict(), out)


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]))
