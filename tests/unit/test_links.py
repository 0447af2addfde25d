"""Issue 17 (7): a message's link must stay on this site, however it is disguised."""

from __future__ import annotations

import pytest

from backend.core.links import is_same_site_path, same_site_path_problem
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
