"""Contract of the read-to-signed-envelope links: the fake behaves as SQL does."""

from __future__ import annotations

from platewarden.services.unit_of_work import UnitOfWorkFactory


def test_envelopes_link_reads_to_the_signed_bytes_and_signature(
        uow_factory: UnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        uow.reads.add_envelopes([("cam-1:r1", "a" * 64, b"s" * 64),
                                 ("cam-1:r2", "a" * 64, b"s" * 64)])
        uow.reads.add_envelopes([])
        uow.commit()
    with uow_factory(read_only=True) as uow:
        assert uow.reads.envelope_of("cam-1:r2") == ("a" * 64, b"s" * 64)
        assert uow.reads.envelope_of("cam-1:r3") is None
