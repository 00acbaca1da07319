"""SQLAlchemy Core tables: one metadata shared by SQLite now and PostgreSQL later.

Times are stored as integer microseconds since the Unix epoch (UTC) so that comparisons and
indexes behave the same on every backend.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData(naming_convention={
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
})

BigInt = BigInteger().with_variant(Integer(), "sqlite")

cameras = Table(
    "cameras", metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("latitude", Float, nullable=False),
    Column("longitude", Float, nullable=False),
    Column("road", String(200), nullable=False),
    Column("direction", String(200), nullable=False),
    Column("lanes", Integer, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("speed_limit_kmh", Integer),
    Column("calibration_certificate", String(100)),
    Column("calibration_expires_us", BigInt),
    Column("public_key", LargeBinary(32), nullable=False),
    Column("enabled", Boolean, nullable=False),
    Column("region_code", String(2), nullable=False),
    Column("lane_restrictions", JSON, nullable=False),
    Column("red_light_grace_s", Float, nullable=False),
    Column("created_us", BigInt, nullable=False),
)

sections = Table(
    "sections", metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("entry_camera_id", ForeignKey("cameras.id"), nullable=False, index=True),
    Column("exit_camera_id", ForeignKey("cameras.id"), nullable=False, index=True),
    Column("distance_m", Float, nullable=False),
    Column("speed_limit_kmh", Integer, nullable=False),
    Column("class_limits_kmh", JSON, nullable=False),
)

reads = Table(
    "reads", metadata,
    Column("id", String(200), primary_key=True),
    Column("camera_id", ForeignKey("cameras.id"), nullable=False),
    Column("read_id", String(128), nullable=False),
    Column("captured_us", BigInt, nullable=False),
    Column("received_us", BigInt, nullable=False),
    Column("clock_sync", String(16), nullable=False),
    Column("plate_raw", String(32), nullable=False),
    Column("plate", String(32), nullable=False),
    Column("plate_key", String(32), nullable=False),
    Column("country", String(4), nullable=False),
    Column("region", String(64)),
    Column("plate_format", String(32), nullable=False),
    Column("confidence", Float, nullable=False),
    Column("alternatives", JSON, nullable=False),
    Column("vehicle_class", String(32)),
    Column("lane", Integer),
    Column("direction", String(200)),
    Column("speed_kmh", Float),
    Column("speed_method", String(16)),
    Column("signal_phase", String(16)),
    Column("time_into_red_s", Float),
    Column("payload_sha256", String(64), nullable=False),
    Column("duplicate_of", String(200)),
    Column("evaluated", Boolean, nullable=False),
    # After the pseudonymisation age: HMAC of the plate under its day's key (plate text gone).
    Column("plate_pseudonym", String(64)),
    Index("ix_reads_plate_key_time", "plate_key", "captured_us"),
    Index("ix_reads_plate_pseudonym", "plate_pseudonym"),
    Index("ix_reads_camera_time", "camera_id", "captured_us"),
    Index("ix_reads_evaluated", "evaluated"),
    # Wildcard searches with a literal prefix range-scan this; the rest scan a time window.
    Index("ix_reads_plate_time", "plate", "captured_us"),
    Index("ix_reads_captured", "captured_us"),
)

read_images = Table(
    "read_images", metadata,
    Column("read_pk", ForeignKey("reads.id", ondelete="CASCADE"), primary_key=True),
    Column("role", String(16), primary_key=True),
    Column("sha256", String(64), primary_key=True),
    Column("content_type", String(32), nullable=False),
    Column("size_bytes", Integer, nullable=False),
    # The read's capture time: PostgreSQL partitions images by the same day as their reads.
    Column("captured_us", BigInt, nullable=False),
    Index("ix_read_images_sha256", "sha256"),
)

uploaded_blobs = Table(
    "uploaded_blobs", metadata,
    Column("camera_id", ForeignKey("cameras.id"), primary_key=True),
    Column("sha256", String(64), primary_key=True),
    Column("content_type", String(32), nullable=False),
    Column("size_bytes", BigInt, nullable=False),
    Column("created_us", BigInt, nullable=False),
)

nonces = Table(
    "nonces", metadata,
    Column("camera_id", String(64), primary_key=True),
    Column("nonce", String(64), primary_key=True),
    Column("envelope_sha256", String(64), nullable=False),
    Column("seen_us", BigInt, nullable=False, index=True),
)

violations = Table(
    "violations", metadata,
    Column("id", String(64), primary_key=True),
    Column("type", String(32), nullable=False),
    Column("plate", String(32), nullable=False),
    Column("plate_key", String(32), nullable=False),
    Column("camera_id", String(64), nullable=False),
    Column("section_id", String(64)),
    Column("occurred_us", BigInt, nullable=False),
    Column("read_ids", JSON, nullable=False),
    Column("measured", Float, nullable=False),
    Column("limit_value", Float, nullable=False),
    Column("tolerance", String(200), nullable=False),
    Column("clock_sync", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("details", JSON, nullable=False),
    Column("created_us", BigInt, nullable=False),
    Column("reviewed_by", String(64)),
    Column("reviewed_us", BigInt),
    Column("review_note", Text),
    Index("ix_violations_status_time", "status", "occurred_us"),
    Index("ix_violations_section_plate", "section_id", "plate_key"),
)

violation_reads = Table(
    "violation_reads", metadata,
    Column("violation_id", ForeignKey("violations.id", ondelete="CASCADE"), primary_key=True),
    Column("read_pk", String(200), primary_key=True, index=True),
    # The read's capture time: retention finds a day's kept reads without scanning the day.
    Column("captured_us", BigInt),
    Index("ix_violation_reads_captured", "captured_us"),
)

hotlist_entries = Table(
    "hotlist_entries", metadata,
    Column("id", String(64), primary_key=True),
    Column("plate", String(32), nullable=False),
    Column("plate_key", String(32), nullable=False, index=True),
    Column("list_name", String(64), nullable=False),
    Column("reason", String(500), nullable=False),
    Column("source", String(200), nullable=False),
    Column("legal_basis", String(500), nullable=False),
    Column("expires_us", BigInt, nullable=False),
    Column("priority", Integer, nullable=False),
    Column("created_us", BigInt, nullable=False),
)

# Manual hotlist entries wait here for a second person's decision (four eyes).
hotlist_proposals = Table(
    "hotlist_proposals", metadata,
    Column("id", String(64), primary_key=True),
    Column("entry_id", String(64), nullable=False),
    Column("plate", String(32), nullable=False),
    Column("list_name", String(64), nullable=False),
    Column("reason", String(500), nullable=False),
    Column("source", String(200), nullable=False),
    Column("legal_basis", String(500), nullable=False),
    Column("expires_us", BigInt, nullable=False),
    Column("priority", Integer, nullable=False),
    Column("proposed_by", String(64), nullable=False),
    Column("proposed_us", BigInt, nullable=False),
    Column("status", String(16), nullable=False),
    Column("decided_by", String(64)),
    Column("decided_us", BigInt),
    Index("ix_hotlist_proposals_status", "status", "proposed_us"),
)

alerts = Table(
    "alerts", metadata,
    Column("id", String(64), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("read_pk", String(200), nullable=False, index=True),
    Column("hotlist_entry_id", String(64), nullable=False),
    Column("plate", String(32), nullable=False),
    Column("listed_plate", String(32), nullable=False),
    Column("camera_id", String(64), nullable=False),
    Column("occurred_us", BigInt, nullable=False),  # the read's capture time
    Column("priority", Integer, nullable=False),
    Column("status", String(16), nullable=False),
    Column("created_us", BigInt, nullable=False),
    Index("ix_alerts_occurred", "occurred_us"),
)

users = Table(
    "users", metadata,
    Column("id", String(64), primary_key=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("password_hash", String(200), nullable=False),
    Column("roles", JSON, nullable=False),
    Column("enabled", Boolean, nullable=False),
    Column("created_us", BigInt, nullable=False),
    # Second factor: the TOTP key sealed with a key derived from the master key (never
    # stored in clear), the newest accepted time step, and hashes of unused recovery codes.
    Column("totp_secret", LargeBinary(128)),
    Column("totp_last_step", BigInt),
    Column("recovery_codes", JSON),
    Column("failed_logins", Integer, nullable=False, server_default="0"),
    Column("locked_until_us", BigInt),
    # Region codes whose cameras and records the user may see; "*" is the whole country.
    Column("regions", JSON, nullable=False, server_default='["*"]'),
)

sessions = Table(
    "sessions", metadata,
    Column("token_sha256", String(64), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("created_us", BigInt, nullable=False),
    Column("expires_us", BigInt, nullable=False),
    Column("channel", String(16), nullable=False, server_default="api"),
)

# Logins whose password was right but whose second factor is still due; each row is used once.
login_challenges = Table(
    "login_challenges", metadata,
    Column("token_sha256", String(64), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("purpose", String(16), nullable=False),
    Column("sealed_secret", LargeBinary(128)),
    Column("created_us", BigInt, nullable=False),
    Column("expires_us", BigInt, nullable=False),
)

system_state = Table(
    "system_state", metadata,
    Column("key", String(64), primary_key=True),
    Column("value", String(200), nullable=False),
)

# The audit trail is append-only: no code path updates or deletes these rows. Each row keeps
# the hash it chains to as well as its own, so verification can tell what was done to it.
audit_log = Table(
    "audit_log", metadata,
    Column("seq", BigInt, primary_key=True, autoincrement=False),
    Column("at_us", BigInt, nullable=False),
    Column("actor", String(128), nullable=False),
    Column("action", String(32), nullable=False),
    Column("target", String(200), nullable=False),
    Column("details", JSON, nullable=False),
    Column("prev_hash", LargeBinary(32), nullable=False),
    Column("entry_hash", LargeBinary(32), nullable=False),
    Index("ix_audit_log_actor_time", "actor", "at_us"),
    Index("ix_audit_log_action_time", "action", "at_us"),
    Index("ix_audit_log_target", "target"),
)

audit_checkpoints = Table(
    "audit_checkpoints", metadata,
    Column("seq", BigInt, primary_key=True, autoincrement=False),
    Column("entry_hash", LargeBinary(32), nullable=False),
    Column("at_us", BigInt, nullable=False),
    Column("signature", LargeBinary(64), nullable=False),
)

# The camera's signed envelope behind each read: its canonical bytes are an evidence object
# (address = SHA-256 of those bytes), the Ed25519 signature is here, for evidence packages.
read_envelopes = Table(
    "read_envelopes", metadata,
    Column("read_pk", String(200), primary_key=True),
    Column("envelope_sha256", String(64), nullable=False, index=True),
    Column("signature", LargeBinary(64), nullable=False),
)

# Legal holds stop retention from deleting what they cover until released (never deleted).
legal_holds = Table(
    "legal_holds", metadata,
    Column("id", String(64), primary_key=True),
    Column("target", String(16), nullable=False),
    Column("target_id", String(200), nullable=False),
    Column("reason", Text, nullable=False),
    Column("placed_by", String(128), nullable=False),
    Column("placed_us", BigInt, nullable=False),
    Column("released_by", String(128)),
    Column("released_us", BigInt),
    Column("release_reason", Text),
    Index("ix_legal_holds_target", "target", "target_id"),
)
