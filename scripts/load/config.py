"""The knobs (environment variables), the constants, and the machine the run is on."""

from __future__ import annotations

import os
import platform
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "var" / "load"
BANK = "load-bank"
BILLING_AGENCY = "demo-water"  # the demo agency whose machine client issues the bills
READY_SECONDS = 90
STOP_SECONDS = 20
DRAIN_SECONDS = 180
# As make bench serves it: granian as citizen serve runs it, one worker, no access log.
BARE_COMMAND = [sys.executable, "-m", "granian", "--interface", "asgi", "--factory", "--host", "127.0.0.1",
                "--workers", "1", "--no-access-log", "tests.bench.bare_app:create_bare_app"]  # fmt: skip


def _env_number(name: str, default: float) -> float:
    value = os.environ.get(name, "")
    return float(value) if value.strip() else default


@dataclass(frozen=True)
class Config:
    seconds: float
    soak: bool
    warmup_seconds: float
    citizens: int
    connections: int
    solo_seconds: float
    baseline_seconds: float
    agency_delay_ms: int
    sample_seconds: float
    log_level: str

    @classmethod
    def from_environment(cls) -> Config:
        soak_minutes = _env_number("SOAK_MINUTES", 0)
        return cls(
            seconds=soak_minutes * 60 if soak_minutes > 0 else _env_number("LOAD_SECONDS", 60),
            soak=soak_minutes > 0,
            warmup_seconds=_env_number("LOAD_WARMUP_SECONDS", 10),
            # More citizens for a soak, so that each one's bill list and inbox stay of a plausible
            # length over 30 minutes of bills being issued and paid.
            citizens=int(_env_number("LOAD_CITIZENS", 2000 if soak_minutes > 0 else 500)),
            connections=int(_env_number("LOAD_CONNECTIONS", 32)),
            solo_seconds=_env_number("LOAD_SOLO_SECONDS", 10),
            baseline_seconds=_env_number("LOAD_BASELINE_SECONDS", 15),
            agency_delay_ms=int(_env_number("LOAD_AGENCY_DELAY_MS", 80)),
            sample_seconds=_env_number("LOAD_SAMPLE_SECONDS", 30),
            # Not INFO: a request line per request would be gigabytes over a soak (as in make bench).
            log_level=os.environ.get("LOAD_LOG_LEVEL", "WARNING"),
        )


def say(message: str) -> None:
    print(f"load: {message}", file=sys.stderr, flush=True)


# --- the machine ----------------------------------------------------------------------------


def machine_description() -> dict[str, str]:
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    model = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.MULTILINE)
    memory = psutil.virtual_memory().total
    return {
        "cpus": str(os.cpu_count()),
        "model": model.group(1).strip() if model else platform.processor() or "unknown",
        "memory": f"{memory / 2**30:.1f} GiB",
        "kernel": platform.release(),
        "python": platform.python_version(),
    }


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())
