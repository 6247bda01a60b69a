"""The shipments' wiring: the shipment poll, which records BC's posted shipments on their web orders, and the push
that tells the shops of them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

from domain.errors import RetryableError
from domain.models import WebOrderKey
from domain.shipments.ports import CarrierEventsToTell, ShipmentNotice, ShopCarrierEvents, ShopShipments
from domain.shipments.push_carrier_events import CarrierEventPush
from domain.shipments.push_shipments import ShipmentPush
from domain.shipments.shop_failures import Shop
from domain.shipments.track_shipments import ShipmentTracking
from functions.wiring import log
from functions.wiring.adapters import Adapters
from integrations.businesscentral.shipments import BusinessCentralShipments
from integrations.per_shop_settings import shop_value
from integrations.shops.shopify.client import ShopifyClient
from integrations.shops.shopify.fulfillment_events import ShopifyFulfillmentEvents
from integrations.shops.shopify.fulfillments import ShopifyFulfillments, carrier_names
from integrations.shops.woocommerce.client import WooCommerceClient
from integrations.shops.woocommerce.shipments import WooCommerceShipments, WooShipmentSettings


def shipment_tracking(adapters: Adapters) -> ShipmentTracking:
    """The shipment poll, with the tracking fields of Koppel's shipment page when it is published (said once when
    it is not)."""
    shipping_url = adapters.config.bc_shipping_url
    if shipping_url is None:
        log.info("BC's shipments are recorded without tracking numbers: KOPPEL_BC_SHIPPING_API is not set")
    return ShipmentTracking(
        posted=BusinessCentralShipments(adapters.bc, shipping_url),
        orders=adapters.orders,
        shipments=adapters.shipments,
        state=adapters.sync_state,
        runs=adapters.sync_runs,
        clock=adapters.clock,
    )


def shipment_push(adapters: Adapters) -> ShipmentPush:
    """The push that tells each shop Koppel has API access to of its orders' shipments."""
    return ShipmentPush(
        shipments=adapters.shipments,
        shops=shop_shipments(adapters),
        orders=adapters.orders,
        attention=adapters.attention,
        runs=adapters.sync_runs,
        clock=adapters.clock,
    )


def carrier_event_push(adapters: Adapters, events: CarrierEventsToTell) -> CarrierEventPush:
    """The push that tells each Shopify shop Koppel has Admin API access to of its orders' carrier events (the only
    shop channel with carrier events of its own)."""
    shops: dict[Shop, ShopCarrierEvents] = {
        ("shopify", shop): ShopifyFulfillmentEvents(client) for shop, client in adapters.shopify_clients.items()
    }
    return CarrierEventPush(
        events=events, shipments=adapters.shipments, shops=shops, runs=adapters.sync_runs, clock=adapters.clock
    )


def shop_shipments(adapters: Adapters) -> dict[Shop, ShopShipments]:
    """A ShopShipments per shop with API access (WooCommerce: REST credentials; Shopify: Admin API access), by
    (source, shop). A shop whose shipment settings are invalid gets one that tells nothing, so its shipments wait
    (and each run's summary says why) until the settings are mended."""
    shops: dict[Shop, ShopShipments] = {
        ("woocommerce", shop): _built(partial(_woocommerce, client, shop), "woocommerce", shop)
        for shop, client in adapters.woocommerce_clients.items()
    }
    for shop, client in adapters.shopify_clients.items():
        shops[("shopify", shop)] = _built(partial(_shopify, client, shop), "shopify", shop)
    return shops


def _woocommerce(client: WooCommerceClient, shop: str) -> ShopShipments:
    return WooCommerceShipments(client, WooShipmentSettings.for_shop(shop))


def _shopify(client: ShopifyClient, shop: str) -> ShopShipments:
    return ShopifyFulfillments(client, carrier_names(shop_value("shopify", "CARRIERS", shop)))


def _built(make: Callable[[], ShopShipments], source: str, shop: str) -> ShopShipments:
    try:
        return make()
    except ValueError as error:
        log.error("shipments of %s shop %s wait: its shipment settings are invalid: %s", source, shop, error)
        return _Unconfigured(f"its shipment settings are invalid: {error}")


class _Unconfigured:
    """The ShopShipments of a shop whose settings are invalid: every notice waits for the next run."""

    def __init__(self, reason: str) -> None:
        self._reason = reason

    def prepare(self, orders: Sequence[WebOrderKey]) -> None:
        """Nothing to read: `tell` says why."""

    def tell(self, notice: ShipmentNotice) -> str:  # noqa: ARG002 - nothing is told
        raise RetryableError(self._reason)
