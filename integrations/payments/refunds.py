"""ProviderRefunds over the providers' APIs, each with the account's own key: Mollie API v2 (`GET` and `POST
/v2/payments/{id}/refunds`, JSON) and Stripe (`GET /v1/refunds?payment_intent=`, `POST /v1/refunds`, form-encoded,
amounts in the currency's smallest unit, `Stripe-Version` pinned). A refund is created with `Idempotency-Key: <key>`
and the key in its metadata `koppel_refund`, so a retried create is answered the first refund again (within the
provider's window: Mollie one hour, Stripe 24 hours) and `made` finds it again after that."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from domain.errors import RetryableError
from domain.payments.accounts import PaymentAccount
from domain.payments.payment import Money
from domain.payments.stripe import ZERO_DECIMAL, minor_units
from domain.refunds.ports import ProviderRefund, RefundRefused
from integrations.payments.readers import ProviderApi, mollie_api, stripe_api

KOPPEL_KEY = "koppel_refund"
"""The metadata field a refund Koppel made carries its key in."""
RETRYABLE = frozenset({401, 403, 409, 429})
"""A key still in use or Mollie's duplicate within the hour (409), a rate limit (429), the account's key refused (401,
403: a person fixes it, then a retry passes): tried again, never a refusal for good."""
PAGES_AT_MOST = 20
"""A payment with more refunds than 20 pages hold is not one Koppel refunds: it stops with a RetryableError."""
MOLLIE_PAGE = "250"
STRIPE_PAGE = "100"
MOLLIE_DESCRIPTION = 140
STRIPE_DESCRIPTION = 500
"""Stripe refunds take no description: it goes in the metadata, whose values hold 500 characters."""
MOLLIE_WHOLE_UNITS = frozenset({"ISK", "JPY"})
"""Mollie's currencies without decimals (mollie/api-documentation source/payments/multicurrency.rst); others: 2."""


class MollieRefunds:
    """Mollie's refunds of one payment (`tr_...`)."""

    def __init__(self, api: ProviderApi) -> None:
        self._api = api

    def made(self, account: PaymentAccount, payment_id: str) -> list[ProviderRefund]:
        return [_mollie_refund(each) for each in self._pages(account, payment_id)]

    def create(
        self, account: PaymentAccount, payment_id: str, amount: Money, key: str, description: str
    ) -> ProviderRefund:
        body = {
            "amount": {"currency": amount.currency, "value": _mollie_value(amount)},
            "description": description[:MOLLIE_DESCRIPTION],
            "metadata": {KOPPEL_KEY: key},
        }
        path = f"/v2/payments/{payment_id}/refunds"
        response = self._api.send(account, "POST", path, headers={"Idempotency-Key": key}, json=body)
        return _mollie_refund(_created(self._api.name, response))

    def _pages(self, account: PaymentAccount, payment_id: str) -> Iterator[dict[str, Any]]:
        """Every refund, page by page (`from` taken from each page's `next` link)."""
        params = {"limit": MOLLIE_PAGE}
        for _ in range(PAGES_AT_MOST):
            page = self._api.get(account, f"/v2/payments/{payment_id}/refunds", params)
            if page is None:
                raise RefundRefused(f"Mollie knows no payment {payment_id}")
            embedded = page.get("_embedded")
            yield from _listed(embedded.get("refunds") if isinstance(embedded, dict) else None, "Mollie")
            following = _next_from(page)
            if following is None:
                return
            params = {"limit": MOLLIE_PAGE, "from": following}
        raise RetryableError(f"Mollie lists more than {PAGES_AT_MOST} pages of refunds of {payment_id}")


class StripeRefunds:
    """Stripe's refunds of one payment intent (`pi_...`)."""

    def __init__(self, api: ProviderApi) -> None:
        self._api = api

    def made(self, account: PaymentAccount, payment_id: str) -> list[ProviderRefund]:
        return [_stripe_refund(each) for each in self._pages(account, payment_id)]

    def create(
        self, account: PaymentAccount, payment_id: str, amount: Money, key: str, description: str
    ) -> ProviderRefund:
        form = {
            "payment_intent": payment_id,
            "amount": str(_stripe_units(amount)),
            f"metadata[{KOPPEL_KEY}]": key,
            "metadata[koppel_description]": description[:STRIPE_DESCRIPTION],
        }
        response = self._api.send(account, "POST", "/v1/refunds", headers={"Idempotency-Key": key}, data=form)
        return _stripe_refund(_created(self._api.name, response))

    def _pages(self, account: PaymentAccount, payment_id: str) -> Iterator[dict[str, Any]]:
        """Every refund, newest first, page by page (`starting_after` the last one while `has_more`)."""
        params = {"payment_intent": payment_id, "limit": STRIPE_PAGE}
        for _ in range(PAGES_AT_MOST):
            page = self._api.get(account, "/v1/refunds", params)
            if page is None:
                raise RefundRefused(f"Stripe knows no payment intent {payment_id}")
            listed = _listed(page.get("data"), "Stripe")
            yield from listed
            if page.get("has_more") is not True or not listed:
                return
            params = {"payment_intent": payment_id, "limit": STRIPE_PAGE, "starting_after": str(listed[-1]["id"])}
        raise RetryableError(f"Stripe lists more than {PAGES_AT_MOST} pages of refunds of {payment_id}")


def _created(name: str, response: httpx.Response) -> dict[str, Any]:
    """The refund a create answered. RetryableError for 5xx and the statuses in RETRYABLE, or a 2xx without a refund
    in it (a retry with the same key is answered it again); RefundRefused for any other 4xx."""
    status = response.status_code
    if status >= 500 or status in RETRYABLE:
        raise RetryableError(f"{name} answered {status} to a refund")
    if status >= 400:
        raise RefundRefused(f"{name} refused the refund ({status}): {_reason(response)}")
    try:
        body = response.json()
    except ValueError as error:
        raise RetryableError(f"{name} answered a refund with no JSON") from error
    if not isinstance(body, dict):
        raise RetryableError(f"{name} answered a refund with no JSON object")
    return body


def _reason(response: httpx.Response) -> str:
    """Mollie's `detail`, Stripe's `error.message`; the status line when there is neither."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict):
        error = body.get("error")
        said = error.get("message") if isinstance(error, dict) else body.get("detail")
        if isinstance(said, str) and said:
            return said
    return response.reason_phrase


def _listed(items: Any, name: str) -> list[dict[str, Any]]:
    if not isinstance(items, list) or not all(isinstance(each, dict) for each in items):
        raise RetryableError(f"{name} answered a refund list Koppel cannot read")
    return items


def _next_from(page: dict[str, Any]) -> str | None:
    """The `from` of Mollie's `next` link; None on the last page."""
    links = page.get("_links")
    following = links.get("next") if isinstance(links, dict) else None
    href = following.get("href") if isinstance(following, dict) else None
    if not isinstance(href, str):
        return None
    starts = parse_qs(urlsplit(href).query).get("from")
    if not starts:
        raise RetryableError("Mollie's next page of refunds names no `from`")
    return starts[0]


def _mollie_refund(body: dict[str, Any]) -> ProviderRefund:
    return _refund(body, "Mollie", lambda: _mollie_money(body.get("amount")))


def _stripe_refund(body: dict[str, Any]) -> ProviderRefund:
    def money() -> Money:
        currency = str(body["currency"])
        return Money(amount=minor_units(int(body["amount"]), currency), currency=currency.upper())

    return _refund(body, "Stripe", money)


def _refund(body: dict[str, Any], name: str, money: Callable[[], Money]) -> ProviderRefund:
    """RetryableError for a refund Koppel cannot read (the run stops and says so; a lasting one alerts)."""
    metadata = body.get("metadata")
    key = metadata.get(KOPPEL_KEY) if isinstance(metadata, dict) else None
    try:
        return ProviderRefund(
            refund_id=str(body["id"]),
            amount=money(),
            status=str(body.get("status") or ""),
            koppel_key=key if isinstance(key, str) else "",
        )
    except (KeyError, TypeError, ValueError, ArithmeticError) as error:
        raise RetryableError(f"{name} answered a refund Koppel cannot read: {type(error).__name__}") from error


def _mollie_money(raw: Any) -> Money:
    return Money(amount=Decimal(str(raw["value"])), currency=str(raw["currency"]))


def _mollie_value(amount: Money) -> str:
    """Mollie's string value with the currency's decimals ("10.00", JPY "1000"); RefundRefused for finer amounts."""
    places = 0 if amount.currency in MOLLIE_WHOLE_UNITS else 2
    shown = amount.amount.quantize(Decimal(1).scaleb(-places))
    if shown != amount.amount:
        raise RefundRefused(f"{amount.amount} {amount.currency} has more decimals than Mollie takes")
    return f"{shown:.{places}f}"


def _stripe_units(amount: Money) -> int:
    """The amount in the currency's smallest unit (cents; whole units for Stripe's zero-decimal currencies), as
    domain.payments.stripe.minor_units reads it back; RefundRefused for finer amounts."""
    units = amount.amount if amount.currency.lower() in ZERO_DECIMAL else amount.amount.scaleb(2)
    if units != units.to_integral_value():
        raise RefundRefused(f"{amount.amount} {amount.currency} is not a whole number of Stripe's smallest unit")
    return int(units)


def mollie_refunds(http: httpx.Client, api_url: str, api_key: Callable[[PaymentAccount], str]) -> MollieRefunds:
    return MollieRefunds(mollie_api(http, api_url, api_key))


def stripe_refunds(http: httpx.Client, api_url: str, api_key: Callable[[PaymentAccount], str]) -> StripeRefunds:
    return StripeRefunds(stripe_api(http, api_url, api_key))
