"""Links an agency may send: hostile ones the platform must refuse and same-site paths it keeps."""

from __future__ import annotations

HOSTILE = [
    "//evil.example/x",
    "///evil.example",
    "/\\evil.example",
    "/\\/evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "/%5cevil.example",
    "/%5Cevil.example",
    "/%255cevil.example",
    "/%2fevil.example",
    "/%2F%2Fevil.example",
    "/%252f%252fevil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "/%09/evil.example",
    "/%0a/evil.example",
    "\t//evil.example",
    " //evil.example",
    "/ /evil.example",
    "/\u00a0/evil.example",
    "/\u2028/evil.example",
    "/\u200b/evil.example",
    "/\x00/evil.example",
    "/..//evil.example",
    "/%2e%2e//evil.example",
    "/./\\evil.example",
    "/%ff/evil.example",
    "https://evil.example/",
    "javascript:alert(1)",
    "",
]


SAME_SITE = [
    "/",
    "/inbox",
    "/bills/",
    "/receipts/0b5e6a1c-7f0e-4b9e-9d7a-3b8e2f1a9c4d",
    "/applications/7?sent=1",
    "/entitlements?q=child%20support#top",
    "/inbox?next=/bills",
    "/ข่าว",
]
