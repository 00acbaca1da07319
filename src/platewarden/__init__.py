"""Platewarden: a licence-plate camera platform for traffic enforcement."""

__version__ = "0.1.0"
