"""The alert worker: hotlist hits leave the rules engine and reach the people on duty."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from platewarden.domain.messages import AlertRaised, Event

log = logging.getLogger(__name__)


class AlertDispatcher:
    """Hands raised alerts on; today to the log (ids and priority only, never plate text).

    Alerts are stored by the rules engine before they are published, so the review queue
    (``GET /api/v1/alerts``) has them whatever happens here; this is the push channel.
    """

    def __init__(self) -> None:
        self.dispatched = 0

    def on_alerts(self, events: Sequence[Event]) -> None:
        """Bus handler for ``AlertRaised``; a redelivered alert is dispatched again."""
        for event in events:
            if isinstance(event, AlertRaised):
                self.dispatched += 1
                log.info("alert %s… priority %d at camera %s", event.alert_id[:12],
                         event.priority, event.camera_id)
