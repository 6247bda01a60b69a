"""The channels Koppel takes orders from, and what intake and the worker need to know of each."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from domain.errors import PermanentError
from domain.intake.signatures import shopify_signature_valid, standard_webhook_valid, woocommerce_signature_valid
from domain.models import Order, WebOrderKey
from domain.orders.mapping import portal, shopify, woocommerce

Headers = Mapping[str, str]
"""Request headers with lower-case names."""


@dataclass(frozen=True)
class ReportedRefund:
    """A refund a shop reports on its own (Shopify's `refunds/create`): which refund of which order."""

    order_id: str
    refund_id: str

    @property
    def dedup_key(self) -> str:
        """One event per refund, however often and under whatever delivery id it is sent."""
        return f"refund:{self.refund_id}"


@dataclass(frozen=True)
class RefundReports:
    """The topics whose body is one refund of an order, not the order: the refund is noted to be credited, nothing
    else."""

    topics: frozenset[str]
    identify: Callable[[bytes], ReportedRefund]
    """raw body -> which refund of which order; ValueError when it names none."""


@dataclass(frozen=True)
class Channel:
    source: str
    order_topics: frozenset[str]
    topic: Callable[[Headers], str]
    signature_valid: Callable[[bytes, str, Headers, datetime], bool]
    """(raw body, secret, headers, now) -> valid?"""
    identify: Callable[[bytes, Headers], tuple[str, str]]
    """(raw body, headers) -> (order id, dedup key); ValueError when it is not an order."""
    read: Callable[[str, bytes], Order]
    """(shop, raw body) -> canonical order; ValueError when it cannot be read."""
    refund_reports: RefundReports | None = None
    """None: the channel reports refunds only on its orders."""

    @property
    def topics(self) -> frozenset[str]:
        """Every topic Koppel takes in from the channel."""
        return self.order_topics | (self.refund_reports.topics if self.refund_reports else frozenset())


def _woocommerce_identity(body: bytes, _headers: Headers) -> tuple[str, str]:
    """WooCommerce's delivery id changes on every delivery, so the order version is the dedup key."""
    order = woocommerce.parse(body)
    return str(order.id), woocommerce.dedup_key(order, body)


def _delivery_id_identity(header: str, order_id: Callable[[bytes], str]) -> Callable[[bytes, Headers], tuple[str, str]]:
    """Senders that keep one delivery id across retries: that id is the dedup key."""

    def identify(body: bytes, headers: Headers) -> tuple[str, str]:
        delivery_id = headers.get(header, "")
        if not delivery_id:
            raise ValueError(f"missing {header}")
        return order_id(body), delivery_id

    return identify


def _shopify_refund(body: bytes) -> ReportedRefund:
    refund = shopify.parse_refund(body)
    return ReportedRefund(order_id=str(refund.order_id), refund_id=str(refund.id))


WOOCOMMERCE = Channel(
    source=woocommerce.SOURCE,
    order_topics=frozenset({"order.created", "order.updated", "order.restored"}),
    topic=lambda headers: headers.get("x-wc-webhook-topic", ""),
    signature_valid=woocommerce_signature_valid,
    identify=_woocommerce_identity,
    read=lambda shop, body: woocommerce.to_order(shop, woocommerce.parse(body)),
)
SHOPIFY = Channel(
    source=shopify.SOURCE,
    order_topics=frozenset({"orders/create", "orders/updated", "orders/paid", "orders/cancelled"}),
    topic=lambda headers: headers.get("x-shopify-topic", ""),
    signature_valid=shopify_signature_valid,
    identify=_delivery_id_identity("x-shopify-webhook-id", lambda body: str(shopify.parse(body).id)),
    read=lambda shop, body: shopify.to_order(shop, shopify.parse(body)),
    refund_reports=RefundReports(topics=frozenset({"refunds/create"}), identify=_shopify_refund),
)
PORTAL = Channel(
    source=portal.SOURCE,
    order_topics=frozenset({"portal.order"}),
    topic=lambda _headers: "portal.order",
    signature_valid=standard_webhook_valid,
    identify=_delivery_id_identity("webhook-id", lambda body: portal.parse(body).order_id),
    read=lambda shop, body: portal.to_order(shop, portal.parse(body)),
)
CHANNELS = {channel.source: channel for channel in (WOOCOMMERCE, SHOPIFY, PORTAL)}


def read_order(key: WebOrderKey, body: bytes) -> Order:
    """The canonical order from a stored delivery; PermanentError when it cannot be read."""
    channel = CHANNELS.get(key.source)
    if channel is None:
        raise PermanentError(f"no order reader for channel '{key.source}'")
    try:
        return channel.read(key.shop, body)
    except Exception as error:
        raise PermanentError(f"the stored web order cannot be read: {type(error).__name__}: {error}") from None
