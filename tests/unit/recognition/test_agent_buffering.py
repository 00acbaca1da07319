"""The agent buffers across server outages and its own restarts, in order, exactly once."""

from __future__ import annotations

from pathlib import Path

from platewarden.agent.queue import DurableQueue
from platewarden.agent.runner import AgentOptions, CameraAgent
from platewarden.camera.client import IngestRejected, IngestResult
from platewarden.camera.payloads import ReadPayload

from .agent_fakes import FakeServer, ScriptedRecognizer, drive, frames, merge

PASSES = merge(drive("01A123BC", 0, 5), drive("40B777AA", 12, 17), drive("10H123456", 24, 29),
               drive("80X001AB", 36, 41))
EXPECTED = ["01A123BC", "40B777AA", "10H123456", "80X001AB"]


def _agent(queue: DurableQueue, server: object, *, clock: list[float] | None = None) -> CameraAgent:
    now = clock if clock is not None else [0.0]
    return CameraAgent(options=AgentOptions(camera_id="cam-1", source_id="clip.mp4",
                                            retry_s=5.0),
                       recognizer=ScriptedRecognizer(PASSES), queue=queue,
                       sender=server, clock=lambda: now[0])  # type: ignore[arg-type]


def test_one_read_per_pass_with_evidence(tmp_path: Path) -> None:
    server = FakeServer()
    _agent(DurableQueue(tmp_path / "q.sqlite"), server).process(frames(48))
    assert server.plates() == EXPECTED
    first = server.stored[server.order[0]]
    assert {a.role for a in first.images} == {"plate", "overview"}  # type: ignore[union-attr]
    assert first.captured_at.tzinfo is not None


def test_outage_buffers_then_sends_the_backlog_in_order(tmp_path: Path) -> None:
    server = FakeServer(up=False)
    clock = [0.0]
    queue = DurableQueue(tmp_path / "q.sqlite")
    agent = _agent(queue, server, clock=clock)
    agent.process(frames(30))  # three passes while the server is down
    assert server.stored == {}
    assert queue.pending() == 3
    server.up = True
    clock[0] = 100.0
    agent.drain()
    assert server.plates() == EXPECTED[:3]
    assert queue.pending() == 0


def test_retry_waits_for_the_backoff(tmp_path: Path) -> None:
    server = FakeServer(up=False)
    clock = [0.0]
    agent = _agent(DurableQueue(tmp_path / "q.sqlite"), server, clock=clock)
    agent.process(frames(8))
    tries = server.requests
    server.up = True
    clock[0] = 1.0
    assert agent.drain() == 0  # still inside retry_s
    assert server.requests == tries
    clock[0] = 6.0
    assert agent.drain() == 1


def test_restart_during_an_outage_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    server = FakeServer(up=False)
    path = tmp_path / "q.sqlite"
    first = DurableQueue(path)
    _agent(first, server).process(frames(20))  # two passes buffered, then the agent stops
    first.close()
    server.up = True
    second = DurableQueue(path)
    agent = _agent(second, server, clock=[50.0])
    agent.drain()
    agent.process(frames(28, start=20))  # the rest of the stream after the restart
    assert server.plates() == EXPECTED
    assert second.pending() == 0


def test_lost_answer_resend_is_deduplicated_by_read_id(tmp_path: Path) -> None:
    server = FakeServer(lose_next_answer=True)
    clock = [0.0]
    queue = DurableQueue(tmp_path / "q.sqlite")
    agent = _agent(queue, server, clock=clock)
    agent.process(frames(8))
    assert queue.pending() == 1  # stored by the server but not acknowledged
    clock[0] = 10.0
    agent.drain()
    assert queue.pending() == 0
    assert server.plates() == ["01A123BC"]


def test_reprocessing_the_same_video_gives_the_same_read_ids(tmp_path: Path) -> None:
    a, b = FakeServer(), FakeServer()
    _agent(DurableQueue(tmp_path / "a.sqlite"), a).process(frames(48))
    _agent(DurableQueue(tmp_path / "b.sqlite"), b).process(frames(48))
    assert a.order == b.order


class _Picky(FakeServer):
    def send_reads(self, reads: object) -> IngestResult:
        batch: list[ReadPayload] = list(reads)  # type: ignore[call-overload]
        if any(r.plate == "40B777AA" for r in batch):
            if len(batch) > 1:
                raise IngestRejected(400, "invalid_read", "one read is bad")
            raise IngestRejected(400, "invalid_read", "bad plate")
        return super().send_reads(batch)


def test_a_refused_read_is_parked_and_the_rest_go_through(tmp_path: Path) -> None:
    server = _Picky(up=False)
    queue = DurableQueue(tmp_path / "q.sqlite")
    agent = _agent(queue, server, clock=[0.0])
    agent.process(frames(48))
    server.up = True
    agent.drain(force=True)
    assert server.plates() == ["01A123BC", "10H123456", "80X001AB"]
    rejected = queue.rejected()
    assert len(rejected) == 1
    assert "invalid_read" in rejected[0][1]
