"""adapters/evidence package."""
