"""The baseline of tests/bench/test_delivery.py: what a simple implementation of campaign delivery does,
in a process of its own (so that its CPU is its own and it trusts the sink's certificate through
SSL_CERT_FILE, which aiohttp reads when it is imported). pywebpush's ``webpush_async`` per message with its
default behaviour (a new session, so a new TCP connection and TLS handshake, and a VAPID signature per
push), ``IN_FLIGHT`` at a time. The VAPID key is parsed once, which is kinder to the loop than passing the
key string as pywebpush's README does. Prints ``{"sent", "seconds", "cpu_seconds"}`` as JSON.

    SSL_CERT_FILE=cert.pem python -m tests.bench.naive_push devices.json 50 <vapid key> <vapid subject>
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
import uuid
from pathlib import Path

from py_vapid import Vapid02
from pywebpush import webpush_async


async def push_all(devices: list[list[str]], in_flight: int, key: str, subject: str) -> int:
    vapid = Vapid02.from_raw(key.encode())
    pending = list(reversed(devices))
    sent = 0

    async def pusher() -> None:
        nonlocal sent
        while pending:
            endpoint, p256dh, auth = pending.pop()
            notification_id = str(uuid.uuid4())
            # The fields the worker sends (notifications.delivery._sealed), the campaign's texts.
            payload = {
                "title_th": "ข่าวจากหน่วยงาน",
                "title_en": "News from the agency",
                "body_th": "มีข้อมูลใหม่สำหรับคุณ",
                "body_en": "There is something new for you",
                "url": None,
                "id": notification_id,
                "code": "ABCD-EFGH",
            }
            await webpush_async(
                subscription_info={"endpoint": endpoint, "keys": {"p256dh": p256dh, "auth": auth}},
                data=json.dumps(payload, ensure_ascii=False),
                vapid_private_key=vapid,
                vapid_claims={"sub": subject},
                ttl=86400,
                headers={"Urgency": "normal", "Topic": notification_id.replace("-", "")},
                timeout=10,
            )  # raises on anything but 2xx: the baseline is sent to live devices only
            sent += 1

    await asyncio.gather(*(pusher() for _ in range(in_flight)))
    return sent


def main() -> None:
    devices_file, in_flight, key, subject = sys.argv[1:5]
    devices = json.loads(Path(devices_file).read_text())
    cpu, started = time.process_time(), time.perf_counter()
    sent = asyncio.run(push_all(devices, int(in_flight), key, subject))
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(json.dumps({"sent": sent, "seconds": seconds, "cpu_seconds": cpu}))


if __name__ == "__main__":
    main()
