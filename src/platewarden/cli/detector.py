"""``platewarden train detector``: fine-tune the plate detector (needs Ultralytics)."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Annotated

import typer


def train_detector(
    data: Annotated[list[Path], typer.Option(
        help="End-to-end benchmark folder (repeatable); only its train split is read.")],
    init: Annotated[Path, typer.Option(
        help="YOLOv8 weights to start from (best.pt of the fastanpr 0.1.13 wheel).")],
    out: Annotated[Path, typer.Option(help="Folder for the data, weights and ONNX files.")],
    minutes: Annotated[float, typer.Option(help="Wall-clock training budget.")] = 25.0,
    seed: Annotated[int, typer.Option(help="Seed of the drawn plates and the training.")] = 1,
    swaps: Annotated[int, typer.Option(
        min=0, help="Copies of each photo with a synthetic Uzbek plate in its place.")] = 6,
    tune_every: Annotated[int, typer.Option(
        min=2, help="One photo in this many is held back for the choice.")] = 4,
) -> None:
    """Fine-tune the plate detector on real photos plus Uzbek plates drawn into them.

    Writes ``plate-detector-416.onnx`` and ``plate-detector-160x320.onnx`` (the default
    preset's two passes), the PyTorch weights, and the held-back tuning sets (``tune/``) to
    judge them on with ``platewarden bench recognition --split all``. Needs Ultralytics and a
    torchvision built for the installed torch.
    """
    import importlib.util

    if importlib.util.find_spec("ultralytics") is None:
        typer.echo("error: training the detector needs ultralytics (pip install ultralytics, "
                   "with a torchvision built for your torch)", err=True)
        raise typer.Exit(2)
    if not init.is_file():
        typer.echo(f"error: --init: no such file {init}", err=True)
        raise typer.Exit(2)
    from platewarden.recognition.training.train_detector import DetectorTrainOptions
    from platewarden.recognition.training.train_detector import train_detector as run

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    options = DetectorTrainOptions(
        data=tuple(str(d) for d in data), init=str(init), out=str(out), minutes=minutes,
        seed=seed, swaps=swaps, tune_every=tune_every)
    try:
        summary = run(options)
    except ValueError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    typer.echo(json.dumps(summary, indent=2))
