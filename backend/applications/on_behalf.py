""" "Submitted by X on behalf of Y": an application a delegate submitted for the citizen, under their
grant (docs/delegation.md), carries the grant; the agency is told who did it (contract v1 ``on_behalf``,
and the agency's own view of the application), with the delegate's national ID masked."""

from __future__ import annotations

import uuid

from backend.connectors.contract import OnBehalf
from backend.core.crypto import NationalIdCipher, mask_national_id
from backend.core.db import Db
from backend.core.principal import Principal


async def mark_submitted(db: Db, application_id: uuid.UUID, principal: Principal) -> None:
    """In the submission's transaction: the grant the delegate acted under (nothing when the citizen
    submitted it themselves)."""
    if principal.acting_for is not None:
        await db.execute(
            "UPDATE applications SET delegation_id = $2 WHERE id = $1",
            application_id,
            principal.acting_for.delegation_id,
        )


async def on_behalf_of(db: Db, cipher: NationalIdCipher, application_id: uuid.UUID) -> OnBehalf | None:
    row = await db.fetchrow(
        """
        SELECT p.delegation_id, c.name_th, c.name_en, c.national_id_key_id, c.national_id_ciphertext
        FROM applications p JOIN delegations d ON d.id = p.delegation_id
        JOIN citizens c ON c.id = d.delegate_id
        WHERE p.id = $1
        """,
        application_id,
    )
    if row is None:
        return None
    return OnBehalf(
        kind="delegate",
        delegate_reference=str(row["delegation_id"]),
        name_th=row["name_th"],
        name_en=row["name_en"],
        national_id_masked=mask_national_id(
            cipher.decrypt(row["national_id_key_id"], row["national_id_ciphertext"])
        ),
    )
