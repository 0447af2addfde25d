"""Names for JSON documents whose shape is not ours to fix, so that no row or payload falls back to Any."""

from __future__ import annotations

from typing import TypeAlias

JsonObject: TypeAlias = dict[str, object]
"""A JSON object of free shape: an identity provider's claims, the answers to an agency's form (its fields
are the agency's), a connector's or a health check's raw answer, an event's extra fields. Readers narrow
each value with ``isinstance`` before use."""
