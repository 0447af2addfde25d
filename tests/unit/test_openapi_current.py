"""The PWA's API types are generated from ``pwa/openapi.json`` (``pwa/src/api/schema.d.ts``, checked by
the PWA's own unit test); this keeps that document the one the app serves at /schema/openapi.json.
When it fails: ``.venv/bin/python -m scripts.openapi``, then ``cd pwa && npm run gen:api``."""

from __future__ import annotations

import json

from scripts.openapi import DOCUMENT, render


def test_the_pwa_s_openapi_document_is_the_one_the_app_serves() -> None:
    committed = DOCUMENT.read_text(encoding="utf-8")
    current = render()
    if committed != current:
        before, after = json.loads(committed), json.loads(current)
        changed = sorted(
            path
            for path in before["paths"].keys() | after["paths"].keys()
            if before["paths"].get(path) != after["paths"].get(path)
        )
        schemas_before, schemas_after = before["components"]["schemas"], after["components"]["schemas"]
        changed += sorted(
            f"#/components/schemas/{name}"
            for name in schemas_before.keys() | schemas_after.keys()
            if schemas_before.get(name) != schemas_after.get(name)
        )
        raise AssertionError(
            "pwa/openapi.json is not what the app serves; run `.venv/bin/python -m scripts.openapi` and "
            f"`cd pwa && npm run gen:api`. Changed: {', '.join(changed) or 'formatting only'}"
        )
