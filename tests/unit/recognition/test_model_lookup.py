"""Model and weights names: a shipped name always means the shipped file, and every one ships."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from platewarden.recognition.backends.onnx import models_dir, resolve_model
from platewarden.recognition.errors import BackendError

_ROOT = Path(__file__).resolve().parents[3]


def test_a_shipped_name_means_the_shipped_file_even_beside_a_file_of_that_name(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The training commands write plate-reader-*.onnx into the working folder.
    (tmp_path / "plate-reader-crnn.onnx").write_bytes(b"an operator's own model")
    monkeypatch.chdir(tmp_path)
    assert resolve_model("plate-reader-crnn.onnx") == models_dir() / "plate-reader-crnn.onnx"
    assert resolve_model("./plate-reader-crnn.onnx").read_bytes() == b"an operator's own model"


def test_files_that_are_not_shipped_resolve_as_paths(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "local.onnx").write_bytes(b"x")
    monkeypatch.chdir(tmp_path)
    assert resolve_model("local.onnx") == Path("local.onnx")
    assert resolve_model(str(tmp_path / "local.onnx")) == tmp_path / "local.onnx"
    with pytest.raises(BackendError, match="not found"):
        resolve_model("missing.onnx")


@pytest.mark.parametrize("name", ["plate-reader-crnn.pt", "plate-reader-ppocrv4.pt",
                                  "plate-reader-ppocrv6.pt"])
def test_each_shipped_reader_has_weights_to_fine_tune_from(name: str) -> None:
    assert resolve_model(name) == models_dir() / name


def test_every_model_file_is_in_the_package_data() -> None:
    """A file the package-data globs miss is absent from an installed wheel."""
    config = tomllib.loads((_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    package = _ROOT / "src" / "platewarden"
    patterns = config["tool"]["setuptools"]["package-data"]["platewarden"]
    shipped = {p for pattern in patterns for p in package.glob(pattern) if p.is_file()}
    model_files = {p for p in models_dir().iterdir() if p.is_file()}
    assert model_files, "no model files found"
    assert sorted(p.name for p in model_files - shipped) == []
