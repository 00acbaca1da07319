"""Request and response shapes of the HTTP API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Sha256Hex = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
Nonce = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{16,64}$")]
Identifier = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.:-]{1,128}$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ImageIn(_Strict):
    """An evidence object a read refers to."""

    role: Literal["plate", "overview", "clip"]
    sha256: Sha256Hex
    content_type: Literal["image/jpeg", "image/png", "video/mp4"]
    size_bytes: Annotated[int, Field(ge=1)]


class AlternativeIn(_Strict):
    """Another reading of the plate."""

    text: Annotated[str, StringConstraints(min_length=1, max_length=16)]
    confidence: Annotated[float, Field(ge=0, le=1)]


class ReadIn(_Strict):
    """One read in a camera envelope."""

    read_id: Identifier
    captured_at: datetime
    clock_sync: Literal["synced", "degraded", "unsynced"]
    plate: Annotated[str, StringConstraints(min_length=1, max_length=16,
                                            pattern=r"^[A-Za-z0-9 -]+$")]
    confidence: Annotated[float, Field(ge=0, le=1)]
    alternatives: Annotated[list[AlternativeIn], Field(max_length=10)] = []
    vehicle_class: Literal["car", "truck", "bus", "motorcycle", "van"] | None = None
    lane: Annotated[int, Field(ge=1, le=12)] | None = None
    direction: Annotated[str, StringConstraints(max_length=200)] | None = None
    speed_kmh: Annotated[float, Field(ge=0, le=500)] | None = None
    speed_method: Literal["radar", "lidar", "loop", "video"] | None = None
    signal_phase: Literal["green", "amber", "red"] | None = None
    time_into_red_s: Annotated[float, Field(ge=0, le=600)] | None = None
    images: Annotated[list[ImageIn], Field(max_length=4)] = []


class EnvelopeIn(_Strict):
    """A signed message from one camera carrying one or more reads."""

    camera_id: Identifier
    sent_at: datetime
    nonce: Nonce
    reads: Annotated[list[ReadIn], Field(min_length=1)]
    blobs: dict[Sha256Hex, str] = {}
    signature: Annotated[str, StringConstraints(min_length=1, max_length=200)]


class ReadResultOut(BaseModel):
    """What happened to one read."""

    read_id: str
    status: Literal["accepted", "duplicate"]


class IngestOut(BaseModel):
    """Acknowledgement of an envelope: every read is durably stored."""

    results: list[ReadResultOut]


class LoginIn(_Strict):
    """Credentials."""

    username: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    password: Annotated[str, StringConstraints(min_length=1, max_length=256)]


class TokenOut(BaseModel):
    """A bearer token, shown once."""

    token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 - the scheme name, not a secret
    expires_at: datetime


class CameraIn(_Strict):
    """An admin's registration of a camera."""

    camera_id: Identifier
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    latitude: Annotated[float, Field(ge=-90, le=90)]
    longitude: Annotated[float, Field(ge=-180, le=180)]
    road: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    direction: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    lanes: Annotated[int, Field(ge=1, le=12)]
    kind: Literal["spot-speed", "section-point", "red-light", "lane", "anpr"]
    speed_limit_kmh: Annotated[int, Field(ge=5, le=200)] | None = None
    calibration_certificate: Annotated[str, StringConstraints(max_length=100)] | None = None
    calibration_expires_at: datetime | None = None
    region_code: Annotated[str, StringConstraints(pattern=r"^\d{2}$")] = "01"


class CameraOut(BaseModel):
    """A camera as operators see it."""

    id: str
    name: str
    latitude: float
    longitude: float
    road: str
    direction: str
    lanes: int
    kind: str
    speed_limit_kmh: int | None
    calibration_certificate: str | None
    calibration_expires_at: datetime | None
    enabled: bool
    region_code: str


class RegisteredCameraOut(BaseModel):
    """A new camera with its private key: shown once, never stored by the server."""

    camera: CameraOut
    private_key_b64: str


class ImageOut(BaseModel):
    """An evidence reference; fetch the bytes from ``url``."""

    role: str
    sha256: str
    content_type: str
    size_bytes: int
    url: str


class ReadOut(BaseModel):
    """A read as evidence of a violation or alert."""

    id: str
    camera_id: str
    captured_at: datetime
    clock_sync: str
    plate: str
    plate_raw: str
    country: str
    region: str | None
    plate_format: str
    confidence: float
    vehicle_class: str | None
    lane: int | None
    speed_kmh: float | None
    speed_method: str | None
    signal_phase: str | None
    time_into_red_s: float | None
    images: list[ImageOut]


class ViolationOut(BaseModel):
    """A violation awaiting or after review."""

    id: str
    type: str
    plate: str
    camera_id: str
    occurred_at: datetime
    read_ids: list[str]
    measured: float
    limit: float
    tolerance: str
    clock_sync: str
    status: str
    details: dict[str, str]


class ViolationDetailOut(ViolationOut):
    """A violation with its evidence."""

    reads: list[ReadOut]


class ReviewIn(_Strict):
    """A reviewer's decision."""

    decision: Literal["confirmed", "rejected"]
    note: Annotated[str, StringConstraints(max_length=2000)] | None = None


class AlertOut(BaseModel):
    """A hotlist alert."""

    id: str
    kind: str
    plate: str
    listed_plate: str
    camera_id: str
    occurred_at: datetime
    priority: int
    status: str


class AlertDetailOut(AlertOut):
    """An alert with its read."""

    read: ReadOut | None


class MeOut(BaseModel):
    """The logged-in user."""

    username: str
    roles: list[str]
    permissions: list[str]
