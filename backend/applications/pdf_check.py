"""Whether an uploaded PDF may reach agency staff: no active content, and checkable within bounds.

Why qpdf (through pikepdf) rather than our own parser: a PDF can keep its dictionaries inside
compressed object streams under any chain of filters (Flate, LZW, ASCIIHex, ASCII85, RunLength,
predictors, encryption), spell names with ``#xx`` escapes, and reach its objects only through a
cross-reference table or stream. A byte scan sees none of that reliably (JavaScript in an ASCIIHex
object stream went through) and, reading image data as if it were syntax, refused good scans whose
compressed bytes happened to spell ``/JavaScript``. qpdf resolves object streams, decodes every
standard filter, decrypts, and repairs a damaged cross-reference table as viewers do; it is
maintained, fuzzed (OSS-Fuzz), and has per-filter memory limits (``pikepdf.settings``). The check
(``pdf_inspect.py``) walks the objects qpdf sees and judges their dictionaries, never stream data.

Bounds. A small file can inflate to gigabytes (988 KB of 64 Flate object streams held 960 MB), so
each check runs in a Python process of its own (about 0.1 s of CPU to start), given the file on its
standard input and little else (not the API's environment, so none of its secrets):

- every decode is capped by qpdf's own limits, and the object streams of one file together may not
  inflate past ``INFLATE_BUDGET_BYTES`` (each is decoded, counted and dropped before qpdf reads it),
  nor hold more than ``MAX_OBJECTS``; an upload request carries one file, so this is also the budget
  of a request;
- the kernel caps the child's address space and CPU time (``RLIMIT_AS``, ``RLIMIT_CPU``), which also
  bounds what qpdf sets no limit for (LZW), and the caller kills it at a wall-clock deadline;
- ``CONCURRENT_CHECKS`` run at once per process; the rest wait their turn, or are told to try again.

``check_pdf`` blocks while it waits, so it runs in a thread (``asyncio.to_thread``), never on the loop.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, get_args

Reason = Literal["active", "budget", "filter", "damaged", "password", "timeout"]

INFLATE_BUDGET_BYTES = 64 * 1024 * 1024
STREAM_MAX_BYTES = 32 * 1024 * 1024
CHECK_SECONDS = 10.0
MAX_OBJECTS = 100_000
"""qpdf keeps each object it reads (about 1.5 KB apiece); real documents have far fewer."""
CHECK_MEMORY_BYTES = 512 * 1024 * 1024
"""Address space the child may map beyond what it has once pikepdf is loaded."""
CONCURRENT_CHECKS = 2


@dataclass(frozen=True, slots=True)
class Verdict:
    reason: Reason | None
    """Why the file is refused; None when it is accepted."""
    peak_rss_bytes: int = 0
    """The checking process's peak resident memory (for the tests and the log)."""


class Busy(Exception):
    """Every checking slot stayed taken for the whole deadline."""


_slots = threading.BoundedSemaphore(CONCURRENT_CHECKS)
_REASONS = frozenset(get_args(Reason))
_IMPORT_ROOT = Path(__file__).resolve().parents[2]  # where ``backend`` is, installed or not


def check_pdf(
    content: bytes,
    *,
    budget_bytes: int = INFLATE_BUDGET_BYTES,
    seconds: float = CHECK_SECONDS,
    memory_bytes: int = CHECK_MEMORY_BYTES,
) -> Verdict:
    """The verdict on ``content`` from a child process, within about ``seconds`` once a slot is free
    (a slot is waited for up to ``seconds`` too). Raises ``Busy`` when none frees up."""
    if not _slots.acquire(timeout=seconds):
        raise Busy
    try:
        return _run_child(content, budget_bytes, seconds, memory_bytes)
    finally:
        _slots.release()


def _run_child(content: bytes, budget_bytes: int, seconds: float, memory_bytes: int) -> Verdict:
    command = [
        sys.executable, "-m", "backend.applications.pdf_inspect",
        str(budget_bytes), str(memory_bytes), str(max(1, round(seconds))),
    ]  # fmt: skip
    child = subprocess.Popen(  # noqa: S603 (our own interpreter and module, fixed arguments)
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env={"PATH": os.defpath, "PYTHONDONTWRITEBYTECODE": "1"},
        cwd=_IMPORT_ROOT,
    )
    try:
        output, _ = child.communicate(content, timeout=seconds)
    except subprocess.TimeoutExpired:
        child.kill()
        child.communicate()
        return Verdict("timeout")
    if child.returncode == -signal.SIGXCPU:
        return Verdict("timeout")
    try:
        answer = json.loads(output)
        reason, peak = answer["reason"], int(answer["peak_rss_bytes"])
    except (ValueError, KeyError, TypeError):
        # Killed or failed before it could answer: out of memory, the usual way to get there.
        return Verdict("budget")
    if reason is not None and reason not in _REASONS:
        return Verdict("damaged")
    return Verdict(reason, peak)
