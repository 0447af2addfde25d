"""Issue 17 (7): a message's link must stay on this site, however it is disguised."""

from __future__ import annotations

import pytest

from backend.core.links import is_same_site_path, same_site_path_problem

# Each starts with "/" or looks like a path to a hasty check; each leaves the site in a browser, or
# once a server or proxy on the way decodes it.
HOSTILE = [
    "//evil.example/x",
    "///evil.example",
    "/\\evil.example",
    "/\\/evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "/%5cevil.example",
    "/%5Cevil.example",
    "/%255cevil.example",
    "/%2fevil.example",
    "/%2F%2Fevil.example",
    "/%252f%252fevil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "/%09/evil.example",
    "/%0a/evil.example",
    "\t//evil.example",
    " //evil.example",
    "/ /evil.example",
    "/\u00a0/evil.example",
    "/\u2028/evil.example",
    "/\u200b/evil.example",
    "/\x00/evil.example",
    "/..//evil.example",
    "/%2e%2e//evil.example",
    "/./\\evil.example",
    "/%ff/evil.example",
    "https://evil.example/",
    "javascript:alert(1)",
    "",
]
SAME_SITE = [
    "/",
    "/inbox",
    "/bills/",
    "/receipts/0b5e6a1c-7f0e-4b9e-9d7a-3b8e2f1a9c4d",
    "/applications/7?sent=1",
    "/entitlements?q=child%20support#top",
    "/inbox?next=/bills",
    "/ข่าว",
]


@pytest.mark.parametrize("link", HOSTILE)
def test_a_link_that_could_leave_the_site_is_refused(link: str) -> None:
    assert same_site_path_problem(link) == "must be a path of this site, such as /bills"
    assert not is_same_site_path(link)


@pytest.mark.parametrize("link", SAME_SITE)
def test_plain_paths_of_the_site_are_accepted(link: str) -> None:
    assert same_site_path_problem(link) is None
