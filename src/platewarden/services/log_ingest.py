"""Ingest's durability point when accepted reads go to an external event log (JetStream).

The embedded default commits reads to the database before answering (``GroupCommitter``).
With an event log the camera is answered once the log has stored the reads; a writer that
consumes the log puts them in the database afterwards, in large batches. The checks stay
the same: a read id stored with other content is refused, a nonce is usable for one
envelope only (claimed atomically in the log, so every ingest process agrees), and images
are durable before the acknowledgement.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime

from platewarden.domain.messages import ReadRecorded
from platewarden.domain.reads import PlateRead
from platewarden.services.errors import IngestError
from platewarden.services.ingest import Envelope, ReadOutcome
from platewarden.services.ports import ReadLog
from platewarden.services.unit_of_work import UnitOfWorkFactory

log = logging.getLogger(__name__)


class CoalescedSync:
    """Many threads needing "everything written so far is durable" share one sync call.

    A caller returns once a sync that *started after it called* has finished, which is what
    it needs (its own writes were done before it called); callers arriving while one runs
    wait for the next, so at most two syncs are ever outstanding however many callers.
    """

    def __init__(self, sync: Callable[[], None]) -> None:
        self._sync = sync
        self._cond = threading.Condition()
        self._started = 0
        self._done = 0
        self._running = False

    def __call__(self) -> None:
        with self._cond:
            target = self._started + 1
            while self._done < target:
                if self._running:
                    self._cond.wait()
                    continue
                self._running = True
                self._started += 1
                generation = self._started
                self._cond.release()
                ok = False
                try:
                    self._sync()
                    ok = True
                finally:
                    self._cond.acquire()
                    self._running = False
                    if ok:
                        self._done = generation
                    self._cond.notify_all()


class LogJournal:
    """Decides and records one envelope in the event log; same contract as the group commit."""

    def __init__(self, *, uow_factory: UnitOfWorkFactory, log: ReadLog,
                 evidence_sync: Callable[[], None], clock: Callable[[], datetime]) -> None:
        self._uow_factory = uow_factory
        self._log = log
        self._sync = CoalescedSync(evidence_sync)
        self._clock = clock

    def run(self, envelope: Envelope) -> list[ReadOutcome]:
        """Store ``envelope``'s new reads in the log and say what happened to each.

        Raises:
            IngestError: ``read_id_conflict`` or ``replayed_nonce`` (nothing is recorded
                then), or ``log_unavailable`` when the log did not confirm (503: retry).
        """
        fresh = self._fresh_reads(envelope)
        command = envelope.command
        try:
            claimed = self._log.claim_nonce(camera_id=command.camera_id, nonce=command.nonce,
                                            envelope_sha256=envelope.envelope_sha256)
            if claimed is not None and claimed != envelope.envelope_sha256:
                raise IngestError("replayed_nonce", "This nonce was already used by this "
                                  "camera for a different message.")
            self._sync()  # the images behind the reads are durable before the reads are
            now = self._clock()
            appended = self._log.append([ReadRecorded(
                read=read, payload_sha256=digest, received_at=now,
                envelope_sha256=envelope.envelope_sha256, camera_signature=command.signature)
                for read, digest in fresh])
        except IngestError:
            raise
        except Exception as exc:  # a timeout, a lost connection, a full stream
            log.warning("the event log did not take an envelope: %s", type(exc).__name__)
            raise IngestError("log_unavailable", "The event log did not confirm storage; "
                              "nothing was acknowledged. Retry later.") from exc
        accepted = {read.id for (read, _), new in zip(fresh, appended, strict=True) if new}
        outcomes = []
        for read, _ in envelope.reads:
            status = "accepted" if read.id in accepted else "duplicate"
            accepted.discard(read.id)  # the same read twice in one envelope: once accepted
            outcomes.append(ReadOutcome(read_id=read.read_id, status=status))
        return outcomes

    def _fresh_reads(self, envelope: Envelope) -> list[tuple[PlateRead, str]]:
        """Reads the database does not hold yet; a read id held with other content refuses."""
        with self._uow_factory(read_only=True) as uow:
            stored = uow.reads.payload_digests([read.id for read, _ in envelope.reads])
        fresh: dict[str, tuple[PlateRead, str]] = {}
        for read, digest in envelope.reads:
            known = stored.get(read.id) or (fresh[read.id][1] if read.id in fresh else None)
            if known is not None and known != digest:
                raise IngestError("read_id_conflict", f"Read id {read.read_id} was already "
                                  "stored with different content.")
            if read.id not in stored:
                fresh.setdefault(read.id, (read, digest))
        return list(fresh.values())

    def stop(self) -> None:
        """Nothing is queued here: every call finished before it returned."""
