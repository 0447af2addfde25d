"""Anyone, without logging in: is the message with this verification code really from the government,
and where does a link inside a message lead?"""

from __future__ import annotations

from typing import Any

from litestar import Request, Router, get
from litestar.di import NamedDependency
from litestar.params import FromPath

from backend.core.resources import Resources
from backend.genuine import leaving, service
from backend.genuine.context import Genuine
from backend.genuine.schemas import LeavingLink, MessageCheck
from backend.identity.service import Identity


@get(
    "/messages/verify/{code:str}",
    summary="Anyone: did the platform or an agency send the message with this verification code?",
)
async def check_message(
    code: FromPath[str],
    request: Request[Any, Any, Any],
    genuine: NamedDependency[Genuine],
    identity: NamedDependency[Identity],
) -> MessageCheck:
    return await service.check(genuine, identity, request, code)


@get(
    "/leave/{token:str}",
    summary="Anyone: where a link inside a message leads, and which agency sent it, before leaving",
)
async def leaving_link(token: FromPath[str], resources: NamedDependency[Resources]) -> LeavingLink:
    return await leaving.leaving(resources, token)


router = Router("/api/v1", tags=["public"], route_handlers=[check_message, leaving_link])
