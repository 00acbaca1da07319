"""Crypto-shredding: a backup taken before a purge, restored after it without the destroyed
keys, yields neither the purged images nor the purged reads' pseudonyms; exact-plate search
finds pseudonymised reads but never shows their plate text."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from platewarden.adapters.db import tables as t
from platewarden.adapters.keyring import KeyDestroyed
from platewarden.bootstrap import BUCKET_KEYS_DIR, Container
from platewarden.domain.access import EVERYWHERE, RegionScope, Role, permissions_of
from platewarden.domain.search import QueryKind
from platewarden.domain.violations import ViolationStatus
from platewarden.services.accounts import Principal
from platewarden.services.ports import EvidenceNotFound
from platewarden.services.search_types import SearchRequest
from platewarden.services.unit_of_work import ViolationFilter
from support.privacy import T0, Camera, Clock, clocked_container

pytestmark = pytest.mark.integration
PLATE, OTHER = "01A123BC", "10B456CD"

def investigator(scope: RegionScope = EVERYWHERE) -> Principal:
    return Principal(user_id="inv-1", username="inv-1", roles=frozenset({"investigator"}),
                     permissions=permissions_of(frozenset({Role.INVESTIGATOR.value})),
                     scope=scope)


INVESTIGATOR = investigator()


def search(container: Container, plate: str, kind: QueryKind = QueryKind.EXACT) -> list[str]:
    clock_now = container.retention._clock()
    found = container.search.search(INVESTIGATOR, SearchRequest(
        query=plate, kind=kind, reason_code="stolen-vehicle", case_reference="CR-2026-7",
        since=T0 - timedelta(hours=1), until=clock_now))
    return [read.id for read in found.reads]


def image_of(container: Container, read_pk: str) -> str:
    with container.engine.connect() as conn:
        return str(conn.execute(select(t.read_images.c.sha256).where(
            t.read_images.c.read_pk == read_pk)).scalar_one())


def stored_plate(container: Container, read_pk: str) -> tuple[str, str | None]:
    with container.engine.connect() as conn:
        found = conn.execute(select(t.reads.c.plate, t.reads.c.plate_pseudonym).where(
            t.reads.c.id == read_pk)).one()
    return found.plate, found.plate_pseudonym


def restore(backup: Path, live: Path, target: Path, *, with_backup_keys: bool) -> None:
    """The backup's database and evidence; its destroyed keys only if asked (the control)."""
    shutil.copytree(backup, target)
    if not with_backup_keys:
        shutil.rmtree(target / BUCKET_KEYS_DIR)
        shutil.copytree(live / BUCKET_KEYS_DIR, target / BUCKET_KEYS_DIR)


def test_backup_restored_after_the_purge_cannot_read_purged_data(tmp_path: Path) -> None:
    clock = Clock()
    live = tmp_path / "live"
    container = clocked_container(live, clock)
    [nonhit] = Camera(container, clock).send(PLATE)
    speeder = Camera(container, clock, kind="spot-speed", speed_limit_kmh=60)
    [hit] = speeder.send(OTHER, speed_kmh=130.0, speed_method="radar")
    nonhit_image, hit_image = image_of(container, nonhit), image_of(container, hit)

    clock.advance(days=4)
    container.retention.run()  # pseudonymises the non-hit, moves kept evidence off day keys
    assert stored_plate(container, nonhit)[0] == ""
    assert search(container, PLATE) == [nonhit]
    container.stop()
    backup = tmp_path / "backup"
    shutil.copytree(live, backup)  # the backup: database, evidence and (here) keys

    container = clocked_container(live, clock)
    clock.advance(days=36)
    [violation] = container.queries.violations(ViolationFilter(), scope=EVERYWHERE)
    container.queries.review(violation.id, decision=ViolationStatus.CONFIRMED, reviewer="r",
                             note=None, scope=EVERYWHERE)
    counts = container.retention.run().counts
    assert counts.reads_deleted == 1
    assert counts.objects_deleted == 2  # image and envelope
    assert counts.evidence_keys_destroyed >= 1
    assert counts.pseudonym_keys_destroyed == 1
    container.stop()

    restore(backup, live, tmp_path / "restored", with_backup_keys=False)
    restored = clocked_container(tmp_path / "restored", clock)
    try:
        plate, pseudonym = stored_plate(restored, nonhit)  # the row is back from the backup ...
        assert plate == ""
        assert pseudonym
        assert restored.evidence.exists(nonhit_image)  # ... and so is the ciphertext ...
        with pytest.raises(KeyDestroyed):  # ... but its day key is gone: unreadable
            restored.evidence.get(nonhit_image)
        with pytest.raises(EvidenceNotFound):  # the API's 404 path
            b"".join(restored.evidence.open(nonhit_image))
        assert search(restored, PLATE) == []  # its pseudonym's key is gone: unlinkable
        assert restored.evidence.get(hit_image)  # kept evidence was rekeyed before the purge
    finally:
        restored.stop()

    # The control: the same restore *with* the backup's keys reads everything, so it is the
    # destroyed keys, not the restore, that make the data unreadable.
    restore(backup, live, tmp_path / "control", with_backup_keys=True)
    control = clocked_container(tmp_path / "control", clock)
    try:
        assert control.evidence.get(nonhit_image)
        assert search(control, PLATE) == [nonhit]
    finally:
        control.stop()


def test_exact_search_finds_a_pseudonymised_read_but_never_its_plate_text(
        tmp_path: Path) -> None:
    clock = Clock()
    container = clocked_container(tmp_path / "data", clock)
    try:
        camera = Camera(container, clock)
        [old] = camera.send(PLATE)
        [other] = camera.send(OTHER)
        clock.advance(hours=80)
        container.retention.run()
        [new] = camera.send(PLATE)

        found = container.search.search(INVESTIGATOR, SearchRequest(
            query=PLATE, kind=QueryKind.EXACT, reason_code="stolen-vehicle",
            case_reference="CR-2026-7", since=T0 - timedelta(hours=1), until=clock.now))
        assert [r.id for r in found.reads] == [new, old]
        pseudonymised = found.reads[1]
        assert (pseudonymised.plate, pseudonymised.plate_raw, pseudonymised.plate_key,
                pseudonymised.alternatives) == ("", "", "", ())
        assert found.reads[0].plate == PLATE  # a fresh read is still plain
        # Listing by pattern or by confusable key never reaches pseudonymised reads.
        assert search(container, "01A*", QueryKind.WILDCARD) == [new]
        assert search(container, PLATE, QueryKind.CONFUSABLE) == [new]
        assert search(container, OTHER) == [other]  # each plate finds only its own reads
        assert search(container, "99Z999ZZ") == []
        elsewhere = container.search.search(investigator(RegionScope.of(["40"])), SearchRequest(
            query=PLATE, kind=QueryKind.EXACT, reason_code="stolen-vehicle",
            case_reference="CR-2026-7", since=T0 - timedelta(hours=1), until=clock.now))
        assert elsewhere.reads == ()  # region scoping holds for pseudonymised reads too
    finally:
        container.stop()


def test_kept_evidence_in_an_old_backup_dies_with_its_month_key(tmp_path: Path) -> None:
    clock = Clock()
    live = tmp_path / "live"
    container = clocked_container(live, clock)
    speeder = Camera(container, clock, kind="spot-speed", speed_limit_kmh=60)
    [hit] = speeder.send(OTHER, speed_kmh=130.0, speed_method="radar")
    hit_image = image_of(container, hit)
    clock.advance(hours=1)
    container.retention.run()  # moves the kept evidence to this month's kept key
    kept_key = f"evidence/kept-{clock.now:%Y-%m}"
    assert container.keyring.exists(kept_key)
    container.stop()
    backup = tmp_path / "backup"
    shutil.copytree(live, backup)

    container = clocked_container(live, clock)
    [violation] = container.queries.violations(ViolationFilter(), scope=EVERYWHERE)
    container.queries.review(violation.id, decision=ViolationStatus.REJECTED, reviewer="r",
                             note=None, scope=EVERYWHERE)
    clock.advance(days=366)
    counts = container.retention.run().counts
    assert counts.violations_deleted == 1
    assert not container.keyring.exists(kept_key)
    container.stop()

    restore(backup, live, tmp_path / "restored", with_backup_keys=False)
    restored = clocked_container(tmp_path / "restored", clock)
    try:
        assert restored.evidence.exists(hit_image)
        with pytest.raises(KeyDestroyed):
            restored.evidence.get(hit_image)
    finally:
        restored.stop()
