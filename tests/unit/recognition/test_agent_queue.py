"""The durable queue keeps order, refuses duplicates and survives reopening."""

from __future__ import annotations

from pathlib import Path

from platewarden.agent.queue import DurableQueue, QueuedRead


def _item(i: int) -> QueuedRead:
    return QueuedRead(f"r{i}", {"plate": f"01A{i:03d}BC", "captured_at_ms": i,
                                "confidence": 0.9}, b"p%d" % i, b"o%d" % i)


def test_fifo_order_and_ack(tmp_path: Path) -> None:
    q = DurableQueue(tmp_path / "q.sqlite")
    for i in range(5):
        assert q.put(_item(i))
    assert [r.read_id for r in q.peek(3)] == ["r0", "r1", "r2"]
    q.ack(["r0", "r1"])
    assert [r.read_id for r in q.peek(10)] == ["r2", "r3", "r4"]
    assert q.pending() == 3


def test_same_read_id_is_not_queued_twice(tmp_path: Path) -> None:
    q = DurableQueue(tmp_path / "q.sqlite")
    assert q.put(_item(1))
    assert not q.put(_item(1))
    assert q.pending() == 1


def test_contents_survive_reopening(tmp_path: Path) -> None:
    q = DurableQueue(tmp_path / "q.sqlite")
    for i in range(3):
        q.put(_item(i))
    q.ack(["r0"])
    q.close()
    again = DurableQueue(tmp_path / "q.sqlite")
    items = again.peek(10)
    assert [r.read_id for r in items] == ["r1", "r2"]
    assert items[0].plate_jpeg == b"p1"
    assert items[0].body["plate"] == "01A001BC"


def test_rejected_reads_are_parked_not_lost(tmp_path: Path) -> None:
    q = DurableQueue(tmp_path / "q.sqlite")
    q.put(_item(1))
    q.put(_item(2))
    q.reject("r1", "400 bad_read")
    assert [r.read_id for r in q.peek(10)] == ["r2"]
    assert q.rejected() == [("r1", "400 bad_read")]


def test_sent_ids_are_remembered_and_pruned(tmp_path: Path) -> None:
    q = DurableQueue(tmp_path / "q.sqlite")
    for i in range(4):
        q.put(_item(i))
    q.ack(["r0", "r1", "r2"])
    assert not q.put(_item(0))  # already sent: not queued again
    assert q.prune_sent(keep=1) == 2
    assert q.put(_item(0))  # forgotten after pruning
    assert [r.read_id for r in q.peek(10)] == ["r3", "r0"]
