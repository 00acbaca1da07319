"""Operational tools that look at a whole installation (``platewarden doctor``)."""
