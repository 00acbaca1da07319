"""Recognition commands: ``recognize``, ``train reader``, ``bench recognition``, ``camera-agent``.

Register in the main CLI with::

    from platewarden.cli.recognition import bench_app, camera_agent, recognize, train_app
    app.command("recognize")(recognize)
    app.command("camera-agent")(camera_agent)
    app.add_typer(train_app, name="train")
    app.add_typer(bench_app, name="bench")
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Annotated

import typer

from platewarden.cli.detector import train_detector
from platewarden.recognition.errors import RecognitionError
from platewarden.recognition.types import FrameResult

train_app = typer.Typer(help="Train recognition models.", no_args_is_help=True)
train_app.command("detector")(train_detector)
bench_app = typer.Typer(help="Benchmarks.", no_args_is_help=True)


def _video_json(name: str, frames: list[FrameResult]) -> dict[str, object]:
    plates: list[dict[str, object]] = []
    for frame in frames:
        for plate in frame.plates:
            plates.append({**plate.to_json(), "frame": frame.frame_index})
    return {"file": name, "frames": len(frames), "plates": plates,
            "ms": round(sum(f.ms for f in frames), 2)}


def _print_text(frames: list[FrameResult]) -> None:
    for frame in frames:
        where = frame.file if frame.frame_index is None else f"{frame.file}#{frame.frame_index}"
        if not frame.plates:
            typer.echo(f"{where}: no plate ({frame.ms:.0f} ms)")
        for plate in frame.plates:
            typer.echo(f"{where}: {plate.text} {plate.country}/{plate.format} "
                       f"conf={plate.confidence:.2f} box={plate.box.as_list()} "
                       f"({frame.ms:.0f} ms)")


def recognize(
    inputs: Annotated[list[str], typer.Argument(help="Image files, video files or rtsp:// URLs.")],
    output_format: Annotated[str, typer.Option("--format", help="text or json")] = "text",
    preset: Annotated[str | None, typer.Option(
        help="Preset name (docs/recognition.md); the default preset when omitted.")] = None,
    grammar: Annotated[str, typer.Option(help="uz (Uzbek formats first) or any")] = "uz",
    stride: Annotated[int, typer.Option(min=1, help="Read every n-th video frame.")] = 1,
    preset_file: Annotated[Path | None, typer.Option(
        help="A JSON preset naming your own models (docs/recognition.md), instead of "
             "--preset.")] = None,
) -> None:
    """Find and read every plate in images or videos.

    With ``--format json`` prints one JSON object per input:
    ``{"file", "plates": [{"text", "box", "confidence", "alternatives", "country",
    "format", ...}], "ms"}``. Unreadable inputs print an ``error`` and make the exit
    status 1; the other inputs are still processed.
    """
    from platewarden.recognition.imageio import is_video
    from platewarden.recognition.preset_file import recognizer_for

    try:
        recognizer = recognizer_for(preset, preset_file, grammar=grammar)
    except RecognitionError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    failed = False
    for name in inputs:
        try:
            frames = list(recognizer.recognize_path(name, stride=stride))
        except RecognitionError as exc:
            failed = True
            if output_format == "json":
                typer.echo(json.dumps({"file": name, "error": str(exc), "plates": []}))
            typer.echo(f"error: {exc}", err=True)
            continue
        if output_format == "json":
            payload = _video_json(name, frames) if is_video(name) else frames[0].to_json()
            typer.echo(json.dumps(payload))
        else:
            _print_text(frames)
    if failed:
        raise typer.Exit(1)


@train_app.command("reader")
def train_reader(
    data: Annotated[list[Path], typer.Option("--data", help="Data set folders (repeatable).")],
    arch: Annotated[str, typer.Option(help="crnn (small, from scratch), ppocr-v4 or "
                                           "ppocr-v6 (PP-OCR recognisers fine-tuned).")] = "crnn",
    out: Annotated[Path, typer.Option(help="ONNX file to write.")] = Path(
        "plate-reader-crnn.onnx"),
    seed: Annotated[int, typer.Option(help="Seed of every random choice.")] = 1,
    minutes: Annotated[float, typer.Option(help="Wall-clock budget.")] = 30.0,
    synth: Annotated[int, typer.Option(
        help="Synthetic plates to generate (0: fresh ones for every batch).")] = 20_000,
    two_line_share: Annotated[float, typer.Option(
        help="Share of generated Uzbek plates that are two-line (rows joined).")] = 0.0,
    synth_cache: Annotated[list[Path] | None, typer.Option(
        help="Pre-generated synthetic .npz files (instead of --synth).")] = None,
    real_share: Annotated[float, typer.Option(help="Share of real crops per batch.")] = 0.5,
    batch: Annotated[int, typer.Option(help="Crops per training step.")] = 64,
    threads: Annotated[int, typer.Option(help="CPU threads for PyTorch.")] = 2,
    workers: Annotated[int, typer.Option(min=0, help="Processes drawing the batches (0: the "
                                         "training process draws them).")] = 0,
    device: Annotated[str, typer.Option(help="PyTorch device to train on: cpu, cuda.")] = "cpu",
    init: Annotated[str | None, typer.Option(
        help="Start from these weights: the .pt a run writes beside its .onnx, or a shipped "
        "reader's (plate-reader-ppocrv4.pt, plate-reader-ppocrv6.pt, plate-reader-crnn.pt; "
        "./NAME for a file of that name here).")] = None,
    lr: Annotated[float, typer.Option(help="Peak learning rate (cosine over the budget).")] = 2e-3,
    tune_share: Annotated[float, typer.Option(
        min=0.0, max=0.5, help="Share of real crops held back (fixed by a hash of the file "
        "name); the checkpoint reading most of them plus held-out synthetic plates is "
        "exported. 0: none.")] = 0.0,
) -> None:
    """Train a plate reader on synthetic plates plus real crops; export ONNX.

    Needs the ``train`` extra (PyTorch, onnx). Real end-to-end data sets contribute only
    their ``train`` split; crop data sets are used whole.
    """
    from platewarden.recognition.backends.onnx import resolve_model
    from platewarden.recognition.errors import BackendError

    try:
        weights = None if init is None else resolve_model(init)
    except BackendError as exc:
        typer.echo(f"error: --init: {exc}", err=True)
        raise typer.Exit(2) from exc
    try:
        from platewarden.recognition.training.arch import ARCHITECTURES
        from platewarden.recognition.training.train_reader import TrainOptions, train
    except ImportError as exc:
        typer.echo("error: training needs the 'train' extra (torch, onnx, onnx2torch)", err=True)
        raise typer.Exit(2) from exc
    if arch not in ARCHITECTURES:
        typer.echo(f"error: --arch must be one of {', '.join(ARCHITECTURES)}", err=True)
        raise typer.Exit(2)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    options = TrainOptions(
        data=tuple(str(d) for d in data), arch=arch, out=str(out), seed=seed, minutes=minutes,
        batch=batch, synth_count=synth, two_line_share=two_line_share,
        synth_cache=tuple(str(p) for p in synth_cache or ()),
        real_share=real_share, threads=threads, init=str(weights) if weights else None, lr=lr,
        tune_share=tune_share, workers=workers, device=device,
    )
    summary = train(options)
    typer.echo(json.dumps({k: v for k, v in summary.items() if k != "history"}, indent=2))


@bench_app.command("recognition")
def bench_recognition(
    dataset: Annotated[Path, typer.Option("--dataset", help="Benchmark folder.")],
    split: Annotated[str, typer.Option(help="all, train or test (held out).")] = "test",
    preset: Annotated[list[str] | None, typer.Option(help="Presets to compare.")] = None,
    grammar: Annotated[str, typer.Option(help="uz or any")] = "uz",
    json_out: Annotated[Path | None, typer.Option(help="Also write the report here.")] = None,
    synthetic: Annotated[int, typer.Option(
        help="Also read this many held-out degraded synthetic Uzbek plates.")] = 0,
    synthetic_two_line: Annotated[int, typer.Option(
        help="Also read this many held-out degraded synthetic two-line Uzbek plates.")] = 0,
    preset_file: Annotated[list[Path] | None, typer.Option(
        help="Also run the preset in this JSON file (your own models).")] = None,
) -> None:
    """Detection recall, exact reads, char accuracy and ms per frame, per country.

    Every shipped preset runs side by side unless ``--preset`` names some; presets from
    ``--preset-file`` run beside them.
    """
    from platewarden.recognition.bench import (
        run_bench,
        run_synthetic,
        synthetic_two_line_crops,
        synthetic_uz_crops,
    )
    from platewarden.recognition.dataset import load_dataset
    from platewarden.recognition.preset_file import side_by_side
    from platewarden.recognition.presets import PRESETS

    names = preset or [n for n in PRESETS if _available(n)]
    samples = load_dataset(dataset, split=split)
    if not samples:
        typer.echo(f"error: no annotated images under {dataset} (split {split})", err=True)
        raise typer.Exit(2)
    try:
        recognizers = side_by_side(names, preset_file or [], grammar=grammar)
    except RecognitionError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    report: dict[str, object] = {"split": split, "dataset": str(dataset),
                                 "real": run_bench(recognizers, samples)}
    _print_report(report["real"])  # type: ignore[arg-type]
    synthetic_sets = (("synthetic_uz", synthetic, synthetic_uz_crops, 424242),
                      ("synthetic_uz_two_line", synthetic_two_line, synthetic_two_line_crops,
                       434343))
    for key, count, make, seed in synthetic_sets:
        if count <= 0:
            continue
        synth = run_synthetic(recognizers, make(count, seed=seed))
        report[key] = synth
        for name, row in synth.items():
            sys.stdout.write(f"{name}\t{key}\t{row['plates']:.0f} plates\t"
                             f"exact {row['crop_exact']:.1f}\tchars {row['char_acc_crop']:.1f}\n")
    if json_out is not None:
        json_out.write_text(json.dumps(report, indent=2), encoding="utf-8")


def _available(name: str) -> bool:
    from platewarden.recognition.presets import load_recognizer

    try:
        load_recognizer(name)
    except RecognitionError:
        return False
    return True


def _print_report(report: dict[str, dict[str, dict[str, float]]]) -> None:
    columns = ("plates", "recall_iou50", "recall_iou30", "e2e_exact", "crop_exact",
               "char_acc_e2e", "char_acc_crop", "ms_median", "ms_p90")
    sys.stdout.write("preset\tcountry\t" + "\t".join(columns) + "\n")
    for name, rows in report.items():
        for country, row in rows.items():
            cells = [f"{row[c]:.0f}" if c == "plates" else f"{row[c]:.1f}" for c in columns]
            sys.stdout.write(f"{name}\t{country}\t" + "\t".join(cells) + "\n")


def _camera_key(keys_file: Path | None, key_b64: str | None, camera_id: str) -> bytes:
    from platewarden.camera.keys import decode_key, load_keys

    if key_b64:
        return decode_key(key_b64)
    if keys_file is None:
        raise typer.BadParameter("give --keys-file or --key")
    keys = load_keys(keys_file)
    if camera_id not in keys:
        raise typer.BadParameter(f"camera {camera_id!r} not in {keys_file}")
    return keys[camera_id]


def camera_agent(
    source: Annotated[str, typer.Argument(help="Image folder, video file or rtsp:// URL.")],
    camera_id: Annotated[str, typer.Option(help="Registered camera id.")],
    server: Annotated[str, typer.Option(help="Platewarden base URL.")] = "http://127.0.0.1:8000",
    keys_file: Annotated[Path | None, typer.Option(help="Camera keys JSON file.")] = None,
    key: Annotated[str | None, typer.Option(help="Raw private key, base64.")] = None,
    queue: Annotated[Path, typer.Option(help="Durable queue file.")] = Path(
        "camera-agent-queue.sqlite"),
    preset: Annotated[str | None, typer.Option(help="Recognition preset.")] = None,
    preset_file: Annotated[Path | None, typer.Option(
        help="A JSON preset naming your own models, instead of --preset.")] = None,
    fps: Annotated[float, typer.Option(help="Frame rate of an image folder (0: mtimes).")] = 0.0,
    stride: Annotated[int, typer.Option(min=1, help="Use every n-th video frame.")] = 1,
    min_support: Annotated[int, typer.Option(min=1, help="Frames that must agree.")] = 2,
    retry_s: Annotated[float, typer.Option(help="Wait after a failed send.")] = 5.0,
    drain_timeout_s: Annotated[float, typer.Option(
        help="At the end of a file source, keep retrying the backlog this long.")] = 0.0,
) -> None:
    """Recognise plates from a camera source and send one signed read per vehicle pass.

    Reads are queued on disk first (``--queue``) and sent oldest first; when the server is
    down they wait, across restarts of the agent too. Exit status 0 when the queue is empty
    at the end, 3 when reads are still waiting for the server.
    """
    import time

    from platewarden.agent.queue import DurableQueue
    from platewarden.agent.runner import AgentOptions, CameraAgent
    from platewarden.agent.sources import open_source
    from platewarden.camera.client import CameraClient
    from platewarden.recognition.preset_file import recognizer_for

    raw = _camera_key(keys_file, key, camera_id)
    try:
        frames = open_source(source, fps=fps, stride=stride)
        recognizer = recognizer_for(preset, preset_file)
    except RecognitionError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    store = DurableQueue(queue)
    options = AgentOptions(camera_id=camera_id, source_id=source, min_support=min_support,
                           retry_s=retry_s)
    with CameraClient(base_url=server, camera_id=camera_id, private_key=raw) as client:
        agent = CameraAgent(options=options, recognizer=recognizer, queue=store, sender=client)
        agent.drain(force=True)  # a backlog from an earlier run goes first
        agent.process(frames)
        deadline = time.monotonic() + drain_timeout_s
        while store.pending() and time.monotonic() < deadline:
            time.sleep(min(retry_s, max(0.0, deadline - time.monotonic())))
            agent.drain(force=True)
    left = store.pending()
    typer.echo(json.dumps({"passes": agent.passes, "pending": left,
                           "rejected": len(store.rejected())}))
    store.close()
    if left:
        raise typer.Exit(3)
