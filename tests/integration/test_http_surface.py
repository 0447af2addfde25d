"""What every response carries: problem details for errors, request ids, security headers, OpenAPI."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import msgspec
import pytest
from litestar import Litestar, get, post
from litestar.params import JSONBody

from backend.core.errors import EXCEPTION_HANDLERS, Conflict, RateLimited
from backend.core.pipeline import RequestPipeline
from backend.server.app import create_app
from backend.settings import Settings, load_settings
from tests.conftest import environment_for_tests, serve_in_process


class NewBill(msgspec.Struct):
    amount_satang: int
    reference: str


@post("/bills")
async def create_bill(data: JSONBody[NewBill]) -> NewBill:
    return data


@get("/crash")
async def crash() -> None:
    raise RuntimeError("password=hunter2 at /srv/internal/path.py")


@get("/conflict")
async def conflict() -> None:
    raise Conflict("This bill has already been paid")


@get("/slow-down")
async def slow_down() -> None:
    raise RateLimited(30)


@get("/database-gone")
async def database_gone() -> None:
    raise ConnectionRefusedError("connect to 10.0.0.5:5432 refused")


@pytest.fixture
def probe_app() -> Litestar:
    """A small app wired with the real error handlers and middleware, plus routes that fail on purpose."""
    app = Litestar(
        route_handlers=[create_bill, crash, conflict, slow_down, database_gone],
        exception_handlers=EXCEPTION_HANDLERS,
        logging_config=None,
    )
    app.asgi_handler = RequestPipeline(app.asgi_handler, https=False)
    return app


async def test_an_unknown_route_is_a_404_problem_with_the_request_id(client: httpx.AsyncClient) -> None:
    response = await client.get("/no/such/page")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == "/problems/not-found"
    assert body["status"] == 404
    assert body["instance"] == "/no/such/page"
    assert body["request_id"] == response.headers["x-request-id"]


async def test_a_browser_at_an_address_that_is_no_screen_gets_the_app_with_404(
    settings: Settings, client: httpx.AsyncClient
) -> None:
    """So that a person sees the app's own page-not-found, in their language; API callers keep the
    problem (the test above)."""
    index_html = Path(settings.pwa_dir) / "index.html"
    assert index_html.exists(), "the PWA is not built: `make pwa` (make test builds it first)"
    response = await client.get("/no/such/page", headers={"Accept": "text/html,application/xhtml+xml"})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert response.content == index_html.read_bytes()
    api = await client.get("/api/v1/no-such-thing", headers={"Accept": "text/html"})
    assert api.headers["content-type"] == "application/problem+json"


async def test_a_wrong_method_is_a_405_problem(client: httpx.AsyncClient) -> None:
    response = await client.delete("/healthz")
    assert response.status_code == 405
    assert response.json()["type"] == "/problems/method-not-allowed"


async def test_a_validation_error_names_the_field(probe_app: Litestar) -> None:
    async with serve_in_process(probe_app) as client:
        response = await client.post("/bills", json={"amount_satang": "ten baht", "reference": "R1"})
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == "/problems/validation-error"
    assert [error["field"] for error in body["errors"]] == ["amount_satang"]
    assert "amount_satang" in body["detail"]


async def test_a_body_that_is_not_json_is_a_400_problem(probe_app: Litestar) -> None:
    async with serve_in_process(probe_app) as client:
        response = await client.post(
            "/bills", content=b"{not json", headers={"content-type": "application/json"}
        )
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"


async def test_an_unexpected_error_is_a_bare_500_that_leaks_nothing(probe_app: Litestar) -> None:
    async with serve_in_process(probe_app) as client:
        response = await client.get("/crash")
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    text = response.text
    for secret in ("hunter2", "RuntimeError", "/srv/internal", "Traceback"):
        assert secret not in text
    assert response.json()["request_id"] == response.headers["x-request-id"]


async def test_a_lost_dependency_is_a_503_problem_with_retry_after(probe_app: Litestar) -> None:
    async with serve_in_process(probe_app) as client:
        response = await client.get("/database-gone")
    assert response.status_code == 503
    assert response.headers["retry-after"] == "5"
    assert "10.0.0.5" not in response.text


async def test_app_errors_keep_their_status_detail_and_headers(probe_app: Litestar) -> None:
    async with serve_in_process(probe_app) as client:
        conflict_response = await client.get("/conflict")
        limited = await client.get("/slow-down")
    assert conflict_response.status_code == 409
    assert conflict_response.json()["detail"] == "This bill has already been paid"
    assert limited.status_code == 429
    assert limited.headers["retry-after"] == "30"
    assert limited.json()["retry_after"] == 30


async def test_a_well_formed_request_id_from_the_caller_is_kept(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz", headers={"X-Request-ID": "lb-0123456789abcdef"})
    assert response.headers["x-request-id"] == "lb-0123456789abcdef"


async def test_a_malformed_request_id_is_replaced(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz", headers={"X-Request-ID": "<script>alert(1)</script>"})
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["x-request-id"])


@pytest.mark.parametrize("path", ["/healthz", "/no/such/page", "/schema"])
async def test_every_response_carries_the_security_headers(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(path)
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert "strict-transport-security" not in response.headers  # served over plain http here


async def test_hsts_is_sent_when_the_public_url_is_https(settings: Settings, tmp_path: Path) -> None:
    environ = environment_for_tests(
        tmp_path,
        DATABASE_URL=settings.database_url or "",
        REDIS_URL=settings.redis_url or "",
        PUBLIC_URL="https://citizen.example.go.th",
    )
    async with serve_in_process(create_app(load_settings(environ))) as client:
        response = await client.get("/healthz")
    assert response.headers["strict-transport-security"].startswith("max-age=63072000")


async def test_openapi_3_1_is_served_at_schema_with_typed_responses(client: httpx.AsyncClient) -> None:
    response = await client.get("/schema")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.1")
    ready = document["paths"]["/readyz"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert ready == {"$ref": "#/components/schemas/Readiness"}
    assert set(document["components"]["schemas"]["Readiness"]["properties"]) == {
        "status",
        "postgres",
        "redis",
    }
