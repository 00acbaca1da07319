"""ONNX Runtime sessions and model lookup shared by the backends."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import onnxruntime as ort

from platewarden.recognition.errors import BackendError


def models_dir() -> Path:
    """Folder of the weights shipped inside the package."""
    return Path(str(resources.files("platewarden.recognition").joinpath("models")))


def resolve_model(name: str) -> Path:
    """A model path: an existing file, or the name of a shipped model.

    Raises:
        BackendError: When neither exists.
    """
    direct = Path(name)
    if direct.is_file():
        return direct
    shipped = models_dir() / name
    if shipped.is_file():
        return shipped
    raise BackendError(f"model {name!r} not found (no such file, not a shipped model)")


def make_session(path: Path, *, threads: int = 1) -> Any:
    """An ONNX Runtime CPU session; spinning off so two sessions on few cores don't fight."""
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.log_severity_level = 3
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
