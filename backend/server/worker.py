"""The background worker: SAQ on Redis, started by ``citizen worker``.

SAQ brings the queue, concurrency, job timeouts and cron scheduling. We use SAQ directly rather than
through ``litestar-saq`` because the worker is its own process with its own CLI entry point and the
API only needs a queue handle (opened in ``backend.core.resources``). Retries of task rows are kept in
PostgreSQL by ``backend.core.tasks`` so that they outlive a Redis restart.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Awaitable
from typing import Any, TypeVar

import structlog
from saq import CronJob, Worker

from backend.agencies.queries import WEBHOOK_DELIVERIES
from backend.applications.files import FileStore
from backend.applications.storage import collect_garbage
from backend.connectors.access_log import ACCESS_LOG
from backend.connectors.service import forget_old_answers, forget_old_records
from backend.core import tasks
from backend.core.crypto import NationalIdCipher
from backend.core.dates import THAILAND
from backend.core.partitions import Dropped, drop_months_before, ensure_partitions
from backend.core.resources import Resources, open_resources
from backend.delegation import family
from backend.genuine.scams import apply_retention as scam_retention
from backend.genuine.service import apply_retention as genuine_retention
from backend.programmes.admission import admit_all
from backend.server.tasks import TASKS, wire_features
from backend.settings import Settings
from notifications.campaigns import resume_stalled_expansions
from notifications.queries.deliveries import ATTEMPTS, BODIES, INBOX, INBOX_DELIVERIES
from notifications.retention import Purged, forget_old_messages
from notifications.retention import apply_retention as notification_retention
from payments.retention import PAYMENT_EVENTS, forget_old_events
from payments.service import expire_due_payments

_log = structlog.get_logger(__name__)
T = TypeVar("T")

SWEEP_CRON = "* * * * * */30"  # every 30 seconds (croniter's sixth field is seconds)
RETENTION_CRON = "23 * * * *"  # hourly, so each run has little to do
PARTITIONS_CRON = "17 3 * * *"  # daily at 03:17 in Thailand (cron_tz); the next two months are made ahead
PARTITIONED = (ACCESS_LOG, ATTEMPTS, PAYMENT_EVENTS, WEBHOOK_DELIVERIES, INBOX, INBOX_DELIVERIES, BODIES)
FILES_GC_CRON = "41 * * * *"  # hourly: a removed upload's bytes outlive its grace period by an hour at most
ADMISSION_CRON = "* * * * * *"  # every second: the waiting rooms let the next people in
GUARDIANSHIP_CRON = "7 * * * *"  # hourly; each grant is asked about at most once a day (family.RECHECK_AFTER)
CAMPAIGNS_CRON = "*/5 * * * *"  # a campaign whose expansion ran out of attempts carries on within minutes
# Shorter than the Redis client's socket timeout, so a blocking dequeue never looks like a lost link.
DEQUEUE_TIMEOUT_SECONDS = 2.0
# SAQ waits this long on shutdown for running jobs (and its idle upkeep loops) before cancelling them.
# A cancelled task rolls back and stays pending, so the next worker or the sweeper finishes it.
SHUTDOWN_GRACE_SECONDS = 5


def _resources(ctx: dict[str, Any]) -> Resources:
    resources: Resources = ctx["resources"]
    return resources


async def run_task(ctx: dict[str, Any], *, task_id: int) -> str:
    return await tasks.run_task(_resources(ctx), task_id)


async def expire_payments(ctx: dict[str, Any]) -> int:
    return await expire_due_payments(_resources(ctx).pool)


async def _step(name: str, work: Awaitable[T], otherwise: T) -> T:
    """One table's share of a maintenance job: its failure (a lock not had, a time-out) is logged and
    the job goes on to the other tables, which it would otherwise leave undone until it next succeeds."""
    try:
        return await work
    except Exception as exc:  # the next run tries again; the others must not wait for it
        _log.error("maintenance_step_failed", step=name, error=type(exc).__name__, detail=str(exc)[:300])
        return otherwise


async def apply_retention(ctx: dict[str, Any]) -> int:
    """Returns how many monthly partitions it dropped. What people wrote themselves goes first."""
    resources = _resources(ctx)
    settings = resources.settings
    pool, none = resources.pool, Dropped(months=[])
    # What a citizen pasted into a scam report that is still undecided (decided ones are purged then).
    purged = await _step("scam_reports", scam_retention(pool, days=settings.scam_report_retention_days), 0)
    records, states = await _step(
        "access_records",
        forget_old_records(
            pool,
            access_log_days=settings.access_log_retention_days,
            state_days=settings.entitlement_state_retention_days,
        ),
        (none, 0),
    )
    inbox = await _step(
        "inbox",
        notification_retention(
            pool,
            body_days=settings.notification_body_retention_days,
            metadata_days=settings.delivery_metadata_retention_days,
        ),
        Purged(cleared=0, bodies=none, attempts=none),
    )
    purged += inbox.cleared + inbox.bodies.default_rows
    # A message's text kept by its seal goes after the same period as the inbox's copy.
    text_days = settings.notification_body_retention_days
    purged += await _step("seal_texts", genuine_retention(pool, text_days=text_days), 0)
    purged += await _step("answers", forget_old_answers(pool), 0)
    events = await _step(
        "payment_events", forget_old_events(pool, days=settings.payment_event_retention_days), none
    )
    webhooks = await _step(
        "webhook_deliveries",
        drop_months_before(
            pool, WEBHOOK_DELIVERIES, days=settings.webhook_delivery_retention_days, floor_days=1
        ),
        none,
    )
    tasks_deleted = await _step(
        "finished_tasks", tasks.prune_finished_tasks(pool, settings.finished_task_retention_days), 0
    )
    dropped = (inbox.bodies, inbox.attempts, records, events, webhooks)
    months = sum(len(table.months) for table in dropped)
    if purged or months or tasks_deleted or states:
        _log.info(
            "retention_applied",
            bodies_purged=purged,
            months_dropped=months,
            tasks_deleted=tasks_deleted,
            entitlement_states_deleted=states,
        )
    return months


async def maintain_partitions(ctx: dict[str, Any]) -> int:
    """Daily: this month's partition and the next ones of every table partitioned by month, made ahead so
    that no row lands in a DEFAULT partition (returns how many were missing); then the inbox's messages
    past NOTIFICATION_RETENTION_DAYS go, a day's worth at a time at a quiet hour. Each table on its own:
    one that fails (its month's rows in use past the lock wait) leaves the others made."""
    resources = _resources(ctx)
    made = 0
    for table in PARTITIONED:
        made += await _step(f"partitions:{table.table}", ensure_partitions(resources.pool, table), 0)
    days = resources.settings.notification_retention_days
    months, forgotten = await _step("old_messages", forget_old_messages(resources.pool, days=days), ([], 0))
    if months or forgotten:
        _log.info("old_messages_forgotten", months=months, default_messages=forgotten, days=days)
    return made


async def collect_stored_files(ctx: dict[str, Any]) -> int:
    resources = _resources(ctx)
    settings = resources.settings
    collected = await collect_garbage(
        resources.pool, FileStore(settings.files_path), dt.timedelta(hours=settings.files_gc_grace_hours)
    )
    return collected.files


async def recheck_guardianships(ctx: dict[str, Any]) -> int:
    """Guardians' grants the registry has not confirmed for a day are asked about again (a "no" ends one)."""
    resources = _resources(ctx)
    settings = resources.settings
    cipher = NationalIdCipher(settings.id_encryption_keyring(), base64.b64decode(settings.id_hash_key))
    return await family.recheck_guardianships(resources, cipher)


async def admit_waiting(ctx: dict[str, Any]) -> int:
    return await admit_all(_resources(ctx))


async def resume_campaigns(ctx: dict[str, Any]) -> int:
    resources = _resources(ctx)
    return await resume_stalled_expansions(resources.pool, resources.queue)


async def sweep_tasks(ctx: dict[str, Any]) -> int:
    resources = _resources(ctx)
    return await tasks.sweep_tasks(resources, resources.settings.outbox_sweep_after_seconds)


class _Worker(Worker[Any]):
    async def stop(self) -> None:
        # SAQ's idle upkeep loops sleep for up to a minute and would hold shutdown for the whole
        # grace period; cancel them at once and let only job-processing tasks use the grace.
        for upkeep in [task for task in self.tasks if task.get_name() != "process"]:
            upkeep.cancel()
        await super().stop()


def build_worker(resources: Resources) -> Worker[Any]:
    """The worker over ``resources``, running tasks with their registry (``backend.server.tasks``)."""
    wire_features(resources.settings)

    async def startup(ctx: dict[str, Any]) -> None:
        ctx["resources"] = resources
        _log.info("worker_started", tasks=resources.tasks.names())

    return _Worker(
        resources.queue,
        functions=[run_task],
        cron_jobs=[
            CronJob(sweep_tasks, cron=SWEEP_CRON, timeout=60),
            CronJob(expire_payments, cron=SWEEP_CRON, timeout=60),
            CronJob(admit_waiting, cron=ADMISSION_CRON, timeout=30),
            CronJob(apply_retention, cron=RETENTION_CRON, timeout=600),
            CronJob(maintain_partitions, cron=PARTITIONS_CRON, timeout=3600),
            CronJob(collect_stored_files, cron=FILES_GC_CRON, timeout=1800),
            CronJob(recheck_guardianships, cron=GUARDIANSHIP_CRON, timeout=1800),
            CronJob(resume_campaigns, cron=CAMPAIGNS_CRON, timeout=60),
        ],
        cron_tz=THAILAND,  # the daily job's "quiet hour" is Thailand's night
        concurrency=resources.settings.worker_concurrency,
        startup=startup,
        dequeue_timeout=DEQUEUE_TIMEOUT_SECONDS,
        shutdown_grace_period_s=SHUTDOWN_GRACE_SECONDS,
    )


async def run_worker(settings: Settings) -> None:
    """Process jobs until SIGINT or SIGTERM, then let running jobs finish briefly and close."""
    async with open_resources(settings, TASKS) as resources:
        await build_worker(resources).start()
    _log.info("worker_stopped")
