"""The one place that wires concrete adapters into the services."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal, Protocol

from sqlalchemy import Engine

from platewarden.adapters.bus import consumers
from platewarden.adapters.bus.inprocess import InProcessBus
from platewarden.adapters.bus.jetstream import JetStreamBus
from platewarden.adapters.bus.registry import NatsBusConfig
from platewarden.adapters.crypto import (
    AesGcmSecretBox,
    Argon2PasswordHasher,
    Ed25519FileSigner,
    Ed25519KeyPairs,
    Ed25519Verifier,
)
from platewarden.adapters.db.engine import make_engine, migrate
from platewarden.adapters.db.partitions import PartitionMaintainer, ReadPartitions
from platewarden.adapters.db.uow import SqlUnitOfWorkFactory
from platewarden.adapters.evidence.keysource import KeyringEvidenceKeys
from platewarden.adapters.evidence.registry import build_evidence_store
from platewarden.adapters.keyring import BucketKeyring
from platewarden.adapters.keys import load_or_create_master_key
from platewarden.config import Settings
from platewarden.domain.messages import AlertRaised, Event, ReadAccepted, ViolationDetected
from platewarden.domain.partitioning import shard_partitions
from platewarden.domain.search import MisusePolicy
from platewarden.domain.tolerance import SpeedTolerance
from platewarden.services.accounts import AccountService
from platewarden.services.alerting import AlertDispatcher
from platewarden.services.audit import AuditService
from platewarden.services.blobs import BlobService
from platewarden.services.camera_directory import CameraDirectory
from platewarden.services.cameras import CameraService
from platewarden.services.config_audit import ConfigAudit, describe_settings
from platewarden.services.evaluation import RuleEngine, RulePolicy
from platewarden.services.evidence_packages import EvidencePackager
from platewarden.services.group_commit import GroupCommitter
from platewarden.services.hotlist_changes import HotlistChanges
from platewarden.services.hotlists import HotlistService
from platewarden.services.ingest import EnvelopeJournal, IngestPolicy, IngestService
from platewarden.services.live import LiveActivity
from platewarden.services.log_ingest import LogJournal
from platewarden.services.ports import EvidenceStore, PasswordHasher, RateLimiter
from platewarden.services.queries import OperatorQueries
from platewarden.services.read_writer import ReadWriter
from platewarden.services.retention import RetentionService
from platewarden.services.search import SearchService, plate_hash_key
from platewarden.services.search_types import SearchPolicy
from platewarden.services.transparency import TransparencyService
from platewarden.services.unit_of_work import UnitOfWorkFactory
from platewarden.services.user_admin import UserAdmin
from platewarden.wiring_limits import rate_limiters, shared_limiters
from platewarden.wiring_notices import NoticeServices, notice_services
from platewarden.wiring_privacy import (
    RecognitionRedactor,
    evidence_packager,
    privacy_services,
    transparency_service,
)

log = logging.getLogger(__name__)
SIGNING_KEY_FILE = "keys/platform-signing.key"
BUCKET_KEYS_DIR = "keys/buckets"
Role = Literal["all", "ingest", "worker", "web"]


class EventBus(Protocol):
    """What the container needs of a bus: the in-process one or JetStream."""

    def publish(self, events: Iterable[Event]) -> None: ...
    def start(self) -> None: ...
    def stop(self) -> None: ...
    def wait_idle(self, timeout_s: float = 30.0) -> bool: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class Shard:
    """Which rule partitions this process's worker owns: ``index`` of ``count`` workers."""

    index: int = 0
    count: int = 1


def utc_now() -> datetime:
    """The wall clock, in UTC."""
    return datetime.now(UTC)


@dataclass(slots=True, kw_only=True)
class Container:
    """Every service of one running installation, wired to its adapters."""

    settings: Settings
    engine: Engine
    evidence: EvidenceStore
    bus: EventBus
    committer: GroupCommitter
    ingest: IngestService
    blobs: BlobService
    cameras: CameraService
    accounts: AccountService
    queries: OperatorQueries
    hotlists: HotlistService
    rules: RuleEngine
    audit: AuditService
    search: SearchService
    retention: RetentionService
    keyring: BucketKeyring
    config_audit: ConfigAudit
    hotlist_changes: HotlistChanges
    user_admin: UserAdmin
    transparency: TransparencyService
    live: LiveActivity
    writer: ReadWriter
    partitions: PartitionMaintainer
    notices: NoticeServices
    limiters: Mapping[str, RateLimiter]
    alerts: AlertDispatcher = field(default_factory=AlertDispatcher)
    packages: EvidencePackager

    def start(self, *, role: Role = "all", shard: Shard = Shard()) -> None:
        """Record a changed configuration and start the background work of ``role``.

        On the embedded bus everything runs here and reads a crash left unevaluated are
        evaluated first. On JetStream, ``worker`` and ``all`` run the writer, the rule
        workers of ``shard`` and the alert worker (what a crash left is redelivered), and
        ``web`` and ``all`` follow the log for the console's live overview.
        """
        # The data dir is where the configuration lives, not part of it (and is spelled
        # differently by different callers), so it is left out of the comparison.
        self.config_audit.record(describe_settings(
            self.settings.model_dump(mode="json", exclude={"data_dir"})))
        self.partitions.start()
        self.bus.start()
        self.committer.start()
        if not isinstance(self.bus, JetStreamBus):
            pending = self.rules.evaluate_pending()
            if pending:
                log.info("evaluated %d read(s) left pending by the last run", pending)
            return
        if role in ("web", "all"):
            consumers.start_live(self.bus, on_events=self.live.on_events)
        if role in ("worker", "all"):
            partitions = shard_partitions(partitions=self.bus.config.partitions,
                                          worker_index=shard.index, worker_count=shard.count)
            consumers.start_writer(self.bus, store=self.writer.store)
            consumers.start_rules(self.bus, evaluate=self.rules.on_reads_accepted,
                                  partitions=partitions)
            consumers.start_alerts(self.bus, notify=self.alerts.on_alerts)

    def stop(self) -> None:
        """Drain the workers and close the database."""
        self.ingest.stop()
        self.committer.stop()
        if isinstance(self.bus, InProcessBus):
            self.bus.wait_idle()  # JetStream keeps what the workers have not done yet
        self.bus.stop()
        self.partitions.stop()
        self.engine.dispose()


def bootstrap(settings: Settings, *, clock: Callable[[], datetime] = utc_now,
              hasher: PasswordHasher | None = None) -> Container:
    """Build (and migrate) everything ``settings`` describes."""
    settings.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    engine = make_engine(settings.resolved_database_url)
    migrate(engine)
    uow_factory = SqlUnitOfWorkFactory(engine)
    master_key = load_or_create_master_key(settings.path_in_data_dir(settings.master_key_file))
    # Per-day keys outside the database: destroying one shreds that day, backups included.
    keyring = BucketKeyring(settings.path_in_data_dir(BUCKET_KEYS_DIR), master_key=master_key,
                            clock=clock)
    evidence = build_evidence_store(settings.evidence, data_dir=settings.data_dir,
                                    master_key=master_key,
                                    key_source=KeyringEvidenceKeys(keyring))
    bus = _event_bus(settings)
    directory = CameraDirectory(uow_factory=uow_factory, ttl_s=settings.camera_cache_ttl_s)
    committer = GroupCommitter(uow_factory=uow_factory, before_commit=evidence.sync,
                               max_jobs=settings.group_commit_max_reads)
    journal: EnvelopeJournal | None = None
    if isinstance(bus, JetStreamBus):
        journal = LogJournal(uow_factory=uow_factory, log=bus, evidence_sync=evidence.sync,
                             clock=clock)
    ingest = IngestService(
        uow_factory=uow_factory, evidence=evidence, journal=journal,
        verifier=Ed25519Verifier(), publisher=bus, clock=clock, cameras=directory,
        policy=IngestPolicy(max_clock_skew_s=settings.max_clock_skew_s,
                            max_batch_reads=settings.max_batch_reads,
                            max_image_bytes=settings.max_image_bytes,
                            max_group_envelopes=settings.group_commit_max_reads))
    tolerance = SpeedTolerance(absolute_kmh=settings.speed_tolerance.absolute_kmh,
                               percent=settings.speed_tolerance.percent)
    rules = RuleEngine(uow_factory=uow_factory, publisher=bus, clock=clock,
                       policy=RulePolicy(tolerance=tolerance,
                                         section_window_s=settings.section_window_s,
                                         dedupe_window_s=settings.dedupe_window_s))
    live = LiveActivity(clock=clock)  # the console's live overview
    if isinstance(bus, InProcessBus):
        bus.subscribe(ReadAccepted, rules.on_reads_accepted)
        # On JetStream the web tier follows the log itself (``Container.start``).
        for event_type in (ReadAccepted, ViolationDetected, AlertRaised):
            bus.subscribe(event_type, live.on_events)
    # The platform's checkpoint-signing key is made on first use, beside the master key.
    audit = AuditService(uow_factory=uow_factory, clock=clock,
                         signer=Ed25519FileSigner(settings.path_in_data_dir(SIGNING_KEY_FILE)))
    search = _search_service(settings, uow_factory=uow_factory, audit=audit, clock=clock,
                             master_key=master_key)
    limiters = rate_limiters(settings, engine=engine, keyring=keyring)
    retention = privacy_services(settings, engine=engine, audit=audit, evidence=evidence,
                                 keyring=keyring, clock=clock, search=search,
                                 rate_limits=shared_limiters(limiters))
    queries = OperatorQueries(uow_factory=uow_factory, evidence=evidence, clock=clock,
                              audit=audit)
    accounts = AccountService(uow_factory=uow_factory, hasher=hasher or Argon2PasswordHasher(),
                              secret_box=AesGcmSecretBox(master_key), clock=clock,
                              session_ttl_s=settings.session_ttl_s,
                              api_token_ttl_s=settings.api_token_ttl_s, audit=audit)
    # One redactor (its models load on first use) for evidence packages and the citizen page.
    redactor = RecognitionRedactor()
    return Container(
        settings=settings, engine=engine, retention=retention, keyring=keyring,
        limiters=limiters,
        config_audit=ConfigAudit(uow_factory=uow_factory, audit=audit),
        packages=evidence_packager(settings, engine=engine, audit=audit, evidence=evidence,
                                   clock=clock, redactor=redactor,
                                   signing_key=settings.path_in_data_dir(SIGNING_KEY_FILE)),
        evidence=evidence, bus=bus, committer=committer, ingest=ingest,
        blobs=BlobService(ingest=ingest, committer=committer, evidence=evidence,
                          max_clip_bytes=settings.max_clip_bytes, clock=clock),
        cameras=CameraService(uow_factory=uow_factory, keys=Ed25519KeyPairs(), publisher=bus,
                              clock=clock, directory=directory, audit=audit),
        accounts=accounts,
        user_admin=UserAdmin(uow_factory=uow_factory, accounts=accounts, audit=audit),
        transparency=transparency_service(engine, clock=clock),
        queries=queries,
        hotlists=HotlistService(uow_factory=uow_factory, clock=clock, audit=audit),
        hotlist_changes=HotlistChanges(uow_factory=uow_factory, audit=audit, clock=clock),
        rules=rules, audit=audit, search=search, writer=ReadWriter(uow_factory=uow_factory),
        partitions=PartitionMaintainer(ReadPartitions(engine), clock=clock), live=live,
        notices=notice_services(settings, engine=engine, audit=audit, evidence=evidence,
                                queries=queries, clock=clock, redactor=redactor))


def _event_bus(settings: Settings) -> InProcessBus | JetStreamBus:
    if isinstance(settings.bus, NatsBusConfig):
        # A nonce older than twice the allowed skew is refused for its timestamp anyway.
        return JetStreamBus(settings.bus, nonce_ttl_s=2 * settings.max_clock_skew_s)
    return InProcessBus()


def _search_service(settings: Settings, *, uow_factory: UnitOfWorkFactory, audit: AuditService,
                    clock: Callable[[], datetime], master_key: bytes) -> SearchService:
    misuse = MisusePolicy(repeat_threshold=settings.misuse_repeat_threshold,
                          daily_threshold=settings.misuse_daily_search_threshold,
                          work_start_hour=settings.misuse_work_start_hour,
                          work_end_hour=settings.misuse_work_end_hour,
                          utc_offset_hours=settings.misuse_utc_offset_hours)
    policy = SearchPolicy(reason_codes=frozenset(settings.search_reason_codes),
                          default_window_days=settings.search_default_window_days,
                          max_results=settings.search_max_results,
                          approval_ttl_days=settings.search_approval_ttl_days, misuse=misuse)
    return SearchService(uow_factory=uow_factory, audit=audit, clock=clock, policy=policy,
                         plate_hash_key=plate_hash_key(master_key))
