"""Train a PP-OCR reader on a GPU machine that has PyTorch but not Platewarden's dependencies.

    python bench/recognition/train_gpu.py pack OUT              # here: what the run needs
    python bench/recognition/train_gpu.py check OUT ARCH INIT   # here: the packed graph is the same
    PYTHONPATH=src python bench/recognition/train_gpu.py train --source OUT/sources/ARCH.onnx.gz \\
        --data OUT/data/us-crops --data OUT/data/endtoend ... # there
    python bench/recognition/train_gpu.py export --weights RUN.pt ...  # here: the ONNX file

``platewarden train reader`` needs the installed package (settings, the CLI's
dependencies); a rented GPU machine has PyTorch, NumPy, OpenCV and onnx but none of those,
and only a small folder travels to it. So:

- ``pack`` writes the PP-OCR recogniser graphs with every weight of more than 16 values
  zeroed and gzipped (120 KB for both instead of 11 and 21 MB: ``--init`` replaces every
  weight, so only the graph is needed), and the real data the train command would read,
  smaller (16 MB): the ``train`` split of the end-to-end set only (the ``test`` half never
  leaves), each image cut to its plates' surroundings (wider than the training context) at
  most 512 px wide, and the crop set's crops at most 320 px wide; both as JPEG quality 90.
- ``check`` builds the reader from the packed graph and from the original, loads the same
  ``--init`` weights into both, and prints the largest difference of their outputs.
- ``train`` runs :func:`platewarden.recognition.training.train_reader.train` (the train
  command's procedure, fresh synthetic plates for every batch) with the reader built from
  the packed graph; ``--workers`` processes draw the batches, ``--device`` trains.
- ``export`` writes the ONNX file from a run's ``.pt`` here, with the run's options.

Needs the ``train`` extra here (``pip install -e '.[train]'``) and PyTorch, onnx and
onnx2torch there.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import gzip
import json
import logging
import sys
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

END_TO_END = Path("../shared/datasets/openalpr-endtoend-dev")
CROPS = Path("../shared/datasets/openalpr-us-plate-crops")
CROP_MAX_WIDTH_PX = 320
CONTEXT_MAX_WIDTH_PX = 512
JPEG_QUALITY = 90


def stripped_graph(source: Path) -> bytes:
    """The ONNX graph at ``source`` with every float tensor of more than 16 values zeroed."""
    import onnx
    from onnx import numpy_helper

    proto = onnx.load(str(source))
    tensors = list(proto.graph.initializer) + [
        a.t for n in proto.graph.node if n.op_type == "Constant" for a in n.attribute
        if a.name == "value"]
    for tensor in tensors:
        values = numpy_helper.to_array(tensor)
        if values.dtype.kind == "f" and values.size > 16:
            tensor.CopyFrom(numpy_helper.from_array(np.zeros_like(values), tensor.name))
    return gzip.compress(proto.SerializeToString(), compresslevel=9)


def _sources() -> dict[str, Path]:
    from platewarden.recognition.backends.ppocr import ppocr_model_path
    from platewarden.recognition.training.ppocr_model import ppocr_v6_model_path

    return {"ppocr-v4": ppocr_model_path(), "ppocr-v6": ppocr_v6_model_path()}


def _write_jpeg(path: Path, image: Any) -> None:
    import cv2

    path.parent.mkdir(parents=True, exist_ok=True)
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
    if not ok:
        raise RuntimeError(f"cannot encode {path}")
    path.write_bytes(data.tobytes())


def _pack_crops(out: Path) -> int:
    import cv2

    from platewarden.recognition.dataset import load_crops
    from platewarden.recognition.imageio import load_image

    rows = []
    for sample in load_crops(CROPS):
        image = load_image(sample.image)
        scale = min(1.0, CROP_MAX_WIDTH_PX / image.shape[1])
        if scale < 1.0:
            size = (round(image.shape[1] * scale), max(4, round(image.shape[0] * scale)))
            image = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
        name = sample.image.with_suffix(".jpg").name
        _write_jpeg(out / "images" / name, image)
        rows.append({"file": name, "state": sample.country, "plate": sample.text})
    with (out / "groundtruth.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["file", "state", "plate"])
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)


def _pack_endtoend(out: Path) -> int:
    import cv2

    from platewarden.recognition.dataset import load_endtoend, split_of
    from platewarden.recognition.imageio import load_image

    by_image = defaultdict(list)
    for sample in load_endtoend(END_TO_END):
        if split_of(sample.image.name) == "train" and sample.box is not None:
            by_image[sample.image].append(sample)
    for path, samples in by_image.items():
        frame = load_image(path)
        fh, fw = frame.shape[:2]
        # Training cuts each plate grown by 0.35 of its width and 0.7 of its height.
        boxes = [s.box for s in samples if s.box]  # every sample kept has a box
        x0 = max(0, min(b.x - b.w for b in boxes))
        y0 = max(0, min(b.y - 2 * b.h for b in boxes))
        x1 = min(fw, max(b.x + 2 * b.w for b in boxes))
        y1 = min(fh, max(b.y + 3 * b.h for b in boxes))
        scale = min(1.0, CONTEXT_MAX_WIDTH_PX / (x1 - x0))
        region = frame[y0:y1, x0:x1]
        if scale < 1.0:
            size = (round((x1 - x0) * scale), round((y1 - y0) * scale))
            region = cv2.resize(region, size, interpolation=cv2.INTER_AREA)
        folder = out / samples[0].country
        _write_jpeg(folder / path.with_suffix(".jpg").name, region)
        lines = [f"{path.with_suffix('.jpg').name}\t{round((s.box.x - x0) * scale)}\t"
                 f"{round((s.box.y - y0) * scale)}\t{round(s.box.w * scale)}\t"
                 f"{round(s.box.h * scale)}\t{s.text}" for s in samples if s.box]
        (folder / path.with_suffix(".txt").name).write_text("\n".join(lines) + "\n")
    return sum(len(s) for s in by_image.values())


def pack(out: Path) -> None:
    """Write the packed sources and data into ``out``; print what was written."""
    (out / "sources").mkdir(parents=True, exist_ok=True)
    sizes = {}
    for arch, source in _sources().items():
        target = out / "sources" / f"{arch}.onnx.gz"
        target.write_bytes(stripped_graph(source))
        sizes[arch] = target.stat().st_size
    crops = _pack_crops(out / "data" / "us-crops")
    plates = _pack_endtoend(out / "data" / "endtoend")
    print(json.dumps({"sources_bytes": sizes, "crops": crops, "endtoend_train_plates": plates}))


def _packed_source(path: Path, folder: Path) -> Path:
    target = folder / path.name.removesuffix(".gz")
    target.write_bytes(gzip.decompress(path.read_bytes()))
    return target


@contextmanager
def _built_from(arch: str, source: Path | None) -> Iterator[None]:
    """Within the block, ``arch`` is built from the packed graph ``source`` (when given)
    instead of the installed wheel's."""
    from platewarden.recognition.training.arch import ARCHITECTURES
    from platewarden.recognition.training.ppocr_model import PlateOcr

    if source is None:
        yield
        return
    shipped = ARCHITECTURES[arch]
    with tempfile.TemporaryDirectory() as folder:
        graph = _packed_source(source, Path(folder))
        ARCHITECTURES[arch] = dataclasses.replace(
            shipped, build=lambda: PlateOcr(source=lambda: graph))
        try:
            yield
        finally:
            ARCHITECTURES[arch] = shipped


def check(out: Path, arch: str, init: Path) -> None:
    """Print the largest output difference between the packed and the original graph."""
    import torch

    from platewarden.recognition.training.arch import ARCHITECTURES
    from platewarden.recognition.training.data import synth_arrays
    from platewarden.recognition.training.train_reader import load_weights

    state = load_weights(init)
    spec = ARCHITECTURES[arch]
    images = synth_arrays(64, seed=3, two_line_share=0.3, size=spec.size).images
    x = torch.from_numpy(spec.normalise(images))
    outputs = []
    for source in (None, out / "sources" / f"{arch}.onnx.gz"):
        with _built_from(arch, source):
            model = ARCHITECTURES[arch].build()
        model.load_state_dict(state)
        model.eval()
        with torch.no_grad():
            outputs.append(model(x))
    print(json.dumps({"arch": arch, "max_abs_diff": float((outputs[0] - outputs[1]).abs().max())}))


def _options(args: argparse.Namespace) -> Any:
    from platewarden.recognition.training.train_reader import TrainOptions

    return TrainOptions(
        data=tuple(args.data), arch=args.arch, out=args.out, seed=args.seed,
        minutes=args.minutes, batch=args.batch, synth_count=0,
        two_line_share=args.two_line_share, real_share=args.real_share, threads=args.threads,
        init=args.init, lr=args.lr, workers=args.workers, device=args.device)


def train(args: argparse.Namespace) -> None:
    """Train as ``platewarden train reader`` does, from a packed graph."""
    from platewarden.recognition.training.train_reader import train as run

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stdout)
    with _built_from(args.arch, args.source):
        summary = run(_options(args))
    print(json.dumps({k: v for k, v in summary.items() if k != "history"}, indent=2))


def export(args: argparse.Namespace, weights: Path) -> None:
    """Export a run's ``.pt`` to ONNX here, with the run's options as metadata.

    onnx2torch 1.5.15 cannot export under the GPU machine's PyTorch 2.11 (it reads a
    private attribute that release lacks), so the run keeps its ``.pt`` and it is exported
    here, where ``platewarden train reader`` itself exports.
    """
    from platewarden.recognition.training.arch import ARCHITECTURES
    from platewarden.recognition.training.train_reader import export_onnx, load_weights

    arch = ARCHITECTURES[args.arch]
    with _built_from(args.arch, args.source):
        model = ARCHITECTURES[args.arch].build()
    model.load_state_dict(load_weights(weights))
    export_onnx(model, Path(args.out), {"options": dataclasses.asdict(_options(args))}, arch=arch)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("pack").add_argument("out", type=Path)
    checking = commands.add_parser("check")
    checking.add_argument("out", type=Path)
    checking.add_argument("arch")
    checking.add_argument("init", type=Path)
    training = commands.add_parser("train")
    exporting = commands.add_parser("export", help="the train options of the run, and --weights")
    exporting.add_argument("--weights", type=Path, required=True)
    for parser_ in (training, exporting):
        _train_arguments(parser_)
    args = parser.parse_args(argv)
    if args.command == "pack":
        pack(args.out)
    elif args.command == "check":
        check(args.out, args.arch, args.init)
    elif args.command == "export":
        export(args, args.weights)
    else:
        train(args)


def _train_arguments(training: argparse.ArgumentParser) -> None:
    training.add_argument("--arch", required=True)
    training.add_argument("--source", type=Path)
    training.add_argument("--data", action="append", required=True)
    training.add_argument("--init")
    training.add_argument("--out", required=True)
    for name, kind, default in (("seed", int, 1), ("minutes", float, 30.0), ("batch", int, 32),
                                ("lr", float, 1e-4), ("two-line-share", float, 0.0),
                                ("real-share", float, 0.5), ("threads", int, 2),
                                ("workers", int, 0), ("device", str, "cpu")):
        training.add_argument(f"--{name}", type=kind, default=default)


if __name__ == "__main__":
    main(sys.argv[1:])
