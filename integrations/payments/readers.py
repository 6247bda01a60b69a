"""PaymentReaders over the providers' APIs: Mollie API v2 (`GET /v2/payments/{id}`) and Stripe
(`GET /v1/payment_intents/{id}` with its latest charge expanded), each with the account's own key."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from domain.errors import RetryableError
from domain.mapping import mollie, stripe
from domain.payments.accounts import PaymentAccount
from domain.payments.payment import Payment


class ProviderReader:
    """Reads one provider's payments: `request` gives a payment's URL path and query, `parse` reads its object."""

    def __init__(
        self,
        http: httpx.Client,
        *,
        name: str,
        api_url: str,
        api_key: Callable[[PaymentAccount], str],
        request: Callable[[str], tuple[str, dict[str, str]]],
        parse: Callable[[str, dict[str, Any]], Payment],
    ) -> None:
        self._http = http
        self._name = name
        self._api_url = api_url.rstrip("/")
        self._api_key = api_key
        self._request = request
        self._parse = parse

    def read(self, account: PaymentAccount, payment_id: str) -> Payment | None:
        path, params = self._request(payment_id)
        headers = {"Authorization": f"Bearer {self._api_key(account)}"}
        try:
            response = self._http.get(f"{self._api_url}{path}", params=params, headers=headers)
        except httpx.TransportError as error:
            raise RetryableError(f"{self._name} unreachable: {type(error).__name__}") from error
        if response.status_code == 404:
            return None
        if response.status_code >= 400:
            raise RetryableError(f"{self._name} answered {response.status_code} to a payment read")
        try:
            body = response.json()
        except ValueError as error:
            raise RetryableError(f"{self._name} answered a payment read with no JSON") from error
        return self._parse(account.account, body)


def mollie_reader(http: httpx.Client, api_url: str, api_key: Callable[[PaymentAccount], str]) -> ProviderReader:
    return ProviderReader(
        http,
        name="Mollie",
        api_url=api_url,
        api_key=api_key,
        request=lambda payment_id: (f"/v2/payments/{payment_id}", {}),
        parse=mollie.payment,
    )


def stripe_reader(http: httpx.Client, api_url: str, api_key: Callable[[PaymentAccount], str]) -> ProviderReader:
    return ProviderReader(
        http,
        name="Stripe",
        api_url=api_url,
        api_key=api_key,
        request=lambda payment_id: (f"/v1/payment_intents/{payment_id}", {"expand[]": "latest_charge"}),
        parse=stripe.payment,
    )
