"""Koppel reads a BC sales order's pricesIncludeTax (microsoft/BCApps src/Apps/W1/APIV2/app/src/pages/
APIV2SalesOrders.Page.al, field(pricesIncludeTax; Rec."Prices Including VAT")): its lines' unitPrice and
discountAmount include VAT when it is true. A record stored before it was read reads as false."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from domain.models import BcSalesOrder
from integrations.businesscentral.api import BusinessCentralApi
from localdev.simulators.businesscentral import BusinessCentralSimulator
from localdev.simulators.businesscentral.seed import WEBSHOP_CUSTOMER_NUMBER
from tests.integration.simulated_bc import bc_client


@pytest.fixture(scope="module")
def bc() -> Iterator[BusinessCentralSimulator]:
    with BusinessCentralSimulator(client_id="order-prices") as simulator:
        yield simulator


@pytest.mark.parametrize("prices_include_tax", [True, False])
def test_a_sales_order_is_read_with_whether_its_prices_include_vat(
    bc: BusinessCentralSimulator, prices_include_tax: bool
):
    api = BusinessCentralApi(bc_client(bc))
    number = f"PRICES-{prices_include_tax}"
    created = api.create_sales_order(
        {
            "customerNumber": WEBSHOP_CUSTOMER_NUMBER,
            "externalDocumentNumber": number,
            "pricesIncludeTax": prices_include_tax,
        }
    )

    [found] = api.find_sales_orders(number)
    read = api.sales_order(created.id)

    assert read is not None
    assert [each.prices_include_tax for each in (created, found, read)] == 3 * [prices_include_tax]


def test_a_sales_order_stored_before_its_prices_basis_was_read_reads_as_without_vat():
    stored = {
        "id": "so-1",
        "number": "S-ORD1",
        "status": "Draft",
        "customer_number": "C00010",
        "external_document_number": "WEB1",
        "total_excluding_tax": "0",
        "total_tax": "0",
        "total_including_tax": "0",
    }

    assert BcSalesOrder.model_validate(stored).prices_include_tax is False
    assert BcSalesOrder.model_validate(stored).total_tax == Decimal(0)
