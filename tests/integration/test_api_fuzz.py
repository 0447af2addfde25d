"""Property-based API testing with schemathesis against the app's own OpenAPI, over HTTP.

The app runs as ``citizen serve`` runs it (granian) on the test database; schemathesis generates
requests for every operation, valid and invalid, as each kind of caller, and checks that nothing
answers 5xx and that every answer matches the schema the app publishes. The suite runs a small,
fixed-seed budget (the same cases every run); ``make fuzz`` runs a large one with a fresh seed.

Left out: the login flow (``/auth/*``, which needs a real identity provider: tests/integration/
test_login_oidc.py runs it against one) and ending one's own sessions (it would log the caller out
half-way; tests/integration/test_sessions.py covers it).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from backend.core.resources import Resources
from backend.settings import Settings
from tests.conftest import environment_for_tests
from tests.demo_agencies import serving
from tests.factories import make_agency
from tests.helpers.agency_clients import new_client, request_token
from tests.helpers.ports import free_port
from tests.integration.conftest import SignIn

EXAMPLES = os.environ.get("FUZZ_EXAMPLES", "4")
SEED = os.environ.get("FUZZ_SEED", "20261122")  # "random": a new seed each run (make fuzz)
EXCLUDED = ["--exclude-path-regex", "^/(auth/|api/v1/me/sessions)"]


@pytest.fixture(scope="module")
def served(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    environ = environment_for_tests(
        tmp_path_factory.mktemp("fuzz"),
        DATABASE_URL=settings.database_url or "",
        REDIS_URL=settings.redis_url or "",
        # The same keys as the test app, so that sessions it creates are valid here.
        SECRET_KEY=settings.secret_key,
        ID_ENCRYPTION_KEYS=settings.id_encryption_keys,
        ID_HASH_KEY=settings.id_hash_key,
        LOG_LEVEL="ERROR",
    )
    port = free_port()
    with serving(
        [sys.executable, "-m", "backend.server.cli", "serve"], {**environ, "PORT": str(port)}, port, "/readyz"
    ) as base:
        yield base


def _schemathesis(base: str, headers: dict[str, str]) -> subprocess.CompletedProcess[str]:
    command = [
        str(Path(sys.executable).parent / "st"), "run", f"{base}/schema/openapi.json",
        "--checks", "not_a_server_error,response_schema_conformance",
        "--phases", "examples,fuzzing", "--max-examples", EXAMPLES, "--request-timeout", "10",
        "--no-color", *EXCLUDED,
        *([] if SEED == "random" else ["--seed", SEED, "--generation-deterministic"]),
    ]  # fmt: skip
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    return subprocess.run(command, capture_output=True, text=True, timeout=900, check=False)


def _browser_headers(browser: httpx.AsyncClient) -> dict[str, str]:
    cookies = "; ".join(f"{name}={value}" for name, value in browser.cookies.items())
    return {"Cookie": cookies, "X-CSRF-Token": browser.headers["X-CSRF-Token"]}


@pytest.mark.parametrize(
    "caller",
    ["anonymous", "citizen", "agency_admin", "agency_system", "support", "counter_staff", "platform_admin"],
)
async def test_no_operation_answers_5xx_or_breaks_its_own_schema(
    caller: str, served: str, sign_in: SignIn, resources: Resources, client: httpx.AsyncClient
) -> None:
    agency_id = await make_agency(resources.pool, status="approved")
    headers: dict[str, str] = {}
    if caller in {"citizen", "support", "counter_staff", "platform_admin"}:
        roles = [] if caller == "citizen" else [(caller, None)]
        headers = _browser_headers(await sign_in(*roles))
    elif caller == "agency_admin":
        headers = _browser_headers(await sign_in(("agency_admin", agency_id)))
    elif caller == "agency_system":
        admin = await sign_in(("agency_admin", agency_id))
        issued = await new_client(
            admin, agency_id, ["tiles", "bills", "notifications", "connectors", "applications"]
        )
        token = (await request_token(client, issued["client_id"], issued["client_secret"])).json()[
            "access_token"
        ]
        headers = {"Authorization": f"Bearer {token}"}

    run = _schemathesis(served, headers)
    assert run.returncode == 0, run.stdout[-20000:] + run.stderr[-3000:]


# --- regressions: one test per finding ------------------------------------------------------------


async def test_an_id_past_bigint_in_a_path_is_a_400_problem_not_a_500(
    sign_in: SignIn, resources: Resources
) -> None:
    """Found by schemathesis: POST .../tiles/{huge}/retire reached PostgreSQL, which refused the value."""
    agency_id = await make_agency(resources.pool, status="approved")
    admin = await sign_in(("agency_admin", agency_id))
    huge = 3675329151683879151079522304
    for method, path in [
        ("POST", f"/api/v1/agency/{agency_id}/tiles/{huge}/retire"),
        ("GET", f"/api/v1/agency/{agency_id}/tiles/{huge}/versions"),
        ("GET", f"/api/v1/agency/{huge}/tiles"),
    ]:
        response = await admin.request(method, path)
        assert response.status_code in {400, 403, 404}, (path, response.status_code)
        assert response.headers["content-type"] == "application/problem+json"


async def test_a_biller_id_for_an_agency_that_does_not_exist_is_a_404(sign_in: SignIn) -> None:
    """Found by schemathesis: the insert hit the foreign key and answered 500."""
    admin = await sign_in(("platform_admin", None))
    response = await admin.post(
        "/api/v1/admin/agencies/335131801063/billers", json={"biller_id": "799449300026468"}
    )
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


async def test_logging_out_while_the_identity_provider_is_down_still_ends_the_session_and_its_cookie(
    sign_in: SignIn,
) -> None:
    """Found by schemathesis: the answer was a 503 that left the (already ended) session's cookie."""
    citizen = await sign_in()  # the test settings name a provider that never answers
    response = await citizen.post("/auth/logout")
    assert response.status_code == 200, response.text
    assert response.json() == {"end_session_url": None}
    assert "max-age=0" in response.headers["set-cookie"].lower()
    assert (await citizen.get("/api/v1/me")).status_code == 401
