"""Refunds at Mollie and Stripe (ProviderRefunds) against their simulators over real sockets, without the rest of the
stack: a refund is made once and found again by its key however often it is sent, a lost answer retried with the same
key refunds nothing twice, the providers' refusals are for good and their 429 / 503 are tried again."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import httpx
import pytest

from domain.errors import RetryableError
from domain.payments.accounts import PaymentAccount
from domain.payments.payment import Money
from domain.refunds.ports import ProviderRefunds, RefundRefused
from integrations.payments import refunds as refunds_module
from integrations.payments.refunds import mollie_refunds, stripe_refunds
from localdev.simulators.mollie import MollieSimulator
from localdev.simulators.stripe import StripeSimulator

KEY = "koppel-cm-6f1c2a4e-0000-4000-8000-000000000001-pay1"
OTHER_KEY = "koppel-cm-6f1c2a4e-0000-4000-8000-000000000002-pay1"
HOUR_S = 3600.0


class Clock:
    """The simulators' time, moved on by the tests."""

    def __init__(self) -> None:
        self.now = 1_790_000_000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Provider:
    """One provider's simulator, the adapter on it, and how a paid payment of `amount` is made there."""

    name: str
    url: str
    refunds: ProviderRefunds
    account: PaymentAccount
    pay: Callable[[Decimal, str], str]
    clock: Clock

    def control(self, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        response = httpx.request("POST" if body is not None else "GET", f"{self.url}/_sim/{path}", json=body)
        response.raise_for_status()
        found: dict[str, Any] = response.json()
        return found

    def refunds_made(self) -> int:
        return int(self.control("stats")["refunds"])


def _mollie(http: httpx.Client, clock: Clock) -> Iterator[Provider]:
    with MollieSimulator(clock=clock) as sim:
        headers = {"Authorization": f"Bearer {sim.api_key}"}

        def pay(amount: Decimal, currency: str) -> str:
            body = {"amount": {"currency": currency, "value": f"{amount:.2f}"}, "description": "Bestelling 1001"}
            payment = http.post(f"{sim.api_base}/payments", json=body, headers=headers).json()
            http.post(f"{sim.url}/_sim/payments/{payment['id']}/status", json={"status": "paid"}).raise_for_status()
            return str(payment["id"])

        account = PaymentAccount(provider="mollie", account="main", source="woocommerce", shop="shop-a")
        yield Provider("mollie", sim.url, mollie_refunds(http, sim.url, lambda _a: sim.api_key), account, pay, clock)


def _stripe(http: httpx.Client, clock: Clock) -> Iterator[Provider]:
    with StripeSimulator(clock=clock) as sim:
        headers = {"Authorization": f"Bearer {sim.api_key}"}

        def pay(amount: Decimal, currency: str) -> str:
            units = amount if currency == "JPY" else amount * 100
            form = {"amount": str(int(units)), "currency": currency.lower()}
            intent = http.post(f"{sim.url}/v1/payment_intents", data=form, headers=headers).json()
            http.post(f"{sim.url}/_sim/payment_intents/{intent['id']}/succeed").raise_for_status()
            return str(intent["id"])

        account = PaymentAccount(provider="stripe", account="main", source="shopify", shop="shop-b")
        yield Provider("stripe", sim.url, stripe_refunds(http, sim.url, lambda _a: sim.api_key), account, pay, clock)


@pytest.fixture(autouse=True)
def no_faults() -> None:
    """Replaces the package's fixture of that name: this module needs no local stack."""


@pytest.fixture(params=["mollie", "stripe"])
def provider(request: pytest.FixtureRequest) -> Iterator[Provider]:
    with httpx.Client(timeout=10) as http:
        yield from (_mollie if request.param == "mollie" else _stripe)(http, Clock())


def _eur(value: str) -> Money:
    return Money(amount=Decimal(value), currency="EUR")


def test_a_refund_is_made_once_and_found_again_by_its_key(provider: Provider) -> None:
    payment_id = provider.pay(Decimal("24.95"), "EUR")

    made = provider.refunds.create(provider.account, payment_id, _eur("10.00"), KEY, "Creditnota CM-1001")
    again = provider.refunds.create(provider.account, payment_id, _eur("10.00"), KEY, "Creditnota CM-1001")
    found = provider.refunds.made(provider.account, payment_id)

    assert (made.amount, made.koppel_key, made.failed) == (_eur("10.00"), KEY, False)
    assert again == made
    assert found == [made]
    assert provider.refunds_made() == 1


def test_an_amount_higher_than_what_is_left_is_refused_for_good(provider: Provider) -> None:
    payment_id = provider.pay(Decimal("24.95"), "EUR")

    with pytest.raises(RefundRefused):
        provider.refunds.create(provider.account, payment_id, _eur("25.00"), KEY, "Creditnota CM-1001")

    assert provider.refunds.made(provider.account, payment_id) == []


def test_the_same_key_for_another_amount_is_refused_and_refunds_nothing_more(provider: Provider) -> None:
    payment_id = provider.pay(Decimal("24.95"), "EUR")
    provider.refunds.create(provider.account, payment_id, _eur("10.00"), KEY, "Creditnota CM-1001")

    with pytest.raises(RefundRefused):
        provider.refunds.create(provider.account, payment_id, _eur("5.00"), KEY, "Creditnota CM-1001")

    assert provider.refunds_made() == 1


@pytest.mark.parametrize("rate", ["rate_429", "rate_503"])
def test_a_rate_limit_or_an_outage_is_tried_again_and_refunds_nothing(provider: Provider, rate: str) -> None:
    payment_id = provider.pay(Decimal("24.95"), "EUR")
    provider.control("rate-faults", {rate: 1.0})

    with pytest.raises(RetryableError):
        provider.refunds.create(provider.account, payment_id, _eur("10.00"), KEY, "Creditnota CM-1001")
    with pytest.raises(RetryableError):
        provider.refunds.made(provider.account, payment_id)

    assert provider.refunds_made() == 0


def test_a_lost_answer_retried_with_the_same_key_refunds_once(provider: Provider) -> None:
    payment_id = provider.pay(Decimal("24.95"), "EUR")
    provider.control("rate-faults", {"rate_lost_answer": 1.0})

    with pytest.raises(RetryableError):
        provider.refunds.create(provider.account, payment_id, _eur("10.00"), KEY, "Creditnota CM-1001")
    httpx.delete(f"{provider.url}/_sim/rate-faults").raise_for_status()
    retried = provider.refunds.create(provider.account, payment_id, _eur("10.00"), KEY, "Creditnota CM-1001")

    assert provider.refunds.made(provider.account, payment_id) == [retried]
    assert retried.koppel_key == KEY
    assert provider.refunds_made() == 1


def test_every_page_of_refunds_is_read(provider: Provider, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(refunds_module, "MOLLIE_PAGE", "2")
    monkeypatch.setattr(refunds_module, "STRIPE_PAGE", "2")
    payment_id = provider.pay(Decimal("24.95"), "EUR")
    made = [
        provider.refunds.create(provider.account, payment_id, _eur(f"{cents}.00"), f"{KEY}-{cents}", "CM")
        for cents in range(1, 6)
    ]

    found = provider.refunds.made(provider.account, payment_id)

    assert sorted(each.refund_id for each in found) == sorted(each.refund_id for each in made)
    assert {each.koppel_key for each in found} == {f"{KEY}-{cents}" for cents in range(1, 6)}
    calls = provider.control("stats")["calls"]
    assert sum(n for route, n in calls.items() if route.startswith("GET") and route.endswith("/refunds")) == 3


@pytest.fixture
def stripe() -> Iterator[Provider]:
    with httpx.Client(timeout=10) as http:
        yield from _stripe(http, Clock())


@pytest.fixture
def mollie() -> Iterator[Provider]:
    with httpx.Client(timeout=10) as http:
        yield from _mollie(http, Clock())


def test_a_refund_made_in_stripes_dashboard_is_found_without_a_key(stripe: Provider) -> None:
    payment_id = stripe.pay(Decimal("24.95"), "EUR")
    stripe.control(f"payment_intents/{payment_id}/refund", {"amount": 500})

    [found] = stripe.refunds.made(stripe.account, payment_id)

    assert (found.amount, found.koppel_key, found.status) == (_eur("5.00"), "", "succeeded")


def test_a_zero_decimal_currency_is_sent_in_whole_units(stripe: Provider) -> None:
    payment_id = stripe.pay(Decimal("3000"), "JPY")

    made = stripe.refunds.create(stripe.account, payment_id, Money(amount=Decimal("1000"), currency="JPY"), KEY, "CM")

    assert made.amount == Money(amount=Decimal("1000"), currency="JPY")


def test_a_second_refund_of_the_same_amount_within_the_hour_waits_for_the_hour(mollie: Provider) -> None:
    """Mollie refuses a refund of the same amount as another on the payment within the hour (409): tried again."""
    payment_id = mollie.pay(Decimal("24.95"), "EUR")
    mollie.refunds.create(mollie.account, payment_id, _eur("10.00"), KEY, "Creditnota CM-1001")

    with pytest.raises(RetryableError):
        mollie.refunds.create(mollie.account, payment_id, _eur("10.00"), OTHER_KEY, "Creditnota CM-1002")
    mollie.clock.now += HOUR_S
    second = mollie.refunds.create(mollie.account, payment_id, _eur("10.00"), OTHER_KEY, "Creditnota CM-1002")

    assert [each.koppel_key for each in mollie.refunds.made(mollie.account, payment_id)] == [KEY, second.koppel_key]


def test_a_failed_refund_is_reported_failed_and_its_amount_can_be_refunded_again(provider: Provider) -> None:
    payment_id = provider.pay(Decimal("24.95"), "EUR")
    made = provider.refunds.create(provider.account, payment_id, _eur("24.95"), KEY, "Creditnota CM-1001")
    moved = "refunds" if provider.name == "stripe" else f"payments/{payment_id}/refunds"
    provider.control(f"{moved}/{made.refund_id}/status", {"status": "failed"})

    [failed] = provider.refunds.made(provider.account, payment_id)
    again = provider.refunds.create(provider.account, payment_id, _eur("24.95"), OTHER_KEY, "Creditnota CM-1001")

    assert (failed.refund_id, failed.status, failed.failed) == (made.refund_id, "failed", True)
    assert again.failed is False
