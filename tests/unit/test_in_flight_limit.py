"""At most so many of the app's requests at work in a process: the next waits its turn briefly, then is
answered 503 with Retry-After before any work; files, health probes, the demo provider and event streams
are never held back."""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING, Any, cast

from backend.core.admission import CALM_SECONDS, DoorPass, InFlightLimit
from backend.core.pipeline import RequestPipeline

if TYPE_CHECKING:
    from litestar.types import Receive, Scope, Send

Answering = asyncio.Task[tuple[int, dict[str, str], bytes]]  # a request's status, headers and body
PASS = DoorPass("test-secret-key")
LATER = 4_000_000_000  # 2096: the tokens' expiry
SESSION, OTHER_SESSION, LOGIN = PASS.mark("c.s", LATER), PASS.mark("d.t", LATER), PASS.mark("abc", LATER)


class Held:
    """An app whose requests stay at work until released, recording the paths it was reached for."""

    def __init__(self) -> None:
        self.reached: list[str] = []
        self.release = asyncio.Event()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        self.reached.append(scope["path"])
        await self.release.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


def _limited(
    app: Held, *, limit: int, wait_seconds: float, journey_cookies: tuple[str, ...] = ()
) -> RequestPipeline:
    """The request pipeline with only its door (no deadline: no trusted proxy)."""
    door = InFlightLimit(
        limit=limit, wait_seconds=wait_seconds, journey_cookies=journey_cookies, door_pass=PASS
    )
    return RequestPipeline(cast("Any", app), https=False, admission=door)


async def _call(
    middleware: RequestPipeline, path: str, cookie: str = "", authorization: str = ""
) -> tuple[int, dict[str, str], bytes]:
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b""}

    headers = [(b"cookie", cookie.encode())] if cookie else []
    headers += [(b"authorization", authorization.encode())] if authorization else []
    scope = {"type": "http", "path": path, "headers": headers, "client": ("10.0.0.5", 5000)}
    await middleware(cast("Scope", scope), cast("Receive", receive), cast("Send", send))
    start, body = sent
    return start["status"], {k.decode(): v.decode() for k, v in start["headers"]}, body["body"]


async def test_past_the_limit_a_request_waits_then_is_turned_away_before_any_work() -> None:
    app = Held()
    middleware = _limited(app, limit=2, wait_seconds=0.05)
    working = [asyncio.create_task(_call(middleware, "/api/v1/tiles")) for _ in range(2)]
    await asyncio.sleep(0.01)
    status, headers, body = await _call(middleware, "/auth/callback")
    assert status == 503
    assert headers["retry-after"] == "5"
    assert headers["content-type"] == "application/problem+json"
    assert json.loads(body)["type"] == "/problems/service-unavailable"
    assert app.reached == ["/api/v1/tiles", "/api/v1/tiles"]  # the third never reached the app
    app.release.set()
    assert [(await task)[0] for task in working] == [200, 200]


async def test_a_waiting_request_gets_the_first_place_freed() -> None:
    app = Held()
    middleware = _limited(app, limit=1, wait_seconds=5)
    first = asyncio.create_task(_call(middleware, "/api/v1/me"))
    await asyncio.sleep(0.01)
    second = asyncio.create_task(_call(middleware, "/api/v1/bills"))
    await asyncio.sleep(0.01)
    assert app.reached == ["/api/v1/me"]
    app.release.set()
    assert ((await first)[0], (await second)[0]) == (200, 200)
    assert app.reached == ["/api/v1/me", "/api/v1/bills"]


async def test_files_probes_the_demo_provider_and_streams_are_not_counted() -> None:
    app = Held()
    middleware = _limited(app, limit=1, wait_seconds=0.01)
    holding = asyncio.create_task(_call(middleware, "/api/v1/tiles"))
    await asyncio.sleep(0.01)
    # ... nor agencies' token requests, which must go on through a long rush and cannot be checked here.
    free = ["/", "/assets/app.js", "/readyz", "/demo-idp/token", "/api/v1/payments/5/live", "/oauth/token"]
    others = [asyncio.create_task(_call(middleware, path)) for path in free]
    await asyncio.sleep(0.05)
    assert app.reached == ["/api/v1/tiles", *free]  # all at work at once, none held back
    app.release.set()
    assert [(await task)[0] for task in [holding, *others]] == [200] * 7


async def test_someone_already_let_in_takes_a_freed_place_before_any_newcomer() -> None:
    app = Held()
    middleware = _limited(app, limit=1, wait_seconds=5, journey_cookies=("session", "login"))
    first = asyncio.create_task(_call(middleware, "/auth/login"))
    await asyncio.sleep(0.01)
    newcomer = asyncio.create_task(_call(middleware, "/auth/login", cookie="device=d1"))
    await asyncio.sleep(0.01)
    inside = asyncio.create_task(_call(middleware, "/api/v1/me", cookie=f"device=d2; session={SESSION}"))
    await asyncio.sleep(0.01)
    # While someone let in waits, a newcomer is turned away at once rather than queued behind them.
    late_status, _, _ = await _call(middleware, "/auth/login")
    assert late_status == 503
    app.release.set()
    assert [(await task)[0] for task in (first, inside, newcomer)] == [200, 200, 200]
    assert app.reached == ["/auth/login", "/api/v1/me", "/auth/login"]


async def test_for_a_moment_after_someone_let_in_waited_newcomers_are_turned_away_even_with_room() -> None:
    app, now = Held(), [100.0]
    door = InFlightLimit(
        limit=1, wait_seconds=5, journey_cookies=("session",), door_pass=PASS, clock=lambda: now[0]
    )
    middleware = RequestPipeline(cast("Any", app), https=False, admission=door)
    first = asyncio.create_task(_call(middleware, "/api/v1/tiles", cookie=f"session={SESSION}"))
    await asyncio.sleep(0.01)
    inside = asyncio.create_task(_call(middleware, "/api/v1/me", cookie=f"session={OTHER_SESSION}"))  # waits
    await asyncio.sleep(0.01)
    app.release.set()
    assert [(await task)[0] for task in (first, inside)] == [200, 200]
    # The place is free again, but someone let in waited just now: a newcomer comes back later.
    now[0] += CALM_SECONDS / 2
    assert (await _call(middleware, "/auth/login"))[0] == 503
    assert (await _call(middleware, "/api/v1/me", cookie=f"session={OTHER_SESSION}"))[
        0
    ] == 200  # those inside go on
    now[0] += CALM_SECONDS
    assert (await _call(middleware, "/auth/login"))[0] == 200
    assert app.reached == ["/api/v1/tiles", "/api/v1/me", "/api/v1/me", "/auth/login"]


async def _full_with_a_newcomer_waiting() -> tuple[Held, RequestPipeline, Answering, Answering]:
    """A door of one place, taken by a request at work, and a newcomer waiting (both tasks)."""
    app = Held()
    middleware = _limited(app, limit=1, wait_seconds=5, journey_cookies=("session", "login"))
    holding = asyncio.create_task(_call(middleware, "/api/v1/tiles"))
    await asyncio.sleep(0.01)
    newcomer = asyncio.create_task(_call(middleware, "/auth/login"))
    await asyncio.sleep(0.01)
    return app, middleware, holding, newcomer


async def test_a_login_under_way_counts_as_let_in_and_an_agency_token_too() -> None:
    app, middleware, holding, newcomer = await _full_with_a_newcomer_waiting()
    callback = asyncio.create_task(_call(middleware, "/auth/callback", cookie=f"login={LOGIN}"))
    await asyncio.sleep(0.01)
    agency = asyncio.create_task(
        _call(middleware, "/api/v1/agency/notifications", authorization=f"Bearer {PASS.mark('tok', LATER)}")
    )
    await asyncio.sleep(0.01)
    app.release.set()
    assert [(await task)[0] for task in (holding, callback, agency, newcomer)] == [200] * 4
    assert app.reached == ["/api/v1/tiles", "/auth/callback", "/api/v1/agency/notifications", "/auth/login"]


async def test_a_made_up_or_unmarked_token_waits_as_a_newcomer() -> None:
    """Whether a request is let in ahead is read from a mark only the service can make: a bot sending
    any cookie named ``session`` (or a token from before the marks) gets no place ahead of newcomers."""
    app, middleware, holding, newcomer = await _full_with_a_newcomer_waiting()
    forged = DoorPass("another-key").mark("c.s", LATER)
    expired = PASS.mark("c.s", 1_000_000_000)  # 2001
    pretenders = [
        asyncio.create_task(_call(middleware, path, cookie=cookie, authorization=authorization))
        for path, cookie, authorization in [
            ("/api/v1/me", "session=x", ""),
            ("/api/v1/me", f"session={forged}", ""),
            ("/api/v1/me", f"session={expired}", ""),  # a mark kept past its token's life
            ("/api/v1/me", f"device={SESSION}", ""),  # a mark, but not on a journey's cookie
            ("/api/v1/agency/notifications", "", "Bearer unmarked-token"),
            ("/api/v1/agency/notifications", "", f"Basic {SESSION}"),
        ]
    ]
    await asyncio.sleep(0.01)
    app.release.set()
    assert [(await task)[0] for task in (holding, newcomer, *pretenders)] == [200] * 8
    assert app.reached[:2] == ["/api/v1/tiles", "/auth/login"]  # first come, first served


def test_a_mark_is_the_secret_keys_own() -> None:
    assert PASS.carries(PASS.mark("c.s", LATER).encode())
    assert not DoorPass("another-key").carries(PASS.mark("c.s", LATER).encode())
    now = [1_000.0]
    clocked = DoorPass("test-secret-key", clock=lambda: now[0])
    until = clocked.mark("c.s", 1_060)
    assert clocked.carries(until.encode())
    now[0] = 1_060.0
    assert not clocked.carries(until.encode())  # its token's life is over
    assert not clocked.carries(until.replace(".424", ".ffff").encode())  # a later expiry, not ours
    assert not PASS.carries(b"c.s")
    assert not PASS.carries(b"")


async def test_a_request_cancelled_while_waiting_leaves_no_place_taken() -> None:
    app = Held()
    middleware = _limited(app, limit=1, wait_seconds=5)
    holding = asyncio.create_task(_call(middleware, "/api/v1/tiles"))
    await asyncio.sleep(0.01)
    gone = asyncio.create_task(_call(middleware, "/api/v1/me"))
    await asyncio.sleep(0.01)
    gone.cancel()  # its phone closed the connection
    app.release.set()
    assert (await holding)[0] == 200
    assert (await _call(middleware, "/api/v1/inbox"))[0] == 200  # the place came back
    assert app.reached == ["/api/v1/tiles", "/api/v1/inbox"]


async def test_each_counted_answer_says_how_long_it_spent_in_the_server() -> None:
    app = Held()
    app.release.set()
    middleware = _limited(app, limit=1, wait_seconds=1)
    _, headers, _ = await _call(middleware, "/api/v1/tiles")
    name, duration = headers["server-timing"].split(";dur=")
    assert name == "app"
    assert float(duration) >= 0


async def test_a_browser_opening_the_login_page_is_sent_to_the_apps_page_rather_than_shown_the_problem() -> (
    None
):
    """``backend.core.login_navigation``: a person sees what happened in their language, not raw JSON."""
    app = Held()
    middleware = _limited(app, limit=1, wait_seconds=0.05)
    holding = asyncio.create_task(_call(middleware, "/api/v1/tiles"))
    await asyncio.sleep(0.01)
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    headers = [(b"accept", b"text/html,application/xhtml+xml")]
    scope = {"type": "http", "method": "GET", "path": "/auth/login", "query_string": b"next=/bills",
             "headers": headers, "client": ("10.0.0.5", 5000)}  # fmt: skip
    await middleware(cast("Scope", scope), cast("Receive", None), cast("Send", send))
    start = sent[0]
    assert start["status"] == 303
    assert (
        dict(start["headers"])[b"location"]
        == b"/login-problem?problem=service-unavailable&retry=5&next=%2Fbills"
    )
    assert (await _call(middleware, "/auth/login"))[0] == 503  # a script, or the app's fetch: the problem
    app.release.set()
    assert (await holding)[0] == 200
