"""The recognize command: JSON shape for harnesses, clear errors for bad files."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from platewarden.cli.recognition import recognize
from platewarden.recognition.types import Box

from .factories import huge_png_header, street_frame, write_jpeg


def _app() -> typer.Typer:
    app = typer.Typer()
    app.command("recognize")(recognize)
    app.command("noop")(lambda: None)  # two commands keep "recognize" a named sub-command
    return app


def test_json_output_has_the_documented_shape(tmp_path: Path) -> None:
    frame, box = street_frame("01A123BC", seed=3, plate_height=40)
    image = write_jpeg(tmp_path / "car.jpg", frame)
    result = CliRunner().invoke(
        _app(), ["recognize", str(image), "--format", "json", "--preset", "platewarden"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output.strip().splitlines()[-1])
    assert set(doc) == {"file", "plates", "ms"}
    assert doc["file"] == str(image)
    assert doc["ms"] > 0
    assert len(doc["plates"]) >= 1
    first = doc["plates"][0]
    assert {"text", "box", "confidence", "alternatives", "country", "format"} <= set(first)
    found = Box(*first["box"])
    assert found.iou(Box(*box)) > 0.3
    assert 0.0 <= first["confidence"] <= 1.0


def test_bad_files_give_errors_and_exit_1_but_good_ones_still_run(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    text = tmp_path / "note.png"
    text.write_text("hello")
    huge = huge_png_header(tmp_path / "huge.png")
    frame, _ = street_frame("40B777AA", seed=5, plate_height=40)
    good = write_jpeg(tmp_path / "good.jpg", frame)
    result = CliRunner().invoke(
        _app(), ["recognize", str(empty), str(text), str(huge), str(good), "--format", "json",
                 "--preset", "platewarden"])
    assert result.exit_code == 1
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [d["file"] for d in lines] == [str(empty), str(text), str(huge), str(good)]
    assert "empty file" in lines[0]["error"]
    assert "not a readable image" in lines[1]["error"]
    assert "too large" in lines[2]["error"]
    assert "error" not in lines[3]
    assert result.exception is None or isinstance(result.exception, SystemExit)
