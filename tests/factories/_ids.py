"""Ids as tests hold them: ``make_citizen`` and the like give the text (what the API's JSON shows), while
the backend's own functions take ``uuid.UUID``; factories take either."""

from __future__ import annotations

import uuid

Id = uuid.UUID | str


def as_uuid(value: Id) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(value)
