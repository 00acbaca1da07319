"""Errors services raise, each with a machine-readable code the API maps to a 4xx status."""

from __future__ import annotations

STATUS_BY_CODE: dict[str, int] = {
    "malformed_json": 400,
    "invalid_field": 422,
    "unknown_camera": 401,
    "bad_signature": 401,
    "clock_skew": 401,
    "camera_disabled": 403,
    "replayed_nonce": 409,
    "read_id_conflict": 409,
    "image_hash_mismatch": 422,
    "image_missing": 422,
    "not_an_image": 422,
    "body_too_large": 413,
    "batch_too_large": 413,
    "unauthenticated": 401,
    "forbidden": 403,
    "not_found": 404,
    "conflict": 409,
    "invalid_credentials": 401,
    "weak_password": 422,
    "rate_limited": 429,
    "invalid_csv": 422,
    "own_proposal": 403,
    # Files attached to an appeal (services.appeal_attachments).
    "too_many_attachments": 422,
    "attachment_empty": 422,
    "attachment_too_large": 413,
    "attachment_type_unsupported": 415,
    "attachment_unreadable": 422,
    # A payment provider's webhook request signed too long ago (or ahead): a replay.
    "stale_timestamp": 401,
    # Not a refusal: the event log did not confirm storage, nothing was acknowledged, and
    # the camera retries later (its client treats every 5xx so).
    "log_unavailable": 503,
}


class ServiceError(Exception):
    """A refusal the caller can act on."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    @property
    def status(self) -> int:
        """The HTTP status for this code (422 when unmapped)."""
        return STATUS_BY_CODE.get(self.code, 422)


class IngestError(ServiceError):
    """A camera's request was refused."""


class NotFound(ServiceError):
    """The object does not exist (or the caller may not know it does)."""

    def __init__(self, message: str = "No such object.") -> None:
        super().__init__("not_found", message)
