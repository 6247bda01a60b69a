"""The WooCommerce simulator's drawn faults on the routes after the sale, over real sockets: a host's 429 and a proxy's
503 that do nothing, lost answers whose change is made, one seeded draw per call (same seed, same sequence), counted
in the fault control's answer; the order's GET draws too, `/providers` and other routes do not; DELETE clears."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from decimal import Decimal

import httpx
import pytest

from localdev.simulators.woocommerce import WooCommerceSimulator
from tests.support.woocommerce import ShopCustomer, ShopLine, ShopOrder

KEY, SECRET = "ck_test", "cs_test"
ORDER = "/wp-json/wc/v3/orders/1001"
NOTES = f"{ORDER}/notes"
TRACKING = "/wp-json/wc-shipment-tracking/v3/orders/1001/shipment-trackings"
CONTROL = "/_sim/faults/fulfilment"
NO_RATES = {"rate_429": 0.0, "rate_503": 0.0, "rate_lost_answer": 0.0, "retry_after": 1, "seed": None}


@pytest.fixture
def sim() -> Iterator[WooCommerceSimulator]:
    with WooCommerceSimulator(consumer_key=KEY, consumer_secret=SECRET) as running:
        customer = ShopCustomer("Anna", "de Vries", "anna@example.nl", postcode="3511 AA")
        running.place_order(ShopOrder(1001, customer, (ShopLine("MUG-01", "Mok", 2, Decimal("12.50")),)))
        running.install_shipment_tracking()
        yield running


@pytest.fixture
def site(sim: WooCommerceSimulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sim.url, auth=(KEY, SECRET), timeout=10) as client:
        yield client


def test_with_the_429_rate_at_one_every_route_answers_429_with_retry_after_and_nothing_is_made(sim, site):
    set_up = site.post(CONTROL, json={"rates": {"rate_429": 1.0, "retry_after": 2}})
    answers = [
        site.get(ORDER),
        site.put(ORDER, json={"status": "completed"}),
        site.get(NOTES),
        site.post(NOTES, json={"note": "Shipped", "customer_note": True}),
        site.get(TRACKING),
        site.post(TRACKING, json={"tracking_number": "3SABC1", "tracking_provider": "PostNL"}),
        site.delete(f"{TRACKING}/{'a' * 32}"),
    ]
    drawn = site.get(CONTROL).json()["drawn"]
    site.delete(CONTROL)

    assert set_up.json()["rates"]["rate_429"] == 1.0
    assert {answer.status_code for answer in answers} == {429}
    assert answers[0].headers["Retry-After"] == "2"
    assert "429 Too Many Requests" in answers[0].text
    assert drawn == {"429": 7, "503": 0, "lost_answer": 0}
    assert sim.emails == []
    assert site.get(NOTES).json() == []
    assert site.get(TRACKING).json() == []
    assert site.get(ORDER).json()["status"] == "processing"


def test_a_503_from_the_rate_is_the_proxys_page_and_changes_nothing(sim, site):
    site.post(CONTROL, json={"rates": {"rate_503": 1.0}})
    answer = site.put(ORDER, json={"status": "completed"})
    site.delete(CONTROL)

    assert answer.status_code == 503
    assert "nginx" in answer.text
    assert site.get(ORDER).json()["status"] == "processing"


def test_lost_answers_from_the_rate_make_the_note_and_the_tracking_but_answer_a_gateway_timeout(sim, site):
    site.post(CONTROL, json={"rates": {"rate_lost_answer": 1.0}})
    note = site.post(NOTES, json={"note": "Shipped", "customer_note": True})
    tracking = site.post(TRACKING, json={"tracking_number": "3SABC1", "tracking_provider": "PostNL"})
    status = site.put(ORDER, json={"status": "completed"})
    site.delete(CONTROL)

    assert [note.status_code, tracking.status_code, status.status_code] == [504, 504, 504]
    assert "504 Gateway Time-out" in note.text
    assert [entry["note"] for entry in site.get(NOTES, params={"type": "customer"}).json()] == ["Shipped"]
    assert [entry["tracking_number"] for entry in site.get(TRACKING).json()] == ["3SABC1"]
    assert site.get(ORDER).json()["status"] == "completed"


def test_a_seeded_mixed_run_draws_about_its_shares_and_the_same_seed_draws_the_same_sequence(site):
    rates = {"rate_429": 0.1, "rate_503": 0.05, "rate_lost_answer": 0.02, "retry_after": 0, "seed": 12}

    def run() -> tuple[list[int], dict[str, int]]:
        site.delete(CONTROL)
        site.post(CONTROL, json={"rates": rates})
        statuses = [site.get(NOTES).status_code for _ in range(200)]
        drawn: dict[str, int] = site.get(CONTROL).json()["drawn"]
        return statuses, drawn

    first, drawn = run()
    second, _ = run()
    counted = Counter(first)

    assert first == second
    assert 10 <= counted[429] <= 32
    assert 3 <= counted[503] <= 18
    assert 1 <= counted[504] <= 10
    assert drawn == {"429": counted[429], "503": counted[503], "lost_answer": counted[504]}


def test_routes_outside_the_shipment_path_draw_nothing(site):
    site.post(CONTROL, json={"rates": {"rate_429": 1.0}})
    answers = [site.get(f"{TRACKING}/providers"), site.get("/wp-json/wc/v3/orders"), site.get("/_sim/emails")]
    drawn = site.get(CONTROL).json()["drawn"]
    site.delete(CONTROL)

    assert [answer.status_code for answer in answers] == [200, 200, 200]
    assert drawn == {"429": 0, "503": 0, "lost_answer": 0}


def test_rates_over_one_are_refused_and_delete_clears_rates_counts_and_faults(site):
    refused = site.post(CONTROL, json={"rates": {"rate_429": 0.7, "rate_503": 0.4}})
    site.post(CONTROL, json={"faults": [{"route": "notes"}], "rates": {"rate_503": 1.0}})
    site.get(ORDER)
    cleared = site.delete(CONTROL).json()

    assert (refused.status_code, refused.json()["code"]) == (400, "sim_invalid")
    assert cleared == {"faults": [], "rates": NO_RATES, "drawn": {"429": 0, "503": 0, "lost_answer": 0}}
    assert site.get(ORDER).status_code == 200


def test_a_counted_fault_still_fails_its_call_when_no_rate_is_drawn(site):
    site.post(CONTROL, json={"faults": [{"route": "notes", "status": 500}], "rates": {"rate_429": 0.0}})

    assert [site.get(NOTES).status_code for _ in range(2)] == [500, 200]
