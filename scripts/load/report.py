"""The report: tables of figures, printed and kept in ``var/load/``."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections import Counter

import msgspec

from scripts.load.config import OUT, ROOT, Config, say
from scripts.load.measuring import Sample, other_work
from scripts.load.traffic import WrkResult
from scripts.load_plan import BARE, MIX, EndpointResult, Result


def _mb(value: float, *, sign: bool = False) -> str:
    return f"{value / 2**20:{'+' if sign else ''},.1f} MB"


def table(rows: list[list[str]]) -> list[str]:
    """Columns sized to fit; the first left-aligned, the others right-aligned."""
    widths = [max(len(row[column]) for row in rows if column < len(row)) for column in range(len(rows[0]))]
    cells = (
        (cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row))
        for row in rows
    )
    return [("  " + "  ".join(row)).rstrip() for row in cells]


FIGURES = ["req/s", "p50 ms", "p90 ms", "p99 ms", "errors"]


def _figures(result: EndpointResult | WrkResult, errors: int) -> list[str]:
    return [
        f"{result.per_second:,.0f}",
        f"{result.p50_ms:.1f}",
        f"{result.p90_ms:.1f}",
        f"{result.p99_ms:.1f}",
        str(errors),
    ]


def _errors(result: EndpointResult) -> int:
    return result.non_2xx + result.socket_errors + result.wrong_answers


def report_mix(config: Config, mix: Result, mix_other: float, bare: Result, bare_other: float) -> list[str]:
    total = mix.overall.count or 1
    rows = [["endpoint", "target", "sent", *FIGURES, "other work", ""]]
    for label, weight in MIX.items():
        if (result := mix.endpoints.get(label)) is not None:
            share = f"{100 * result.count / total:.1f}%"
            rows.append([label, f"{weight}%", share, *_figures(result, _errors(result)), "", ""])
    for label, result in mix.endpoints.items():
        if label not in MIX:
            rows.append([label, "", "as needed", *_figures(result, _errors(result)), "", ""])
    ratio = mix.overall.per_second / bare.overall.per_second if bare.overall.per_second else 0
    overall = _figures(mix.overall, _errors(mix.overall))
    rows.append(["all", "", "", *overall, f"{mix_other:.0f}%", f"ratio to bare {ratio:.2f}"])
    bare_figures = _figures(bare.overall, _errors(bare.overall))
    rows.append([f"{BARE}, same client", "", "", *bare_figures, f"{bare_other:.0f}%", ""])
    callbacks = Counter(c.kind for c in mix.callbacks)
    lines = [
        f"the mix: {config.connections} connections, closed loop (each sends again on an answer), "
        f"{mix.seconds:.0f} s after a {config.warmup_seconds:.0f} s warm-up",
        *table(rows),
    ]
    if details := {label: r.detail for label, r in mix.endpoints.items() if r.detail}:
        lines.append(f"  errors by kind: {details}")
    lines += [
        f"  the generator itself used {100 * mix.cpu_seconds / mix.seconds:.0f}% of one core during the mix, "
        f"{100 * bare.cpu_seconds / bare.seconds:.0f}% against the bare app (on the servers' 2 cores)",
        f"  payments: {len(mix.payments)} started ({sum(p.abandoned for p in mix.payments)} left unpaid), "
        f"{callbacks['first']} paid by callback, {callbacks['retry']} callbacks repeated, "
        f"{callbacks['paid_twice']} bills paid twice; step-up logins again: {mix.relogins}",
    ]
    return lines


def report_solo(config: Config, solo: dict[str, WrkResult], bare: WrkResult) -> list[str]:
    rows = [["endpoint", "bytes", *FIGURES, "other work", ""]]
    for label, result in [*solo.items(), (BARE, bare)]:
        ratio = f"ratio to bare {result.per_second / bare.per_second:.2f}" if result is not bare else ""
        errors = result.non_2xx + result.socket_errors
        other = f"{result.other_work:.0f}%"
        rows.append([label, f"{result.body_bytes:,}", *_figures(result, errors), other, ratio])
    return [
        f"each read alone: wrk, {config.connections} connections, {config.solo_seconds:.0f} s each, "
        "a different citizen's cookie on each request",
        *table(rows),
    ]


def report_usage(samples: list[Sample], names: dict[str, str], generator_cpu: float) -> list[str]:
    first, last = samples[0], samples[-1]
    wall = (last.at - first.at) or 1.0
    rows = [["process", "start", "end", "growth", "", "peak", "CPU"]]
    for name, label in names.items():
        start, end = first.services[name], last.services[name]
        growth = end.rss - start.rss
        rows.append([
            f"{label} ({end.processes} {'process' if end.processes == 1 else 'processes'})",
            _mb(start.rss), _mb(end.rss), _mb(growth, sign=True),
            f"{100 * growth / start.rss if start.rss else 0:+.0f}%",
            _mb(max(sample.services[name].rss for sample in samples)),
            f"{100 * (end.cpu - start.cpu) / wall:.0f}%",
        ])  # fmt: skip
    new = len(set(last.postgres_ids) - set(first.postgres_ids))
    backends = f"PostgreSQL backends of this database, {first.postgres_backends} -> {last.postgres_backends}"
    if first.postgres_private is not None and last.postgres_private is not None:
        growth = last.postgres_private - first.postgres_private
        postgres_cpu = (last.postgres_cpu or 0.0) - (first.postgres_cpu or 0.0)
        rows.append([
            f"{backends} ({new} new; private memory)", _mb(first.postgres_private),
            _mb(last.postgres_private), _mb(growth, sign=True), "", "", f"{100 * postgres_cpu / wall:.0f}%",
        ])  # fmt: skip
    else:
        rows.append([f"{backends} (server elsewhere)", "", "", "", "", "", ""])
    redis_cpu = "" if first.redis_cpu is None or last.redis_cpu is None else (
        f"{100 * (last.redis_cpu - first.redis_cpu) / wall:.0f}%")  # fmt: skip
    rows.append([
        "Redis used_memory (the whole server)", _mb(first.redis_used), _mb(last.redis_used),
        _mb(last.redis_used - first.redis_used, sign=True), "", _mb(max(s.redis_used for s in samples)),
        redis_cpu,
    ])  # fmt: skip
    rows.append(["load generator (aiohttp)", "", "", "", "", "", f"{100 * generator_cpu / wall:.0f}%"])
    everything_else = f"{other_work(first, last):.0f}%"
    rows.append(["everything else on the machine (other work, kernel)", "", "", "", "", "", everything_else])
    every = samples[1].at - first.at if len(samples) > 1 else 0
    return [
        f"memory and CPU of every process: {len(samples)} samples about {every:.0f} s apart over "
        f"{wall:.0f} s of the mix (CPU as % of one core; the machine has {os.cpu_count()})",
        *table(rows),
        f"  Redis keys in this run's database: {first.redis_keys:,} -> {last.redis_keys:,} ("
        + ", ".join(
            f"{family} {first.key_families.get(family, 0):,} -> {count:,}"
            for family, count in last.key_families.items()
        )
        + f"); background tasks due and not yet done: at most {max(s.outbox_due for s in samples)} at a "
        f"sample, {last.outbox_due} at the end",
    ]


def save_report(
    lines: list[str],
    config: Config,
    mix: Result,
    bare: Result,
    solo: dict[str, WrkResult],
    bare_wrk: WrkResult,
    samples: list[Sample],
    started_at: dt.datetime,
) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    stem = OUT / f"{started_at:%Y%m%d-%H%M%S}-{'soak' if config.soak else 'load'}"
    stem.with_suffix(".txt").write_text("\n".join(lines) + "\n")
    figures = {
        "config": config.__dict__,
        "mix": {name: msgspec.to_builtins(result) for name, result in mix.endpoints.items()},
        "mix_overall": msgspec.to_builtins(mix.overall),
        "bare_same_client": msgspec.to_builtins(bare.overall),
        "solo_wrk": {name: result.__dict__ for name, result in solo.items()},
        "bare_wrk": bare_wrk.__dict__,
        "samples": [
            sample.__dict__ | {"services": {k: v.__dict__ for k, v in sample.services.items()}}
            for sample in samples
        ],
    }
    stem.with_suffix(".json").write_text(json.dumps(figures, indent=1, default=str))
    say(f"report saved to {stem.relative_to(ROOT)}.txt and .json")
