"""Staff roles, granted and revoked by platform admins (the route's guard has checked that). Every
grant and revocation is kept; a change reaches every replica on its next request (``roles``)."""

from __future__ import annotations

from backend.core.errors import BadRequest, Conflict, NotFound
from backend.core.principal import Principal
from backend.core.resources import Resources
from backend.identity import queries
from backend.identity.schemas import NewRoleGrant, RoleGrantView
from backend.identity.service import Identity


async def grants(resources: Resources, *, include_revoked: bool) -> list[RoleGrantView]:
    return await queries.role_grants(resources.pool, include_revoked=include_revoked)


async def grant(
    resources: Resources, identity: Identity, admin: Principal, data: NewRoleGrant
) -> RoleGrantView:
    if data.role.startswith("agency_") != (data.agency_id is not None):
        raise BadRequest("agency roles need agency_id; support and platform_admin must not have one")
    if data.agency_id is not None and await queries.agency_status(resources.pool, data.agency_id) is None:
        raise NotFound("No such agency.")
    citizen_id = await identity.citizen_id_for(resources, data.national_id)
    if citizen_id is None:
        raise NotFound("This person has not logged in yet: ask them to log in once, then grant the role.")
    grant_id = await queries.grant_role(
        resources.pool,
        citizen_id=citizen_id,
        role=data.role,
        agency_id=data.agency_id,
        granted_by=admin.citizen_id,
        reason=data.reason,
    )
    if grant_id is None:
        raise Conflict("This person already holds that role.")
    await identity.roles.changed()
    active = await queries.role_grants(resources.pool, include_revoked=False)
    return next(view for view in active if view.id == grant_id)


async def revoke(resources: Resources, identity: Identity, admin: Principal, grant_id: int) -> None:
    """The grant is kept, closed. The last platform admin cannot be revoked."""
    async with resources.pool.acquire() as connection, connection.transaction():
        await queries.lock_role_grants(connection)  # two admins revoking each other: one stays
        found = await queries.grant_by_id(connection, grant_id)
        if found is None or found.revoked_at is not None:
            raise NotFound("No such active grant.")
        if found.role == "platform_admin" and await queries.active_platform_admin_count(connection) <= 1:
            raise Conflict("This is the last platform administrator; grant the role to someone else first.")
        await queries.revoke_role(connection, grant_id=grant_id, revoked_by=admin.citizen_id)
    await identity.roles.changed()
