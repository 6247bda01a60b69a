"""PaymentReaders over the providers' APIs: Mollie API v2 (`GET /v2/payments/{id}`) and Stripe
(`GET /v1/payment_intents/{id}` with its latest charge expanded, and its disputes when disputed), each with the
account's own key; every Stripe call pins `Stripe-Version`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import httpx

from domain.errors import Rejection, RequestRejected, RetryableError
from domain.mapping import mollie, stripe
from domain.payments.accounts import PaymentAccount
from domain.payments.payment import Payment

STRIPE_API_VERSION = "2024-06-20"
"""The Stripe API version every Stripe call names (`Stripe-Version`): the account's default version, which anyone
can upgrade in Stripe's dashboard, never changes the shapes Koppel reads."""


class ProviderApi:
    """GET requests to one provider's API with the account's own key and the provider's fixed headers."""

    def __init__(
        self,
        http: httpx.Client,
        *,
        name: str,
        api_url: str,
        api_key: Callable[[PaymentAccount], str],
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self._name = name
        self._http = http
        self._api_url = api_url.rstrip("/")
        self._api_key = api_key
        self._headers = dict(headers or {})

    def get(self, account: PaymentAccount, path: str, params: Mapping[str, str]) -> dict[str, Any] | None:
        """The JSON object answered; None for 404. RetryableError when the provider is unreachable, refuses or
        answers no JSON; RequestRejected(MALFORMED) for JSON that is not an object."""
        headers = self._headers | {"Authorization": f"Bearer {self._api_key(account)}"}
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
        if not isinstance(body, dict):
            raise RequestRejected(Rejection.MALFORMED, f"{self._name} answered a payment read with no JSON object")
        return body


class MollieReader:
    """`GET /v2/payments/{id}`."""

    def __init__(self, api: ProviderApi) -> None:
        self._api = api

    def read(self, account: PaymentAccount, payment_id: str) -> Payment | None:
        body = self._api.get(account, f"/v2/payments/{payment_id}", {})
        return None if body is None else mollie.payment(account.account, body)


class StripeReader:
    """`GET /v1/payment_intents/{id}` with its latest charge; its disputes too when that charge was disputed."""

    def __init__(self, api: ProviderApi) -> None:
        self._api = api

    def read(self, account: PaymentAccount, payment_id: str) -> Payment | None:
        intent = self._api.get(account, f"/v1/payment_intents/{payment_id}", {"expand[]": "latest_charge"})
        if intent is None:
            return None
        disputes = self._disputes(account, payment_id) if stripe.disputed(intent) else []
        return stripe.payment(account.account, intent, disputes)

    def _disputes(self, account: PaymentAccount, payment_id: str) -> list[dict[str, Any]]:
        """The intent's disputes (a charge has a handful at most; Stripe lists up to 100 in one page)."""
        listed = self._api.get(account, "/v1/disputes", {"payment_intent": payment_id, "limit": "100"})
        data = listed.get("data") if listed is not None else None
        if not isinstance(data, list) or not all(isinstance(each, dict) for each in data):
            raise RequestRejected(Rejection.MALFORMED, "not a Stripe dispute list")
        return data


def mollie_reader(http: httpx.Client, api_url: str, api_key: Callable[[PaymentAccount], str]) -> MollieReader:
    return MollieReader(ProviderApi(http, name="Mollie", api_url=api_url, api_key=api_key))


def stripe_reader(http: httpx.Client, api_url: str, api_key: Callable[[PaymentAccount], str]) -> StripeReader:
    headers = {"Stripe-Version": STRIPE_API_VERSION}
    return StripeReader(ProviderApi(http, name="Stripe", api_url=api_url, api_key=api_key, headers=headers))
