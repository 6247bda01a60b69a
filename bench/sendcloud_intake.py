"""Sendcloud webhooks for the intake benchmark, made by the stack's Sendcloud simulator: one new parcel each, moved to
'Parcel en route', so every webhook is a new event. The simulator holds them instead of posting them; the benchmark
posts the held bytes with their signature itself, timed."""

from __future__ import annotations

import httpx

from localdev.stack import SENDCLOUD_ACCOUNT, LocalStack

PATH = f"/api/webhooks/sendcloud/{SENDCLOUD_ACCOUNT}"
EN_ROUTE = 91
"""The status each parcel moves to (localdev/simulators/sendcloud/CATALOG.md)."""


def parcel_webhooks(stack: LocalStack, count: int, first_id: int) -> list[tuple[bytes, dict[str, str]]]:
    """`count` signed `parcel_status_changed` bodies and their headers, for orders BENCH-<first_id> onwards."""
    simulator = stack.sendcloud
    if simulator is None:
        raise RuntimeError("the stack runs no Sendcloud simulator")
    held = simulator.dispatcher.held
    with httpx.Client(base_url=simulator.url, timeout=30) as client:
        client.post("/_sim/webhooks/hold").raise_for_status()
        already = len(held)
        for n in range(count):
            parcel = client.post("/_sim/parcels", json={"order_number": f"BENCH-{first_id + n}"}).raise_for_status()
            client.post(f"/_sim/parcels/{parcel.json()['id']}/status", json={"id": EN_ROUTE}).raise_for_status()
    return [(post.body, post.headers) for post in held[already : already + count]]
