"""``platewarden train reader``: train a reader on synthetic + real crops, export to ONNX.

Seeded end to end (Python, NumPy and PyTorch generators), bounded by a wall-clock budget so
it fits a shared CPU; the learning rate follows a cosine over that budget. The exported ONNX
carries its geometry, channel order and alphabet as metadata, read by the ``crnn-onnx``
backend. ``--arch`` picks the model (:mod:`platewarden.recognition.training.arch`).
"""

from __future__ import annotations

import json
import logging
import math
import random
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from platewarden.recognition.backends.ctc import ALPHABET
from platewarden.recognition.training.arch import ARCHITECTURES, Architecture
from platewarden.recognition.training.checkpoint import BestCheckpoint
from platewarden.recognition.training.data import (
    Arrays,
    RealCrop,
    is_tuning,
    real_crops,
    synth_arrays,
    tuning_view,
)
from platewarden.recognition.training.loader import BatchRecipe
from platewarden.recognition.training.onnx_graph import halve_weights
from platewarden.recognition.training.stream import batch_stream

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TrainOptions:
    """Everything that decides a training run (recorded in the model's metadata)."""

    data: tuple[str, ...] = ()
    arch: str = "crnn"
    out: str = "plate-reader-crnn.onnx"
    seed: int = 1
    minutes: float = 30.0
    max_steps: int = 100_000
    batch: int = 64
    real_share: float = 0.5
    # 0 draws fresh synthetic plates for every batch instead of a fixed set.
    synth_count: int = 20_000
    uz_share: float = 0.65
    two_line_share: float = 0.0
    synth_cache: tuple[str, ...] = ()
    threads: int = 2
    # Processes drawing batches (0: the training process draws them) and where to train.
    workers: int = 0
    device: str = "cpu"
    lr: float = 2e-3
    init: str | None = None
    # Share of real crops held back (by a hash of the file name) to pick the checkpoint on.
    tune_share: float = 0.0
    extra: dict[str, str] = field(default_factory=dict)


def _encode(text: str) -> list[int]:
    return [ALPHABET.index(c) + 1 for c in text if c in ALPHABET]


def _load_synth(options: TrainOptions, arch: Architecture) -> Arrays | None:
    if options.synth_cache:
        parts = [np.load(p) for p in options.synth_cache]
        images = np.concatenate([p["images"] for p in parts])
        texts = [str(t) for p in parts for t in p["texts"]]
        return Arrays(images, texts)
    if options.synth_count == 0:
        return None
    return synth_arrays(options.synth_count, seed=options.seed, uz_share=options.uz_share,
                        two_line_share=options.two_line_share, size=arch.size)


def _loss(model: nn.Module, ctc: nn.CTCLoss, x: torch.Tensor, texts: list[str]) -> torch.Tensor:
    log_probs = model(x)  # N x T x C
    targets = [_encode(t) for t in texts]
    device = log_probs.device
    flat = torch.tensor([c for t in targets for c in t], dtype=torch.long, device=device)
    lengths = torch.tensor([len(t) for t in targets], dtype=torch.long, device=device)
    steps = torch.full((len(texts),), log_probs.shape[1], dtype=torch.long, device=device)
    loss: torch.Tensor = ctc(log_probs.transpose(0, 1), flat, steps, lengths)
    return loss


def _greedy(log_probs: torch.Tensor) -> list[str]:
    out = []
    for row in log_probs.argmax(dim=-1).tolist():
        chars, prev = [], 0
        for cls in row:
            if cls and cls != prev:
                chars.append(ALPHABET[cls - 1])
            prev = cls
        out.append("".join(chars))
    return out


def evaluate(model: nn.Module, data: Arrays, arch: Architecture = ARCHITECTURES["crnn"]) -> float:
    """Exact-match rate of greedy decoding on ``data``."""
    model.eval()
    hits = 0
    device = next(model.parameters()).device
    with torch.no_grad():
        for start in range(0, len(data.texts), 256):
            x = torch.from_numpy(arch.normalise(data.images[start:start + 256])).to(device)
            reads = _greedy(model(x))
            hits += sum(r == t for r, t in zip(reads, data.texts[start:start + 256], strict=True))
    model.train()
    return hits / max(1, len(data.texts))


def _lr(options: TrainOptions, elapsed: float, step: int) -> float:
    warm = min(1.0, (step + 1) / 100)
    progress = min(1.0, elapsed / (options.minutes * 60.0))
    return options.lr * warm * (0.03 + 0.97 * 0.5 * (1 + math.cos(math.pi * progress)))


def _real_sets(options: TrainOptions) -> tuple[list[RealCrop], list[RealCrop]]:
    """The real crops to train on and those held back to tune on."""
    real: list[RealCrop] = []
    for root in options.data:
        real.extend(real_crops(Path(root)))
    train: list[RealCrop] = []
    tune: list[RealCrop] = []
    for crop in real:
        if crop.text and all(c in ALPHABET for c in crop.text):
            (tune if is_tuning(crop.name, share=options.tune_share) else train).append(crop)
    return train, tune


def train(options: TrainOptions) -> dict[str, Any]:
    """Run one training and export the ONNX model; returns a summary for the model card.

    With ``tune_share`` > 0 the exported weights are those of the checkpoint (every 100
    steps, and the starting weights) with the highest held-back real plus held-out synthetic
    exact rate (:class:`BestCheckpoint`), not the last ones.
    """
    arch = ARCHITECTURES[options.arch]
    random.seed(options.seed)
    np.random.seed(options.seed)
    torch.manual_seed(options.seed)
    torch.set_num_threads(options.threads)
    synth = _load_synth(options, arch)
    real, tune = _real_sets(options)
    held_out = synth_arrays(500, seed=options.seed + 10_000, uz_share=1.0, size=arch.size)
    tune_views = _views(tune, arch) if tune else None
    # The worker processes start here and draw while the model is built.
    batches = _batches(options, arch, synth=synth, real=real)
    log.info("%s: synthetic %s, real %d (%d held back to tune on), held-out synthetic UZ %d",
             arch.name, len(synth.texts) if synth else "fresh per batch", len(real), len(tune),
             len(held_out.texts))
    model = _initial_model(options, arch)
    start = time.monotonic()
    best: BestCheckpoint[dict[str, torch.Tensor]] = BestCheckpoint()
    step, history = _fit(model, options, arch, batches=batches, held_out=held_out,
                         tune=tune_views, best=best)
    summary: dict[str, Any] = {
        "steps": step, "minutes": (time.monotonic() - start) / 60,
        "synthetic": len(synth.texts) if synth else 0, "real": len(real),
        "history": history[-5:], "options": asdict(options)}
    if best.state is not None:
        model.load_state_dict(best.state)
        summary["tuning_real"] = {"crops": len(tune), "best_step": best.step,
                                  "best_real_exact_greedy": best.real}
    summary["held_out_synth_uz_exact_greedy"] = evaluate(model, held_out, arch)
    save_weights(model, Path(options.out).with_suffix(".pt"), arch=arch)
    export_onnx(model, Path(options.out), summary, arch=arch)
    return summary


def _checkpoint(model: nn.Module, arch: Architecture, step: int, held_out: Arrays, tune: Arrays,
                best: BestCheckpoint[dict[str, torch.Tensor]]) -> dict[str, Any]:
    """Score ``model`` on the held-out synthetic and held-back real crops; offer it as best."""
    synthetic, real = evaluate(model, held_out, arch), evaluate(model, tune, arch)
    kept = best.offer(step=step, real=real, synthetic=synthetic, snapshot=lambda: {
        k: v.detach().clone() for k, v in model.state_dict().items()})
    return {"step": step, "synth_uz_exact": synthetic, "tune_real_exact": real, "best": kept}


def _views(crops: list[RealCrop], arch: Architecture) -> Arrays:
    return Arrays(np.stack([tuning_view(c, size=arch.size) for c in crops]),
                  [c.text for c in crops])


def _initial_model(options: TrainOptions, arch: Architecture) -> nn.Module:
    model = arch.build()
    if options.init:
        model.load_state_dict(load_weights(Path(options.init)))
    if options.device.startswith("cuda"):
        torch.backends.cudnn.benchmark = True  # one input size throughout
    model.to(options.device)
    model.train()
    return model


def _fit(model: nn.Module, options: TrainOptions, arch: Architecture, *,
         batches: Iterator[tuple[torch.Tensor, list[str]]], held_out: Arrays,
         tune: Arrays | None, best: BestCheckpoint[dict[str, torch.Tensor]],
         ) -> tuple[int, list[dict[str, Any]]]:
    optimiser = torch.optim.AdamW(model.parameters(), lr=options.lr, weight_decay=1e-4)
    ctc = nn.CTCLoss(blank=0, zero_infinity=True)
    start, step, history = time.monotonic(), 0, []
    if tune is not None:  # the starting weights are a candidate too
        log.info("%s", json.dumps(_checkpoint(model, arch, 0, held_out, tune, best)))
    while step < options.max_steps and time.monotonic() - start < options.minutes * 60:
        for group in optimiser.param_groups:
            group["lr"] = _lr(options, time.monotonic() - start, step)
        x, texts = next(batches)
        loss = _loss(model, ctc, x.to(options.device, non_blocking=True), texts)
        optimiser.zero_grad()
        loss.backward()  # type: ignore[no-untyped-call]
        nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        optimiser.step()
        step += 1
        if step % 100 == 0:
            point: dict[str, Any] = {"loss": round(float(loss.detach()), 4)}
            if tune is None:
                point |= {"step": step, "synth_uz_exact": evaluate(model, held_out, arch)}
            else:
                point |= _checkpoint(model, arch, step, held_out, tune, best)
            history.append(point)
            log.info("%s", json.dumps(point))
            save_weights(model, Path(options.out).with_suffix(".pt"), arch=arch)
    return step, history


def _batches(options: TrainOptions, arch: Architecture, *, synth: Arrays | None,
             real: list[RealCrop]) -> Iterator[tuple[torch.Tensor, list[str]]]:
    recipe = BatchRecipe(batch=options.batch, real_share=options.real_share,
                         uz_share=options.uz_share, two_line_share=options.two_line_share,
                         size=arch.size)
    return batch_stream(recipe, synth=synth, real=real, seed=options.seed,
                        workers=options.workers, channel_order=arch.channel_order,
                        pin_memory=options.device.startswith("cuda"))


def load_weights(path: Path) -> dict[str, torch.Tensor]:
    """Weights a run saved (:func:`save_weights`), in float32 on the CPU.

    Half-weight architectures save float16 weights: they are computed in float32.
    """
    state = torch.load(path, weights_only=True, map_location="cpu")
    return {k: v.float() if v.is_floating_point() else v for k, v in state.items()}


def save_weights(model: nn.Module, path: Path, *, arch: Architecture) -> None:
    """Save the weights ``--init`` continues from; in float16 where the ONNX file has them so.

    Half-size weights let the shipped model's PyTorch weights stay under the 10 MB limit, so
    an operator fine-tunes on local plates from the shipped reader, not from PP-OCR again.
    """
    state = {k: v.detach().cpu() for k, v in model.state_dict().items()}
    if arch.half_weights:
        state = {k: v.half() if v.dtype == torch.float32 else v for k, v in state.items()}
    torch.save(state, path)


def export_onnx(model: nn.Module, out: Path, summary: dict[str, Any], *,
                arch: Architecture = ARCHITECTURES["crnn"]) -> None:
    """Export ``model`` to ONNX with the metadata the ``crnn-onnx`` backend reads."""
    import onnx

    model.to("cpu")
    model.eval()
    height, width = arch.size
    torch.onnx.export(
        model, (torch.zeros(1, 3, height, width),), str(out), input_names=["image"],
        output_names=["log_probs"], dynamic_axes={"image": {0: "n"}, "log_probs": {0: "n"}},
        opset_version=17, dynamo=False,
    )
    proto = onnx.load(str(out))
    meta = {"height": str(height), "width": str(width), "channel_order": arch.channel_order,
            "alphabet": ALPHABET, "output": "log_probs",
            "training": json.dumps(summary["options"])}
    for key, value in meta.items():
        entry = proto.metadata_props.add()
        entry.key, entry.value = key, value
    if arch.half_weights:
        halve_weights(proto)
    onnx.save(proto, str(out))
