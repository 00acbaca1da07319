"""The citizen look-up service: both fields must match; overviews only ever redacted."""

from __future__ import annotations

import pytest

from platewarden.domain.audit import AuditAction
from platewarden.services.evidence_packages import Redaction

from .notice_factories import PLATE, make_notice_world


class FakeRedactor:
    """Marks what it 'redacted'; fails on demand."""

    def __init__(self, *, fail: bool = False) -> None:
        self.calls = 0
        self.fail = fail

    def redact(self, image: bytes, *, keep_plate: str) -> Redaction:
        self.calls += 1
        if self.fail:
            raise ValueError("cannot decode")
        return Redaction(data=b"redacted:" + keep_plate.encode(), content_type="image/jpeg",
                         plates_blurred=1, faces_blurred=0, plate_kept=True)


@pytest.mark.parametrize(("number_ok", "plate"), [(False, PLATE), (True, "01A999ZZ"),
                                                  (True, ""), (False, "")])
def test_any_mismatch_is_none(number_ok: bool, plate: str) -> None:
    world = make_notice_world()
    notice = world.issuing.issue(world.confirmed_violation().id, actor="s")
    number = notice.number if number_ok else "PW-2026-0000000011"
    assert world.citizen.look_up(number, plate) is None
    assert world.citizen.appeal(number, plate, text="x") is None


def test_the_plate_may_be_written_as_people_write_it() -> None:
    world = make_notice_world()
    notice = world.issuing.issue(world.confirmed_violation().id, actor="s")
    view = world.citizen.look_up(f" {notice.number.lower()} ", "01 a 123 bc")
    assert view is not None
    assert view.number == notice.number
    world.citizen.look_up(notice.number, "01A999ZZ")  # a miss is not audited
    with world.uow_factory(read_only=True) as uow:
        seen = uow.audit.find([AuditAction.RECORD_VIEWED])
    assert [(r.entry.actor, r.entry.target) for r in seen] == [("citizen", notice.number)]


def test_overviews_are_shown_only_redacted_and_redacted_once() -> None:
    world = make_notice_world()
    notice = world.issuing.issue(world.confirmed_violation().id, actor="s")
    bare = world.citizen.look_up(notice.number, PLATE)
    assert bare is not None
    assert [i.role for i in bare.images] == ["plate"]  # no redactor: no overview
    world.citizen.redactor = redactor = FakeRedactor()
    for _ in range(3):
        view = world.citizen.look_up(notice.number, PLATE)
        assert view is not None
        assert [(i.role, i.data) for i in view.images if i.role == "overview"] == [
            ("overview", b"redacted:01A123BC")]
    assert redactor.calls == 1


def test_an_overview_the_redactor_cannot_read_is_withheld() -> None:
    world = make_notice_world()
    notice = world.issuing.issue(world.confirmed_violation().id, actor="s")
    world.citizen.redactor = FakeRedactor(fail=True)
    view = world.citizen.look_up(notice.number, PLATE)
    assert view is not None
    assert [i.role for i in view.images] == ["plate"]


def test_verification_codes_say_valid_or_not() -> None:
    world = make_notice_world()
    notice = world.issuing.issue(world.confirmed_violation().id, actor="s")
    assert world.citizen.verify(notice.verification_code.lower())
    assert not world.citizen.verify("AAAA-AAAA-AAAA-AAAA")
    assert not world.citizen.verify("short")
