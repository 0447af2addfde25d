"""Scam reports and warnings, one guarded router per audience: anyone reports a message and reads the
active warnings; a logged-in citizen sees their own reports' outcomes; support staff work the queue
(grouped by link host or sender), publish and withdraw warnings; platform admins read the counts."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Request, Response, Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from backend.core.guards import person, platform_admin, support_staff
from backend.core.principal import Principal
from backend.core.resources import Resources
from backend.genuine import scams
from backend.genuine.scam_schemas import (
    MAX_SCREENSHOT_BYTES,
    MyScamReport,
    NewScamReport,
    NewScamWarning,
    ScamGroupClosed,
    ScamGroupClosing,
    ScamKey,
    ScamReportFiled,
    ScamReportForStaff,
    ScamReportGroup,
    ScamStats,
    ScamWarning,
    ScamWarningWithdrawal,
)
from backend.identity.service import Identity

# The screenshot travels base64-encoded (4/3 of its size) in a JSON body with the text beside it.
_REPORT_BODY_BYTES = MAX_SCREENSHOT_BYTES * 4 // 3 + 16 * 1024


@post(
    "/scam-reports",
    summary="Anyone: report a suspicious message (logged in: the citizen sees the outcome)",
    status_code=HTTP_201_CREATED,
    request_max_body_size=_REPORT_BODY_BYTES,
)
async def report_scam(
    data: Annotated[NewScamReport, msgspec.Meta()],
    request: Request[Any, Any, Any],
    optional_principal: NamedDependency[Principal | None],
    identity: NamedDependency[Identity],
    resources: NamedDependency[Resources],
) -> ScamReportFiled:
    return await scams.report(resources, identity, request, optional_principal, data)


@get(
    "/scam-warnings",
    summary="Anyone: the scam warnings in force, newest first (shared caches keep it a minute)",
)
async def scam_warnings(resources: NamedDependency[Resources]) -> Response[list[ScamWarning]]:
    # Shared caches (a CDN in front of millions of home screens) keep it a minute; a browser asks each
    # time, so a phone that loaded the list a moment ago still sees a warning published since.
    headers = {"Cache-Control": "public, max-age=0, s-maxage=60", "Access-Control-Allow-Origin": "*"}
    return Response(await scams.active_warnings(resources), headers=headers)


public_router = Router("/api/v1", tags=["public"], route_handlers=[report_scam, scam_warnings])


@get("/scam-reports/mine", summary="The scam reports I made in the app, and what became of them")
async def my_scam_reports(
    principal: NamedDependency[Principal], resources: NamedDependency[Resources]
) -> list[MyScamReport]:
    return await scams.my_reports(resources, principal)


citizen_router = Router("/api/v1", guards=[person], tags=["citizen"], route_handlers=[my_scam_reports])


@get("/scam-reports/groups", summary="Reports waiting for a decision, grouped by link host or by sender")
async def scam_report_groups(
    resources: NamedDependency[Resources], key: Annotated[ScamKey, QueryParameter()] = "link_host"
) -> list[ScamReportGroup]:
    return await scams.groups(resources, key)


@get("/scam-reports", summary="One group's reports waiting for a decision (value left out: those with none)")
async def scam_reports_in_group(
    resources: NamedDependency[Resources],
    key: Annotated[ScamKey, QueryParameter()] = "link_host",
    value: Annotated[str | None, QueryParameter(max_length=253)] = None,
) -> list[ScamReportForStaff]:
    return await scams.reports_in_group(resources, key, value)


@get("/scam-reports/{report_id:int}/screenshot", summary="A report's screenshot (until it is purged)")
async def scam_report_screenshot(
    report_id: FromPath[int], resources: NamedDependency[Resources]
) -> Response[bytes]:
    content, content_type = await scams.screenshot(resources, report_id)
    return Response(
        content,
        media_type=content_type,
        headers={
            "Cache-Control": "private, no-store",
            # A citizen's upload, shown as an image and nothing else in our origin.
            "Content-Security-Policy": "sandbox; default-src 'none'",
        },
    )


@post(
    "/scam-reports/close",
    summary="Decide a group's reports without a warning: not a scam, or dismissed, with a note",
    status_code=HTTP_200_OK,
)
async def close_scam_group(
    data: Annotated[ScamGroupClosing, msgspec.Meta()],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
) -> ScamGroupClosed:
    return await scams.close_group(resources, principal, data)


@get("/scam-warnings", summary="Scam warnings published, active and withdrawn, newest first")
async def all_scam_warnings(resources: NamedDependency[Resources]) -> list[ScamWarning]:
    return await scams.recent_warnings(resources)


@post(
    "/scam-warnings",
    summary="Mark a link host or sender as a scam: publish a warning to every citizen, decide its reports",
    status_code=HTTP_201_CREATED,
)
async def publish_scam_warning(
    data: Annotated[NewScamWarning, msgspec.Meta()],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
) -> ScamWarning:
    return await scams.publish(resources, principal, data)


@post(
    "/scam-warnings/{warning_id:int}/withdraw",
    summary="Withdraw a scam warning (it leaves every citizen's app), with a note",
    status_code=HTTP_200_OK,
)
async def withdraw_scam_warning(
    warning_id: FromPath[int],
    data: Annotated[ScamWarningWithdrawal, msgspec.Meta()],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
) -> ScamWarning:
    return await scams.withdraw(resources, principal, warning_id, data)


support_router = Router(
    "/api/v1/support",
    guards=[support_staff],
    tags=["support"],
    route_handlers=[
        scam_report_groups,
        scam_reports_in_group,
        scam_report_screenshot,
        close_scam_group,
        all_scam_warnings,
        publish_scam_warning,
        withdraw_scam_warning,
    ],
)


@get("/scam-stats", summary="Scam reports and warnings per day, the last 30 days")
async def scam_stats(resources: NamedDependency[Resources]) -> ScamStats:
    return await scams.stats(resources)


admin_router = Router(
    "/api/v1/admin", guards=[platform_admin], tags=["administration"], route_handlers=[scam_stats]
)
