"""An application's uploads: hostile files refused by their content, clean names, a size limit and the form's
file count."""

from __future__ import annotations

import pytest

from backend.core.resources import Resources
from tests.helpers.applications import (
    PDF,
    new_office,
    png,
)
from tests.integration.conftest import SignIn


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("photo.pdf", png(), "ends in .pdf but the file is a PNG"),  # a PNG dressed as a PDF
        ("letter.pdf", b"<html><script>alert(1)</script></html>", "PDF, JPEG or PNG"),
        ("scan.png", png()[:60], "damaged or incomplete"),  # a truncated image
        (
            "run.pdf",
            PDF.replace(b"/Type/Catalog", b"/Type/Catalog/OpenAction<</S/JavaScript/JS(x)>>"),
            "scripts, attachments",
        ),
        ("empty.pdf", b"", "empty"),
    ],
)
async def test_hostile_uploads_are_refused_by_their_content(
    sign_in: SignIn, resources: Resources, name: str, content: bytes, message: str
) -> None:
    office = await new_office(sign_in, resources, biller=None)
    citizen = await sign_in()
    application_id = (
        await citizen.post("/api/v1/applications", json={"service_id": office.service_id})
    ).json()["id"]
    refused = await citizen.post(
        f"/api/v1/applications/{application_id}/files",
        data={"field": "transcript"},
        files={"file": (name, content, "application/pdf")},
    )
    assert refused.status_code == 400, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert message.lower() in refused.text.lower()
    assert await resources.pool.fetchval("SELECT count(*) FROM application_files") == 0


async def test_uploads_keep_a_clean_name_a_size_limit_and_the_form_s_file_count(
    sign_in: SignIn, resources: Resources
) -> None:
    office = await new_office(sign_in, resources, biller=None)
    citizen = await sign_in()
    application_id = (
        await citizen.post("/api/v1/applications", json={"service_id": office.service_id})
    ).json()["id"]
    url = f"/api/v1/applications/{application_id}/files"
    tricky = await citizen.post(
        url,
        data={"field": "transcript"},
        files={"file": ("../../etc/passwd\u202egnp.pdf", PDF, "application/pdf")},
    )
    assert tricky.status_code == 201, tricky.text
    assert "/" not in tricky.json()["file_name"]
    assert "\u202e" not in tricky.json()["file_name"]
    stored = resources.settings.files_path / tricky.json()["sha256"][:2]
    assert stored.is_dir()  # stored under its hash, whatever it was called
    assert (
        await citizen.post(
            url, data={"field": "transcript"}, files={"file": ("b.pdf", PDF, "application/pdf")}
        )
    ).status_code == 201
    third = await citizen.post(
        url, data={"field": "transcript"}, files={"file": ("c.pdf", PDF, "application/pdf")}
    )
    assert third.status_code == 409  # the form takes two
    not_a_file_field = await citizen.post(
        url, data={"field": "school"}, files={"file": ("d.pdf", PDF, "application/pdf")}
    )
    assert not_a_file_field.status_code == 400
    too_big = PDF[:-6] + b"0" * (5 * 1024 * 1024) + b"%%EOF\n"
    refused = await citizen.post(
        url, data={"field": "transcript"}, files={"file": ("big.pdf", too_big, "application/pdf")}
    )
    assert refused.status_code in (400, 413)
    assert refused.headers["content-type"].startswith("application/problem+json")
