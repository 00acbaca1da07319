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
    """A model or weights path: the name of a shipped file, or an existing file.

    A bare name (no folder) of a shipped file always means the shipped one, even where the
    working folder holds a file of that name (the training commands write
    ``plate-reader-*.onnx`` there): a shipped preset must never read an operator's file by
    accident. Write ``./NAME`` for the file in the working folder.

    Raises:
        BackendError: When neither exists.
    """
    shipped = models_dir() / name
    if is_bare_name(name) and shipped.is_file():
        return shipped
    direct = Path(name)
    if direct.is_file():
        return direct
    raise BackendError(f"model {name!r} not found (no such file, not a shipped model)")


def is_bare_name(name: str) -> bool:
    """``name`` has no folder in it (so it may name a shipped file)."""
    return bool(name) and "/" not in name and "\\" not in name


def make_session(path: Path, *, threads: int = 1) -> Any:
    """An ONNX Runtime CPU session; spinning off so two sessions on few cores don't fight."""
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.log_severity_level = 3
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
