"""Errors raised by the recognition pipeline."""

from __future__ import annotations


class RecognitionError(Exception):
    """Base class of recognition errors."""


class ImageError(RecognitionError, ValueError):
    """An input that is not a readable image or video (empty, truncated, too large, other)."""


class BackendError(RecognitionError):
    """A detector or reader backend that is unknown, misconfigured or missing its model."""
