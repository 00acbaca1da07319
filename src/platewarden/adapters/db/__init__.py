"""adapters/db package."""
