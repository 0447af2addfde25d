"""Writes the app's OpenAPI document (what it serves at ``/schema/openapi.json``) to ``pwa/openapi.json``,
from which the PWA's types are generated (``cd pwa && npm run gen:api``: openapi-typescript into
``pwa/src/api/schema.d.ts``, types only).

No server, database or Redis is needed: creating the app object connects to nothing (its lifespan
does, and it is never run here), so the URLs below point nowhere. Demo mode, so that the demo routes the
PWA calls (adding a demo phone) are described too; the secrets are throwaway ones, the demo secrets
file goes to a temporary folder, and none of it appears in the document.

    .venv/bin/python -m scripts.openapi            # write pwa/openapi.json
    .venv/bin/python -m scripts.openapi --check    # exit 1 when pwa/openapi.json is not current

``tests/unit/test_openapi_current.py`` runs the check.
"""

from __future__ import annotations

import base64
import json
import secrets
import sys
import tempfile
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec

DOCUMENT = Path(__file__).resolve().parent.parent / "pwa" / "openapi.json"


def _throwaway_environment(var_dir: Path) -> dict[str, str]:
    vapid = ec.generate_private_key(ec.SECP256R1()).private_numbers().private_value.to_bytes(32, "big")
    return {
        "DEMO_MODE": "true",
        "VAR_DIR": str(var_dir),
        "PWA_DIR": str(var_dir / "no-pwa"),
        "LOG_LEVEL": "WARNING",
        "DATABASE_URL": "postgresql://openapi@127.0.0.1:9/openapi",
        "REDIS_URL": "redis://127.0.0.1:9/0",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "ID_ENCRYPTION_KEYS": "openapi:" + base64.b64encode(secrets.token_bytes(32)).decode(),
        "ID_HASH_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
        "VAPID_PRIVATE_KEY": base64.urlsafe_b64encode(vapid).decode().rstrip("="),
        "DOCUMENT_SIGNING_KEYS": "openapi:" + base64.b64encode(secrets.token_bytes(32)).decode(),
        "BANK_SECRETS": "demo-bank:" + secrets.token_urlsafe(24),
        "OIDC_ISSUER": "https://id.example.invalid",
        "OIDC_CLIENT_ID": "citizen-app",
        "OIDC_CLIENT_SECRET": secrets.token_urlsafe(24),
    }


def openapi_document() -> dict[str, Any]:
    """The OpenAPI document of an app created with throwaway settings."""
    from backend.server.app import create_app
    from backend.settings import load_settings

    with tempfile.TemporaryDirectory(prefix="citizen-openapi-") as folder:
        app = create_app(load_settings(_throwaway_environment(Path(folder))))
        return app.openapi_schema.to_schema()


def render() -> str:
    """The document as written to pwa/openapi.json: the paths sorted (a handler serving several paths
    lists them in set order, which differs from one process to the next), everything else in the order
    the app gives it, so that the generated types list fields in the order the schemas declare them."""
    document = openapi_document()
    document["paths"] = dict(sorted(document["paths"].items()))
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        current = DOCUMENT.read_text(encoding="utf-8") if DOCUMENT.exists() else ""
        if current != text:
            print(f"{DOCUMENT} is not current: run `.venv/bin/python -m scripts.openapi`", file=sys.stderr)
            return 1
        return 0
    DOCUMENT.write_text(text, encoding="utf-8")
    print(f"wrote {DOCUMENT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
