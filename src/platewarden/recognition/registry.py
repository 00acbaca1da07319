"""Detector and reader backends behind a registry keyed by a ``type`` config entry.

A backend config is a mapping such as ``{"type": "yolo-onnx", "model": "path.onnx"}``;
:func:`build_detector` and :func:`build_reader` look the type up and pass the whole mapping
to the registered factory, so new backends plug in without touching the pipeline.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from platewarden.recognition.errors import BackendError
from platewarden.recognition.imageio import Frame
from platewarden.recognition.types import Detection, Reading

Config = Mapping[str, Any]


class Detector(Protocol):
    """Finds plates in a BGR frame."""

    name: str

    def detect(self, frame: Frame) -> list[Detection]:
        """Plates in ``frame``, best score first."""
        ...


class Reader(Protocol):
    """Reads the text of BGR plate crops."""

    name: str

    def read(self, crops: Sequence[Frame]) -> list[Reading]:
        """One reading per crop, in order."""
        ...


@dataclass(frozen=True, slots=True)
class Draft:
    """A reading before its costly post-processing, with what that needs (``lattice``)."""

    reading: Reading
    lattice: Any


@runtime_checkable
class DraftingReader(Reader, Protocol):
    """A reader whose costly post-processing can run on chosen readings only.

    ``read`` equals ``finish`` over ``draft``; a wrapper that keeps some readings of many
    (the trims reader) drafts them all and finishes only the ones it keeps.
    """

    def draft(self, crops: Sequence[Frame]) -> list[Draft]:
        """One draft per crop, in order."""
        ...

    def finish(self, draft: Draft) -> Reading:
        """The drafted reading, post-processed."""
        ...


DetectorFactory = Callable[[Config], Detector]
ReaderFactory = Callable[[Config], Reader]
_DETECTORS: dict[str, DetectorFactory] = {}
_READERS: dict[str, ReaderFactory] = {}


def register_detector(type_name: str) -> Callable[[DetectorFactory], DetectorFactory]:
    """Decorator registering a detector factory under ``type_name``."""

    def wrap(factory: DetectorFactory) -> DetectorFactory:
        _DETECTORS[type_name] = factory
        return factory

    return wrap


def register_reader(type_name: str) -> Callable[[ReaderFactory], ReaderFactory]:
    """Decorator registering a reader factory under ``type_name``."""

    def wrap(factory: ReaderFactory) -> ReaderFactory:
        _READERS[type_name] = factory
        return factory

    return wrap


def _ensure_builtins() -> None:
    # Importing the backend modules registers them; done lazily to keep imports cheap.
    from platewarden.recognition import backends  # noqa: F401


def detector_types() -> list[str]:
    """Registered detector types."""
    _ensure_builtins()
    return sorted(_DETECTORS)


def reader_types() -> list[str]:
    """Registered reader types."""
    _ensure_builtins()
    return sorted(_READERS)


def build_detector(config: Config) -> Detector:
    """Build the detector that ``config["type"]`` names.

    Raises:
        BackendError: When the type is missing or unknown.
    """
    _ensure_builtins()
    kind = config.get("type")
    if not isinstance(kind, str) or kind not in _DETECTORS:
        raise BackendError(f"unknown detector type {kind!r}; known: {sorted(_DETECTORS)}")
    return _DETECTORS[kind](config)


def build_reader(config: Config) -> Reader:
    """Build the reader that ``config["type"]`` names.

    Raises:
        BackendError: When the type is missing or unknown.
    """
    _ensure_builtins()
    kind = config.get("type")
    if not isinstance(kind, str) or kind not in _READERS:
        raise BackendError(f"unknown reader type {kind!r}; known: {sorted(_READERS)}")
    return _READERS[kind](config)
