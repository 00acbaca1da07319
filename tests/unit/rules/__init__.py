"""Unit tests of the violation and hotlist rules."""
