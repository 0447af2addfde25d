"""The platform's leaving page (issue 21, item 6): a link inside a message that goes to an agency's own
website is sent as ``/leave/<signed token>`` (``backend.core.links.leave_path``, at send time in
notifications), and this names the agency and the destination before the citizen leaves.

Only what the platform signed is ever shown: a token that is malformed, tampered with, or of an agency
that no longer exists is not found, so the page is no redirect to anywhere a caller chooses."""

from __future__ import annotations

from backend.core.errors import NotFound
from backend.core.links import link_host, on_domains, read_leave_token
from backend.core.resources import Resources
from backend.genuine import queries
from backend.genuine.schemas import LeavingLink


async def leaving(resources: Resources, token: str) -> LeavingLink:
    signed = read_leave_token(resources.settings.secret_key, token)
    if signed is None:
        raise NotFound("No such link.")
    agency_id, url = signed
    agency = await queries.link_domains_of(resources.pool, agency_id)
    if agency is None:
        raise NotFound("No such link.")
    code, name_th, name_en, domains = agency
    host = link_host(url)
    return LeavingLink(
        agency_code=code,
        agency_name_th=name_th,
        agency_name_en=name_en,
        url=url,
        host=host,
        # Checked again now: a domain the agency removed or an admin withdrew since is said to be so.
        registered=on_domains(host, domains),
    )
