"""A connector row as the client calls it: its secret unsealed. Entitlements, registries and the
applications' delivery all call connectors through this."""

from __future__ import annotations

from backend.connectors.client import ConnectorTarget
from backend.connectors.schemas import ConnectorRow
from backend.core.crypto import NationalIdCipher

SECRET_PURPOSE = b"connector.secret.v1"


def target_from_row(row: ConnectorRow, cipher: NationalIdCipher) -> ConnectorTarget:
    """The connector as the client calls it, its secret unsealed."""
    secret = (
        cipher.decrypt(row.secret_key_id or "", row.secret_ciphertext, purpose=SECRET_PURPOSE)
        if row.secret_ciphertext
        else None
    )
    return ConnectorTarget(
        id=row.id,
        agency_id=row.agency_id,
        base_url=row.base_url,
        auth_kind=row.auth_kind,
        api_key_header=row.api_key_header,
        secret=secret,
        oauth_token_url=row.oauth_token_url,
        oauth_client_id=row.oauth_client_id,
        oauth_scope=row.oauth_scope,
        timeout_ms=row.timeout_ms,
        retries=row.retries,
        client_certificate_pem=row.client_certificate_pem,
        server_ca_pem=row.server_ca_pem,
        tls_version=row.updated_at.isoformat(),
    )
