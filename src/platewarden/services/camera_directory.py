"""A short-lived cache of cameras for the ingest path.

Every signed request names its camera; reading the camera row for each one cost more than
verifying the signature. Changes made through this process take effect at once
(``invalidate``); changes made by another process (``platewarden camera disable`` while the
server runs) take effect within ``ttl_s``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from platewarden.domain.cameras import Camera
from platewarden.services.unit_of_work import UnitOfWorkFactory


class CameraDirectory:
    """Cameras by id, re-read from the database at most every ``ttl_s`` seconds."""

    def __init__(self, *, uow_factory: UnitOfWorkFactory, ttl_s: float,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self._uow_factory = uow_factory
        self._ttl_s = ttl_s
        self._monotonic = monotonic
        self._entries: dict[str, tuple[float, Camera | None]] = {}
        self._lock = threading.Lock()

    def get(self, camera_id: str) -> Camera | None:
        """The camera, or ``None`` if no camera has that id (also cached, briefly)."""
        now = self._monotonic()
        with self._lock:
            cached = self._entries.get(camera_id)
        if cached is not None and now - cached[0] < self._ttl_s:
            return cached[1]
        with self._uow_factory(read_only=True) as uow:
            camera = uow.cameras.get(camera_id)
        with self._lock:
            if len(self._entries) > 100_000:  # unknown ids must not grow it without bound
                self._entries.clear()
            self._entries[camera_id] = (now, camera)
        return camera

    def invalidate(self, camera_id: str) -> None:
        """Forget one camera (after a change made through this process)."""
        with self._lock:
            self._entries.pop(camera_id, None)
