"""How much of the shared files volume a citizen may take, and removing what nothing references.

- A token bucket per citizen (``UPLOADS_PER_HOUR``) bounds the uploads, and so the checking work,
  one citizen can cause, whether the files are accepted or not.
- A quota per citizen (``UPLOAD_QUOTA_MB``) bounds the bytes they hold: their live uploads, and the
  ones they removed less than ``FILES_GC_GRACE_HOURS`` ago, whose bytes are still on the volume
  until the collector's next pass. Uploading and removing in a loop therefore fills the quota, not
  the volume. The check runs under a per-citizen transaction lock, so two uploads at once cannot
  both fit in the room for one.
- The collector (run by the worker) removes stored files that no live upload and no issued document
  references, once their time is older than the grace period. A file an upload in flight is about
  to reference is never among them: storing bytes refreshes their time, and the collector reads the
  time again after moving a file aside (``FileStore.remove_unless_refreshed``).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
import uuid
from dataclasses import dataclass
from http import HTTPStatus

import structlog

from backend.applications import files_queries as queries
from backend.applications.files import FileStore
from backend.core.db import Connection, Pool
from backend.core.errors import AppError
from backend.core.ratelimit import Bucket
from backend.settings import Settings

_log = structlog.get_logger(__name__)

_MB = 1024 * 1024
_REFERENCE_BATCH = 1000

UPLOADS_RATE_LIMITED = (
    "You have uploaded many files in a short time. Please wait a little and try again. "
    "· คุณอัปโหลดไฟล์จำนวนมากในเวลาสั้น ๆ กรุณารอสักครู่แล้วลองใหม่"
)


class StorageQuotaExceeded(AppError):
    status_code = HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    problem_type = "storage-quota-exceeded"
    title = "Not enough room left for your files"


def upload_bucket(settings: Settings) -> Bucket:
    per_hour = settings.uploads_per_hour
    return Bucket("uploads", capacity=per_hour, per_second=per_hour / 3600)


@dataclass(frozen=True, slots=True)
class UploadQuota:
    max_bytes: int
    removed_held_for: dt.timedelta
    """Removed uploads count for this long: their bytes stay until the collector takes them."""

    @classmethod
    def from_settings(cls, settings: Settings) -> UploadQuota:
        return cls(
            max_bytes=settings.upload_quota_mb * _MB,
            removed_held_for=dt.timedelta(hours=settings.files_gc_grace_hours),
        )

    async def check(
        self, db: Pool | Connection, citizen_id: uuid.UUID, adding: int, *, lock: bool = False
    ) -> None:
        """Raises StorageQuotaExceeded when ``adding`` more bytes would not fit. With ``lock`` (``db``
        a connection in a transaction), first takes the citizen's quota lock until the transaction ends."""
        if lock:
            await queries.lock_upload_quota(db, citizen_id)
        held = await queries.held_upload_bytes(db, citizen_id, self.removed_held_for)
        if held + adding <= self.max_bytes:
            return
        used, allowed = _megabytes(held), _megabytes(self.max_bytes)
        hours = int(self.removed_held_for.total_seconds() // 3600)
        raise StorageQuotaExceeded(
            f"Your files take {used} MB of the {allowed} MB you may keep, and this one does not fit. "
            f"Remove files you no longer need from your drafts; removed files still count for {hours} hours. "
            f"· ไฟล์ของคุณใช้พื้นที่ {used} MB จากที่เก็บได้ {allowed} MB และไฟล์นี้ใหญ่เกินพื้นที่ที่เหลือ "
            f"กรุณานำไฟล์ที่ไม่ใช้แล้วออกจากคำขอฉบับร่าง ไฟล์ที่นำออกแล้วยังนับรวมอยู่ {hours} ชั่วโมง"
        )


def _megabytes(count: int) -> str:
    return f"{count / _MB:,.1f}"


@dataclass(frozen=True, slots=True)
class Collected:
    files: int
    bytes: int


async def collect_garbage(
    pool: Pool, store: FileStore, grace: dt.timedelta, *, now: float | None = None
) -> Collected:
    """Removes stored files older than ``grace`` that no live upload or issued document references,
    one first-level folder at a time (bounded memory however large the store)."""
    older_than = (time.time() if now is None else now) - grace.total_seconds()
    files = size = 0
    for prefix in await asyncio.to_thread(store.prefixes):
        stale = await asyncio.to_thread(store.stored, prefix, older_than)
        for start in range(0, len(stale), _REFERENCE_BATCH):
            batch = stale[start : start + _REFERENCE_BATCH]
            referenced = await queries.referenced_files(pool, [found.sha256 for found in batch])
            for found in batch:
                if found.sha256 in referenced:
                    continue
                if await asyncio.to_thread(store.remove_unless_refreshed, found.sha256, older_than):
                    files += 1
                    size += found.size
    if files:
        _log.info("stored_files_collected", files=files, bytes=size)
    return Collected(files, size)
