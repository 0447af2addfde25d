"""QR code images of payment payloads, SVG and PNG, from the ``qrcode`` package.

Drawing is CPU work, so it runs in a thread, never on the event loop; the result is cached in Redis
by payload (the same payment is shown many times while the citizen's phone polls).
"""

from __future__ import annotations

import asyncio
import hashlib
import io
from typing import Literal

import qrcode
import qrcode.constants
import qrcode.image.svg
import redis.asyncio

ImageFormat = Literal["svg", "png"]
_CACHE_SECONDS = 3600
MEDIA_TYPES: dict[ImageFormat, str] = {"svg": "image/svg+xml", "png": "image/png"}


def _draw(payload: str, image_format: ImageFormat) -> bytes:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=10, border=4)
    code.add_data(payload)
    code.make(fit=True)
    buffer = io.BytesIO()
    if image_format == "svg":
        code.make_image(image_factory=qrcode.image.svg.SvgPathImage).save(buffer)
    else:
        code.make_image(fill_color="black", back_color="white").save(buffer, format="PNG")
    return buffer.getvalue()


async def qr_image(redis_client: redis.asyncio.Redis, payload: str, image_format: ImageFormat) -> bytes:
    key = f"qr-image:{image_format}:{hashlib.sha256(payload.encode()).hexdigest()}"
    cached = await redis_client.get(key)
    if cached is not None:
        return cached if isinstance(cached, bytes) else cached.encode()
    image = await asyncio.to_thread(_draw, payload, image_format)
    await redis_client.set(key, image, ex=_CACHE_SECONDS)
    return image
