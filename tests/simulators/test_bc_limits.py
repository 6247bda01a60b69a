"""BC online's per-client limits as the simulator enforces them: concurrency, queue length, request rate."""

import asyncio
import time

import httpx

from localdev.simulators.businesscentral import BusinessCentralSimulator
from tests.simulators.conftest import BC, CLIENT_ID, SECRET


def parallel_gets(bc: BC, count: int) -> list[httpx.Response]:
    async def run() -> list[httpx.Response]:
        async with httpx.AsyncClient(timeout=10, headers=bc.headers) as client:
            return list(
                await asyncio.gather(*(client.get(bc.url("items"), params={"$top": "1"}) for _ in range(count)))
            )

    return asyncio.run(run())


def test_at_most_five_requests_run_at_once_and_the_rest_wait_their_turn():
    with BusinessCentralSimulator(client_id=CLIENT_ID, client_secret=SECRET, latency_ms=200) as sim:
        bc = BC(sim)
        started = time.monotonic()

        responses = parallel_gets(bc, 10)

        elapsed = time.monotonic() - started
        assert [r.status_code for r in responses] == [200] * 10
        assert elapsed >= 0.4
        stats = bc.control("GET", "stats").json()
        assert stats["max_in_flight_seen"] == 5
        assert stats["requests"] == 10
        assert stats["by_entity"] == {"items": 10}


def test_more_than_max_queued_running_and_waiting_is_429_at_once():
    with BusinessCentralSimulator(
        client_id=CLIENT_ID, client_secret=SECRET, latency_ms=500, max_in_flight=2, max_queued=3
    ) as sim:
        bc = BC(sim)

        statuses = sorted(r.status_code for r in parallel_gets(bc, 8))

        assert statuses == [200] * 3 + [429] * 5
        assert bc.control("GET", "stats").json()["rate_limited"] == 5


def test_more_than_the_rate_limit_in_the_window_is_429_with_retry_after():
    with BusinessCentralSimulator(client_id=CLIENT_ID, client_secret=SECRET, rate_limit=3, rate_window_s=60) as sim:
        bc = BC(sim)

        statuses = [bc.get("items", {"$top": "1"}).status_code for _ in range(3)]
        limited = bc.get("items", {"$top": "1"})

        assert statuses == [200, 200, 200]
        assert limited.status_code == 429
        assert limited.json()["error"]["code"] == "Application_TooManyRequests"
        assert 1 <= int(limited.headers["Retry-After"]) <= 60
        assert bc.control("GET", "stats").json()["rate_limited"] == 1


def test_the_rate_window_slides():
    with BusinessCentralSimulator(client_id=CLIENT_ID, client_secret=SECRET, rate_limit=2, rate_window_s=0.5) as sim:
        bc = BC(sim)
        assert [bc.get("accounts").status_code for _ in range(3)] == [200, 200, 429]

        time.sleep(0.6)

        assert bc.get("accounts").status_code == 200
