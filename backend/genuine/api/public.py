"""Anyone, without logging in: is the message with this verification code really from the government?"""

from __future__ import annotations

from typing import Any

from litestar import Request, Router, get
from litestar.di import NamedDependency
from litestar.params import FromPath

from backend.genuine import service
from backend.genuine.context import Genuine
from backend.genuine.schemas import MessageCheck
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


router = Router("/api/v1", tags=["public"], route_handlers=[check_message])
