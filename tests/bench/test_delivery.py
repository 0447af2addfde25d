"""Campaign delivery against issue 23's targets (``make bench``), in one run, to an HTTPS push service that
answers each push after 50 ms over kept-alive TLS (scripts/scale_sink.py: 201 for a live device, 410 Gone
for a stale one; it decrypts nothing, being the far end and not what is measured):

- the baseline: a naive pywebpush loop (tests/bench/naive_push.py) in one process, ``webpush_async`` per
  message with its defaults, as many pushes in flight as one worker has to one push service;
- one worker process as deployed (``WORKER_CONCURRENCY``, ``PUSH_CONCURRENCY_PER_SERVICE`` and the pool at
  their defaults), after a small campaign to warm it up, delivering a campaign to DEVICES followers, then
  one to as many followers of which every twentieth device is stale, with everything a campaign does
  (expansion, inbox rows, seals, deliveries, attempts, statuses, removing the stale devices), its CPU
  counted.

Prints the targets beside their figures and a projection to 10 M devices; asserts only that every message
reached its final status and the stale devices were removed, never a timing."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from backend.core.db import Pool
from backend.core.resources import Resources
from backend.settings import Settings
from notifications import queries
from notifications.campaigns import start_campaign
from notifications.queries.campaigns import campaign_progress
from notifications.schemas import AgencyFollowers, NewCampaign, NewTemplate
from notifications.service import FINAL_STATUSES, placeholders_of
from scripts.scale_data import device_keys
from scripts.scale_sink import write_certificate
from tests.factories import make_agency
from tests.helpers.ports import free_port
from tests.worker_process import environment_of, running_worker

pytestmark = pytest.mark.timeout(900)  # a few minutes on a busy shared machine

DEVICES = 5000
WARM_UP = 500  # devices of a first campaign not measured: a deployed worker is long past its first
STALE_EVERY = 20  # 5 % of devices
LATENCY_MS = 50
TEN_MILLION, TARGET_CORES, TARGET_MINUTES = 10_000_000, 8, 30
TEMPLATE = NewTemplate(
    key="bench",
    category="general",
    title_th="ข่าวจากหน่วยงาน",
    title_en="News from the agency",
    body_th="มีข้อมูลใหม่สำหรับคุณ",
    body_en="There is something new for you",
)


@dataclass(frozen=True)
class Run:
    messages: int
    seconds: float
    cpu_seconds: float
    """Of the process that pushed (the loop, or the worker)."""
    sink_cpu_seconds: float
    counts: dict[str, int]
    longest_pause: float
    """The longest time no message reached a final status (a stalled campaign shows here)."""
    attempts: dict[str, int]
    """Push attempts by reason (more than the messages: pushed again after a failure that passes)."""
    tasks_repeated: dict[str, int]
    """The campaign's tasks that ran more than once, by their last error (a rolled-back batch leaves no
    attempt rows, so its pushes repeated show only here)."""

    @property
    def rate(self) -> float:
        return self.messages / self.seconds

    @property
    def cpu_ms(self) -> float:
        return self.cpu_seconds * 1000 / self.messages

    @property
    def sink_cpu_ms(self) -> float:
        return self.sink_cpu_seconds * 1000 / self.messages


def _cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def _running_sink(folder: Path) -> Iterator[tuple[str, Path, int]]:
    """(base URL, certificate, pid) of the HTTPS push sink, as ``make scale`` starts it."""
    cert, key = write_certificate(folder)
    port = free_port()
    sink = subprocess.Popen(
        [sys.executable, "-m", "scripts.scale_sink", "--port", str(port), "--cert", str(cert),
         "--key", str(key), "--latency-ms", str(LATENCY_MS)]
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert sink.poll() is None, "the push sink stopped"
                assert time.monotonic() < deadline, "the push sink did not start"
                time.sleep(0.1)
        yield f"https://127.0.0.1:{port}", cert, sink.pid
    finally:
        sink.kill()
        sink.wait(10)


async def _followers(pool: Pool, sink: str, label: str, stale_every: int, count: int = DEVICES) -> int:
    """A new approved agency with the bench template and ``count`` followers of its tile, each with one
    device at the sink; every ``stale_every``-th device's path says it is gone (0: none). Written in SQL,
    as scripts/scale_data.py does: the API would take minutes."""
    agency_id = await make_agency(pool, status="approved")
    await queries.add_template(pool, agency_id, TEMPLATE, placeholders_of(TEMPLATE), None)
    tile_id = await pool.fetchval("INSERT INTO tiles (agency_id) VALUES ($1) RETURNING id", agency_id)
    issuer = f"bench-delivery-{label}"
    await pool.execute(
        """
        INSERT INTO citizens (national_id_hash, national_id_ciphertext, national_id_key_id, issuer, subject)
        SELECT sha256(($2::text || i)::bytea), '\\x00', 'k1', $2::text, i::text
        FROM generate_series(1, $1::int) AS i
        """,
        count,
        issuer,
    )
    p256dh, auth = device_keys()
    await pool.execute(
        """
        INSERT INTO push_subscriptions (citizen_id, endpoint, p256dh, auth)
        SELECT id, $2 || CASE WHEN $3 > 0 AND subject::int % $3 = 0 THEN '/gone/' ELSE '/push/' END
                  || $1 || '-' || subject, $4, $5
        FROM citizens WHERE issuer = $1
        """,
        issuer,
        sink,
        stale_every,
        p256dh,
        auth,
    )
    await pool.execute(
        "INSERT INTO tile_favourites (citizen_id, tile_id) "
        "SELECT id, $2::bigint FROM citizens WHERE issuer = $1",
        issuer,
        tile_id,
    )
    return agency_id


async def _naive_loop(
    pool: Pool, settings: Settings, agency_id: int, cert: Path, sink_pid: int, folder: Path
) -> Run:
    """The baseline, to the clean agency's devices (before its campaign, which it does not disturb)."""
    rows = await pool.fetch(
        "SELECT s.endpoint, s.p256dh, s.auth FROM push_subscriptions s "
        "JOIN tile_favourites f USING (citizen_id) JOIN tiles t ON t.id = f.tile_id WHERE t.agency_id = $1",
        agency_id,
    )
    devices = folder / "naive-devices.json"
    devices.write_text(json.dumps([[r["endpoint"], r["p256dh"], r["auth"]] for r in rows]))
    keep = {name: value for name, value in os.environ.items() if name in ("PATH", "HOME", "LANG", "TMPDIR")}
    sink_before = _cpu_seconds(sink_pid)
    loop = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.bench.naive_push", str(devices),
        str(settings.push_concurrency_per_service), settings.vapid_private_key, settings.vapid_subject,
        env=keep | {"SSL_CERT_FILE": str(cert)}, stdout=subprocess.PIPE,
    )  # fmt: skip
    out, _ = await loop.communicate()
    assert loop.returncode == 0, "the naive pywebpush loop failed"
    figures = json.loads(out)
    assert figures["sent"] == DEVICES
    sink_cpu = _cpu_seconds(sink_pid) - sink_before
    pushed = {"delivered": DEVICES}
    return Run(DEVICES, figures["seconds"], figures["cpu_seconds"], sink_cpu, pushed, 0, pushed, {})


async def _campaign(resources: Resources, agency_id: int, worker_pid: int, sink_pid: int) -> Run:
    """From starting the campaign to the last of its messages in a final status."""
    pool = resources.pool
    template = await queries.latest_template(pool, agency_id, TEMPLATE.key)
    assert template is not None
    cpu_before, sink_before = _cpu_seconds(worker_pid), _cpu_seconds(sink_pid)
    since = await pool.fetchval("SELECT clock_timestamp()")
    started = time.perf_counter()
    last_final, last_change, longest_pause = 0, started, 0.0
    campaign_id, _ = await start_campaign(
        pool,
        resources.queue,
        agency_id=agency_id,
        template=template,
        request=NewCampaign(audience=AgencyFollowers(), template=TEMPLATE.key, idempotency_key="bench"),
        created_by=None,
    )
    while True:
        progress = await campaign_progress(pool, agency_id, campaign_id)
        assert progress is not None
        final = sum(n for status, n in progress.counts.items() if status in FINAL_STATUSES)
        now = time.perf_counter()
        if final != last_final:
            last_final, last_change = final, now
        longest_pause = max(longest_pause, now - last_change)
        if progress.status == "expanded" and final == progress.recipients:
            break
        await asyncio.sleep(0.05)
    seconds = time.perf_counter() - started
    worker_cpu, sink_cpu = _cpu_seconds(worker_pid) - cpu_before, _cpu_seconds(sink_pid) - sink_before
    attempts = await pool.fetch(
        """
        SELECT a.reason, count(*) AS n FROM delivery_attempts a
        JOIN notification_deliveries d ON d.id = a.delivery_id
        JOIN notifications n ON n.id = d.notification_id
        WHERE n.campaign_id = $1::uuid GROUP BY 1 ORDER BY 2 DESC
        """,
        campaign_id,
    )
    by_reason = {row["reason"]: row["n"] for row in attempts}
    repeated = await pool.fetch(
        "SELECT coalesce(last_error, '') AS error, count(*) AS n FROM task_outbox "
        "WHERE created_at >= $1 AND attempts > 1 GROUP BY 1",
        since,
    )
    return Run(
        progress.recipients,
        seconds,
        worker_cpu,
        sink_cpu,
        progress.counts,
        longest_pause,
        by_reason,
        {row["error"][:120]: row["n"] for row in repeated},
    )


def _attempts(run: Run) -> str:
    """How many pushes a campaign took, why any were repeated, and its longest stall."""
    total = sum(run.attempts.values())
    pause = f"; at most {run.longest_pause:.1f} s without a message finished"
    if run.tasks_repeated:
        pause += f"; tasks run again: {run.tasks_repeated}"
    if total == run.messages:
        return f"{total:,} push attempts (none repeated){pause}"
    return f"{total:,} push attempts for {run.messages:,} messages: {run.attempts}{pause}"


def _met(met: bool) -> str:
    return "[met]" if met else "[not met]"


async def test_campaign_delivery_against_a_naive_pywebpush_loop(
    settings: Settings, resources: Resources, tmp_path: Path
) -> None:
    pool = resources.pool
    in_flight = settings.push_concurrency_per_service
    with _running_sink(tmp_path) as (sink, cert, sink_pid):
        clean_agency = await _followers(pool, sink, "clean", stale_every=0)
        stale_agency = await _followers(pool, sink, "stale", stale_every=STALE_EVERY)
        warm_agency = await _followers(pool, sink, "warm-up", stale_every=0, count=WARM_UP)
        # Statistics for the new rows, as a platform has them: without, the first campaign's audience
        # queries ran on guessed plans until autovacuum came by (stalls of 20 s seen here).
        await pool.execute("ANALYZE citizens, push_subscriptions, tile_favourites")
        naive = await _naive_loop(pool, settings, clean_agency, cert, sink_pid, tmp_path)
        # The worker as deployed: only where it finds the database and Redis (the test app's), and the
        # sink's certificate trusted as OpenSSL's default (SSL_CERT_FILE), differ.
        with running_worker(environment_of(settings, SSL_CERT_FILE=str(cert))) as worker:
            await asyncio.sleep(3)  # the worker up and waiting before the clock starts
            assert worker.poll() is None
            # Its pool's connections opened, their statements prepared, its TLS sessions to the sink up.
            warm = await _campaign(resources, warm_agency, worker.pid, sink_pid)
            clean = await _campaign(resources, clean_agency, worker.pid, sink_pid)
            stale = await _campaign(resources, stale_agency, worker.pid, sink_pid)
    gone = DEVICES // STALE_EVERY
    assert warm.counts == {"delivered": WARM_UP}
    assert clean.counts == {"delivered": DEVICES}
    assert stale.counts == {"delivered": DEVICES - gone, "permanent-failure": gone}
    left = await pool.fetchval(
        "SELECT count(*) FROM push_subscriptions WHERE endpoint LIKE '%/gone/bench-delivery-stale-%'"
    )
    assert left == 0, "every stale device is removed on its 410"

    ratio, stale_ratio = clean.rate / naive.rate, stale.rate / clean.rate
    ceiling = in_flight / (LATENCY_MS / 1000)
    core_rate = 1000 / clean.cpu_ms
    by_cpu = TEN_MILLION / (core_rate * TARGET_CORES) / 60
    by_rate = TEN_MILLION / (clean.rate * TARGET_CORES) / 60
    stale_share = f"{100 // STALE_EVERY}%"
    print(
        f"\ncampaign delivery to an HTTPS push service answering in {LATENCY_MS} ms (201, or 410 for a stale"
        f" device), {DEVICES:,} devices, {in_flight} pushes in flight per process (at most {in_flight} /"
        f" {LATENCY_MS / 1000:g} s = {ceiling:,.0f}/s), {os.cpu_count()} cores shared with PostgreSQL, Redis"
        f" and the sink:"
        f"\n  naive pywebpush loop, one process: {naive.rate:,.0f}/s, its CPU {naive.cpu_ms:.2f} ms/msg, "
        f"the sink's {naive.sink_cpu_ms:.2f} ms/msg (a TLS handshake per push)"
        f"\n  one worker, after a campaign of {WARM_UP} to warm it up ({warm.rate:,.0f}/s, its CPU"
        f" {warm.cpu_ms:.2f} ms/msg), a clean campaign: {clean.rate:,.0f}/s, its CPU {clean.cpu_ms:.2f}"
        f" ms/msg, the sink's {clean.sink_cpu_ms:.2f} ms/msg, {_attempts(clean)}"
        f"\n  one worker, {stale_share} stale devices: {stale.rate:,.0f}/s, its CPU {stale.cpu_ms:.2f}"
        f" ms/msg, statuses {stale.counts}, the stale devices removed, {_attempts(stale)}"
        f"\n  per CPU second of the pushing process: worker {1000 / clean.cpu_ms:,.0f} msg, loop"
        f" {1000 / naive.cpu_ms:,.0f} msg (ratio {naive.cpu_ms / clean.cpu_ms:.2f})"
        f"\nTARGET delivery per worker core >= 1.0 of a naive pywebpush loop (https, {LATENCY_MS} ms): "
        f"{clean.rate:,.0f} / {naive.rate:,.0f} = {ratio:.2f} {_met(ratio >= 1.0)}"
        f"\nTARGET {stale_share} stale devices within 10% of a clean campaign: "
        f"{stale.rate:,.0f} / {clean.rate:,.0f} = {stale_ratio:.2f} {_met(stale_ratio >= 0.9)}"
        f"\nTARGET throughput at 1 M within 10% of 10 k: make scale's (a bench-sized run says nothing of it)"
        f"\nprojection, 10 M devices on {TARGET_CORES} worker cores:"
        f"\n  from the worker's CPU (a core of its own): 1000 / {clean.cpu_ms:.2f} ms = {core_rate:,.0f}"
        f" msg/s per core (needing {core_rate:,.0f} x {LATENCY_MS / 1000:g} s ="
        f" {core_rate * LATENCY_MS / 1000:,.0f} in flight; {in_flight} by default);"
        f" {TEN_MILLION:,} / ({core_rate:,.0f} x {TARGET_CORES}) / 60 = {by_cpu:,.0f} min,"
        f" if PostgreSQL keeps up"
        f"\n  at this run's rate per worker process (cores shared): {TEN_MILLION:,} / ({clean.rate:,.0f} x "
        f"{TARGET_CORES}) / 60 = {by_rate:,.0f} min"
        f"\nTARGET 10 M devices on {TARGET_CORES} worker cores in under {TARGET_MINUTES} minutes: from the"
        f" worker's CPU {by_cpu:,.0f} min {_met(by_cpu < TARGET_MINUTES)}; at this run's rate"
        f" {by_rate:,.0f} min {_met(by_rate < TARGET_MINUTES)}"
    )
