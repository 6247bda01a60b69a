"""Preflight of the payment providers, read-only: each account's API key accepted by its provider. Mollie: GET of a
payment id that does not exist (404 with a valid key, 401 without: the call Koppel makes for every payment); Stripe:
GET /v1/disputes?limit=1 (a list Koppel reads)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

import httpx

from domain.errors import RequestRejected, RetryableError
from domain.payments.accounts import PaymentAccount
from domain.preflight import Check, failed, passed
from integrations.payments.readers import STRIPE_API_VERSION, ProviderApi
from integrations.per_shop_settings import shop_setting

UNKNOWN_MOLLIE_PAYMENT = "tr_koppelpreflight"
REFUSED = (401, 403)
PROBES: Mapping[str, tuple[str, dict[str, str], bool]] = {
    # provider: path, query, whether the probe's answer with a valid key is 404 (else a 200 object)
    "mollie": (f"/v2/payments/{UNKNOWN_MOLLIE_PAYMENT}", {}, True),
    "stripe": ("/v1/disputes", {"limit": "1"}, False),
}


class PaymentPreflight:
    what = "the payment providers"

    def __init__(
        self,
        http: httpx.Client,
        api_urls: Mapping[str, str],
        api_key: Callable[[PaymentAccount], str],
        accounts: list[PaymentAccount],
    ) -> None:
        """`api_urls`: per provider, its API's base URL; `accounts`: the configured payment accounts."""
        headers = {"mollie": {}, "stripe": {"Stripe-Version": STRIPE_API_VERSION}}
        self._apis = {
            provider: ProviderApi(http, name=provider.title(), api_url=url, api_key=api_key, headers=headers[provider])
            for provider, url in api_urls.items()
        }
        self._accounts = accounts

    def checks(self) -> Iterator[Check]:
        for account in self._accounts:
            yield self._key(account)

    def _key(self, account: PaymentAccount) -> Check:
        name = f"{account.provider.title()} account {account.account}: API key"
        setting = shop_setting(account.provider, "API_KEY", account.account)
        path, params, absent_when_valid = PROBES[account.provider]
        unreachable = f"check KOPPEL_{account.provider.upper()}_API_URL and that {account.provider} answers"
        try:
            answer = self._apis[account.provider].get(account, path, params, refusals=REFUSED)
        except RequestRejected as refused:
            return failed(name, str(refused), f"set {setting} to an API key of this {account.provider} account")
        except RetryableError as error:
            return failed(name, str(error), unreachable)
        if answer is None and not absent_when_valid:
            return failed(
                name, f"{account.provider.title()} answered 404 to {path}: the key was not tried", unreachable
            )
        return passed(name, "the key is accepted")
