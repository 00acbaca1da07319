"""``platewarden bench recognition`` on a tiny data set made here, with both synthetic sets."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from platewarden.cli.recognition import bench_recognition
from platewarden.domain.plates import parse
from platewarden.recognition.bench import synthetic_two_line_crops

from .factories import street_frame, write_jpeg


def _app() -> typer.Typer:
    app = typer.Typer()
    app.command("recognition")(bench_recognition)
    app.command("noop")(lambda: None)
    return app


def test_bench_reports_real_and_both_synthetic_sets(tmp_path: Path) -> None:
    folder = tmp_path / "uz"
    folder.mkdir()
    for i, text in enumerate(["01A123BC", "10123ABC"]):
        frame, (x, y, w, h) = street_frame(text, seed=40 + i, plate_height=42)
        write_jpeg(folder / f"car{i}.jpg", frame)
        (folder / f"car{i}.txt").write_text(f"car{i}.jpg\t{x}\t{y}\t{w}\t{h}\t{text}\n")
    out = tmp_path / "report.json"
    result = CliRunner().invoke(_app(), [
        "recognition", "--dataset", str(tmp_path), "--split", "all", "--preset", "platewarden",
        "--synthetic", "4", "--synthetic-two-line", "4", "--json-out", str(out)])
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text())
    overall = report["real"]["platewarden"]["overall"]
    assert overall["plates"] == 2
    assert overall["recall_iou30"] == 100.0
    assert report["synthetic_uz"]["platewarden"]["plates"] == 4
    assert report["synthetic_uz_two_line"]["platewarden"]["plates"] == 4


def test_two_line_synthetic_set_is_trailers_and_motorcycles() -> None:
    crops = synthetic_two_line_crops(6, seed=1)
    assert {parse(text).format for _, text in crops} <= {"trailer", "motorcycle"}
    assert all(crop.shape[1] < 3 * crop.shape[0] for crop, _ in crops)  # whole plate, 2 rows
