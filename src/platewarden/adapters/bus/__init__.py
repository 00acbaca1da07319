"""adapters/bus package."""
