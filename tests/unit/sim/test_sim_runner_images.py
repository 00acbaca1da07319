"""The runner sends every read once, signed, in time order; evidence images are sane."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import random
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from PIL import Image

from platewarden.camera.keys import generate_key_pair, public_key_from_raw
from platewarden.camera.payloads import Attachment
from platewarden.domain.signing import canonical_bytes
from platewarden.sim.images import OVERVIEW_SIZE, plate_crop_jpeg, with_evidence
from platewarden.sim.runner import SimProgress, run_simulation
from platewarden.sim.traffic import Scenario, generate_scenario

START = datetime(2026, 11, 26, 4, 0, tzinfo=UTC)


def small_scenario() -> Scenario:
    return generate_scenario(seed=21, vehicles=40, start=START, duration=timedelta(minutes=20))


class FakeServer:
    """Verifies signatures and image hashes, answers like the ingest API."""

    def __init__(self, public: dict[str, bytes], *, reject_camera: str = "",
                 fail_first: int = 0) -> None:
        self.public = public
        self.reject_camera = reject_camera
        self.fail_first = fail_first
        self.envelopes: list[dict[str, object]] = []
        self.stored: set[str] = set()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if self.fail_first > 0:
            self.fail_first -= 1
            return httpx.Response(503)
        env = json.loads(request.content)
        key = public_key_from_raw(self.public[env["camera_id"]])
        key.verify(base64.b64decode(env["signature"]), canonical_bytes(env))
        if env["camera_id"] == self.reject_camera:
            return httpx.Response(403, json={"error": {"code": "camera_disabled",
                                                       "message": "disabled"}})
        for read in env["reads"]:
            for image in read["images"]:
                data = base64.b64decode(env["blobs"][image["sha256"]])
                assert hashlib.sha256(data).hexdigest() == image["sha256"]
                assert len(data) == image["size_bytes"]
        self.envelopes.append(env)
        results = []
        for read in env["reads"]:
            rid = f"{env['camera_id']}:{read['read_id']}"
            results.append({"read_id": read["read_id"],
                            "status": "duplicate" if rid in self.stored else "accepted"})
            self.stored.add(rid)
        return httpx.Response(200, json={"results": results})


def keys_for(scenario: Scenario) -> tuple[dict[str, bytes], dict[str, bytes]]:
    pairs = {c.camera_id: generate_key_pair() for c in scenario.network.cameras}
    return ({c: p.private_key for c, p in pairs.items()},
            {c: p.public_key for c, p in pairs.items()})


def test_every_read_is_sent_once_signed_with_images() -> None:
    scenario = small_scenario()
    private, public = keys_for(scenario)
    server = FakeServer(public)
    seen: list[SimProgress] = []
    report = run_simulation(base_url="http://pw.test", keys=private, scenario=scenario,
                            batch_size=5, transport=httpx.MockTransport(server),
                            progress=seen.append)
    assert report.sent == report.accepted == len(scenario.reads)
    assert report.rejected == {}
    assert server.stored == {r.platform_id for r in scenario.reads}
    assert seen[-1].sent == len(scenario.reads)
    assert all(len(e["reads"]) <= 5 for e in server.envelopes)  # type: ignore[arg-type]
    again = run_simulation(base_url="http://pw.test", keys=private, scenario=scenario,
                           batch_size=50, with_images=False,
                           transport=httpx.MockTransport(server))
    assert again.duplicates == len(scenario.reads)


def test_batches_follow_capture_time_closely() -> None:
    scenario = small_scenario()
    private, public = keys_for(scenario)
    server = FakeServer(public)
    run_simulation(base_url="http://pw.test", keys=private, scenario=scenario, batch_size=1,
                   with_images=False, transport=httpx.MockTransport(server))
    sent = [(e["camera_id"], e["reads"][0]["read_id"]) for e in server.envelopes]  # type: ignore[index]
    assert sent == [(r.camera_id, r.payload.read_id) for r in scenario.reads]


def test_rejections_are_counted_by_code_and_outages_retried() -> None:
    scenario = small_scenario()
    private, public = keys_for(scenario)
    server = FakeServer(public, reject_camera="tas-chorsu-anpr", fail_first=2)
    delays: list[float] = []
    report = run_simulation(base_url="http://pw.test", keys=private, scenario=scenario,
                            batch_size=10, with_images=False, sleep=delays.append,
                            transport=httpx.MockTransport(server))
    chorsu = sum(1 for r in scenario.reads if r.camera_id == "tas-chorsu-anpr")
    assert report.rejected == {"camera_disabled": chorsu}
    assert report.accepted == len(scenario.reads) - chorsu
    assert delays[:2] == [0.5, 1.0]


def test_missing_key_is_an_error_before_sending() -> None:
    scenario = small_scenario()
    private, _ = keys_for(scenario)
    del private["tas-chorsu-anpr"]
    with pytest.raises(ValueError, match="tas-chorsu-anpr"):
        run_simulation(base_url="http://pw.test", keys=private, scenario=scenario)


def test_evidence_is_deterministic_and_sized_like_a_camera_s() -> None:
    read = small_scenario().reads[0]
    first = with_evidence(read.payload, camera_id=read.camera_id, seed=1)
    assert first == with_evidence(read.payload, camera_id=read.camera_id, seed=1)
    crop, overview = first.images
    assert isinstance(crop, Attachment)
    assert isinstance(overview, Attachment)
    assert (crop.role, overview.role) == ("plate", "overview")
    assert Image.open(io.BytesIO(overview.data)).size == OVERVIEW_SIZE
    assert Image.open(io.BytesIO(crop.data)).format == "JPEG"


def test_private_plate_crop_is_about_eight_kilobytes() -> None:
    sizes = [len(plate_crop_jpeg("01A123BA", rng=random.Random(i), height_px=56))
             for i in range(10)]
    assert 5_000 < sum(sizes) / len(sizes) < 11_000
