from __future__ import annotations

import httpx


async def test_metrics_count_requests_by_route_and_report_pool_and_queue(
    client: httpx.AsyncClient,
) -> None:
    await client.get("/readyz")
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert 'citizen_requests_total{app_name="citizen",method="GET",path="/readyz",status_code="200"}' in text
    assert "citizen_request_duration_seconds_bucket" in text
    assert "citizen_db_pool_connections_max 10.0" in text
    assert 'citizen_queue_jobs{state="queued"} 0.0' in text
    assert "citizen_tasks_pending 0.0" in text
