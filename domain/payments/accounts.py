"""A payment provider account Koppel takes webhooks for, and the shop whose orders its payments pay."""

from __future__ import annotations

from pydantic import Field

from domain.models import Frozen, PaymentKey


class PaymentAccount(Frozen):
    provider: str = Field(pattern=r"^[a-z]{1,20}$")
    account: str = Field(pattern=r"^[A-Za-z0-9_-]{1,60}$")
    source: str
    """The channel of the shop whose orders the payments pay (`woocommerce`, `shopify`)."""
    shop: str
    webhook_secret: str = ""
    """Stripe's `whsec_...` endpoint secret; Mollie's signing secret for next-gen events ("" = classic only)."""

    def payment_key(self, payment_id: str) -> PaymentKey:
        """The key of one of this account's payments."""
        return PaymentKey(provider=self.provider, account=self.account, payment_id=payment_id)
