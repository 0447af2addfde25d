"""Security headers on every response.

Litestar has no built-in for response security headers (its CSRF and allowed-hosts configs cover
other ground), so the request pipeline (``backend.core.pipeline``) adds them. The
Content-Security-Policy allows only this origin: the PWA ships its own scripts, styles, fonts and icons
and talks only to its own API.
"""

from __future__ import annotations

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "manifest-src 'self'",
        "worker-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
_HSTS = "max-age=63072000; includeSubDomains"


def security_headers(*, https: bool) -> list[tuple[bytes, bytes]]:
    headers = {
        "content-security-policy": CONTENT_SECURITY_POLICY,
        "x-content-type-options": "nosniff",
        "referrer-policy": "strict-origin-when-cross-origin",
        "x-frame-options": "DENY",
        "cross-origin-opener-policy": "same-origin",
        "permissions-policy": "camera=(), geolocation=(), microphone=(), payment=()",
    }
    if https:
        headers["strict-transport-security"] = _HSTS
    return [(name.encode(), value.encode()) for name, value in headers.items()]
