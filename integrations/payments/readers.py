"""PaymentReaders over the providers' APIs: Mollie API v2 (`GET /v2/payments/{id}`, after `GET /v2/events/{id}` for
an event filed under its own id) and Stripe
(`GET /v1/payment_intents/{id}` with its latest charge expanded, and its disputes when disputed), each with the
account's own key; every Stripe call pins `Stripe-Version`."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from typing import Any

import httpx

from domain.errors import Rejection, RequestRejected, RetryableError
from domain.payments import mollie, stripe
from domain.payments.accounts import PaymentAccount
from domain.payments.payment import Payment

STRIPE_API_VERSION = "2024-06-20"
"""The Stripe API version every Stripe call names (`Stripe-Version`): the account's default version, which anyone
can upgrade in Stripe's dashboard, never changes the shapes Koppel reads."""


class ProviderApi:
    """Requests to one provider's API with the account's own key and the provider's fixed headers."""

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

    @property
    def name(self) -> str:
        return self._name

    def send(
        self,
        account: PaymentAccount,
        method: str,
        path: str,
        *,
        headers: Mapping[str, str] | None = None,
        **content: Any,
    ) -> httpx.Response:
        """One call with the account's key and the provider's fixed headers (`content`: httpx's params, data, json);
        RetryableError when the provider is unreachable or the answer is lost on the way."""
        sent = self._headers | dict(headers or {}) | {"Authorization": f"Bearer {self._api_key(account)}"}
        try:
            return self._http.request(method, f"{self._api_url}{path}", headers=sent, **content)
        except httpx.TransportError as error:
            raise RetryableError(f"{self._name} unreachable: {type(error).__name__}") from error

    def get(
        self, account: PaymentAccount, path: str, params: Mapping[str, str], *, refusals: Collection[int] = ()
    ) -> dict[str, Any] | None:
        """The JSON object answered; None for 404. RequestRejected(UNAUTHENTICATED) for a status in `refusals` (a
        refusal that retrying does not change); RetryableError when the provider is unreachable, refuses otherwise or
        answers no JSON; RequestRejected(MALFORMED) for JSON that is not an object."""
        response = self.send(account, "GET", path, params=params)
        if response.status_code == 404:
            return None
        if response.status_code in refusals:
            raise RequestRejected(Rejection.UNAUTHENTICATED, f"{self._name} refused {path}: {response.status_code}")
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
    """`GET /v2/payments/{id}`; for a next-gen event filed under its own id (a "simple" payload that names only a
    refund or chargeback), `GET /v2/events/{id}` first for the payment its embedded entity names."""

    def __init__(self, api: ProviderApi) -> None:
        self._api = api

    def read(self, account: PaymentAccount, payment_id: str) -> Payment | None:
        if re.fullmatch(mollie.EVENT_ID, payment_id):
            return self._read_event_payment(account, payment_id)
        body = self._api.get(account, f"/v2/payments/{payment_id}", {})
        return None if body is None else mollie.payment(account.account, body)

    def _read_event_payment(self, account: PaymentAccount, event_id: str) -> Payment | None:
        """None when Mollie knows no such event. Only an organization access token (or OAuth) with `events.read` may
        read an event (docs.mollie.com/reference/get-webhook-event): with an API key it is refused for good."""
        try:
            event = self._api.get(account, f"/v2/events/{event_id}", {}, refusals=(401, 403))
        except RequestRejected as refused:
            needed = "reading a next-gen event needs an organization access token with events.read and payments.read"
            raise RequestRejected(refused.kind, f"{refused.message}: {needed}") from None
        if event is None:
            return None
        payment_id = mollie.event_payment(event)
        if payment_id is None:
            raise RequestRejected(Rejection.MALFORMED, f"the Mollie event {event_id} names no payment")
        return self.read(account, payment_id)


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


def mollie_api(http: httpx.Client, api_url: str, api_key: Callable[[PaymentAccount], str]) -> ProviderApi:
    return ProviderApi(http, name="Mollie", api_url=api_url, api_key=api_key)


def stripe_api(http: httpx.Client, api_url: str, api_key: Callable[[PaymentAccount], str]) -> ProviderApi:
    """Every call pins `Stripe-Version`."""
    headers = {"Stripe-Version": STRIPE_API_VERSION}
    return ProviderApi(http, name="Stripe", api_url=api_url, api_key=api_key, headers=headers)


def mollie_reader(http: httpx.Client, api_url: str, api_key: Callable[[PaymentAccount], str]) -> MollieReader:
    return MollieReader(mollie_api(http, api_url, api_key))


def stripe_reader(http: httpx.Client, api_url: str, api_key: Callable[[PaymentAccount], str]) -> StripeReader:
    return StripeReader(stripe_api(http, api_url, api_key))
