"""Presets from a JSON file: an operator's own models beside the shipped ones.

A fine-tuned reader (``platewarden train reader``) is an ONNX file outside the package. A
preset file names it in the same ``type``-keyed backend configs the shipped presets use::

    {"name": "local-v6",
     "detector": {"type": "yolov8-onnx", "model": "plate-detector-yolov8n-416.onnx",
                  "size": 416, "score": 0.1},
     "reader": {"type": "two-line",
                "reader": {"type": "crnn-onnx", "model": "local-v6.onnx", "grammar_fit": true}},
     "rectify": false, "margin_x": 0, "margin_y": 0, "min_detection": 0.1}

``model`` values are shipped model names or paths; a relative path is taken from the
preset file's folder first. A bare name that is both a shipped model and a file beside the
preset file is refused: which reader a figure or a reading came from must never be a guess
(write ``./NAME`` for the file beside it). Unknown keys are errors, as in the settings.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from platewarden.recognition.backends.onnx import is_bare_name, models_dir
from platewarden.recognition.errors import BackendError
from platewarden.recognition.pipeline import Recognizer, RecognizerConfig
from platewarden.recognition.presets import load_recognizer

_REQUIRED = {"name": str, "detector": dict, "reader": dict}
_OPTIONAL: dict[str, tuple[type, ...]] = {
    "rectify": (bool,), "margin_x": (int, float), "margin_y": (int, float),
    "min_detection": (int, float), "max_plates": (int,), "grammar": (str,)}


def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BackendError(f"preset file {path} cannot be read: {exc.strerror}") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BackendError(f"preset file {path} is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise BackendError(f"preset file {path} must hold one JSON object")
    return data


def _check(data: Mapping[str, Any], path: Path) -> None:
    unknown = sorted(set(data) - set(_REQUIRED) - set(_OPTIONAL))
    if unknown:
        raise BackendError(f"preset file {path}: unknown key(s) {unknown}; known: "
                           f"{sorted([*_REQUIRED, *_OPTIONAL])}")
    for key, kind in _REQUIRED.items():
        if not isinstance(data.get(key), kind):
            raise BackendError(f"preset file {path}: {key!r} is required ({kind.__name__})")
    for key, kinds in _OPTIONAL.items():
        value = data.get(key)
        # bool is an int in Python: a flag is no count, and a count is no flag.
        wrong_bool = isinstance(value, bool) and bool not in kinds
        if key in data and (not isinstance(value, kinds) or wrong_bool):
            raise BackendError(f"preset file {path}: {key!r} has the wrong type")
    for part in ("detector", "reader"):
        if not isinstance(data[part].get("type"), str):
            raise BackendError(f"preset file {path}: {part!r} needs a \"type\"")


def _anchor(config: Any, base: Path, path: Path) -> Any:
    """Backend configs with relative ``model`` paths taken from ``base`` where they exist."""
    if isinstance(config, list):
        return [_anchor(c, base, path) for c in config]
    if not isinstance(config, dict):
        return config
    out = {k: _anchor(v, base, path) for k, v in config.items()}
    model = out.get("model")
    if isinstance(model, str) and not Path(model).is_absolute() and (base / model).is_file():
        if is_bare_name(model) and (models_dir() / model).is_file():
            raise BackendError(
                f"preset file {path}: model {model!r} is both a shipped model and a file "
                f"beside the preset file; write './{model}' for the file beside it, or rename "
                "it (to use the shipped one)")
        out["model"] = str(base / model)
    return out


def load_preset_file(path: Path) -> RecognizerConfig:
    """The pipeline configuration a preset file describes.

    Raises:
        BackendError: When the file cannot be read, is not JSON, has unknown or missing
            keys, or names a model ambiguously. Backends and models are checked when the
            pipeline is built.
    """
    data = _read(path)
    _check(data, path)
    base = path.resolve().parent
    options = {k: data[k] for k in _OPTIONAL if k in data}
    return RecognizerConfig(detector=_anchor(data["detector"], base, path),
                            reader=_anchor(data["reader"], base, path), name=data["name"],
                            **options)


def recognizer_from_file(path: Path, *, grammar: str | None = None) -> Recognizer:
    """Build the recogniser of a preset file (``grammar`` overrides the file's).

    Raises:
        BackendError: As :func:`load_preset_file`, or when a backend or model is missing.
    """
    config = load_preset_file(path)
    try:
        return Recognizer(config if grammar is None else replace(config, grammar=grammar))
    except (KeyError, TypeError, ValueError) as exc:
        # A backend option missing or of the wrong kind: the backends read them unchecked.
        raise BackendError(f"preset file {path}: a backend option is missing or wrong "
                           f"({type(exc).__name__}: {exc})") from exc


def recognizer_for(preset: str | None, preset_file: Path | None, *,
                   grammar: str | None = None) -> Recognizer:
    """The recogniser of a shipped preset (the default when ``None``) or of a preset file.

    Raises:
        BackendError: When both are given, or as :func:`recognizer_from_file` and
            :func:`~platewarden.recognition.presets.load_recognizer`.
    """
    if preset_file is None:
        return load_recognizer(preset, grammar=grammar)
    if preset is not None:
        raise BackendError("give --preset or --preset-file, not both")
    return recognizer_from_file(preset_file, grammar=grammar)


def side_by_side(names: list[str], files: list[Path], *,
                 grammar: str | None = None) -> dict[str, Recognizer]:
    """Shipped presets by name, then each preset file's, keyed by name.

    Raises:
        BackendError: When a file's preset takes a name already used, or as above.
    """
    recognizers = {n: load_recognizer(n, grammar=grammar) for n in names}
    for path in files:
        recognizer = recognizer_from_file(path, grammar=grammar)
        if recognizer.config.name in recognizers:
            raise BackendError(f"preset file {path}: the name {recognizer.config.name!r} "
                               "is already taken")
        recognizers[recognizer.config.name] = recognizer
    return recognizers
