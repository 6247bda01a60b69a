"""The price control against BC's published price lists: a customer with a price agreement is checked against it."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from localdev.simulators.businesscentral.seed import BRANCHES
from localdev.simulators.businesscentral.seed_catalog import SPECIAL_PRICE_CUSTOMER
from localdev.stack import LocalStack
from tests.integration.support import deliver_order, next_order_id, settled_dossier
from tests.support.woocommerce import ShopCustomer, ShopLine, ShopOrder

KOFFIE_VAT = Decimal(9)


def _order_at(stack: LocalStack, net_price: Decimal, name: str = SPECIAL_PRICE_CUSTOMER) -> ShopOrder:
    """One KOF-1001 for the customer with the price agreement (or another, by name), matched by e-mail, at this
    price excluding VAT."""
    probe = stack.bc_probe()
    [customer] = probe.all("customers", **{"$filter": f"displayName eq '{name}'"})
    gross = (net_price * (1 + KOFFIE_VAT / 100)).quantize(Decimal("0.01"))
    line = ShopLine("KOF-1001", "Koffiebonen", 1, gross, vat_rate=KOFFIE_VAT)
    buyer = ShopCustomer("Zwaan", "Inkoop", customer["email"])
    return ShopOrder(next_order_id(), buyer, (line,), created=datetime.now(UTC))


def _price_control(found: dict[str, Any]) -> dict[str, Any]:
    control: dict[str, Any] = next(result for result in found["controls"] if result["control"] == "price")
    return control


def test_the_item_card_price_is_too_high_for_a_customer_with_a_price_agreement(stack: LocalStack):
    [item] = stack.bc_probe().all("items", **{"$filter": "number eq 'KOF-1001'"})
    order = _order_at(stack, Decimal(str(item["unitPrice"])))

    deliver_order(stack, order)
    found = settled_dossier(stack, order.order_id)

    assert found["status"] == "in_bc"
    control = _price_control(found)
    assert not control["passed"]
    assert "price list S00004" in control["detail"]
    assert found["release"].startswith("held by price")


def test_the_agreed_price_passes(stack: LocalStack):
    [item] = stack.bc_probe().all("items", **{"$filter": "number eq 'KOF-1001'"})
    agreed = (Decimal(str(item["unitPrice"])) * Decimal("0.80")).quantize(Decimal("0.01"))
    order = _order_at(stack, agreed)

    deliver_order(stack, order)
    found = settled_dossier(stack, order.order_id)

    control = _price_control(found)
    assert control["passed"], control
    assert control["detail"] == "every line within the tolerance of BC's price lists for this customer"


def test_a_branch_billed_to_the_customer_with_the_agreement_gets_the_agreed_price(stack: LocalStack):
    """BC prices an order for its bill-to customer (microsoft/BCApps src/Layers/W1/BaseApp/Sales/Pricing/
    SalesLinePrice.Codeunit.al, AddSources: `SalesHeader."Bill-to Customer No."`): the branch's order at the head
    office's agreed price passes the price control, which asks for billToCustomerNumber's prices."""
    [item] = stack.bc_probe().all("items", **{"$filter": "number eq 'KOF-1001'"})
    agreed = (Decimal(str(item["unitPrice"])) * Decimal("0.80")).quantize(Decimal("0.01"))
    order = _order_at(stack, agreed, BRANCHES[0][0])

    deliver_order(stack, order)
    found = settled_dossier(stack, order.order_id)

    assert found["status"] == "in_bc", found
    control = _price_control(found)
    assert control["passed"], control
