"""The reviewers' appeal queue: only appeals in the reviewer's regions, read by the query."""

from __future__ import annotations

import pytest

from platewarden.domain.access import EVERYWHERE, RegionScope
from platewarden.services.appeal_queue import NO_SUCH_APPEAL, AppealQueue
from platewarden.services.errors import NotFound
from platewarden.services.notice_ports import Appeal
from platewarden.services.queries import OperatorQueries, ViolationView
from unit.rules.factories import make_camera

from .factories import NOW
from .notice_factories import PLATE, NoticeWorld, make_notice_world

TASHKENT_CITY, SAMARKAND = RegionScope.of(["01"]), RegionScope.of(["30"])


class CountingQueries(OperatorQueries):
    """Operator queries that note which violations were opened."""

    opened: list[str]

    def violation(self, violation_id: str, *, scope: RegionScope,
                  viewer: str | None = None) -> ViolationView:
        self.opened.append(violation_id)
        return super().violation(violation_id, scope=scope, viewer=viewer)


def queue_of(world: NoticeWorld) -> tuple[AppealQueue, CountingQueries]:
    queries = CountingQueries(uow_factory=world.uow_factory, evidence=world.evidence,
                              clock=world.clock)
    queries.opened = []
    return AppealQueue(cases=world.cases, attachments=world.attachments,
                       queries=queries), queries


def appealed(world: NoticeWorld, read_id: str, *, camera_id: str = "cam-1") -> Appeal:
    """An appeal against the notice of a new violation at ``camera_id``."""
    violation = world.confirmed_violation(read_id=read_id, camera_id=camera_id)
    notice = world.issuing.issue(violation.id, actor="s")
    appeal = world.citizen.appeal(notice.number, PLATE, text="I was not driving.")
    assert appeal is not None
    world.clock.advance(1)
    return appeal


def two_regions_of_appeals(world: NoticeWorld) -> list[Appeal]:
    """Appeals filed in turn at a camera in region 01 and one in region 30 (Samarkand)."""
    with world.uow_factory() as uow:
        uow.cameras.add(make_camera(id="cam-30", region_code="30"), created_at=NOW)
        uow.commit()
    return [appealed(world, f"r{n}", camera_id="cam-1" if n % 2 == 0 else "cam-30")
            for n in range(4)]


def test_a_reviewer_sees_only_the_open_appeals_of_their_regions_oldest_first() -> None:
    world = make_notice_world()
    appeals = two_regions_of_appeals(world)
    world.cases.decide_appeal(appeals[2].id, uphold=True, reviewer="rev", reason="liable")
    queue, _ = queue_of(world)
    assert [c.appeal.id for c in queue.open_cases(scope=TASHKENT_CITY)] == [appeals[0].id]
    assert [c.appeal.id for c in queue.open_cases(scope=SAMARKAND)] == [
        appeals[1].id, appeals[3].id]
    assert [c.appeal.id for c in queue.open_cases(scope=EVERYWHERE)] == [
        appeals[0].id, appeals[1].id, appeals[3].id]
    assert queue.open_cases(scope=RegionScope(frozenset())) == []
    [case] = queue.open_cases(scope=TASHKENT_CITY)
    assert case.violation.violation.id == case.notice.violation_id
    assert case.notice.number == appeals[0].number


def test_appeals_outside_the_scope_are_never_opened() -> None:
    world = make_notice_world()
    appeals = two_regions_of_appeals(world)
    queue, queries = queue_of(world)
    cases = queue.open_cases(scope=SAMARKAND)
    assert queries.opened == [c.notice.violation_id for c in cases]
    assert [c.appeal.id for c in cases] == [appeals[1].id, appeals[3].id]


def test_one_appeal_outside_the_scope_is_the_same_not_found_as_none() -> None:
    world = make_notice_world()
    appeals = two_regions_of_appeals(world)
    queue, _ = queue_of(world)
    assert queue.case(appeals[1].id, scope=SAMARKAND).appeal == appeals[1]
    for appeal_id in (appeals[0].id, "no-such-appeal"):
        with pytest.raises(NotFound) as refused:
            queue.case(appeal_id, scope=SAMARKAND)
        assert str(refused.value) == NO_SUCH_APPEAL
