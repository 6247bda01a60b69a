"""The web channels Koppel takes orders from, and what intake and the worker need to know of each."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from domain.errors import PermanentError
from domain.mapping import shopify, woocommerce
from domain.models import Order, WebOrderKey
from domain.signatures import shopify_signature_valid, woocommerce_signature_valid


@dataclass(frozen=True)
class Channel:
    source: str
    order_topics: frozenset[str]
    signature_valid: Callable[[bytes, str, str], bool]
    """(raw body, secret, signature header) -> valid?"""
    identify: Callable[[bytes, str], tuple[str, str]]
    """(raw body, delivery id header) -> (order id, dedup key); ValueError when it is not an order."""
    read: Callable[[str, bytes], Order]
    """(shop, raw body) -> canonical order; ValueError when it cannot be read."""


def _woocommerce_identity(body: bytes, _delivery_id: str) -> tuple[str, str]:
    """WooCommerce's delivery id changes on every delivery, so the order version is the dedup key."""
    order = woocommerce.parse(body)
    return str(order.id), woocommerce.dedup_key(order, body)


def _shopify_identity(body: bytes, webhook_id: str) -> tuple[str, str]:
    """Shopify keeps X-Shopify-Webhook-Id across retries of one delivery: that is the dedup key."""
    if not webhook_id:
        raise ValueError("missing X-Shopify-Webhook-Id")
    return str(shopify.parse(body).id), webhook_id


WOOCOMMERCE = Channel(
    source=woocommerce.SOURCE,
    order_topics=frozenset({"order.created", "order.updated", "order.restored"}),
    signature_valid=woocommerce_signature_valid,
    identify=_woocommerce_identity,
    read=lambda shop, body: woocommerce.to_order(shop, woocommerce.parse(body)),
)
SHOPIFY = Channel(
    source=shopify.SOURCE,
    order_topics=frozenset({"orders/create", "orders/updated", "orders/paid", "orders/cancelled"}),
    signature_valid=shopify_signature_valid,
    identify=_shopify_identity,
    read=lambda shop, body: shopify.to_order(shop, shopify.parse(body)),
)
CHANNELS = {channel.source: channel for channel in (WOOCOMMERCE, SHOPIFY)}


def read_order(key: WebOrderKey, body: bytes) -> Order:
    """The canonical order from a stored delivery; PermanentError when it cannot be read."""
    channel = CHANNELS.get(key.source)
    if channel is None:
        raise PermanentError(f"no order reader for channel '{key.source}'")
    try:
        return channel.read(key.shop, body)
    except ValueError as error:
        raise PermanentError(f"the stored web order cannot be read: {error}") from None
