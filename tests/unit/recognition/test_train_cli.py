"""``platewarden train reader`` refuses clearly what it cannot do (no training runs here)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import typer
from typer.testing import CliRunner

from platewarden.cli.detector import train_detector
from platewarden.cli.recognition import train_reader


def _app() -> typer.Typer:
    app = typer.Typer()
    app.command("reader")(train_reader)
    app.command("detector")(train_detector)
    return app


def test_training_without_its_extra_or_with_an_unknown_arch_is_a_clear_error(
        tmp_path: Path) -> None:
    result = CliRunner().invoke(_app(), [
        "reader", "--data", str(tmp_path), "--arch", "no-such-arch", "--out",
        str(tmp_path / "m.onnx")])
    assert result.exit_code == 2
    if importlib.util.find_spec("torch") is None:
        assert "'train' extra" in result.output
    else:
        assert "--arch must be one of crnn, ppocr-v4" in result.output
    assert not (tmp_path / "m.onnx").exists()


def test_train_init_names_a_shipped_reader_or_is_a_clear_error(tmp_path: Path) -> None:
    missing = CliRunner().invoke(_app(), [
        "reader", "--data", str(tmp_path), "--init", "no-such-weights.pt",
        "--out", str(tmp_path / "m.onnx")])
    assert missing.exit_code == 2
    assert "--init" in missing.output
    assert "not found" in missing.output
    shipped = CliRunner().invoke(_app(), [
        "reader", "--data", str(tmp_path), "--init", "plate-reader-crnn.pt",
        "--arch", "no-such-arch", "--out", str(tmp_path / "m.onnx")])
    # Past the weights lookup: refused for the arch (or the missing extra), not for --init.
    assert shipped.exit_code == 2
    assert "--init" not in shipped.output
    assert not (tmp_path / "m.onnx").exists()


def test_train_detector_without_ultralytics_or_weights_is_a_clear_error(
        tmp_path: Path) -> None:
    result = CliRunner().invoke(_app(), ["detector", "--data", str(tmp_path), "--init",
                                      str(tmp_path / "missing.pt"), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    if importlib.util.find_spec("ultralytics") is None:
        assert "needs ultralytics" in result.output
    else:
        assert "--init: no such file" in result.output
    assert not (tmp_path / "o").exists()
