"""What happens when BC will not take an order, and what BC itself refuses."""

from __future__ import annotations

import httpx
import pytest

from domain.errors import BusinessCentralRejected
from integrations.businesscentral.client import BusinessCentralClient
from integrations.businesscentral.throttle import RequestThrottle
from integrations.businesscentral.token import ClientCredentialsToken
from integrations.settings import BC_DEFAULT_SCOPE
from integrations.storage.account import RAW_BODIES_CONTAINER, StorageAccount
from localdev.stack import BC_CLIENT_ID, LocalStack
from tests.integration.support import a_catalog_order, clear_sim_faults, deliver_order, settled_dossier, sim_faults
from tests.support.woocommerce import order_payload, signed_delivery


def test_an_order_bc_never_accepts_ends_failed_with_the_last_error(stack: LocalStack):
    order = a_catalog_order(stack)
    sim_faults(stack, rate_503=1.0)

    deliver_order(stack, order)
    found = settled_dossier(stack, order.order_id, timeout=90)
    clear_sim_faults(stack)

    assert found["status"] == "failed"
    assert found["problem"] == "Gave up after 3 attempts; last error: BC did not accept GET after 4 attempts"
    assert found["events"][0]["status"] == "failed"
    listed = httpx.get(f"{stack.host_url}/api/ops/attention").json()["orders"]
    assert any(e["key"] == f"woocommerce:shop-a:{order.order_id}" and e["status"] == "failed" for e in listed)
    assert stack.bc_probe().sales_orders(str(order.order_id)) == []


def _client(stack: LocalStack) -> BusinessCentralClient:
    assert stack.bc is not None
    http = httpx.Client(timeout=30)
    token = ClientCredentialsToken(http, stack.bc.token_url, BC_CLIENT_ID, stack.bc.client_secret, BC_DEFAULT_SCOPE)
    company_url = f"{stack.bc.api_base}/companies({stack.bc.company_id})"
    return BusinessCentralClient(http, company_url, token, RequestThrottle(5, 100), max_attempts=6)


def test_bc_refuses_a_property_that_does_not_exist_and_the_client_says_so(stack: LocalStack):
    customer = stack.bc_probe().all("customers", **{"$top": "1"})[0]
    with pytest.raises(BusinessCentralRejected) as refused:
        _client(stack).post("salesOrders", {"customerId": customer["id"], "webOrderNote": "hi"})
    assert refused.value.status == 400
    assert "does not exist" in refused.value.message


def test_a_refused_delivery_stores_no_raw_body(stack: LocalStack):
    order = a_catalog_order(stack)
    body, headers = signed_delivery(order_payload(order), "wrong-secret")
    assert (
        httpx.post(f"{stack.host_url}/api/webhooks/woocommerce/shop-a", content=body, headers=headers).status_code
        == 401
    )
    container = StorageAccount(stack.azurite.connection_string).container(RAW_BODIES_CONTAINER)
    assert list(container.list_blobs(name_starts_with=f"woocommerce/shop-a/{order.order_id}/")) == []
