"""What the feature's services share: ``Applications`` (the pool, the queue, the file store, the document
signer, the national-ID cipher and the public URL; created once per process and given to handlers as the
``applications`` dependency), who acts for an agency, and files going in and out."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from litestar.datastructures import State

from backend.applications.files import FileStore
from backend.applications.signing import DocumentSigner
from backend.core.crypto import NationalIdCipher
from backend.core.db import Pool
from backend.core.principal import Principal

if TYPE_CHECKING:
    from saq.queue.base import Queue

_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's: no I, L, O, U to misread


class Applications:
    """Made once per process (the app's lifespan) and handed to every service function first."""

    def __init__(
        self,
        pool: Pool,
        queue: Queue,
        store: FileStore,
        signer: DocumentSigner,
        cipher: NationalIdCipher,
        public_url: str,
    ) -> None:
        self.pool = pool
        self.queue = queue
        self.store = store
        self.signer = signer
        self.cipher = cipher
        self.public_url = public_url

    def verification_url(self, code: str) -> str:
        return f"{self.public_url}/verify/{code}"


def provide_applications(state: State) -> Applications:
    applications: Applications = state.applications
    return applications


class Upload(Protocol):
    """A file as the request carries it (Litestar's ``UploadFile``)."""

    @property
    def filename(self) -> str: ...

    async def read(self, size: int = -1) -> bytes: ...


@dataclass(frozen=True, slots=True)
class Download:
    """A stored file as it is sent back: the name to save it under, its type and its bytes."""

    file_name: str
    content_type: str
    content: bytes


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts for an agency: a staff member (citizen id) or an agency system (client id)."""

    staff_id: uuid.UUID | None
    client_id: str | None

    @classmethod
    def of(cls, principal: Principal) -> Actor:
        return cls(
            staff_id=None if principal.is_machine else principal.citizen_id, client_id=principal.client_id
        )

    @property
    def recorded_as(self) -> str | None:
        if self.staff_id is not None:
            return str(self.staff_id)
        return f"client:{self.client_id}" if self.client_id else None


def random_code(length: int) -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(length))
