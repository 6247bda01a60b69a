"""Every case of the hostile corpus (corpus.py) against the real endpoints of a running local stack.

What every case must show: no 5xx and the host still answering afterwards; a refusal that is a clear 4xx and
leaves no trace; an accepted delivery that ends parked with a readable reason, or imported exactly once.
"""

from __future__ import annotations

import contextlib
from typing import Any

import httpx
import pytest

from integrations.storage.account import EVENTS_TABLE, StorageAccount
from localdev.stack import LocalStack
from tests.hostile.corpus import CASES, Case, Expect, OrderRef, Sent, World, blobs, dossier, stored_bodies, wait_settled
from tests.integration.support import sim_stats

QUIET = (Expect.REFUSED, Expect.HOST_REFUSED, Expect.ACKNOWLEDGED, Expect.DUPLICATE, Expect.ANSWERED)
"""Outcomes after which nothing may have changed anywhere."""


@pytest.fixture(scope="module")
def world(stack: LocalStack) -> World:
    probe = stack.bc_probe()
    items = [item for item in probe.all("items", **{"$top": "40"}) if not item["blocked"]]
    return World(stack, probe, items)


def footprint(world: World) -> dict[str, int]:
    """Everything a request could leave behind: raw bodies, event rows, and any request Koppel made to BC."""
    stats = sim_stats(world.stack)
    events = StorageAccount(world.stack.azurite.connection_string).table(EVENTS_TABLE)
    return {
        "raw blobs": len(blobs(world)),
        "event rows": sum(1 for _ in events.list_entities(select=["RowKey"])),
        "BC requests": int(stats["requests"]),
        "BC POSTs": int(stats["by_method"].get("POST", 0)),
    }


def _param(case: Case) -> Any:
    marks = [pytest.mark.xfail(reason=f"BUG: {case.bug}", strict=True)] if case.bug else []
    return pytest.param(case, id=case.name, marks=marks)


def test_the_corpus_is_big_enough():
    assert len(CASES) >= 50
    assert len({case.name for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", [_param(case) for case in CASES])
def test_hostile_input(world: World, case: Case):
    before: dict[str, int] = {}
    world.baseline_taken = False
    world.on_baseline = lambda: before.update(footprint(world))
    before.update(footprint(world))

    sent = case.send(world)
    response = sent.response
    if response.status_code == 202 and case.expect in QUIET:
        _let_it_settle(world, sent)

    assert response.status_code < 500, f"{response.status_code}: {response.text[:500]}"
    assert response.status_code == case.status, f"{response.status_code}: {response.text[:500]}"
    if case.expect is Expect.REFUSED:
        _assert_error_body(response, case.code)
    if case.expect in QUIET:
        _assert_no_trace(world, case, sent, before)
    else:
        _assert_settled(world, case, sent)
    _assert_host_answers(world)


def _let_it_settle(world: World, sent: Sent) -> None:
    """A delivery wrongly accepted (a known bug) is left to finish, so its work is not charged to the next case."""
    source, shop, order_id = sent.response.json()["order"].split(":", 2)
    with contextlib.suppress(AssertionError):
        wait_settled(world, OrderRef(source, shop, order_id), timeout=15)


def _assert_error_body(response: httpx.Response, code: str) -> None:
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message"}, body
    assert body["error"]["code"] == code, body
    assert isinstance(body["error"]["message"], str)
    assert body["error"]["message"].strip()


def _assert_no_trace(world: World, case: Case, sent: Sent, before: dict[str, int]) -> None:
    if case.expect is Expect.ACKNOWLEDGED:
        assert "status" in sent.response.json()
    if case.expect is Expect.DUPLICATE:
        assert sent.response.json()["duplicate"] is True
    assert footprint(world) == before
    ref = sent.order
    if ref is None:
        return
    if not world.baseline_taken:
        assert stored_bodies(world, ref) == []
        assert dossier(world, ref).status_code == 404
        if ref.number:
            assert world.probe.sales_orders(ref.number.upper()[:35]) == []
    elif ref.number:
        assert len(world.probe.sales_orders(ref.number.upper()[:35])) == 1


def _assert_settled(world: World, case: Case, sent: Sent) -> None:
    ref = sent.order
    assert ref is not None
    assert sent.response.json()["order"] == ref.key
    assert sent.response.request.content in stored_bodies(world, ref), "an accepted delivery is stored raw"
    found = wait_settled(world, ref)
    in_bc = world.probe.sales_orders(ref.number.upper()[:35]) if ref.number else []
    if case.expect is Expect.IMPORTED:
        assert found["status"] == "in_bc", found
        assert [document["number"] for document in in_bc] == [found["bc_document"]["number"]]
    else:
        expected = "needs_attention" if case.expect is Expect.PARKED else "not_imported"
        assert found["status"] == expected, found
        assert in_bc == []
    if case.expect is Expect.PARKED:
        assert case.reason in found["problem"], found["problem"]
        listed = {e["key"]: e for e in httpx.get(f"{world.url}/api/ops/attention", timeout=30).json()["orders"]}
        assert listed[ref.key]["problem"] == found["problem"]
    if case.proof is not None:
        case.proof(world, sent, found)


def _assert_host_answers(world: World) -> None:
    assert httpx.get(f"{world.url}/admin/host/status", timeout=10).json()["state"] == "Running"
    assert httpx.get(f"{world.url}/api/ops/attention", timeout=10).status_code == 200
