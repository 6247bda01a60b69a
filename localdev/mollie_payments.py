"""Paying a web order through the Mollie simulator as the shop's Mollie plugin would: the demo's returns and the
payment and refund tests."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx

from localdev.stack import PAYMENT_ACCOUNT, LocalStack


def mollie_call(stack: LocalStack, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    """Mollie's API with the account's key, as the shop's plugin or the shop owner calls it."""
    assert stack.mollie is not None
    headers = {"Authorization": f"Bearer {stack.mollie.api_key}"}
    response = httpx.request(method, f"{stack.mollie.url}{path}", json=body, headers=headers, timeout=30)
    response.raise_for_status()
    return response.json()


def pay_with_mollie(stack: LocalStack, order_id: int, value: Decimal) -> str:
    """A payment the shop's Mollie plugin makes for the order (webhook to Koppel, the order named in metadata),
    then paid by the buyer; its id."""
    payment = mollie_call(
        stack,
        "POST",
        "/v2/payments",
        {
            "amount": {"currency": "EUR", "value": f"{value:.2f}"},
            "description": f"Bestelling {order_id}",
            "redirectUrl": "https://shop.example.nl/bedankt",
            "webhookUrl": f"{stack.host_url}/api/webhooks/mollie/{PAYMENT_ACCOUNT}",
            "metadata": {"order_id": str(order_id)},
        },
    )
    assert stack.mollie is not None
    httpx.post(f"{stack.mollie.url}/_sim/payments/{payment['id']}/status", json={"status": "paid"}, timeout=30)
    return str(payment["id"])
