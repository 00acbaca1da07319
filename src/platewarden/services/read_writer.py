"""The writer: reads from the event log into the database, many per transaction."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from platewarden.domain.messages import ReadRecorded, ReadStored
from platewarden.domain.reads import PlateRead
from platewarden.services.unit_of_work import UnitOfWorkFactory

log = logging.getLogger(__name__)


class ReadWriter:
    """Stores recorded reads exactly once, whatever the log redelivers."""

    def __init__(self, *, uow_factory: UnitOfWorkFactory) -> None:
        self._uow_factory = uow_factory

    def store(self, records: Sequence[ReadRecorded]) -> list[ReadStored]:
        """Insert the reads not stored yet, in one transaction.

        Reads are keyed by their platform-wide id, so a batch redelivered after a crash (before
        or after the commit) adds nothing the second time.

        Returns:
            One ``ReadStored`` per distinct read the database now holds with this content,
            new or stored before: announcing an old one again is harmless (evaluation is
            idempotent) and covers a crash between the commit and the announcement.
        """
        if not records:
            return []
        stored: dict[str, ReadStored] = {}
        new: dict[datetime, list[tuple[PlateRead, str]]] = defaultdict(list)
        envelopes: list[tuple[str, str, bytes]] = []
        conflicts = 0
        with self._uow_factory() as uow:
            digests = uow.reads.payload_digests([r.read.id for r in records])
            for record in records:
                read = record.read
                known = digests.get(read.id)
                if known is None:
                    digests[read.id] = record.payload_sha256
                    new[record.received_at].append((read, record.payload_sha256))
                    if record.envelope_sha256:
                        envelopes.append((read.id, record.envelope_sha256,
                                          record.camera_signature))
                elif known != record.payload_sha256:
                    conflicts += 1
                    continue
                stored[read.id] = ReadStored(read_id=read.id, plate_key=read.plate_key)
            for received_at, reads in new.items():
                uow.reads.add_many(reads, received_at=received_at)
            uow.reads.add_envelopes(envelopes)
            uow.commit()
        if conflicts:
            # Two ingest processes took one read id with different content inside the log's
            # duplicate window; the first stored wins, as it would have in one process.
            log.warning("%d read(s) in the log conflict with stored content; kept the first",
                        conflicts)
        return list(stored.values())
