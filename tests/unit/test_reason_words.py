"""Support staff read why a push went as it did in the console's language: the backend records each reason
as an English sentence, and ``pwa/src/console/reasons.tsx`` says each known one in Thai. Here the
backend's own code makes every reason it can give, and the list must match
``pwa/src/console/reasons.samples.json``, which the console's Vitest says in Thai one by one: a new or
changed sentence fails here until the list is made again (``python -m tests.unit.test_reason_words``)
and then fails there until it has a Thai rule."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path

from notifications.delivery import RETRY_DELAYS, PushResult, _outcome
from notifications.queries.deliveries import ToPush
from notifications.queries.inbox import PreferencesRow
from notifications.schemas import NO_DEVICES
from notifications.service import push_decision

SAMPLES = Path(__file__).parents[2] / "pwa" / "src" / "console" / "reasons.samples.json"


def _row(attempts_made: int = 0) -> ToPush:
    return ToPush(
        id=1, notification_id=uuid.UUID("00000000-0000-0000-0000-000000000001"), subscription_id=None,
        endpoint=None, p256dh=None, auth=None, title_th="ก", title_en="a", body_th=None, body_en=None,
        url=None, urgency="normal", ttl_seconds=60, attempts_made=attempts_made, verification_code=None,
    )  # fmt: skip


def reasons() -> list[str]:
    said = [_outcome(_row(), PushResult(code)).reason for code in (201, 404, 410, 413, 429, 500, 400)]
    said.append(_outcome(_row(), None).reason)  # the device went before its push
    said.append(_outcome(_row(len(RETRY_DELAYS)), PushResult(503)).reason)  # gave up
    said.append(_outcome(_row(len(RETRY_DELAYS)), PushResult(429)).reason)
    now = dt.datetime(2026, 12, 5, 15, 0, tzinfo=dt.UTC)  # 22:00 in Bangkok
    for preferences in (
        PreferencesRow(quiet_start=None, quiet_end=None, timezone="Asia/Bangkok", opt_out_agencies=[7],
                       opt_out_categories=[]),
        PreferencesRow(quiet_start=None, quiet_end=None, timezone="Asia/Bangkok", opt_out_agencies=[],
                       opt_out_categories=["welfare"]),
        PreferencesRow(quiet_start=dt.time(21), quiet_end=dt.time(7), timezone="Asia/Bangkok",
                       opt_out_agencies=[], opt_out_categories=[]),
    ):  # fmt: skip
        _, _, reason = push_decision(preferences, agency_id=7, category="welfare", urgency="normal", now=now)
        assert reason is not None
        said.append(reason)
    said.append(NO_DEVICES)
    return sorted(set(said))


def test_the_consoles_list_of_reasons_is_the_one_the_backend_gives() -> None:
    assert json.loads(SAMPLES.read_text(encoding="utf-8")) == reasons(), (
        "the backend's reasons changed: run python -m tests.unit.test_reason_words, then give the new "
        "ones a Thai rule in pwa/src/console/reasons.tsx"
    )


if __name__ == "__main__":
    SAMPLES.write_text(json.dumps(reasons(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
