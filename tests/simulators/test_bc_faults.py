"""Fault injection and statistics through the simulator's /_sim/ control API."""

import time

import httpx
import pytest

from localdev.simulators.businesscentral import BusinessCentralSimulator
from localdev.simulators.businesscentral.seed import SHIPPING_ACCOUNT_NUMBER, WEBSHOP_CUSTOMER_NUMBER
from tests.simulators.conftest import BC, CLIENT_ID, SECRET, token_form


@pytest.fixture
def fresh():
    with BusinessCentralSimulator(client_id=CLIENT_ID, client_secret=SECRET) as sim:
        client = BC(sim)
        yield client
        client.http.close()


def test_next_429_hits_only_matching_requests_then_stops(fresh):
    fresh.control(
        "POST", "faults", {"next": [{"fault": "429", "count": 2, "method": "GET", "path_contains": "salesOrders"}]}
    )

    other = fresh.get("items", {"$top": "1"})
    first, second, third = (fresh.get("salesOrders") for _ in range(3))

    assert other.status_code == 200
    assert [first.status_code, second.status_code, third.status_code] == [429, 429, 200]
    assert int(first.headers["Retry-After"]) >= 1
    assert first.json()["error"]["code"] == "Application_TooManyRequests"
    assert fresh.control("GET", "stats").json()["faults"]["429"] == 2


def test_next_503_with_and_without_retry_after(fresh):
    fresh.control(
        "POST", "faults", {"next": [{"fault": "503", "retry_after": None}, {"fault": "503", "retry_after": 7}]}
    )

    without, with_header = fresh.get("items"), fresh.get("items")

    assert (without.status_code, with_header.status_code) == (503, 503)
    assert "Retry-After" not in without.headers
    assert with_header.headers["Retry-After"] == "7"
    assert without.json()["error"]["code"]


def test_lost_response_commits_the_write_but_drops_the_connection(fresh):
    fresh.control("POST", "faults", {"next": [{"fault": "lost_response", "path_contains": "salesOrders"}]})
    body = {"customerNumber": WEBSHOP_CUSTOMER_NUMBER, "externalDocumentNumber": "WEB-LOST-1"}

    with pytest.raises(httpx.RemoteProtocolError):
        fresh.post("salesOrders", body)

    order = fresh.one("salesOrders", "externalDocumentNumber eq 'WEB-LOST-1'")
    assert order["status"] == "Draft"
    assert fresh.control("GET", "stats").json()["faults"]["lost_response"] == 1


def test_lost_response_waits_for_a_write(fresh):
    fresh.control("POST", "faults", {"next": [{"fault": "lost_response"}]})

    assert fresh.get("items", {"$top": "1"}).status_code == 200
    assert len(fresh.control("GET", "faults").json()["next"]) == 1


def test_faults_leave_the_token_endpoint_and_controls_alone_and_can_be_cleared(fresh):
    fresh.control("POST", "faults", {"rate_429": 1.0})

    assert fresh.get("items").status_code == 429
    assert httpx.post(fresh.sim.token_url, data=token_form()).status_code == 200
    assert fresh.control("GET", "stats").status_code == 200

    assert fresh.control("DELETE", "faults").status_code == 200
    assert fresh.get("items").status_code == 200


def test_probabilistic_rates_produce_roughly_that_share(fresh):
    fresh.control("POST", "faults", {"rate_503": 0.3})

    statuses = [fresh.get("accounts", {"$top": "1"}).status_code for _ in range(200)]

    assert 30 <= statuses.count(503) <= 90
    assert statuses.count(503) + statuses.count(200) == 200


def test_latency_and_slow_requests(fresh):
    fresh.control("POST", "faults", {"latency_ms": 150})
    started = time.monotonic()
    assert fresh.get("accounts").status_code == 200
    assert time.monotonic() - started >= 0.15

    fresh.control("POST", "faults", {"latency_ms": 0, "slow_ms": 300, "next": [{"fault": "slow"}]})
    started = time.monotonic()
    assert fresh.get("accounts").status_code == 200
    assert time.monotonic() - started >= 0.3


@pytest.mark.parametrize(
    "body",
    [{"rate_429": 2}, {"surprise": 1}, {"next": [{"fault": "explode"}]}, {"next": [{"fault": "429", "count": 0}]}],
)
def test_invalid_fault_settings_are_400(fresh, body):
    response = fresh.control("POST", "faults", body)

    assert response.status_code == 400
    assert response.json()["error"]["message"]


def test_stats_count_requests_by_method_and_entity_and_reset(fresh):
    fresh.get("items")
    fresh.get("customers")
    fresh.post("salesOrders", {"customerNumber": WEBSHOP_CUSTOMER_NUMBER})

    stats = fresh.control("GET", "stats").json()

    assert stats["requests"] == 3
    assert stats["by_method"] == {"GET": 2, "POST": 1}
    assert stats["by_entity"] == {"items": 1, "customers": 1, "salesOrders": 1}
    assert stats["faults"] == {"429": 0, "503": 0, "lost_response": 0}
    assert stats["max_in_flight_seen"] == 1
    reset = fresh.control("POST", "stats/reset").json()
    assert (reset["requests"], reset["by_entity"], reset["max_in_flight_seen"]) == (0, {}, 0)


def test_a_create_without_lines_answers_the_header_only_and_stores_the_whole_order(fresh):
    """Microsoft documents that a deep insert answers "a salesOrders object" (MicrosoftDocs/dynamics365smb-devitpro-pb
    dev-itpro/api-reference/v2.0/api/dynamics_salesOrder_create.md), not that the answer carries its lines or the
    totals that include them: the switch answers as the page's OnInsertRecord left the header."""
    fresh.control("POST", "faults", {"next": [{"fault": "create_without_lines"}]})
    shipping = {"lineType": "Account", "lineObjectNumber": SHIPPING_ACCOUNT_NUMBER, "quantity": 1, "unitPrice": 4.95}
    body = {
        "customerNumber": WEBSHOP_CUSTOMER_NUMBER,
        "externalDocumentNumber": "WEB-BARE-1",
        "salesOrderLines": [shipping],
    }

    untouched = fresh.get("items", {"$top": "1"})
    answer = fresh.post("salesOrders", body, {"$expand": "salesOrderLines"})

    assert untouched.status_code == 200
    assert answer.status_code == 201
    assert "salesOrderLines" not in answer.json()
    assert answer.json()["totalAmountIncludingTax"] == 0
    stored = fresh.get(f"salesOrders({answer.json()['id']})", {"$expand": "salesOrderLines"}).json()
    assert len(stored["salesOrderLines"]) == 1
    assert stored["totalAmountIncludingTax"] > 0
    assert fresh.control("GET", "faults").json()["next"] == []


def test_a_create_without_lines_leaves_other_writes_alone(fresh):
    fresh.control("POST", "faults", {"rate_create_without_lines": 1.0})
    order = fresh.post("salesOrders", {"customerNumber": WEBSHOP_CUSTOMER_NUMBER}).json()
    shipping = {"lineType": "Account", "lineObjectNumber": SHIPPING_ACCOUNT_NUMBER, "quantity": 1, "unitPrice": 4.95}

    line = fresh.post(f"salesOrders({order['id']})/salesOrderLines", shipping)

    assert line.status_code == 201
    assert line.json()["amountExcludingTax"] == 4.95
