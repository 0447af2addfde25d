"""A login is a browser's navigation, not an API call: a phone opening ``/auth/login`` (or coming back
from the identity provider to ``/auth/callback``) that is turned away, by the door in a rush or by a
login that failed, would otherwise be shown an RFC 9457 problem as raw JSON in English. Such a
navigation is sent instead to the app's own page (``/login-problem``), which says in the citizen's
language what happened and when to try again; API callers keep the problem."""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import parse_qs, urlencode

from backend.core.links import is_same_site_path

# What /auth/login takes, so that the page never offers a login that would be refused again.
ACR_VALUES = re.compile(r"[\w:.\-/ ]{1,200}", re.ASCII)  # assurance levels; whole values only (fullmatch)
NEXT_LONGEST = 2000
MAX_AGE_LONGEST = 86400
LOGIN_PATHS = frozenset({"/auth/login", "/auth/callback"})
PROBLEM_PAGE = "/login-problem"


def is_login_navigation(method: str, path: str, headers: Iterable[tuple[bytes, bytes]]) -> bool:
    """A browser loading one of the login's pages (it asks for HTML; fetch and scripts do not)."""
    if method != "GET" or path not in LOGIN_PATHS:  # browsers never navigate with HEAD
        return False
    return any(name == b"accept" and b"text/html" in value.lower() for name, value in headers)


def problem_page(problem_type: str, retry_after: int | None, query_string: bytes) -> str:
    """Where to send the browser: the problem's kind (``service-unavailable``), how many seconds until
    it may try again, and the same-site path the login was for (``next`` of ``/auth/login``)."""
    query = {"problem": problem_type.removeprefix("/problems/")}
    if retry_after:
        query["retry"] = str(retry_after)
    asked = {name: values[0] for name, values in parse_qs(query_string.decode("latin-1")).items()}
    wanted = asked.get("next", "")
    if wanted and wanted != "/" and len(wanted) <= NEXT_LONGEST and is_same_site_path(wanted):
        query["next"] = wanted
    # A step-up's terms (RFC 9470), so that trying again asks for the same login; /auth/login checks them.
    if ACR_VALUES.fullmatch(asked.get("acr_values", "")):
        query["acr_values"] = asked["acr_values"]
    max_age = asked.get("max_age", "")
    if max_age.isascii() and max_age.isdigit() and len(max_age) <= 5 and int(max_age) <= MAX_AGE_LONGEST:
        query["max_age"] = max_age
    return f"{PROBLEM_PAGE}?{urlencode(query)}"
