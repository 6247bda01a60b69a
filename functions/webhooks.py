"""POST /api/webhooks/...: orders in from WooCommerce, Shopify and the B2B portal (signed, so anonymous)."""

from __future__ import annotations

import logging
from collections.abc import Callable

import azure.functions as func

from domain.intake.channels import PORTAL, SHOPIFY, WOOCOMMERCE, Channel
from domain.intake.ingest_webhook import Accepted, Delivery, Ignored, Intake, Ping, receive, receive_woocommerce
from domain.orders.mapping.portal import SHOP as PORTAL_SHOP
from functions.container import container
from functions.responses import accepted_response, ignored_response, json_response, stored_or_refused
from integrations.telemetry.dimensions import about

bp = func.Blueprint()  # type: ignore[no-untyped-call]  # azure-functions leaves __init__ unannotated
log = logging.getLogger(__name__)

Receiver = Callable[[Intake, Delivery, int], Accepted | Ping | Ignored]


@bp.route(route="webhooks/woocommerce/{shop}", methods=["POST"], auth_level=func.AuthLevel.ANONYMOUS)
def woocommerce_webhook(req: func.HttpRequest) -> func.HttpResponse:
    return _answer(WOOCOMMERCE, _delivery(req, WOOCOMMERCE, req.route_params.get("shop", "")), receive_woocommerce)


@bp.route(route="webhooks/shopify/{shop}", methods=["POST"], auth_level=func.AuthLevel.ANONYMOUS)
def shopify_webhook(req: func.HttpRequest) -> func.HttpResponse:
    return _answer(SHOPIFY, _delivery(req, SHOPIFY, req.route_params.get("shop", "")), _receiver(SHOPIFY))


@bp.route(route="webhooks/portal", methods=["POST"], auth_level=func.AuthLevel.ANONYMOUS)
def portal_webhook(req: func.HttpRequest) -> func.HttpResponse:
    return _answer(PORTAL, _delivery(req, PORTAL, PORTAL_SHOP), _receiver(PORTAL))


def _receiver(channel: Channel) -> Receiver:
    return lambda intake, delivery, limit: receive(intake, channel, delivery, limit)


def _delivery(req: func.HttpRequest, channel: Channel, shop: str) -> Delivery:
    return Delivery(
        shop=shop,
        secret=container().settings.shop_secret(channel.source, shop),
        headers=dict(req.headers),
        body=req.get_body(),
    )


def _answer(channel: Channel, delivery: Delivery, receiver: Receiver) -> func.HttpResponse:
    """202 accepted, 200 duplicate / ping / ignored, 4xx refused, 503 when storage is down (the sender retries)."""
    app = container()
    source = channel.source
    outcome = stored_or_refused(
        source, delivery.shop, lambda: receiver(app.intake, delivery, app.settings.max_webhook_bytes)
    )
    if isinstance(outcome, func.HttpResponse):
        return outcome
    if isinstance(outcome, Ping):
        return json_response({"status": "ping acknowledged"})
    if isinstance(outcome, Ignored):
        return ignored_response(outcome)
    with about(web_order=outcome.stream):
        log.info(
            "%s webhook accepted: order=%s event=%s duplicate=%s",
            source,
            outcome.stream,
            outcome.event_id,
            outcome.duplicate,
        )
    return accepted_response(outcome, "order")
