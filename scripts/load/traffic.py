"""What sends the requests: the mix's generator (``scripts/load_mix.py``) and wrk; and waiting for
the workers to finish what it queued."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import asyncpg
import msgspec

from scripts.load.config import DRAIN_SECONDS
from scripts.load.processes import Children, base_environment
from scripts.load_plan import Result


def run_generator(children: Children, kind: str, plan: Path, on_event: Callable[[str], None]) -> Result:
    result_path = plan.with_name(f"result-{kind}.json")
    child = children.start(
        f"generator-{kind}",
        [sys.executable, "-m", "scripts.load_mix", kind, str(plan), str(result_path)],
        base_environment(),
        pipe_stdout=True,
    )
    stdout: IO[bytes] | None = child.process.stdout
    assert stdout is not None
    for line in stdout:
        on_event(json.loads(line)["event"])
    code = child.process.wait()
    children.children.pop(child.name)
    if code != 0:
        raise RuntimeError(f"the load generator ({kind}) failed:\n{child.log_path.read_text()[-3000:]}")
    return msgspec.json.decode(result_path.read_bytes(), type=Result)


@dataclass
class WrkResult:
    per_second: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    non_2xx: int
    socket_errors: int
    body_bytes: int = 0
    other_work: float = 0.0


def _milliseconds(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if match is None:
        raise RuntimeError(f"not a wrk duration: {text!r}")
    return float(match.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[match.group(2)]


def wrk(
    ports: list[int], path: str, cookies: list[str], connections: int, seconds: float, lua: Path
) -> WrkResult:
    """wrk with one thread per replica (``thread.addr``) and, when given, a cookie per request in turn."""
    listed = ", ".join(f'"{cookie}"' for cookie in cookies)
    lua.write_text(
        f"local ports = {{{', '.join(str(port) for port in ports)}}}\n"
        "local made = 0\n"
        "function setup(thread)\n"
        "  made = made + 1\n"
        '  thread.addr = wrk.lookup("127.0.0.1", tostring(ports[(made - 1) % #ports + 1]))[1]\n'
        "end\n"
        f"local cookies = {{{listed}}}\n"
        "local i = 0\n"
        "function request()\n"
        '  if #cookies == 0 then return wrk.format("GET", nil) end\n'
        "  i = i % #cookies + 1\n"
        '  return wrk.format("GET", nil, {["Cookie"] = cookies[i]})\n'
        "end\n"
    )
    command = [
        "wrk",
        f"-t{len(ports)}",
        f"-c{connections}",
        f"-d{seconds:.0f}s",
        "--latency",
        "-s",
        str(lua),
        f"http://127.0.0.1:{ports[0]}{path}",
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    latency = dict(re.findall(r"^\s+(50|90|99)%\s+(\S+)$", output, re.MULTILINE))
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if rate is None or set(latency) != {"50", "90", "99"}:
        raise RuntimeError(f"could not read wrk's output:\n{output}")
    return WrkResult(
        per_second=float(rate.group(1)),
        p50_ms=_milliseconds(latency["50"]),
        p90_ms=_milliseconds(latency["90"]),
        p99_ms=_milliseconds(latency["99"]),
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=sum(int(n) for n in sockets.groups()) if sockets else 0,
    )


def ensure_wrk() -> bool:
    return shutil.which("wrk") is not None


async def drain(database_url: str) -> tuple[float | None, int]:
    """Seconds until the workers had no task left that was due (None: not within DRAIN_SECONDS), and
    the tasks still waiting for a later time (retries with back-off, scheduled sends)."""
    connection = await asyncpg.connect(database_url)
    started = time.monotonic()
    try:
        while time.monotonic() - started < DRAIN_SECONDS:
            due = await connection.fetchval(
                "SELECT count(*) FROM task_outbox WHERE state = 'pending' AND run_after <= now()"
            )
            if due == 0:
                later: int = await connection.fetchval(
                    "SELECT count(*) FROM task_outbox WHERE state = 'pending'"
                )
                return time.monotonic() - started, later
            await asyncio.sleep(0.5)
        return None, -1
    finally:
        await connection.close()
