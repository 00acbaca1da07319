"""OperatorQueries: review transitions, and evidence only for reads that matched something."""

from __future__ import annotations

import pytest

from platewarden.adapters.evidence.fake import FakeEvidenceStore
from platewarden.adapters.memory import InMemoryUnitOfWorkFactory
from platewarden.domain.access import EVERYWHERE, RegionScope
from platewarden.domain.reads import PlateRead
from platewarden.domain.rules.ids import alert_id, violation_id
from platewarden.domain.violations import (
    Alert,
    AlertKind,
    Violation,
    ViolationStatus,
    ViolationType,
)
from platewarden.services.errors import NotFound, ServiceError
from platewarden.services.queries import OperatorQueries
from platewarden.services.unit_of_work import ViolationFilter
from unit.rules.factories import T0, at, make_camera, make_read

from .factories import FixedClock, image_bytes, jpeg


class Scene:
    """A store with three reads: one speeding, one on a hotlist, one innocent."""

    def __init__(self) -> None:
        self.factory = InMemoryUnitOfWorkFactory()
        self.evidence = FakeEvidenceStore()
        self.queries = OperatorQueries(uow_factory=self.factory, evidence=self.evidence,
                                       clock=FixedClock())
        self.images = {name: jpeg() for name in ("speeding", "listed", "innocent")}
        self.reads = {name: make_read(read_id=name, captured_at=at(n),
                                      images=(self.images[name].ref(),))
                      for n, name in enumerate(self.images)}
        for attachment in self.images.values():
            self.evidence.put(attachment.data)
        self.violation = self._violation(self.reads["speeding"])
        self.alert = self._alert(self.reads["listed"])
        with self.factory() as uow:
            uow.cameras.add(make_camera(), created_at=T0)
            for read in self.reads.values():
                uow.reads.add(read, payload_sha256="d" * 64, received_at=T0, duplicate_of=None)
            uow.violations.add_if_absent(self.violation, created_at=T0)
            uow.violations.add_alert_if_absent(self.alert, created_at=T0)
            uow.commit()

    @staticmethod
    def _violation(read: PlateRead) -> Violation:
        return Violation(id=violation_id(ViolationType.SPOT_SPEED, [read.id]),
                         type=ViolationType.SPOT_SPEED, plate=read.plate,
                         plate_key=read.plate_key, camera_id=read.camera_id,
                         occurred_at=read.captured_at, read_ids=(read.id,), measured=80.0,
                         limit=60.0, tolerance="3 km/h", clock_sync="synced")

    @staticmethod
    def _alert(read: PlateRead) -> Alert:
        return Alert(id=alert_id(read.id, "h1"), kind=AlertKind.HIT, read_id=read.id,
                     hotlist_entry_id="h1", plate=read.plate, listed_plate=read.plate,
                     camera_id=read.camera_id, occurred_at=read.captured_at, priority=1)

    def sha(self, name: str) -> str:
        return self.images[name].sha256


def test_lists_and_views() -> None:
    scene = Scene()
    assert scene.queries.violations(ViolationFilter(), scope=EVERYWHERE) == [scene.violation]
    view = scene.queries.violation(scene.violation.id, scope=EVERYWHERE)
    assert view.reads == (scene.reads["speeding"],)
    assert scene.queries.alerts(limit=10, offset=0, scope=EVERYWHERE) == [scene.alert]
    assert scene.queries.alert(scene.alert.id, scope=EVERYWHERE).read == scene.reads["listed"]
    with pytest.raises(NotFound):
        scene.queries.violation("0" * 64, scope=EVERYWHERE)
    with pytest.raises(NotFound):
        scene.queries.alert("0" * 64, scope=EVERYWHERE)


@pytest.mark.parametrize("decision", [ViolationStatus.CONFIRMED, ViolationStatus.REJECTED])
def test_a_pending_violation_can_be_decided_once(decision: ViolationStatus) -> None:
    scene = Scene()
    decided = scene.queries.review(scene.violation.id, decision=decision, reviewer="ann",
                                   note="checked the crop", scope=EVERYWHERE)
    assert decided.status is decision
    current = scene.queries.violation(scene.violation.id, scope=EVERYWHERE)
    assert current.violation.status is decision
    for again in (ViolationStatus.CONFIRMED, ViolationStatus.REJECTED):
        with pytest.raises(ServiceError) as caught:
            scene.queries.review(scene.violation.id, decision=again, reviewer="bob", note=None,
                    scope=EVERYWHERE)
        assert caught.value.code == "conflict"


def test_a_correction_is_kept_beside_the_plate_as_read() -> None:
    scene = Scene()
    read_as = scene.violation.plate
    decided = scene.queries.review(scene.violation.id, decision=ViolationStatus.CONFIRMED,
                                   reviewer="ann", note=None, corrected_plate="01 b 777 zz",
                                   scope=EVERYWHERE)
    assert decided.plate == read_as
    assert decided.details["corrected_plate"] == "01B777ZZ"
    stored = scene.queries.violation(scene.violation.id, scope=EVERYWHERE).violation
    assert (stored.plate, stored.details["corrected_plate"]) == (read_as, "01B777ZZ")


@pytest.mark.parametrize("correction", ["", "X", "1" * 17])
def test_a_correction_must_look_like_a_plate(correction: str) -> None:
    scene = Scene()
    with pytest.raises(ServiceError) as caught:
        scene.queries.review(scene.violation.id, decision=ViolationStatus.CONFIRMED,
                             reviewer="ann", note=None, corrected_plate=correction,
                             scope=EVERYWHERE)
    assert caught.value.code == "invalid_field"
    assert scene.queries.violation(scene.violation.id, scope=EVERYWHERE).violation.status is (
        ViolationStatus.PENDING)


def test_a_withdrawn_violation_cannot_be_decided() -> None:
    scene = Scene()
    with scene.factory() as uow:
        uow.violations.set_status(scene.violation.id, ViolationStatus.WITHDRAWN, by=None,
                                  at=T0, note="re-paired")
        uow.commit()
    with pytest.raises(ServiceError) as caught:
        scene.queries.review(scene.violation.id, decision=ViolationStatus.CONFIRMED,
                             reviewer="ann", note=None, scope=EVERYWHERE)
    assert caught.value.code == "conflict"


@pytest.mark.parametrize("decision", [ViolationStatus.PENDING, ViolationStatus.WITHDRAWN])
def test_a_review_only_confirms_or_rejects(decision: ViolationStatus) -> None:
    scene = Scene()
    with pytest.raises(ServiceError) as caught:
        scene.queries.review(scene.violation.id, decision=decision, reviewer="ann", note=None,
                scope=EVERYWHERE)
    assert caught.value.code == "invalid_field"
    assert scene.queries.violation(scene.violation.id, scope=EVERYWHERE).violation.status is (
        ViolationStatus.PENDING)


def test_reviewing_an_unknown_violation() -> None:
    with pytest.raises(NotFound):
        Scene().queries.review("0" * 64, decision=ViolationStatus.CONFIRMED, reviewer="ann",
                               note=None, scope=EVERYWHERE)


@pytest.mark.parametrize("name", ["speeding", "listed"])
def test_evidence_of_a_violation_or_alert_is_served(name: str) -> None:
    scene = Scene()
    served = scene.queries.evidence(scene.sha(name), actor="ann", scope=EVERYWHERE)
    assert b"".join(served) == scene.images[name].data


def test_evidence_of_an_innocent_read_is_not_served() -> None:
    scene = Scene()
    with pytest.raises(NotFound):
        scene.queries.evidence(scene.sha("innocent"), actor="ann", scope=EVERYWHERE)


def test_an_unknown_object_is_not_found() -> None:
    scene = Scene()
    stray = image_bytes()
    scene.evidence.put(stray)  # stored, but no read refers to it
    with pytest.raises(NotFound):
        scene.queries.evidence(scene.evidence.put(stray).sha256, actor="ann", scope=EVERYWHERE)
    with pytest.raises(NotFound):
        scene.queries.evidence("f" * 64, actor="ann", scope=EVERYWHERE)


@pytest.mark.parametrize(("confirm", "status"), [(True, "confirmed"), (False, "dismissed")])
def test_a_person_confirms_or_dismisses_an_alert_once(confirm: bool, status: str) -> None:
    scene = Scene()
    decided = scene.queries.decide_alert(scene.alert.id, confirm=confirm, reviewer="ann",
                                         scope=EVERYWHERE)
    assert decided.status == status
    assert scene.queries.alert(scene.alert.id, scope=EVERYWHERE).alert.status == status
    with pytest.raises(ServiceError) as caught:
        scene.queries.decide_alert(scene.alert.id, confirm=True, reviewer="bob",
                                   scope=EVERYWHERE)
    assert caught.value.code == "conflict"


def test_an_alert_of_another_region_cannot_be_decided() -> None:
    scene = Scene()
    with pytest.raises(NotFound):
        scene.queries.decide_alert(scene.alert.id, confirm=True, reviewer="ann",
                                   scope=RegionScope.of([]))
    assert scene.queries.alert(scene.alert.id, scope=EVERYWHERE).alert.status == "open"
