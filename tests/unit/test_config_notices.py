"""Fine schedules in settings: read from TOML with effective dates; mistakes stop start-up."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import ValidationError

from platewarden.config import load_settings
from platewarden.domain.fines import Offence, assess
from platewarden.domain.violations import ViolationType

TWO_SCHEDULES = """
[notices]
time_zone = "Asia/Tashkent"

[[notices.schedules]]
id = "2025"
effective_from = 2025-01-01
base_amount_som = 340000

[[notices.schedules]]
id = "2026"
effective_from = 2026-01-01
base_amount_som = 412000
discount_percent = 50
discount_window_days = 10

[[notices.schedules.offences]]
type = "spot-speed"
legal_basis = "Art. 128-3"
bands = [{up_to_excess_kmh = 20, amount_som = 300000, penalty_points = 1},
         {base_multiple = 2, penalty_points = 3}]
"""


def test_schedules_come_from_the_file_and_switch_on_their_day(tmp_path: Path) -> None:
    (tmp_path / "platewarden.toml").write_text(TWO_SCHEDULES)
    notices = load_settings(data_dir=tmp_path).notices
    schedules = notices.fine_schedules()
    assert [s.id for s in schedules] == ["2025", "2026"]
    assert schedules[1].offences[0].bands[1].base_multiple == Decimal(2)
    at = datetime(2026, 3, 1, 9, tzinfo=UTC)
    fine = assess(Offence(type=ViolationType.SPOT_SPEED, occurred_at=at, measured=125,
                          limit=100), schedules, issued_at=at, tz=notices.tz())
    assert (fine.schedule_id, fine.amount_som, fine.discounted_som) == ("2026", 824_000, 412_000)
    old = assess(Offence(type=ViolationType.SPOT_SPEED, occurred_at=at.replace(year=2025),
                         measured=125, limit=100), schedules, issued_at=at, tz=notices.tz())
    assert (old.schedule_id, old.amount_som) == ("2025", 340_000)  # default band: 1 x base


def test_the_default_schedule_fines_every_violation_type(tmp_path: Path) -> None:
    notices = load_settings(data_dir=tmp_path).notices
    (schedule,) = notices.fine_schedules()
    assert schedule.effective_from == date(2024, 1, 1)
    assert {o.type for o in schedule.offences} == set(ViolationType)


@pytest.mark.parametrize("content", [
    '[notices]\ntime_zone = "Mars/Olympus"\n',
    '[notices]\nlanguage = "uz"\n',
    '[notices]\ndefault_language = "de"\n',
    '[[notices.schedules]]\nid = "a"\neffective_from = 2025-01-01\n'
    '[[notices.schedules]]\nid = "b"\neffective_from = 2025-01-01\n',
    '[[notices.schedules]]\nid = "a"\neffective_from = 2025-01-01\ndiscount_window_days = 40\n',
    '[[notices.schedules]]\nid = "a"\neffective_from = 2025-01-01\n'
    '[[notices.schedules.offences]]\ntype = "red-light"\nlegal_basis = "x"\n'
    'bands = [{amount_som = 1, base_multiple = 1}]\n',
    '[[notices.schedules]]\nid = "a"\neffective_from = 2025-01-01\n'
    '[[notices.schedules.offences]]\ntype = "spot-speed"\nlegal_basis = "x"\n'
    'bands = [{amount_som = 1}, {up_to_excess_kmh = 20, amount_som = 2}]\n',
])
def test_bad_schedules_stop_start_up(tmp_path: Path, content: str) -> None:
    (tmp_path / "platewarden.toml").write_text(content)
    with pytest.raises(ValidationError):
        load_settings(data_dir=tmp_path)


SECRET = "k3Jd9vQ2xP7mZ4wR8tY1uL6oN5bH0cVa"


@pytest.mark.parametrize("secret", ["changeme", "x" * 40, "CHANGEME-please-0123456789abcdefgh",
                                    "short-but-random-7Hq"])
def test_a_placeholder_webhook_secret_stops_start_up_without_being_echoed(
        tmp_path: Path, secret: str) -> None:
    with pytest.raises(ValidationError) as refused:
        load_settings(data_dir=tmp_path, notices={"payment_webhook_secret": secret})
    assert "payment_webhook_secret" in str(refused.value)
    assert secret not in str(refused.value)


def test_the_webhook_is_off_by_default_and_its_secret_never_shows(tmp_path: Path) -> None:
    assert load_settings(data_dir=tmp_path).notices.payment_webhook_secret is None
    settings = load_settings(data_dir=tmp_path, notices={"payment_webhook_secret": SECRET})
    assert settings.notices.payment_webhook_secret is not None
    assert settings.notices.payment_webhook_secret.get_secret_value() == SECRET
    assert SECRET not in repr(settings)
    assert SECRET not in str(settings.model_dump())
