"""Request shape and error mapping of CameraClient, against httpx.MockTransport."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from platewarden.camera.client import CameraClient, IngestRejected, IngestUnavailable
from platewarden.camera.keys import generate_key_pair, public_key_from_raw
from platewarden.camera.payloads import ReadPayload
from platewarden.domain.signing import blob_signing_bytes, canonical_bytes

NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
PAIR = generate_key_pair()

Handler = Callable[[httpx.Request], httpx.Response]


def make_reads(count: int) -> list[ReadPayload]:
    return [ReadPayload(read_id=f"{i:06d}", captured_at=NOW, plate="01A123BC", confidence=0.9)
            for i in range(count)]


def accept_all(seen: list[httpx.Request]) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        body = json.loads(request.content)
        results = [{"read_id": r["read_id"], "status": "accepted"} for r in body["reads"]]
        if results:
            results[0]["status"] = "duplicate"
        return httpx.Response(200, json={"results": results})
    return handler


def make_client(handler: Handler, base_url: str = "http://pw.test") -> CameraClient:
    return CameraClient(base_url=base_url, camera_id="cam-1", private_key=PAIR.private_key,
                        transport=httpx.MockTransport(handler), clock=lambda: NOW)


def test_one_read_goes_to_the_single_endpoint_signed() -> None:
    seen: list[httpx.Request] = []
    with make_client(accept_all(seen)) as client:
        result = client.send_reads(make_reads(1))
    assert result.duplicates == ("000000",)
    assert result.accepted == ()
    (request,) = seen
    assert request.method == "POST"
    assert request.url == "http://pw.test/api/v1/ingest/read"
    body = json.loads(request.content)
    assert body["camera_id"] == "cam-1"
    assert body["sent_at"] == NOW.isoformat()
    public_key_from_raw(PAIR.public_key).verify(base64.b64decode(body["signature"]),
                                                canonical_bytes(body))


def test_many_reads_are_chunked_with_fresh_nonces() -> None:
    seen: list[httpx.Request] = []
    with make_client(accept_all(seen), base_url="http://pw.test/api/v1/") as client:
        result = client.send_reads(make_reads(1201))
    assert [r.url.path for r in seen] == ["/api/v1/ingest/batch"] * 3
    sizes = [len(json.loads(r.content)["reads"]) for r in seen]
    assert sizes == [500, 500, 201]
    nonces = {json.loads(r.content)["nonce"] for r in seen}
    assert len(nonces) == 3
    assert all(len(n) == 32 for n in nonces)
    assert len(result.statuses) == 1201
    assert len(result.accepted) == 1198


def test_empty_send_makes_no_request() -> None:
    seen: list[httpx.Request] = []
    assert make_client(accept_all(seen)).send_reads([]).statuses == ()
    assert seen == []


def test_4xx_raises_rejected_with_the_contract_code() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(409, json={"error": {"code": "replayed_nonce", "message": "m"}})
    with pytest.raises(IngestRejected) as info:
        make_client(handler).send_reads(make_reads(2))
    assert (info.value.status, info.value.code, info.value.message) == (409, "replayed_nonce", "m")


def test_4xx_without_contract_body_keeps_the_status() -> None:
    with pytest.raises(IngestRejected) as info:
        make_client(lambda r: httpx.Response(404, text="nope")).send_reads(make_reads(1))
    assert info.value.code == "http_404"


@pytest.mark.parametrize("status", [500, 503, 429])
def test_5xx_and_429_are_unavailable(status: int) -> None:
    with pytest.raises(IngestUnavailable) as info:
        make_client(lambda r: httpx.Response(status)).send_reads(make_reads(1))
    assert info.value.status == status


def test_connection_errors_are_unavailable_and_keep_partial_results() -> None:
    calls: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        if len(calls) == 2:
            raise httpx.ConnectError("refused", request=request)
        return accept_all([])(request)
    with pytest.raises(IngestUnavailable) as info:
        make_client(handler).send_reads(make_reads(600))
    assert len(info.value.partial.statuses) == 500


def test_upload_blob_streams_a_file_with_a_signature(tmp_path: Path) -> None:
    data = bytes(range(256)) * 1000
    path = tmp_path / "clip.mp4"
    path.write_bytes(data)
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        request.read()
        seen.append(request)
        return httpx.Response(201)
    upload = make_client(handler).upload_blob(path, "video/mp4")
    (request,) = seen
    digest = hashlib.sha256(data).hexdigest()
    assert request.method == "PUT"
    assert request.url.path == f"/api/v1/ingest/blobs/{digest}"
    assert request.content == data
    assert request.headers["Content-Length"] == str(len(data))
    assert "Transfer-Encoding" not in request.headers
    assert request.headers["X-Platewarden-Camera"] == "cam-1"
    signed = blob_signing_bytes(
        camera_id="cam-1", sha256=digest, size_bytes=len(data), content_type="video/mp4",
        sent_at=request.headers["X-Platewarden-Sent-At"],
        nonce=request.headers["X-Platewarden-Nonce"])
    public_key_from_raw(PAIR.public_key).verify(
        base64.b64decode(request.headers["X-Platewarden-Signature"]), signed)
    assert upload.created
    assert (upload.ref.role, upload.ref.sha256, upload.ref.size_bytes) == ("clip", digest,
                                                                          len(data))


def test_upload_blob_of_bytes_already_stored() -> None:
    upload = make_client(lambda r: httpx.Response(200)).upload_blob(b"abc", "video/mp4")
    assert not upload.created


def test_a_batch_too_large_is_halved_until_it_fits() -> None:
    sizes: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        reads = json.loads(request.content)["reads"]
        sizes.append(len(reads))
        if len(reads) > 3:
            return httpx.Response(413, json={"error": {"code": "body_too_large",
                                                       "message": "too big"}})
        return accept_all([])(request)
    result = make_client(handler).send_reads(make_reads(10))
    assert [s.read_id for s in result.statuses] == [f"{i:06d}" for i in range(10)]
    assert sizes == [10, 5, 2, 3, 5, 2, 3]


def test_a_single_read_too_large_is_rejected() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(413, json={"error": {"code": "body_too_large", "message": "m"}})
    with pytest.raises(IngestRejected) as info:
        make_client(handler).send_reads(make_reads(2))
    assert info.value.code == "body_too_large"
