"""Keyed pseudonyms of plates, one HMAC key per capture day.

Plates are few enough to enumerate, so a plain hash would hide nothing: the pseudonym is
HMAC-SHA256 under the day's key from the keyring. Someone who knows a plate and may search
for it (a purpose-bound exact search) can compute the pseudonyms for the days of the window
and find the reads; nobody can turn a pseudonym back into a plate or list the plates. When
retention destroys a day's key, that day's pseudonyms stop matching anything, in backups too.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from datetime import datetime, timedelta

from platewarden.domain.reads import PlateRead
from platewarden.domain.retention import day_name, day_start
from platewarden.services.privacy_ports import Keyring, PrivacyRepository
from platewarden.services.unit_of_work import UnitOfWork

PSEUDONYM_PURPOSE = "pseudonym"
_MAX_DAYS = 3700


class Pseudonymiser:
    """Computes plate pseudonyms with per-day keys."""

    def __init__(self, *, keyring: Keyring) -> None:
        self._keyring = keyring

    def pseudonym(self, plate: str, *, captured_at: datetime) -> str:
        """The pseudonym of ``plate`` (normalised text) for a read captured at ``captured_at``.

        Raises:
            KeyDestroyed: the day's key is gone (nothing of that day is kept any more).
        """
        _, key = self._keyring.ensure(f"{PSEUDONYM_PURPOSE}/{day_name(captured_at)}")
        return _hmac(key, plate)

    def candidates(self, plate: str, *, start: datetime, end: datetime) -> list[str]:
        """The pseudonyms ``plate`` has on each day of the window whose key still exists."""
        found = []
        day = day_start(start)
        for _ in range(_MAX_DAYS):
            if day > end:
                break
            name = f"{PSEUDONYM_PURPOSE}/{day_name(day)}"
            if self._keyring.exists(name):
                found.append(_hmac(self._keyring.key(name), plate))
            day += timedelta(days=1)
        return found


def _hmac(key: bytes, plate: str) -> str:
    return hmac.new(key, plate.encode("utf-8"), hashlib.sha256).hexdigest()


class PseudonymousReads:
    """Finds pseudonymised reads for an exact plate: what the search service adds.

    ``repository`` gives the privacy repository on the search's own unit of work, so the
    lookup shares its transaction (and its audit entry).
    """

    def __init__(self, *, pseudonymiser: Pseudonymiser,
                 repository: Callable[[UnitOfWork], PrivacyRepository]) -> None:
        self._pseudonymiser = pseudonymiser
        self._repository = repository

    def find(self, uow: UnitOfWork, plate: str, *, start: datetime, end: datetime,
             limit: int, camera_regions: frozenset[str] | None) -> list[PlateRead]:
        """Reads of ``plate`` in the window whose plate text was replaced by its pseudonym.

        ``camera_regions`` limits them to cameras in those regions (``None``: everywhere).
        """
        candidates = self._pseudonymiser.candidates(plate, start=start, end=end)
        return self._repository(uow).find_pseudonymised(
            candidates, start=start, end=end, limit=limit, camera_regions=camera_regions)
