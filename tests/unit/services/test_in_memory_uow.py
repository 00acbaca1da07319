"""What the in-memory fake adds to the contract: loud misuse, snapshot reads, one writer."""

from __future__ import annotations

import threading

import pytest

from platewarden.adapters.memory import InMemoryUnitOfWorkFactory, IntegrityViolation
from unit.rules.factories import T0, make_camera, make_read


def test_a_second_writer_on_the_same_thread_fails_instead_of_deadlocking() -> None:
    factory = InMemoryUnitOfWorkFactory()
    with factory(), pytest.raises(RuntimeError, match="already has a unit of work"):
        factory().__enter__()
    with factory() as uow:  # the lock was released
        uow.commit()


def test_a_read_only_unit_of_work_cannot_write() -> None:
    factory = InMemoryUnitOfWorkFactory()
    with factory(read_only=True) as uow, pytest.raises(RuntimeError, match="read-only"):
        uow.cameras.add(make_camera(), created_at=T0)


def test_repositories_cannot_be_used_after_the_block() -> None:
    factory = InMemoryUnitOfWorkFactory()
    with factory() as uow:
        pass
    with pytest.raises(RuntimeError, match="closed"):
        uow.cameras.get("cam-1")


def test_keys_the_schema_enforces_are_enforced() -> None:
    factory = InMemoryUnitOfWorkFactory()
    with factory() as uow:
        with pytest.raises(IntegrityViolation):
            uow.reads.add(make_read(), payload_sha256="d" * 64, received_at=T0,
                          duplicate_of=None)  # its camera does not exist
        uow.cameras.add(make_camera(), created_at=T0)
        with pytest.raises(IntegrityViolation):
            uow.cameras.add(make_camera(), created_at=T0)


def test_a_reader_keeps_the_snapshot_it_began_with() -> None:
    factory = InMemoryUnitOfWorkFactory()
    with factory(read_only=True) as reader:
        with factory() as writer:
            writer.cameras.add(make_camera(), created_at=T0)
            writer.commit()
        assert reader.cameras.get("cam-1") is None
    with factory(read_only=True) as reader:
        assert reader.cameras.get("cam-1") is not None
    assert factory.commits == 1


def test_a_second_commit_is_refused() -> None:
    factory = InMemoryUnitOfWorkFactory()
    with factory() as uow:
        uow.commit()
        with pytest.raises(RuntimeError, match="commits once"):
            uow.commit()


def test_a_writer_on_another_thread_waits_for_the_first() -> None:
    factory = InMemoryUnitOfWorkFactory()
    order: list[str] = []
    started = threading.Event()

    def second() -> None:
        started.set()
        with factory() as uow:
            order.append("second")
            assert uow.cameras.get("cam-1") is not None  # sees the first writer's commit
            uow.commit()

    with factory() as uow:
        thread = threading.Thread(target=second)
        thread.start()
        assert started.wait(5)
        thread.join(0.05)
        assert thread.is_alive()  # still waiting for the lock
        uow.cameras.add(make_camera(), created_at=T0)
        order.append("first")
        uow.commit()
    thread.join(5)
    assert order == ["first", "second"]
