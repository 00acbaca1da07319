"""The camera side of the ingest contract: signed payloads, keys and an HTTP client."""
