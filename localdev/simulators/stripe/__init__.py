"""A Stripe simulator on 127.0.0.1: payment intents, refunds, disputes and events behind the secret key, webhook
deliveries signed with `Stripe-Signature`, retried, and on request out of order, duplicated, replayed or tampered.
See CATALOG.md."""

from localdev.simulators.stripe.server import StripeSimulator
from localdev.simulators.stripe.webhooks import Endpoint, StripeDelivery, stripe_signature

__all__ = ["Endpoint", "StripeDelivery", "StripeSimulator", "stripe_signature"]
