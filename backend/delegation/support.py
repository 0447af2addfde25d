"""Support staff helping a citizen see who acts for them and for whom they act: names, masked national
IDs, scopes and dates, never a way to change a grant. The look is recorded in the citizen's "who
accessed my data" like every other staff look."""

from __future__ import annotations

import uuid

from backend.connectors.schemas import Said
from backend.core.crypto import mask_national_id
from backend.core.resources import Resources
from backend.delegation import queries
from backend.delegation.schemas import SupportDelegations, SupportDelegationView
from backend.delegation.service import ALL_SCOPES, ordered
from backend.identity.service import Identity
from backend.support.lookups import look_up_citizen

_LOOK = Said(
    "เจ้าหน้าที่ดูว่าใครทำแทนคุณและคุณทำแทนใคร", "Support staff looked at who acts for you and for whom you act"
)
_FIELDS = [Said("ผู้ทำแทนและผู้ที่คุณทำแทน", "people acting for you and for whom you act")]


async def delegations_of_citizen(
    resources: Resources, identity: Identity, citizen_id: uuid.UUID, staff_id: uuid.UUID
) -> SupportDelegations:
    citizen = await look_up_citizen(
        resources, identity, citizen_id, staff_id=staff_id, purpose=_LOOK, fields=_FIELDS
    )
    by_scope = {scope.key: scope for scope in ALL_SCOPES}
    rows = await queries.delegations_for_support(resources.pool, citizen.citizen_id)
    return SupportDelegations(
        national_id_masked=citizen.national_id_masked,
        delegations=[
            SupportDelegationView(
                id=row.id,
                direction="given" if row.given else "received",
                kind=row.kind,
                other_name_th=row.other_name_th or row.other_name_en or "",
                other_name_en=row.other_name_en or row.other_name_th or "",
                other_national_id_masked=mask_national_id(
                    identity.cipher.decrypt(row.other_key_id, row.other_ciphertext)
                ),
                scopes=[by_scope[key] for key in ordered(row.scopes)],
                status=row.status,
                ends_on=row.ends_on,
            )
            for row in rows
        ],
    )
