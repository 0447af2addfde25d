"""Where a browser turned away at a login page is sent (``backend.core.login_navigation``)."""

from __future__ import annotations

from backend.core.login_navigation import is_login_navigation, problem_page

HTML = [(b"accept", b"text/html,application/xhtml+xml,*/*;q=0.8")]


def test_only_a_browser_loading_a_login_page_is_sent_there() -> None:
    assert is_login_navigation("GET", "/auth/login", HTML)
    assert is_login_navigation("GET", "/auth/callback", HTML)
    assert not is_login_navigation("GET", "/auth/login", [(b"accept", b"*/*")])  # a script, the app's fetch
    assert not is_login_navigation("POST", "/auth/logout", HTML)
    assert not is_login_navigation("GET", "/api/v1/me", HTML)


def test_the_page_is_told_the_problem_the_wait_and_the_same_login_to_try_again() -> None:
    assert problem_page("/problems/service-unavailable", 5, b"next=/bills%3Ftab%3Dunpaid") == (
        "/login-problem?problem=service-unavailable&retry=5&next=%2Fbills%3Ftab%3Dunpaid"
    )
    step_up = problem_page("/problems/rate-limited", 30, b"next=/wallet&acr_values=urn:demo:ial:2&max_age=0")
    assert step_up == (
        "/login-problem?problem=rate-limited&retry=30&next=%2Fwallet&acr_values=urn%3Ademo%3Aial%3A2&max_age=0"
    )
    # Nothing from the query that would lead off the site, or that /auth/login would refuse.
    assert problem_page("/problems/login-failed", None, b"next=https://evil.example/&max_age=soon") == (
        "/login-problem?problem=login-failed"
    )
    assert problem_page("/problems/login-failed", None, b"next=//evil.example&acr_values=%3Cscript%3E") == (
        "/login-problem?problem=login-failed"
    )
