"""Running queued tasks in place, as the worker would (the API process runs none)."""

from __future__ import annotations

from backend.core.resources import Resources
from backend.core.tasks import run_task


async def run_pending(resources: Resources, task: str) -> list[str]:
    """Each pending task of kind ``task``, oldest first; what each run returned."""
    rows = await resources.pool.fetch(
        "SELECT id FROM task_outbox WHERE task = $1 AND state = 'pending' ORDER BY id", task
    )
    return [await run_task(resources, row["id"]) for row in rows]
