"""The demo's returns, one from each refund origin.

- From BC, on the WooCommerce shop (KOPPEL_WOOCOMMERCE_REFUND_ORIGIN_SHOP_A=bc): an order is placed in the shop and
  paid through Mollie; BC ships and invoices it and Koppel books the payment; the customer sends one article back
  and a person posts the credit memo in BC. Koppel refunds it at Mollie once, books the refund against the credit
  memo, and records the refund in the shop without moving money; the dossier shows all three.
- From the shop, on the Shopify shop (origin `shop`, the default): an order is placed and paid in Shopify; BC ships
  and invoices it; the merchant refunds one article in Shopify's admin (Shopify pays it back). Koppel makes BC's
  credit memo for it, priced from the invoice, and leaves it as a draft for a person to check; the dossier shows the
  credit memo and the shop's refund."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, TypeVar

import httpx

from domain.refunds.shop_refund_credit import FINISHED
from localdev.mollie_payments import mollie_call, pay_with_mollie
from localdev.stack import SHOPIFY_SHOP, WOOCOMMERCE_SHOP, LocalStack
from tests.support.woocommerce import ShopCustomer, ShopLine, ShopOrder

ORDER_ID = 4301
WAIT_S = 90.0
T = TypeVar("T")


def return_from_bc(stack: LocalStack, basket: tuple[ShopLine, ...]) -> list[str]:
    """Play the return; print what each party holds; return what did not end as expected."""
    woo = stack.woocommerce
    assert woo is not None
    assert stack.bc is not None
    customer = ShopCustomer("Eva", "de Vries", "eva.de.vries@example.org")
    woo.place_order(ShopOrder(ORDER_ID, customer, basket, created=datetime.now(UTC).replace(microsecond=0)))
    with httpx.Client(base_url=stack.host_url, timeout=30) as host:
        in_bc = _wait(lambda: _dossier_if(host, lambda d: d["status"] == "in_bc" and d["bc_document"]))
        if in_bc is None:
            return [f"return: order {ORDER_ID} did not reach BC"]
        payment_id = pay_with_mollie(stack, ORDER_ID, Decimal(str(in_bc["web_order"]["total"])))
        stack.bc_probe().ship_and_invoice(in_bc["bc_document"]["id"])
        booked = _wait(lambda: _dossier_if(host, _booked))
        if booked is None:
            return [f"return: the payment of order {ORDER_ID} was not booked against its invoice"]
        returned = basket[0].unit_price
        memo = httpx.post(
            f"{stack.bc.url}/_sim/salesInvoices/{booked['invoices'][0]['id']}/creditMemo",
            json={"apply": False, "amount": float(returned)},
            timeout=30,
        ).json()
        done = _wait(lambda: _dossier_if(host, lambda d: bool(d["refunds"]) and d["refunds"][0]["state"] == "done"))
    if done is None:
        return [f"return: credit memo {memo['number']} was not refunded"]
    return _told(stack, done, memo, payment_id, returned)


def return_in_shopify(stack: LocalStack, basket: tuple[ShopLine, ...]) -> list[str]:
    """Play the return refunded in Shopify; print what each party holds; return what did not end as expected."""
    shopify = stack.shopify
    assert shopify is not None
    customer = ShopCustomer("Daan", "Bakker", "daan.bakker@example.org")
    placed = shopify.place_order(basket, customer)
    path = f"/api/orders/shopify/{SHOPIFY_SHOP}/{placed['id']}"
    with httpx.Client(base_url=stack.host_url, timeout=30) as host:
        in_bc = _wait(lambda: dossier_at(host, path, lambda d: d["status"] == "in_bc" and d["bc_document"]))
        if in_bc is None:
            return [f"return in the shop: order {placed['name']} did not reach BC"]
        stack.bc_probe().ship_and_invoice(in_bc["bc_document"]["id"])
        if _wait(lambda: dossier_at(host, path, lambda d: bool(d["invoices"]))) is None:
            return [f"return in the shop: BC's invoice of order {placed['name']} was not filed on it"]
        line = placed["line_items"][0]
        refund = httpx.post(
            f"{shopify.url}/_sim/orders/{placed['id']}/refunds",
            json={"line_items": [{"line_item_id": line["id"], "quantity": 1, "restock_type": "return"}]},
            timeout=30,
        ).json()["refund"]
        credited = _wait(lambda: dossier_at(host, path, shop_refunds_done))
    if credited is None:
        return [f"return in the shop: Shopify refund {refund['id']} was not credited in BC"]
    return _credited_told(stack, placed, credited)


def shop_refunds_done(dossier: dict[str, Any]) -> bool:
    """The dossier has shop refunds and each is done with."""
    credits = dossier["shop_refunds"]
    return bool(credits) and credits_finished(credits)


def credits_finished(credits: list[dict[str, Any]]) -> bool:
    """Every shop refund of a dossier's `shop_refunds` done with: credited, taken off the order, not credited, or
    for a person."""
    return all(each["state"] in FINISHED for each in credits)


def _credited_told(stack: LocalStack, placed: dict[str, Any], dossier: dict[str, Any]) -> list[str]:
    [credit] = dossier["shop_refunds"]
    print(f"  order shopify/{SHOPIFY_SHOP}/{placed['id']} ({placed['name']}): one article refunded in Shopify's admin")
    print(f"  Shopify refund {credit['refund_id']}: {credit['refunded']['currency']} {credit['refunded']['amount']}")
    memo = stack.bc_probe().all(
        "salesCreditMemos",
        **{"$filter": f"externalDocumentNumber eq '{dossier['bc_document']['external_document_number']}'"},
    )
    for each in memo:
        lines = stack.bc_probe().all(f"salesCreditMemos({each['id']})/salesCreditMemoLines")
        print(f"  BC credit memo {each['number']} ({each['status']}): EUR {each['totalAmountIncludingTax']:.2f}")
        for line in lines:
            print(
                f"    {line['lineType']:<8} {line['lineObjectNumber']:<10} {line['quantity']:>4} {line['description']}"
            )
    print(f"  dossier: shop_refunds[0].state = {credit['state']} {credit['problem']}".rstrip())
    if credit["state"] != "drafted" or len(memo) != 1:
        return [f"return in the shop: {len(memo)} credit memos, state {credit['state']} ({credit['problem']})"]
    return []


def _told(
    stack: LocalStack, dossier: dict[str, Any], memo: dict[str, Any], payment_id: str, returned: Decimal
) -> list[str]:
    refunds = mollie_call(stack, "GET", f"/v2/payments/{payment_id}/refunds")["_embedded"]["refunds"]
    woo = stack.woocommerce
    assert woo is not None
    in_shop = httpx.get(
        f"{woo.api_base}/orders/{ORDER_ID}/refunds", auth=(woo.consumer_key, woo.consumer_secret), timeout=30
    ).json()
    memo_now = _wait(lambda: _paid_memo(stack, memo["id"]), timeout=30)
    print(f"  order woocommerce/{WOOCOMMERCE_SHOP}/{ORDER_ID}: one article back, EUR {returned:.2f}")
    print(f"  BC credit memo {memo['number']}: EUR {returned:.2f}, now {memo_now['status'] if memo_now else 'open'}")
    for refund in refunds:
        print(f"  Mollie refund {refund['id']} of {payment_id}: EUR {refund['amount']['value']} ({refund['status']})")
    for refund in in_shop:
        print(
            f"  WooCommerce refund {refund['id']}: EUR {refund['amount']}, gateway asked: {refund['refunded_payment']}"
        )
    print(f"  dossier: refunds[0].state = {dossier['refunds'][0]['state']}")
    surprises = []
    if [Decimal(each["amount"]["value"]) for each in refunds] != [returned]:
        surprises.append(f"return: Mollie holds {len(refunds)} refunds, not one of EUR {returned:.2f}")
    if [Decimal(each["amount"]) for each in in_shop] != [returned] or any(e["refunded_payment"] for e in in_shop):
        surprises.append("return: the shop does not show one refund recorded without its gateway")
    if memo_now is None:
        surprises.append(f"return: credit memo {memo['number']} is not paid back in BC")
    return surprises


def _booked(dossier: dict[str, Any]) -> bool:
    bookings = [payment["booking"] for payment in dossier["payments"]]
    return bool(dossier["invoices"] and bookings and all(b and b["state"] == "booked" for b in bookings))


def _dossier_if(host: httpx.Client, wanted: Callable[[dict[str, Any]], Any]) -> dict[str, Any] | None:
    return dossier_at(host, f"/api/orders/woocommerce/{WOOCOMMERCE_SHOP}/{ORDER_ID}", wanted)


def dossier_at(host: httpx.Client, path: str, wanted: Callable[[dict[str, Any]], Any]) -> dict[str, Any] | None:
    """The dossier at `path` when Koppel has it and it is as `wanted`; else None (to wait for)."""
    answer = host.get(path)
    if answer.status_code != 200:
        return None
    dossier: dict[str, Any] = answer.json()
    return dossier if wanted(dossier) else None


def _paid_memo(stack: LocalStack, memo_id: str) -> dict[str, Any] | None:
    found: dict[str, Any] = stack.bc_probe().get(f"salesCreditMemos({memo_id})")
    return found if found["status"] == "Paid" else None


def _wait(check: Callable[[], T | None], timeout: float = WAIT_S) -> T | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found is not None:
            return found
        time.sleep(0.5)
    return None
