"""Client TLS certificates and agency CAs for connectors: checked when an agency registers them, and
turned into an ``ssl.SSLContext`` when the connector is called."""

from __future__ import annotations

import datetime as dt
import os
import ssl
import tempfile

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from backend.core.errors import FieldError


def certificate_problems(
    certificate_pem: str | None, private_key_pem: str | None, server_ca_pem: str | None
) -> list[FieldError]:
    """What is wrong with the TLS material an agency sent, field by field, in words it can act on.
    ``private_key_pem`` is None when a stored key is kept."""
    errors: list[FieldError] = []
    certificate = None
    if certificate_pem:
        try:
            certificate = x509.load_pem_x509_certificate(certificate_pem.encode())
        except ValueError:
            errors.append(FieldError(field="client_certificate_pem", message="not a PEM certificate"))
        else:
            now = dt.datetime.now(dt.UTC)
            if certificate.not_valid_after_utc <= now:
                errors.append(FieldError(field="client_certificate_pem", message="it has expired"))
            elif certificate.not_valid_before_utc > now:
                errors.append(FieldError(field="client_certificate_pem", message="it is not valid yet"))
    if private_key_pem:
        try:
            key = serialization.load_pem_private_key(private_key_pem.encode(), password=None)
        except (ValueError, TypeError):
            errors.append(
                FieldError(field="client_private_key_pem", message="not an unencrypted PEM private key")
            )
        else:
            if certificate is not None and key.public_key() != certificate.public_key():
                errors.append(
                    FieldError(field="client_private_key_pem", message="it does not match the certificate")
                )
    if server_ca_pem:
        try:
            x509.load_pem_x509_certificates(server_ca_pem.encode())
        except ValueError:
            errors.append(FieldError(field="server_ca_pem", message="not one or more PEM certificates"))
    return errors


def tls_context(
    *, server_ca_pem: str | None, certificate_pem: str | None, private_key_pem: str | None
) -> ssl.SSLContext:
    """Trust only the agency's own CA when it gave one; present its client certificate when it uses
    one. The standard library loads a certificate chain only from a file, so the key is written to a
    private temporary file (mode 0600) and removed at once."""
    context = ssl.create_default_context(cadata=server_ca_pem or None)
    if certificate_pem and private_key_pem:
        descriptor, path = tempfile.mkstemp(prefix="connector-", suffix=".pem")
        try:
            with os.fdopen(descriptor, "w") as handle:
                handle.write(certificate_pem.strip() + "\n" + private_key_pem.strip() + "\n")
            context.load_cert_chain(path)
        finally:
            os.unlink(path)
    return context
