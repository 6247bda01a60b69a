"""A refund made in Shopify's admin, told to Koppel by `refunds/create` alone: the Shopify simulator sends no
`orders/updated` for it (whether Shopify does is unconfirmed) and order recovery is off, so the refund webhook is
the only way Koppel hears of it. Koppel notes the refund from it, and the run `shop-refunds` (on the booking timer)
makes the order's draft credit memo for a person."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import httpx
import pytest

from localdev.demo_returns import dossier_at, shop_refunds_done
from localdev.stack import ONCE_A_YEAR, LocalStack
from tests.integration.conftest import running_stack
from tests.integration.shopify_refunds import credit_memos_of, invoiced_shopify_order, refund_one_unit_in_admin
from tests.integration.support import wait_for

CENT = Decimal("0.01")


@pytest.fixture(scope="module")
def stack() -> Iterator[LocalStack]:
    """The integration stack with the booking timer (which the shop refunds run on) every 2 seconds and order
    recovery (which would read the order's refunds from the shop) once a year."""
    yield from running_stack(KOPPEL_BOOKING_SCHEDULE="*/2 * * * * *", KOPPEL_RECOVERY_SCHEDULE=ONCE_A_YEAR)


def test_a_shopify_admin_refund_sent_as_refunds_create_alone_becomes_one_draft_credit_memo(stack: LocalStack):
    shopify = stack.shopify
    assert shopify is not None
    host = httpx.Client(base_url=stack.host_url, timeout=30)
    order = invoiced_shopify_order(stack, host)
    placed, path, in_bc, invoiced = order.placed, order.path, order.in_bc, order.invoiced
    shopify.shop.orders_updated_on_refund = False
    sent_before = len(shopify.deliveries)

    refund = refund_one_unit_in_admin(stack, placed)

    done = wait_for(lambda: dossier_at(host, path, shop_refunds_done), 60)
    assert [(each.topic, each.outcome) for each in shopify.deliveries[sent_before:]] == [("refunds/create", 202)]
    [credit] = done["shop_refunds"]
    assert (credit["state"], credit["refund_id"], credit["problem"]) == ("drafted", str(refund["id"]), "")
    [memo] = credit_memos_of(stack, in_bc["bc_document"]["external_document_number"])
    assert memo["status"] == "Draft"
    assert abs(Decimal(str(memo["totalAmountIncludingTax"])) - Decimal(credit["refunded"]["amount"])) <= CENT
    [noted] = [event for event in done["events"] if event["topic"] == "refunds/create"]
    assert (noted["status"], noted["note"]) == ("processed", f"refund {refund['id']} noted to be credited")
    assert [done[name] for name in ("status", "problem", "bc_document", "web_order")] == [
        invoiced[name] for name in ("status", "problem", "bc_document", "web_order")
    ], "the order itself is left as it was"
