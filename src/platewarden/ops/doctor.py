"""``platewarden doctor``: is this installation safe and healthy to run?

Each check looks at one thing an engineer on call would look at first and says ``ok``,
``warn`` or ``fail`` with a reason a person understands. The checks read; they never migrate,
create keys or write an audit entry, so running the doctor changes nothing (the opt-in disk
probe writes throw-away files in the evidence store's ``tmp`` and removes them).
"""

from __future__ import annotations

import ipaddress
import shutil
import stat
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import ValidationError
from sqlalchemy import Engine, select

from platewarden.adapters.crypto import Ed25519FileSigner
from platewarden.adapters.db import tables as t
from platewarden.adapters.db.engine import make_engine
from platewarden.adapters.db.uow import SqlUnitOfWorkFactory
from platewarden.adapters.keys import MasterKeyError, load_master_key
from platewarden.bootstrap import SIGNING_KEY_FILE
from platewarden.config import RetentionSettings, Settings, load_settings
from platewarden.domain.access import INITIAL_ADMIN as ADMIN_USER
from platewarden.domain.clock import from_us
from platewarden.ops.disk_probe import probe_evidence_disk
from platewarden.ops.findings import Finding, Status
from platewarden.services.audit import AuditService

MIN_FREE_BYTES, LOW_FREE_BYTES = 100 * 2**20, 2**30
UNCHECKPOINTED_ENTRIES_WARN = 10_000
RETENTION_STALE = timedelta(days=2)


def diagnose(data_dir: Path, *, verify_audit: bool = True, probe_disk: bool = False,
             now: datetime | None = None) -> list[Finding]:
    """Run every check on the installation in ``data_dir``.

    Args:
        data_dir: The installation's data dir.
        verify_audit: Whether to verify the whole audit log (hash chain and checkpoints).
        probe_disk: Whether to time writing small files in the evidence store (the one
            check that writes: throw-away files it removes again).
        now: The time to judge ages against (default: the wall clock).
    """
    settings, problem = _load(data_dir)
    if settings is None:
        return [Finding(check="configuration", status=Status.FAIL, detail=problem)]
    findings = [Finding(check="configuration", status=Status.OK, detail="valid"),
                _data_dir(settings), _master_key(settings), _signing_key(settings),
                _listen_address(settings), database_url_exposure(settings), _disk(settings),
                _retention_policy(settings)]
    if probe_disk:
        findings.append(probe_evidence_disk(settings))
    if not settings.database_url and not settings.sqlite_path.exists():
        findings.append(Finding(check="database", status=Status.FAIL,
                                detail="no database: run `platewarden init` first"))
        return findings
    engine = make_engine(settings.resolved_database_url)
    try:
        schema = _schema(engine)
        findings.append(schema)
        if schema.status is Status.OK:
            verifier = _audit_problem if verify_audit else None
            findings += [_accounts(engine), _initial_admin(engine, settings),
                         _audit(engine, settings, verifier),
                         retention_finding(engine, settings, now or datetime.now(UTC))]
    finally:
        engine.dispose()
    return findings


def _load(data_dir: Path) -> tuple[Settings | None, str]:
    try:
        return load_settings(data_dir=data_dir), ""
    except ValidationError as exc:
        # Only where and what: an input value may be a secret, so it is never echoed.
        reasons = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'file'}: {e['msg']}"
                            for e in exc.errors())
        return None, f"invalid settings: {reasons}"
    except (OSError, ValueError) as exc:
        return None, f"cannot read the settings: {exc}"


def _private(path: Path) -> bool:
    return stat.S_IMODE(path.stat().st_mode) & 0o077 == 0


def _data_dir(settings: Settings) -> Finding:
    path = settings.data_dir
    if not path.is_dir():
        return Finding(check="data dir", status=Status.FAIL, detail=f"{path} does not exist")
    if not _private(path):
        return Finding(check="data dir", status=Status.FAIL,
                       detail=f"{path} is open to group or others: chmod 700 it")
    return Finding(check="data dir", status=Status.OK, detail=f"{path} (mode 700)")


def _master_key(settings: Settings) -> Finding:
    path = settings.path_in_data_dir(settings.master_key_file)
    try:
        load_master_key(path)
    except MasterKeyError as exc:
        return Finding(check="master key", status=Status.FAIL, detail=str(exc))
    return Finding(check="master key", status=Status.OK, detail=f"{path} (32 bytes, mode 600)")


def _signing_key(settings: Settings) -> Finding:
    path = settings.path_in_data_dir(SIGNING_KEY_FILE)
    if not path.exists():
        return Finding(check="signing key", status=Status.WARN,
                       detail="not made yet: `platewarden audit checkpoint` makes it")
    if not _private(path):
        return Finding(check="signing key", status=Status.FAIL,
                       detail=f"{path} is open to group or others: chmod 600 it")
    return Finding(check="signing key", status=Status.OK, detail=f"{path} (mode 600)")


def _loopback(host: str) -> bool:
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _listen_address(settings: Settings) -> Finding:
    host = settings.host
    if _loopback(host):
        return Finding(check="listen address", status=Status.OK,
                       detail=f"{host}:{settings.port} (this machine only)")
    return Finding(check="listen address", status=Status.WARN,
                   detail=f"{host}:{settings.port} is reachable from the network: `serve` "
                          "refuses it without --tls-cert and --tls-key")


def database_url_exposure(settings: Settings) -> Finding:
    """Whether a server database is reached without a password (a local socket may be)."""
    url = settings.database_url
    if not url or url.startswith("sqlite"):
        return Finding(check="database url", status=Status.OK,
                       detail="embedded SQLite file in the data dir")
    parts = urlsplit(url)
    local = parts.hostname in (None, "") or _loopback(parts.hostname or "")
    if parts.password is None and not local:
        return Finding(check="database url", status=Status.FAIL,
                       detail=f"{parts.hostname} is reached without a password")
    return Finding(check="database url", status=Status.OK,
                   detail=f"{parts.scheme} on {parts.hostname or 'a local socket'}")


def _retention_policy(settings: Settings) -> Finding:
    policy, defaults = settings.retention, RetentionSettings()
    longer = sorted(name for name in ("pseudonymise_after_h", "nonhit_read_days",
                                      "nonhit_image_days", "hotlist_hit_days")
                    if getattr(policy, name) > getattr(defaults, name))
    if policy.run_interval_s == 0:
        return Finding(check="retention policy", status=Status.WARN,
                       detail="`serve` never runs retention (run_interval_s = 0): schedule "
                              "`platewarden retention run` elsewhere")
    if longer:
        return Finding(check="retention policy", status=Status.WARN,
                       detail="keeps longer than the privacy-protective defaults: "
                              + ", ".join(longer))
    return Finding(check="retention policy", status=Status.OK,
                   detail=f"runs every {policy.run_interval_s:.0f} s; defaults or shorter")


def _disk(settings: Settings) -> Finding:
    free = shutil.disk_usage(settings.data_dir if settings.data_dir.exists() else ".").free
    status = (Status.FAIL if free < MIN_FREE_BYTES else
              Status.WARN if free < LOW_FREE_BYTES else Status.OK)
    return Finding(check="disk", status=status, detail=f"{free / 2**30:.1f} GiB free")


def _schema(engine: Engine) -> Finding:
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from platewarden.adapters.db.engine import alembic_config

    head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
    try:
        with engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
    except Exception as exc:
        return Finding(check="database", status=Status.FAIL,
                       detail=f"cannot open the database: {type(exc).__name__}")
    if current != head:
        return Finding(check="database", status=Status.FAIL,
                       detail=f"schema at {current or 'nothing'}, code expects {head}: "
                              "`platewarden serve` migrates at start")
    return Finding(check="database", status=Status.OK, detail=f"schema at {head}")


def _accounts(engine: Engine) -> Finding:
    users = t.users
    with engine.connect() as connection:
        rows = list(connection.execute(select(users.c.roles, users.c.enabled,
                                              users.c.totp_secret.is_(None).label("no_mfa"))))
    admins = sum(1 for r in rows if r.enabled and "admin" in r.roles)
    waiting = sum(1 for r in rows if r.enabled and r.no_mfa)
    if admins == 0:
        return Finding(check="accounts", status=Status.FAIL,
                       detail="no enabled admin: `platewarden init` creates one")
    detail = f"{len(rows)} user(s), {admins} admin(s)"
    if waiting:
        return Finding(check="accounts", status=Status.WARN,
                       detail=f"{detail}; {waiting} not yet enrolled in the second factor")
    return Finding(check="accounts", status=Status.OK, detail=detail)


def _initial_admin(engine: Engine, settings: Settings) -> Finding:
    users, log = t.users, t.audit_log
    with engine.connect() as connection:
        admin_id = connection.execute(select(users.c.id).where(
            users.c.username == ADMIN_USER, users.c.enabled.is_(True))).scalar()
        changed = admin_id is not None and connection.execute(select(log.c.seq).where(
            log.c.action == "user-changed", log.c.target == admin_id,
            log.c.actor == admin_id).limit(1)).scalar() is not None
    if admin_id is None or changed:
        return Finding(check="initial admin", status=Status.OK,
                       detail="disabled" if admin_id is None else "has changed its password")
    detail = (f"`{ADMIN_USER}` still has the password printed by `init`: sign in, change it "
              "and enrol the second factor")
    # Unchanged on a machine reachable from the network is an open door; locally a to-do.
    exposed = not _loopback(settings.host)
    return Finding(check="initial admin", status=Status.FAIL if exposed else Status.WARN,
                   detail=detail)


def _audit_problem(engine: Engine, settings: Settings) -> str | None:
    signer = Ed25519FileSigner(settings.path_in_data_dir(SIGNING_KEY_FILE))
    audit = AuditService(uow_factory=SqlUnitOfWorkFactory(engine), signer=signer,
                         clock=lambda: datetime.now(UTC))
    problem = audit.verify().problem
    if problem is None:
        return None
    return f"tampered: {problem.kind.value} at entry {problem.sequence}: {problem.message}"


def _audit(engine: Engine, settings: Settings,
           verifier: Callable[[Engine, Settings], str | None] | None) -> Finding:
    log, checkpoints = t.audit_log, t.audit_checkpoints
    with engine.connect() as connection:
        last = connection.execute(select(log.c.seq).order_by(log.c.seq.desc())).scalar()
        signed = connection.execute(select(checkpoints.c.seq)
                                    .order_by(checkpoints.c.seq.desc())).scalar()
    problem = verifier(engine, settings) if verifier is not None else None
    if problem is not None:
        return Finding(check="audit log", status=Status.FAIL, detail=problem)
    behind = (last or 0) - (signed or 0)
    verified = "verified" if verifier is not None else "not verified"
    detail = f"{last or 0} entries {verified}, {behind} after the newest checkpoint"
    if behind > UNCHECKPOINTED_ENTRIES_WARN or (last and signed is None):
        return Finding(check="audit log", status=Status.WARN,
                       detail=f"{detail}: run `platewarden audit checkpoint`")
    return Finding(check="audit log", status=Status.OK, detail=detail)


def retention_finding(engine: Engine, settings: Settings, now: datetime) -> Finding:
    """How long ago retention last ran, and whether that run failed part-way."""
    log = t.audit_log
    with engine.connect() as connection:
        last = connection.execute(select(log.c.at_us, log.c.details)
                                  .where(log.c.action == "retention-run")
                                  .order_by(log.c.seq.desc()).limit(1)).first()
        any_read = connection.execute(select(t.reads.c.id).limit(1)).scalar()
    # Data past its time that no run removes is the exposure retention exists to prevent.
    stale = Status.FAIL if settings.retention.run_interval_s == 0 else Status.WARN
    if last is None:
        status = stale if any_read is not None else Status.OK
        return Finding(check="retention", status=status, detail="never run")
    age = now - from_us(int(last.at_us))
    detail = f"last run {age.total_seconds() / 3600:.0f} h ago"
    failed = (last.details or {}).get("failed")
    if failed:
        return Finding(check="retention", status=stale,
                       detail=f"{detail} failed at {failed}: see the server's error log")
    status = stale if age > RETENTION_STALE else Status.OK
    return Finding(check="retention", status=status, detail=detail)
