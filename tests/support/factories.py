"""Factories for settings, containers, users and signed camera traffic."""

from __future__ import annotations

import io
import itertools
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from PIL import Image

from platewarden.adapters.crypto import Argon2PasswordHasher
from platewarden.bootstrap import Container, bootstrap
from platewarden.camera.payloads import Attachment, ReadPayload
from platewarden.config import Settings
from platewarden.domain.access import EVERYWHERE, RegionScope, Role
from platewarden.domain.messages import RegisterCamera

PASSWORD = "correct-horse-battery-staple"
_counter = itertools.count(1)


def make_settings(data_dir: Path, **overrides: Any) -> Settings:
    """Settings for a throw-away installation in ``data_dir``."""
    return Settings(data_dir=data_dir, **overrides)


def make_container(data_dir: Path, **overrides: Any) -> Container:
    """A started container with a fast (test-only) password hasher."""
    # Suites log many users in from one address; the limit itself has its own tests.
    overrides.setdefault("login_attempts_per_min", 10_000)
    container = bootstrap(make_settings(data_dir, **overrides),
                          hasher=Argon2PasswordHasher(fast_for_tests=True))
    container.start()
    return container


def make_user(container: Container, *roles: Role, username: str | None = None,
              regions: RegionScope = EVERYWHERE) -> str:
    """Create a user holding ``roles``; returns the user name (password: ``PASSWORD``)."""
    name = username or f"user{next(_counter)}"
    container.accounts.create_user(username=name, password=PASSWORD, roles=frozenset(roles),
                                   regions=regions)
    return name


def register_camera(container: Container, *, camera_id: str | None = None,
                    kind: str = "anpr", speed_limit_kmh: int | None = None,
                    **extra: Any) -> tuple[str, bytes]:
    """Register a camera; returns its id and raw private key."""
    cid = camera_id or f"cam-{next(_counter)}"
    registered = container.cameras.register(RegisterCamera(
        camera_id=cid, name=f"Camera {cid}", latitude=41.3, longitude=69.24,
        road="Amir Temur Avenue", direction="north", lanes=3, kind=kind,
        speed_limit_kmh=speed_limit_kmh,
        calibration_expires_at=datetime(2030, 1, 1, tzinfo=UTC), **extra))
    return cid, registered.private_key


def jpeg_bytes(*, size: tuple[int, int] = (120, 40), seed: int = 0) -> bytes:
    """A small real JPEG."""
    rng = random.Random(seed)
    image = Image.new("RGB", size, (rng.randrange(256), rng.randrange(256), 200))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return out.getvalue()


def pdf_bytes(*pages: str) -> bytes:
    """A small real PDF (fpdf2) with one page of text per argument."""
    from fpdf import FPDF  # only the tests that need a PDF pay for the import

    document = FPDF()
    document.set_font("helvetica", size=12)
    for text in pages or ("Sale contract",):
        document.add_page()
        document.cell(text=text)
    return bytes(document.output())


def make_read(*, plate: str = "01A123BC", captured_at: datetime | None = None,
              read_id: str | None = None, images: tuple[Attachment, ...] | None = None,
              **fields: Any) -> ReadPayload:
    """A read as a camera would send it, with a plate crop by default."""
    return ReadPayload(
        read_id=read_id or f"r{next(_counter)}",
        captured_at=captured_at or datetime.now(UTC) - timedelta(seconds=1),
        plate=plate, confidence=0.95,
        images=images if images is not None else (
            Attachment(role="plate", content_type="image/jpeg",
                       data=jpeg_bytes(seed=next(_counter))),),
        **fields)
