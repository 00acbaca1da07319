"""Settings of notices: the fine schedules (with effective dates) and the legal time zone.

Part of the one typed settings object (``Settings.notices``); kept in its own module so the
schedules' shape is read in one place. The defaults are an illustration of the structure:
an installation sets the amounts and articles its law prescribes.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

from platewarden.domain.fines import FineBand, FineSchedule, OffenceFines
from platewarden.domain.notices import NOTICE_LANGUAGES
from platewarden.domain.violations import ViolationType

_LAW = "Code of the Republic of Uzbekistan on Administrative Responsibility"


class FineBandSettings(BaseModel):
    """One band: a fixed amount in som or a multiple of the base amount, and points."""

    model_config = ConfigDict(extra="forbid")
    up_to_excess_kmh: Annotated[Decimal, Field(gt=0)] | None = None
    amount_som: Annotated[int, Field(ge=0)] | None = None
    base_multiple: Annotated[Decimal, Field(ge=0)] | None = None
    penalty_points: Annotated[int, Field(ge=0, le=100)] = 0

    @model_validator(mode="after")
    def _one_amount(self) -> FineBandSettings:
        if (self.amount_som is None) == (self.base_multiple is None):
            raise ValueError("give either amount_som or base_multiple")
        return self


class OffenceFinesSettings(BaseModel):
    """The bands of one violation type; speed bands ordered by excess, the last open."""

    model_config = ConfigDict(extra="forbid")
    type: ViolationType
    legal_basis: Annotated[str, Field(min_length=1, max_length=200)]
    bands: Annotated[list[FineBandSettings], Field(min_length=1)]

    @model_validator(mode="after")
    def _ordered_bands(self) -> OffenceFinesSettings:
        bounds = [b.up_to_excess_kmh for b in self.bands]
        if any(b is None for b in bounds[:-1]):
            raise ValueError("only the last band may be open (no up_to_excess_kmh)")
        closed = [b for b in bounds if b is not None]
        if closed != sorted(set(closed)):
            raise ValueError("bands must be in increasing up_to_excess_kmh order")
        return self


def _speed() -> list[FineBandSettings]:
    return [FineBandSettings(up_to_excess_kmh=Decimal(20), base_multiple=Decimal("0.5"),
                             penalty_points=1),
            FineBandSettings(up_to_excess_kmh=Decimal(40), base_multiple=Decimal(1),
                             penalty_points=2),
            FineBandSettings(base_multiple=Decimal(3), penalty_points=4)]


def _default_offences() -> list[OffenceFinesSettings]:
    return [
        OffenceFinesSettings(type=ViolationType.SPOT_SPEED, legal_basis=_LAW,
                             bands=_speed()),
        OffenceFinesSettings(type=ViolationType.SECTION_SPEED, legal_basis=_LAW,
                             bands=_speed()),
        OffenceFinesSettings(type=ViolationType.RED_LIGHT, legal_basis=_LAW, bands=[
            FineBandSettings(base_multiple=Decimal(2), penalty_points=3)]),
        OffenceFinesSettings(type=ViolationType.RESTRICTED_LANE, legal_basis=_LAW, bands=[
            FineBandSettings(base_multiple=Decimal(1), penalty_points=1)]),
    ]


class FineScheduleSettings(BaseModel):
    """A schedule and the day (in the legal time zone) it comes into force."""

    model_config = ConfigDict(extra="forbid")
    id: Annotated[str, Field(min_length=1, max_length=40)]
    effective_from: date
    base_amount_som: Annotated[int, Field(ge=1)] = 375_000
    discount_percent: Annotated[Decimal, Field(ge=0, le=100)] = Decimal(30)
    discount_window_days: Annotated[int, Field(ge=0, le=365)] = 15
    due_days: Annotated[int, Field(ge=1, le=3650)] = 30
    repeat_window_days: Annotated[int, Field(ge=0, le=3650)] = 365
    repeat_multiplier: Annotated[Decimal, Field(ge=1, le=10)] = Decimal(2)
    offences: list[OffenceFinesSettings] = Field(default_factory=_default_offences)

    @model_validator(mode="after")
    def _windows(self) -> FineScheduleSettings:
        if self.discount_window_days > self.due_days:
            raise ValueError("discount_window_days cannot be longer than due_days")
        return self


MIN_SECRET_CHARS = 32
_PLACEHOLDER_WORDS = ("changeme", "change-me", "change_me", "placeholder", "example",
                      "replace", "your-secret", "your_secret", "secret-here", "xxxxxxxx")
FORM_BYTES = 64 * 1024  # an appeal's fields (text of 5,000 characters) and multipart framing


class NoticeSettings(BaseModel):
    """Fine schedules over time, the legal time zone, and the citizen look-up's limits."""

    model_config = ConfigDict(extra="forbid")
    time_zone: str = "Asia/Tashkent"
    default_language: str = "uz"
    # Where citizens check a notice (printed on it): the public look-up page of this server.
    look_up_url: Annotated[str, Field(min_length=8, max_length=200)] = \
        "http://127.0.0.1:8080/notice"
    schedules: Annotated[list[FineScheduleSettings], Field(min_length=1)] = [
        FineScheduleSettings(id="default", effective_from=date(2024, 1, 1))]
    lookups_per_client_per_min: Annotated[int, Field(ge=1, le=1000)] = 10
    lookups_per_notice_per_h: Annotated[int, Field(ge=1, le=1000)] = 20
    # How often ``serve`` marks notices past their due day overdue (0: never; cron instead).
    overdue_interval_s: Annotated[float, Field(ge=0, le=7 * 86400)] = 3600.0
    # Files a citizen may attach to an appeal (PDF, JPEG, PNG, recognised by their bytes).
    appeal_attachments_max: Annotated[int, Field(ge=0, le=10)] = 3
    appeal_attachment_max_bytes: Annotated[int, Field(ge=1024, le=50 * 1024 * 1024)] = \
        5 * 1024 * 1024
    # Images are decoded to strip their metadata: a bound on the pixels a small file can
    # unpack to (a "decompression bomb").
    appeal_attachment_max_pixels: Annotated[int, Field(ge=10_000, le=200_000_000)] = \
        40_000_000
    # PDFs are parsed and rewritten to strip metadata and scripts: a bound on that work.
    appeal_attachment_max_pdf_pages: Annotated[int, Field(ge=1, le=1000)] = 50
    # The payment provider's webhook: the shared HMAC secret (no default: unset, the route is
    # off), the provider name its payments are recorded under (the same name as its files',
    # so a payment both in a file and a webhook counts once), and how far a signed timestamp
    # may be from now (replays older than that are refused).
    payment_webhook_secret: SecretStr | None = None
    payment_webhook_provider: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")] = \
        "webhook"
    payment_webhook_window_s: Annotated[float, Field(ge=10, le=3600)] = 300.0

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("payment_webhook_secret")
    @classmethod
    def _real_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        text = value.get_secret_value()
        lowered = text.lower()
        if len(text) < MIN_SECRET_CHARS or len(set(text)) < 8 or any(
                word in lowered for word in _PLACEHOLDER_WORDS):
            # The message never repeats the value.
            raise ValueError(f"payment_webhook_secret must be a real random secret of at "
                             f"least {MIN_SECRET_CHARS} characters, not a placeholder")
        return value

    @field_validator("default_language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        if value not in NOTICE_LANGUAGES:
            raise ValueError(f"default_language is one of {', '.join(NOTICE_LANGUAGES)}")
        return value

    @field_validator("schedules")
    @classmethod
    def _distinct(cls, value: list[FineScheduleSettings]) -> list[FineScheduleSettings]:
        days = [s.effective_from for s in value]
        if len(set(days)) != len(days) or len({s.id for s in value}) != len(value):
            raise ValueError("schedules need distinct ids and effective_from days")
        return value

    def appeal_request_max_bytes(self) -> int:
        """The largest appeal request read: every attachment at its limit, plus the form."""
        return self.appeal_attachments_max * self.appeal_attachment_max_bytes + FORM_BYTES

    def tz(self) -> ZoneInfo:
        """The legal time zone."""
        return ZoneInfo(self.time_zone)

    def fine_schedules(self) -> tuple[FineSchedule, ...]:
        """The schedules as domain objects."""
        return tuple(_schedule(s) for s in self.schedules)


def _schedule(s: FineScheduleSettings) -> FineSchedule:
    return FineSchedule(
        id=s.id, effective_from=s.effective_from, base_amount_som=s.base_amount_som,
        discount_percent=s.discount_percent, discount_window_days=s.discount_window_days,
        due_days=s.due_days, repeat_window_days=s.repeat_window_days,
        repeat_multiplier=s.repeat_multiplier,
        offences=tuple(OffenceFines(
            type=o.type, legal_basis=o.legal_basis,
            bands=tuple(FineBand(up_to_excess_kmh=b.up_to_excess_kmh, amount_som=b.amount_som,
                                 base_multiple=b.base_multiple,
                                 penalty_points=b.penalty_points) for b in o.bands))
            for o in s.offences))
