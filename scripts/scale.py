"""``make scale``: the platform at national size on this machine, and what it would take for 10 M devices.

On a private PostgreSQL and Redis (scripts/stack/servers.py), it makes SCALE_CITIZENS citizens (default
1,000,000) with a device each, 5 % of them stale (their push service answers 410), grows the inbox, the
deliveries and the data-access log to SCALE_HISTORY_ROWS rows each (default 20 per citizen: 20 M at 1 M),
then sends a campaign to every citizen for each audience kind through SCALE_WORKERS real worker processes
(default 2) to an HTTPS push service answering after SCALE_PUSH_LATENCY_MS (default 80), runs the hourly
retention job, and prints the figures of issue 23. A smaller run: ``SCALE_CITIZENS=100000 make scale``.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import redis
from asyncpg import Record

from backend.core.db import Pool
from backend.core.migrate import upgrade
from backend.core.resources import Resources
from backend.server.app import create_app
from backend.server.worker import apply_retention
from backend.settings import load_settings
from notifications import queries
from notifications.campaigns import start_campaign
from notifications.queries.campaigns import FIRST_ID, LAST_ID, audience_chunk, campaign_progress
from notifications.schemas import (
    AgencyFollowers,
    AgeRange,
    Audience,
    EntitlementState,
    NewCampaign,
    NewTemplate,
    TileFollowers,
)
from notifications.service import FINAL_STATUSES, placeholders_of
from scripts import scale_data, scale_reads
from scripts.scale_figures import RowBytes, campaign_row_bytes, wal_lsn
from scripts.scale_sink import write_certificate
from scripts.stack.servers import LOG_DIR, PrivatePostgres, PrivateRedis
from tests.conftest import environment_for_tests, serve_in_process
from tests.helpers.ports import free_port
from tests.worker_process import running_worker

CITIZENS = int(os.environ.get("SCALE_CITIZENS", "1000000"))
HISTORY = int(os.environ.get("SCALE_HISTORY_ROWS", str(20 * CITIZENS)))
WORKERS = int(os.environ.get("SCALE_WORKERS", "2"))
LATENCY_MS = float(os.environ.get("SCALE_PUSH_LATENCY_MS", "80"))
SMALL = 10_000  # the platform size the chunk time is compared with
TEN_MILLION, TARGET_CORES = 10_000_000, 8
TEMPLATE = NewTemplate(
    key="scale-news",
    category="general",
    title_th="ประกาศสำคัญจากหน่วยงาน: การต่ออายุบัตรสวัสดิการแห่งรัฐ",
    title_en="Important: renewing your state welfare card",
    body_th="บัตรสวัสดิการแห่งรัฐของท่านจะหมดอายุภายในสิ้นเดือนนี้ ต่ออายุได้ในแอปนี้โดยไม่ต้องเดินทางไปที่สำนักงาน",
    body_en="Your state welfare card expires at the end of this month. Renew it in this app.",
)


def audiences(tile_id: int) -> dict[str, Audience]:
    """Each audience kind, each reaching every citizen (everyone follows the tile, has a birth date under
    90 and the entitlement state)."""
    return {
        "agency-followers": AgencyFollowers(),
        "tile-followers": TileFollowers(tile_id=tile_id),
        "age-range": AgeRange(min_age=0, max_age=120),
        "entitlement-state": EntitlementState(status="eligible_not_enrolled"),
    }


_VACUUM = "VACUUM (ANALYZE) agency_followers, tile_favourites, citizens, entitlement_states"


async def chunk_seconds(pool: Pool, agency_id: int, audience: Audience) -> float:
    """Median time of one chunk's audience query (500 recipients) from 21 cursors spread over the ids: the
    part of a chunk that grew with the audience before migration 0041. The tables are vacuumed first, as
    autovacuum keeps a table that grew over time: one just filled has no visibility map yet, so each of a
    chunk's index-only reads also reads the table (0.33 against 0.09 ms a chunk on 1 M followers)."""
    step = LAST_ID.int // 20
    times = []
    async with pool.acquire() as connection:
        await connection.execute(_VACUUM)
        for n in range(21):
            after = uuid.UUID(int=min(n * step, LAST_ID.int - 1)) if n else FIRST_ID
            started = time.perf_counter()
            await audience_chunk(connection, agency_id, audience, after, LAST_ID, 500)
            times.append(time.perf_counter() - started)
    return statistics.median(times)


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Run:
    kind: str
    campaign_id: str
    recipients: int
    seconds: float
    worker_cpu: float
    wal: int
    progress_reads: list[float]
    redis_peak: int
    counts: dict[str, int]


async def run_campaign(
    resources: Resources, agency_id: int, kind: str, audience: Audience, pids: list[int], size: str
) -> Run:
    pool = resources.pool
    template = await queries.latest_template(pool, agency_id, TEMPLATE.key)
    assert template is not None
    memory = redis.Redis.from_url(resources.settings.redis_url or "")
    cpu_before, wal_before = sum(cpu_seconds(pid) for pid in pids), await wal_lsn(pool)
    started = time.perf_counter()
    campaign_id, _ = await start_campaign(
        pool,
        resources.queue,
        agency_id=agency_id,
        template=template,
        request=NewCampaign(audience=audience, template=TEMPLATE.key, idempotency_key=f"scale-{kind}-{size}"),
        created_by=None,
    )
    reads, peak = [], 0
    while True:
        read_started = time.perf_counter()
        progress = await campaign_progress(pool, agency_id, campaign_id)
        reads.append(time.perf_counter() - read_started)
        assert progress is not None
        peak = max(peak, int(memory.info("memory")["used_memory"]))
        final = sum(n for status, n in progress.counts.items() if status in FINAL_STATUSES)
        if progress.status == "expanded" and final == progress.recipients:
            break
        await asyncio.sleep(0.5)
    seconds = time.perf_counter() - started
    memory.close()
    cpu, wal = sum(cpu_seconds(pid) for pid in pids) - cpu_before, await wal_lsn(pool) - wal_before
    return Run(kind, str(campaign_id), progress.recipients, seconds, cpu, wal, reads, peak, progress.counts)


async def send_each(
    resources: Resources,
    data: asyncpg.Connection,
    target: tuple[int, str, tuple[str, str]],
    kinds: dict[str, Audience],
    pids: list[int],
    size: int,
) -> dict[str, Run]:
    """One campaign per audience kind, the stale devices put back before each."""
    agency_id, sink, keys = target
    runs = {}
    for kind, audience in kinds.items():
        await scale_data.restore_stale_devices(data, sink, keys)
        runs[kind] = run = await run_campaign(resources, agency_id, kind, audience, pids, str(size))
        _say(f"{kind} at {size:,} citizens: {run.recipients / run.seconds:,.0f} msg/s")
    return runs


def main(folder: Path) -> None:
    postgres, redis_server = PrivatePostgres(folder), PrivateRedis(folder, LOG_DIR)
    with ExitStack() as stack:
        stack.callback(shutil.rmtree, folder, ignore_errors=True)
        stack.callback(postgres.stop)
        dsn = postgres.start()  # outside our event loop: pgserver runs one of its own
        if SHARED_BUFFERS:  # takes a restart, so before anything connects
            asyncio.run(_alter_system(dsn, {"shared_buffers": SHARED_BUFFERS}))
            postgres.stop()
            postgres.start_again()
        stack.callback(redis_server.stop)
        LOG_DIR.mkdir(parents=True, exist_ok=True)  # Redis logs there
        redis_server.start()
        cert, key = write_certificate(folder)
        port = free_port()
        sink = subprocess.Popen(  # noqa: S603 (our own interpreter and module)
            [sys.executable, "-m", "scripts.scale_sink", "--port", str(port), "--cert", str(cert),
             "--key", str(key),
             "--latency-ms", str(LATENCY_MS)]
        )  # fmt: skip
        stack.callback(sink.kill)
        asyncio.run(measure(folder, dsn, redis_server.url, f"https://127.0.0.1:{port}", cert, stack))


# docker/compose.yaml's WAL settings (pglz for its lz4: pgserver's build has none);
# SCALE_PG_DEFAULTS=1 keeps PostgreSQL's defaults.
PG_SETTINGS = (
    {}
    if os.environ.get("SCALE_PG_DEFAULTS")
    else {
        "wal_compression": "pglz",
        "max_wal_size": "8GB",
        "checkpoint_timeout": "15min",
    }
)


# PostgreSQL's default 128 MB of shared buffers makes the history's random-key index inserts evict all the
# time (20 M rows took over an hour to make); a quarter of this machine's memory, as a server would be given.
SHARED_BUFFERS = "" if os.environ.get("SCALE_PG_DEFAULTS") else os.environ.get("SCALE_SHARED_BUFFERS", "4GB")


async def _alter_system(dsn: str, settings: dict[str, str]) -> None:
    admin = await asyncpg.connect(dsn)
    for name, value in settings.items():
        await admin.execute(f"ALTER SYSTEM SET {name} = '{value}'")
    await admin.execute("SELECT pg_reload_conf()")
    await admin.close()


async def measure(folder: Path, dsn: str, redis_url: str, sink: str, cert: Path, stack: ExitStack) -> None:
    await upgrade(dsn)
    await _alter_system(dsn, PG_SETTINGS)
    environ = environment_for_tests(
        folder / "var",
        DATABASE_URL=dsn,
        REDIS_URL=redis_url,
        LOG_LEVEL="WARNING",
        SSL_CERT_FILE=str(
            cert
        ),  # OpenSSL's default trust, which the push client uses: the sink's certificate
        WORKER_CONCURRENCY=os.environ.get("SCALE_WORKER_CONCURRENCY", "20"),
        PUSH_CONCURRENCY_PER_SERVICE=os.environ.get("SCALE_PUSH_CONCURRENCY", "100"),
        NOTIFICATION_BODY_RETENTION_DAYS="30",
        DELIVERY_METADATA_RETENTION_DAYS="90",
        ACCESS_LOG_RETENTION_DAYS="90",
    )
    keep = {name: value for name, value in os.environ.items() if name in ("PATH", "HOME", "LANG", "TMPDIR")}
    environ = keep | environ
    app = create_app(load_settings(environ))
    async with serve_in_process(app):
        resources: Resources = app.state.resources
        pool = resources.pool
        # The data is made on a connection of its own, without the app's 10 s command time-out.
        data = await asyncpg.connect(dsn, command_timeout=None)
        ids = await scale_data.setup_agency(pool)
        agency_id, tile_id, _ = ids
        await queries.add_template(pool, agency_id, TEMPLATE, placeholders_of(TEMPLATE), None)
        keys = scale_data.device_keys()
        kinds = audiences(tile_id)
        await scale_data.add_citizens(data, 1, min(SMALL, CITIZENS), ids, sink, keys)
        small = {kind: await chunk_seconds(pool, agency_id, audience) for kind, audience in kinds.items()}
        quiet_agency_id = await scale_reads.add_quiet_agency(pool)
        small_reads = await scale_reads.read_costs(pool, agency_id, quiet_agency_id)
        workers = [stack.enter_context(running_worker(environ)) for _ in range(WORKERS)]
        pids = [w.pid for w in workers]
        await asyncio.sleep(4)  # the workers up and waiting before the clock starts
        # The same campaigns at 10,000 citizens first: the throughput the full size is compared with.
        small_runs = await send_each(resources, data, (agency_id, sink, keys), kinds, pids, SMALL)
        clock = time.perf_counter()
        await scale_data.add_citizens(data, SMALL + 1, CITIZENS, ids, sink, keys)
        _say(f"{CITIZENS:,} citizens made")
        await scale_data.grow_history(data, agency_id, HISTORY)
        made = time.perf_counter() - clock
        _say(f"{HISTORY:,} history rows made, {made:,.0f} s in all")
        large = {kind: await chunk_seconds(pool, agency_id, audience) for kind, audience in kinds.items()}
        large_reads = await scale_reads.read_costs(pool, agency_id, quiet_agency_id)
        redis_client = redis.Redis.from_url(redis_url)
        redis_base = int(redis_client.info("memory")["used_memory"])
        redis_client.close()
        full = await send_each(resources, data, (agency_id, sink, keys), kinds, pids, CITIZENS)
        runs = list(full.values())
        stored = await campaign_row_bytes(data, uuid.UUID(runs[-1].campaign_id))
        await data.close()
        bodies = await pool.fetchval(count_bodies := "SELECT count(*) FROM notification_bodies")
        wal_before, clock = await wal_lsn(pool), time.perf_counter()
        months = await apply_retention({"resources": resources})
        retention = (time.perf_counter() - clock, await wal_lsn(pool) - wal_before)
        bodies -= await pool.fetchval(count_bodies)
        reasons = await pool.fetch(
            "SELECT outcome, reason, count(*) AS n FROM delivery_attempts GROUP BY 1, 2 ORDER BY 3 DESC "
            "LIMIT 4"
        )
        sizes = await pool.fetch(
            "SELECT t AS name, (SELECT sum(greatest(reltuples, 0))::bigint FROM pg_class "
            "WHERE oid IN (SELECT relid FROM pg_partition_tree(t::regclass)) OR oid = t::regclass) AS rows "
            "FROM unnest(ARRAY['notifications', 'notification_deliveries', 'data_access_log']) AS t"
        )
    report(made, small, large, small_runs, runs, stored, (*retention, bodies), months, redis_base, sizes)
    scale_reads.print_read_costs(small_reads, large_reads, _size())
    for row in reasons:
        print(f"  attempts {row['outcome']}: {row['n']:,} ({row['reason']})")


def _say(line: str) -> None:
    """Progress on stderr: a 1 M run takes over an hour."""
    print(f"{time.strftime('%H:%M:%S')} {line}", file=sys.stderr, flush=True)


def _size() -> str:
    return f"{CITIZENS / 1e6:g} M" if CITIZENS >= 1_000_000 else f"{CITIZENS / 1e3:g} k"


def report(
    made: float,
    small: dict[str, float],
    large: dict[str, float],
    small_runs: dict[str, Run],
    runs: list[Run],
    stored: RowBytes,
    retention: tuple[float, int, int],
    months: int,
    redis_base: int,
    sizes: list[Record],
) -> None:
    size = _size()
    print(
        f"\nscale run: {CITIZENS:,} citizens with a device each (5 % stale: 410), {WORKERS} workers, "
        f"HTTPS push service answering in {LATENCY_MS:g} ms, on {os.cpu_count()} cores "
        f"({made:,.0f} s to make the data)"
    )
    settings = PG_SETTINGS | ({"shared_buffers": SHARED_BUFFERS} if SHARED_BUFFERS else {})
    print("PostgreSQL: " + (", ".join(f"{k}={v}" for k, v in settings.items()) or "defaults"))
    print("tables: " + ", ".join(f"{row['name']} {row['rows']:,} rows" for row in sizes))
    print(
        f"\n{'audience':<18} {'msg/s':>7} {'per worker':>10} {'worker CPU ms/msg':>18} {'WAL B/msg':>10} "
        f"{'chunk ms ' + size:>14} {'at 10 k':>8} {'ratio':>6}"
    )
    for run in runs:
        rate = run.recipients / run.seconds
        print(
            f"{run.kind:<18} {rate:>7,.0f} {rate / WORKERS:>10,.0f} "
            f"{run.worker_cpu * 1000 / run.recipients:>18.2f} {run.wal / run.recipients:>10,.0f} "
            f"{large[run.kind] * 1000:>14.2f} {small[run.kind] * 1000:>8.2f} "
            f"{large[run.kind] / small[run.kind]:>6.2f}"
        )
    for run in runs:
        print(f"  {run.kind}: {run.recipients:,} messages in {run.seconds:,.0f} s, statuses {run.counts}")
    print(
        f"\n{'throughput':<18} {'msg/s ' + size:>12} {'at 10 k':>8} {'ratio':>6}"
        f" {'worker CPU ms/msg ' + size:>22} {'at 10 k':>8}"
    )
    for run in runs:
        before = small_runs[run.kind]
        rate, small_rate = run.recipients / run.seconds, before.recipients / before.seconds
        cpu, small_cpu = run.worker_cpu * 1000 / run.recipients, before.worker_cpu * 1000 / before.recipients
        print(
            f"{run.kind:<18} {rate:>12,.0f} {small_rate:>8,.0f} {rate / small_rate:>6.2f}"
            f" {cpu:>22.2f} {small_cpu:>8.2f}"
        )
    reads = [read for run in runs for read in run.progress_reads]
    print(
        f"\nprogress read while sending: median {statistics.median(reads) * 1000:.2f} ms, "
        f"max {max(reads) * 1000:.2f} ms over {len(reads)} reads"
    )
    print(
        f"row bytes per recipient (inbox row + seal, as stored): {stored.tuples:,.0f} B "
        f"({stored.inbox_tuple:,.0f} + {stored.seal_tuple:,.0f}); both tables with their indexes "
        f"{stored.with_indexes:,.0f} B per inbox row"
    )
    peak = max(run.redis_peak for run in runs)
    print(
        f"Redis: {redis_base / CITIZENS:,.1f} B per citizen at rest, "
        f"{peak / CITIZENS:,.1f} B per citizen at the "
        f"peak of a campaign ({peak / 2**20:,.1f} MiB)"
    )
    seconds, wal, bodies = retention
    print(
        f"retention job (bodies past 30 days, access records past 90, ...): {seconds:,.1f} s, "
        f"{wal / 2**20:,.1f} MiB of WAL, {months} monthly partition(s) dropped ({bodies:,} message bodies)"
    )
    cpu_ms = statistics.mean(run.worker_cpu * 1000 / run.recipients for run in runs)
    wal_b = statistics.mean(run.wal / run.recipients for run in runs)
    per_worker = statistics.mean(run.recipients / run.seconds / WORKERS for run in runs)
    core_rate = 1000 / cpu_ms
    hours = TEN_MILLION / (core_rate * TARGET_CORES) / 3600
    print(
        f"\nprojection, 10 M devices on {TARGET_CORES} worker cores:"
        f"\n  worker CPU {cpu_ms:.2f} ms per message -> 1000 / {cpu_ms:.2f} = {core_rate:,.0f} msg/s per core"
        f"\n  {TEN_MILLION:,} / ({core_rate:,.0f} x {TARGET_CORES}) = "
        f"{TEN_MILLION / (core_rate * TARGET_CORES):,.0f} s"
        f" = {hours:.2f} h, if PostgreSQL keeps up (measured here: {per_worker:,.0f} msg/s per worker process"
        f" on a shared machine -> {TEN_MILLION / (per_worker * TARGET_CORES) / 3600:.2f} h)"
        f"\n  WAL {wal_b:,.0f} B x {TEN_MILLION:,} = {wal_b * TEN_MILLION / 1e9:,.1f} GB per 10 M campaign"
    )


if __name__ == "__main__":
    main(Path(tempfile.mkdtemp(prefix="citizen-scale-")))
