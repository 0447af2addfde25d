"""The shared files volume: uploads per citizen per hour, bytes held per citizen, refusals said in
English and Thai, and the collector that removes stored files nothing references any more."""

from __future__ import annotations

import io
import os
import time
from typing import Any

import httpx
import msgspec
import pytest
from litestar import Litestar
from PIL import Image

from backend.applications.files import FileStore
from backend.core.resources import Resources
from backend.identity.service import Identity
from backend.server.worker import build_worker, collect_stored_files
from tests.helpers.applications import PDF, issued_document, new_office
from tests.integration.conftest import SignIn
from tests.pdfs import PAGE_OBJECTS, ObjectStream, build_pdf

A_WEEK_AGO = time.time() - 7 * 86400


def noise_png(seed: int, size: tuple[int, int] = (40, 30)) -> bytes:
    """A PNG unlike any other (noise does not compress): about 3.3 bytes a pixel."""
    buffer = io.BytesIO()
    image = Image.effect_noise(size, 60 + seed % 40).convert("RGB")
    image.putpixel((0, 0), (seed % 256, seed // 256 % 256, 7))
    image.save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def upload_settings(app: Litestar, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Change upload settings for one test (the API reads them from the identity service)."""
    identity: Identity = app.state.identity

    def change(**values: Any) -> None:
        monkeypatch.setattr(identity, "settings", msgspec.structs.replace(identity.settings, **values))

    return change


async def _draft(sign_in: SignIn, resources: Resources) -> tuple[httpx.AsyncClient, str]:
    office = await new_office(sign_in, resources, biller=None)
    citizen = await sign_in()
    started = await citizen.post("/api/v1/applications", json={"service_id": office.service_id})
    return citizen, started.json()["id"]


async def _upload(
    citizen: httpx.AsyncClient, application_id: str, name: str, content: bytes
) -> httpx.Response:
    return await citizen.post(
        f"/api/v1/applications/{application_id}/files",
        data={"field": "transcript"},
        files={"file": (name, content, "application/octet-stream")},
    )


def _bilingual(response: httpx.Response) -> str:
    assert response.headers["content-type"].startswith("application/problem+json")
    detail: str = response.json()["detail"]
    english, thai = detail.split(" · ")
    assert english.isascii()
    assert any("\u0e00" <= char <= "\u0e7f" for char in thai)
    return detail


async def test_a_citizen_uploading_past_the_hourly_allowance_is_told_to_wait(
    sign_in: SignIn, resources: Resources, upload_settings: Any
) -> None:
    upload_settings(uploads_per_hour=2)
    citizen, application_id = await _draft(sign_in, resources)
    first = await _upload(citizen, application_id, "a.png", noise_png(1))
    assert first.status_code == 201, first.text
    refused_pdf = await _upload(citizen, application_id, "b.pdf", b"not a pdf")  # a refusal counts too
    assert refused_pdf.status_code == 400
    third = await _upload(citizen, application_id, "c.png", noise_png(3))
    assert third.status_code == 429, third.text
    assert int(third.headers["Retry-After"]) > 0
    assert "uploaded many files" in _bilingual(third)
    other, other_application = await _draft(sign_in, resources)  # another citizen's allowance is theirs
    assert (await _upload(other, other_application, "d.png", noise_png(4))).status_code == 201


async def test_a_citizen_s_files_fit_in_their_quota_removed_ones_counting_until_collected(
    sign_in: SignIn, resources: Resources, upload_settings: Any
) -> None:
    upload_settings(upload_quota_mb=1, files_gc_grace_hours=24)
    citizen, application_id = await _draft(sign_in, resources)
    kept_png, removed_png, more_png = (
        noise_png(10, (300, 200)),
        noise_png(11, (700, 400)),
        noise_png(12, (350, 250)),
    )
    assert len(kept_png) + len(removed_png) <= 1024 * 1024 < len(kept_png) + len(removed_png) + len(more_png)
    assert len(kept_png) + len(more_png) <= 1024 * 1024
    kept = await _upload(citizen, application_id, "kept.png", kept_png)
    assert kept.status_code == 201, kept.text
    removed = await _upload(citizen, application_id, "removed.png", removed_png)
    assert removed.status_code == 201, removed.text
    url = f"/api/v1/applications/{application_id}/files"
    assert (await citizen.delete(f"{url}/{removed.json()['id']}")).status_code == 204

    # Removed a moment ago: its bytes are still on the volume, so they still count.
    refused = await _upload(citizen, application_id, "more.png", more_png)
    assert refused.status_code == 413, refused.text
    assert refused.json()["type"] == "/problems/storage-quota-exceeded"
    assert "does not fit" in _bilingual(refused)
    assert (
        await resources.pool.fetchval("SELECT count(*) FROM application_files WHERE removed_at IS NULL") == 1
    )

    await resources.pool.execute(
        "UPDATE application_files SET removed_at = now() - interval '25 hours' WHERE id = $1::uuid",
        removed.json()["id"],
    )
    accepted = await _upload(citizen, application_id, "more.png", more_png)
    assert accepted.status_code == 201, accepted.text


async def test_a_refused_pdf_is_a_problem_in_english_and_thai(sign_in: SignIn, resources: Resources) -> None:
    citizen, application_id = await _draft(sign_in, resources)
    script = ObjectStream(
        10,
        {5: b"<< /S /JavaScript /JS (app.alert(1)) >>"},
        b"/ASCIIHexDecode",
        lambda raw: b" ".join(b"%02x" % byte for byte in raw) + b">",  # went past the old byte scan
    )
    catalog = b"<< /Type /Catalog /Pages 2 0 R /OpenAction 5 0 R >>"
    hidden = await _upload(
        citizen, application_id, "form.pdf", build_pdf({**PAGE_OBJECTS, 1: catalog}, [script])
    )
    assert hidden.status_code == 400, hidden.text
    assert "scripts, attachments" in _bilingual(hidden)
    assert hidden.json()["errors"][0]["field"] == "file"

    body = b"(" + b"0" * (15 * 1024 * 1024) + b")"
    bomb = build_pdf(PAGE_OBJECTS, [ObjectStream(100 + index, {200 + index: body}) for index in range(64)])
    started = time.monotonic()
    refused = await _upload(citizen, application_id, "bomb.pdf", bomb)
    assert refused.status_code == 400, refused.text
    assert time.monotonic() - started < 5
    assert "more than can be checked" in _bilingual(refused)
    assert (await _upload(citizen, application_id, "fine.pdf", PDF)).status_code == 201


def _age(path: os.PathLike[str]) -> None:
    os.utime(path, (A_WEEK_AGO, A_WEEK_AGO))


async def test_the_worker_removes_old_stored_files_that_nothing_references(
    sign_in: SignIn, resources: Resources
) -> None:
    store = FileStore(resources.settings.files_path)
    citizen, document, _ = await issued_document(sign_in, resources)  # a live upload and a document
    application_id = document["application_id"]
    live = (await citizen.get(f"/api/v1/applications/{application_id}")).json()["files"][0]["sha256"]
    draft_citizen, draft = await _draft(sign_in, resources)
    removed = (await _upload(draft_citizen, draft, "gone.png", noise_png(20))).json()
    assert (
        await draft_citizen.delete(f"/api/v1/applications/{draft}/files/{removed['id']}")
    ).status_code == 204
    orphan = await store.put(b"bytes whose upload was never recorded")
    young_orphan = await store.put(b"an upload in flight: stored, its row not yet written")
    for digest in (live, document["sha256"], removed["sha256"], orphan):
        _age(store.path_for(digest))

    collected = await collect_stored_files({"resources": resources})

    assert collected == 2
    assert not store.path_for(removed["sha256"]).exists()
    assert not store.path_for(orphan).exists()
    for digest in (live, document["sha256"], young_orphan):
        assert store.path_for(digest).exists(), digest
    file_id = (await citizen.get(f"/api/v1/applications/{application_id}")).json()["files"][0]["id"]
    assert (await citizen.get(f"/api/v1/applications/{application_id}/files/{file_id}")).status_code == 200
    assert (await citizen.get(f"/api/v1/documents/{document['id']}/file")).status_code == 200
    assert await collect_stored_files({"resources": resources}) == 0


async def test_the_collector_runs_on_the_worker_s_schedule(resources: Resources) -> None:
    scheduled = {job.function.__name__ for job in build_worker(resources).cron_jobs}
    assert "collect_stored_files" in scheduled
