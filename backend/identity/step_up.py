"""Step-up (RFC 9470): whether a session's login is strong and recent enough for an action.

``require_step_up`` is the rule, called where the need depends on the request (a large bill);
``step_up`` is the guard for a route that always needs it, with the settings' level and age.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from backend.core.errors import NotAuthenticated
from backend.core.guards import is_options, principal_of
from backend.core.principal import Principal, require_person
from backend.core.resources import Resources


class StepUpRequired(NotAuthenticated):
    """RFC 9470: the session is genuine but not strong or recent enough for this action."""

    problem_type = "step-up-required"
    title = "Please confirm it is you"

    def __init__(self, *, acr_values: str, max_age: int | None) -> None:
        challenge = f'Bearer error="insufficient_user_authentication", acr_values="{acr_values}"'
        if max_age is not None:
            challenge += f", max_age={max_age}"
        super().__init__(
            "This action needs a recent, stronger login. Log in again to continue.",
            headers={"WWW-Authenticate": challenge},
        )
        self.acr_values = acr_values
        self.max_age = max_age


def acr_rank(acr: str | None, levels: Iterable[str]) -> int:
    """Position of ``acr`` in the provider's ascending list; -1 when unknown or absent."""
    ordered = list(levels)
    return ordered.index(acr) if acr in ordered else -1


def require_step_up(
    principal: Principal | None,
    *,
    minimum_acr: str,
    acr_levels: list[str],
    max_age_seconds: int | None,
    now: float | None = None,
) -> Principal:
    """Pass when the session's login is at least ``minimum_acr`` and, if given, no older than
    ``max_age_seconds``; otherwise raise StepUpRequired naming what is needed."""
    principal = require_person(principal)
    session = principal.session
    assert session is not None
    strong_enough = acr_rank(session.acr, acr_levels) >= acr_rank(minimum_acr, acr_levels) >= 0
    current = time.time() if now is None else now
    recent_enough = max_age_seconds is None or (
        session.auth_time is not None and current - session.auth_time <= max_age_seconds
    )
    if not (strong_enough and recent_enough):
        raise StepUpRequired(acr_values=minimum_acr, max_age=max_age_seconds)
    return principal


async def step_up(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Guard: a login at least ``STEP_UP_ACR`` and no older than ``STEP_UP_MAX_AGE_SECONDS``."""
    if is_options(connection):
        return
    resources: Resources = connection.app.state.resources
    settings = resources.settings
    require_step_up(
        principal_of(connection),
        minimum_acr=settings.step_up_acr,
        acr_levels=settings.acr_levels,
        max_age_seconds=settings.step_up_max_age_seconds,
    )
