"""Issue 17 (7): a message's link must stay on this site, however it is disguised."""

from __future__ import annotations

import pytest

from backend.core.links import (
    OUTSIDE_LINK,
    is_same_site_path,
    leave_path,
    link_host,
    on_domains,
    outside_link_problem,
    read_leave_token,
    same_site_path_problem,
)
from tests.helpers.links import HOSTILE, SAME_SITE

# Each starts with "/" or looks like a path to a hasty check; each leaves the site in a browser, or
# once a server or proxy on the way decodes it.


@pytest.mark.parametrize("link", HOSTILE)
def test_a_link_that_could_leave_the_site_is_refused(link: str) -> None:
    assert same_site_path_problem(link) == "must be a path of this site, such as /bills"
    assert not is_same_site_path(link)


@pytest.mark.parametrize("link", SAME_SITE)
def test_plain_paths_of_the_site_are_accepted(link: str) -> None:
    assert same_site_path_problem(link) is None


# --- links out to an agency's own site (issue 21, item 6) -------------------------------------------

OUTSIDE_HOSTILE = [
    "http://dsdw.go.th/",  # not https
    "HTTPS://dsdw.go.th/",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "//dsdw.go.th/",
    "https:/dsdw.go.th/",
    "https:///dsdw.go.th/",
    "https://user@dsdw.go.th/",  # user info: the host is what follows "@"
    "https://dsdw.go.th@evil.example/",
    "https://dsdw.go.th:443/",
    "https://dsdw.go.th\\@evil.example/",  # a browser reads "\" as "/"
    "https://dsdw.go.th\\evil.example",
    "https://dsdw.g\u043e.th/",  # a Cyrillic "o" (U+043E)
    "https://ดสดว.go.th/",
    "https://DSDW.go.th/",
    "https://dsdw.go.th./",
    "https://dsdw.go.th%2f.evil.example/",
    "https://127.0.0.1/",
    "https://[::1]/",
    "https://localhost/",
    "https://dsdw.go.th/\tx",
    "https://dsdw.go.th/ x",
    "https://dsdw.go.th/\u200bx",
    "https://dsdw.go.th/" + "a" * 500,
]


@pytest.mark.parametrize("link", OUTSIDE_HOSTILE)
def test_an_outside_link_that_is_not_plain_https_to_a_plain_host_is_refused(link: str) -> None:
    assert outside_link_problem(link) == OUTSIDE_LINK


@pytest.mark.parametrize(
    ("link", "host"),
    [
        ("https://dsdw.go.th", "dsdw.go.th"),
        ("https://www.dsdw.go.th/grant/apply?year=2569#form", "www.dsdw.go.th"),
        ("https://xn--o3cw4h.xn--o3cw4h/", "xn--o3cw4h.xn--o3cw4h"),  # IDNs in their registered form
    ],
)
def test_plain_https_links_are_accepted_with_their_host(link: str, host: str) -> None:
    assert outside_link_problem(link) is None
    assert link_host(link) == host


def test_only_a_registered_domain_or_a_name_under_it_is_the_agencys() -> None:
    domains = ["dsdw.go.th"]
    assert on_domains("dsdw.go.th", domains)
    assert on_domains("www.dsdw.go.th", domains)
    for host in ("evildsdw.go.th", "dsdw.go.th.evil.example", "go.th", "xn--dsdw-9ya.go.th"):
        assert not on_domains(host, domains)


def test_a_leaving_token_gives_back_only_what_the_platform_signed() -> None:
    path = leave_path("key", 7, "https://dsdw.go.th/a")
    token = path.removeprefix("/leave/")
    assert path.startswith("/leave/")
    assert is_same_site_path(path)
    assert read_leave_token("key", token) == (7, "https://dsdw.go.th/a")
    assert leave_path("key", 7, "https://dsdw.go.th/a") == path  # a retried send is the same request
    assert read_leave_token("other key", token) is None
    payload, mac = token.split(".")
    other = leave_path("key", 7, "https://evil.example/").removeprefix("/leave/").split(".")[0]
    assert read_leave_token("key", f"{other}.{mac}") is None
    flipped = mac[:-1] + ("A" if mac[-1] != "A" else "B")
    assert read_leave_token("key", f"{payload}.{flipped}") is None
    assert read_leave_token("key", f"{payload}.{mac}.x") is None
    # Signed, but never a link a message may carry: refused when read, too.
    never = leave_path("key", 7, "javascript:alert(1)").removeprefix("/leave/")
    assert read_leave_token("key", never) is None
