"""Helpers shared by the test suites (factories, a real server in a thread)."""
