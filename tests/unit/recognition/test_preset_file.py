"""Preset files: an operator's own model runs like a shipped preset, bad files are refused."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from platewarden.cli.recognition import bench_recognition, recognize
from platewarden.recognition.backends.onnx import models_dir
from platewarden.recognition.errors import BackendError
from platewarden.recognition.preset_file import (
    load_preset_file,
    recognizer_for,
    recognizer_from_file,
    side_by_side,
)
from platewarden.recognition.presets import PRESETS, load_recognizer

from .factories import plate_bgr, street_frame, write_jpeg


def _write(path: Path, doc: Any) -> Path:
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def own_preset(folder: Path, *, name: str = "local-crnn", **extra: Any) -> Path:
    """A preset file whose reader is a copy of the shipped CRNN beside it (a local model)."""
    shutil.copy(models_dir() / "plate-reader-crnn.onnx", folder / "local-crnn.onnx")
    shipped = PRESETS["platewarden"]
    reader = json.loads(json.dumps(shipped.reader).replace("plate-reader-crnn.onnx",
                                                           "local-crnn.onnx"))
    doc = {"name": name, "detector": dict(shipped.detector), "reader": reader,
           "rectify": shipped.rectify, "margin_x": shipped.margin_x,
           "margin_y": shipped.margin_y, "min_detection": shipped.min_detection, **extra}
    return _write(folder / f"{name}.json", doc)


def test_own_model_reads_as_the_same_weights_shipped(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path.parent)  # relative paths are the preset file's, not the cwd's
    own = recognizer_from_file(own_preset(tmp_path))
    assert str(tmp_path / "local-crnn.onnx") in json.dumps(own.config.reader)
    shipped = load_recognizer("platewarden")
    crops = [plate_bgr(t) for t in ("01A123BC", "40123KA", "10M123456")]
    assert [r.text for r in own.read_crops(crops)] == \
        [r.text for r in shipped.read_crops(crops)]


@pytest.mark.parametrize(("doc", "message"), [
    ({"name": "x", "detector": {"type": "yolov8-onnx"}, "reader": {"type": "crnn-onnx"},
      "treshold": 1}, "unknown key(s) ['treshold']"),
    ({"name": "x", "detector": {"type": "yolov8-onnx"}}, "'reader' is required"),
    ({"name": "x", "detector": {"type": "yolov8-onnx"}, "reader": {"model": "a.onnx"}},
     "'reader' needs a \"type\""),
    ({"name": "x", "detector": {"type": "yolov8-onnx"}, "reader": {"type": "crnn-onnx"},
      "rectify": "yes"}, "'rectify' has the wrong type"),
    ({"name": "x", "detector": {"type": "yolov8-onnx"}, "reader": {"type": "crnn-onnx"},
      "max_plates": True}, "'max_plates' has the wrong type"),
    (["not", "an", "object"], "one JSON object"),
])
def test_bad_preset_files_are_refused_with_the_reason(tmp_path: Path, doc: Any,
                                                      message: str) -> None:
    with pytest.raises(BackendError) as caught:
        load_preset_file(_write(tmp_path / "bad.json", doc))
    assert message in str(caught.value)


def test_unreadable_files_and_missing_models_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(BackendError, match="cannot be read"):
        load_preset_file(tmp_path / "absent.json")
    broken = tmp_path / "broken.json"
    broken.write_text('{"name": "x",', encoding="utf-8")
    with pytest.raises(BackendError, match="not valid JSON"):
        load_preset_file(broken)
    path = own_preset(tmp_path)
    (tmp_path / "local-crnn.onnx").unlink()
    with pytest.raises(BackendError, match=r"local-crnn\.onnx"):
        recognizer_from_file(path)


@pytest.mark.parametrize(("detector", "reader"), [
    ({"type": "yolov8-onnx", "size": "big"}, {"type": "crnn-onnx"}),
    ({"type": "yolov8-onnx"}, {"type": "two-line"}),  # the reader it wraps is missing
])
def test_bad_backend_options_are_clear_errors(tmp_path: Path, detector: Any,
                                              reader: Any) -> None:
    path = _write(tmp_path / "p.json", {"name": "x", "detector": detector, "reader": reader})
    with pytest.raises(BackendError, match="a backend option is missing or wrong"):
        recognizer_from_file(path)


def test_a_preset_or_a_file_and_names_stay_unique(tmp_path: Path) -> None:
    path = own_preset(tmp_path)
    with pytest.raises(BackendError, match="not both"):
        recognizer_for("platewarden", path)
    assert recognizer_for(None, path, grammar="any").config.grammar == "any"
    both = side_by_side(["platewarden"], [path])
    assert list(both) == ["platewarden", "local-crnn"]
    with pytest.raises(BackendError, match="already taken"):
        side_by_side(["platewarden"], [own_preset(tmp_path, name="platewarden")])


def _app(*commands: Any) -> typer.Typer:
    app = typer.Typer()
    for command in commands:
        app.command(command.__name__.replace("bench_", ""))(command)
    return app


def test_cli_runs_the_file_preset_beside_the_shipped_ones(tmp_path: Path) -> None:
    folder = tmp_path / "data" / "uz"
    folder.mkdir(parents=True)
    frame, (x, y, w, h) = street_frame("01A123BC", seed=40, plate_height=42)
    image = write_jpeg(folder / "car.jpg", frame)
    (folder / "car.txt").write_text(f"car.jpg\t{x}\t{y}\t{w}\t{h}\t01A123BC\n")
    path = own_preset(tmp_path)
    app = _app(recognize, bench_recognition)
    read = CliRunner().invoke(app, ["recognize", str(image), "--format", "json",
                                    "--preset-file", str(path)])
    assert read.exit_code == 0, read.output
    assert json.loads(read.output.strip().splitlines()[-1])["plates"]
    out = tmp_path / "report.json"
    bench = CliRunner().invoke(app, [
        "recognition", "--dataset", str(tmp_path / "data"), "--split", "all",
        "--preset", "platewarden", "--preset-file", str(path), "--json-out", str(out)])
    assert bench.exit_code == 0, bench.output
    assert set(json.loads(out.read_text())["real"]) == {"platewarden", "local-crnn"}
    bad = CliRunner().invoke(app, ["recognize", str(image), "--preset-file",
                                   str(tmp_path / "absent.json")])
    assert bad.exit_code == 2
    assert "cannot be read" in bad.output


def test_the_documented_example_is_a_valid_preset_file(tmp_path: Path) -> None:
    doc = (Path(__file__).parents[3] / "docs" / "recognition.md").read_text(encoding="utf-8")
    blocks = [b.split("```", 1)[0] for b in doc.split("```json\n")[1:]]
    example = next(b for b in blocks if '"local-v6"' in b)
    config = load_preset_file(_write(tmp_path / "local-v6.json", json.loads(example)))
    assert config.name == "local-v6"
    assert config.reader["reader"]["model"] == "local-v6.onnx"  # not beside it: left as is
    shutil.copy(models_dir() / "plate-reader-ppocrv6.onnx", tmp_path / "local-v6.onnx")
    assert recognizer_from_file(tmp_path / "local-v6.json").config.min_detection == 0.1


def test_a_bare_name_both_shipped_and_beside_the_file_is_refused_and_dot_slash_picks_the_file(
        tmp_path: Path) -> None:
    # A run's output written under a shipped model's name beside the preset file once made
    # a "shipped" pair silently read the run's model.
    shutil.copy(models_dir() / "plate-reader-crnn.onnx", tmp_path / "plate-reader-crnn.onnx")
    reader = {"type": "crnn-onnx", "model": "plate-reader-crnn.onnx"}
    doc = {"name": "x", "detector": dict(PRESETS["platewarden"].detector), "reader": reader}
    with pytest.raises(BackendError) as caught:
        load_preset_file(_write(tmp_path / "ambiguous.json", doc))
    assert "'./plate-reader-crnn.onnx'" in str(caught.value)
    doc["reader"] = {**reader, "model": "./plate-reader-crnn.onnx"}
    config = load_preset_file(_write(tmp_path / "explicit.json", doc))
    assert config.reader["model"] == str((tmp_path / "plate-reader-crnn.onnx").resolve())
    (tmp_path / "plate-reader-crnn.onnx").unlink()  # no file beside it: the shipped one
    assert load_preset_file(tmp_path / "ambiguous.json").reader["model"] == \
        "plate-reader-crnn.onnx"
