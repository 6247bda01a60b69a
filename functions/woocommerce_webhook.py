"""POST /api/webhooks/woocommerce/{shop}: WooCommerce order webhooks in."""

from __future__ import annotations

import logging

import azure.functions as func

from domain.errors import RequestRejected, StorageUnavailable
from domain.services.ingest_webhook import Ignored, Ping, WooCommerceDelivery, receive_woocommerce
from functions.container import container
from functions.responses import error_response, json_response, rejection_response

bp = func.Blueprint()  # type: ignore[no-untyped-call]  # azure-functions leaves __init__ unannotated
log = logging.getLogger(__name__)


@bp.route(route="webhooks/woocommerce/{shop}", methods=["POST"], auth_level=func.AuthLevel.ANONYMOUS)
def woocommerce_webhook(req: func.HttpRequest) -> func.HttpResponse:
    shop = req.route_params.get("shop", "")
    app = container()
    delivery = WooCommerceDelivery(
        shop=shop,
        secret=app.settings.woocommerce_secret(shop),
        topic=req.headers.get("X-WC-Webhook-Topic", ""),
        signature=req.headers.get("X-WC-Webhook-Signature", ""),
        body=req.get_body(),
    )
    try:
        outcome = receive_woocommerce(app.intake, delivery, app.settings.max_webhook_bytes)
    except RequestRejected as rejected:
        log.info("woocommerce webhook refused: shop=%s kind=%s", shop, rejected.kind.value)
        return rejection_response(rejected)
    except StorageUnavailable as error:
        log.warning("woocommerce webhook not stored, sender should retry: %s", error)
        return error_response(503, "storage_unavailable", "the delivery could not be stored; please retry")
    if isinstance(outcome, Ping):
        return json_response({"status": "ping acknowledged"})
    if isinstance(outcome, Ignored):
        return json_response({"status": "ignored", "reason": outcome.reason})
    log.info(
        "woocommerce webhook accepted: order=%s event=%s duplicate=%s",
        outcome.order_key,
        outcome.event_id,
        outcome.duplicate,
    )
    body = {"eventId": outcome.event_id, "order": str(outcome.order_key), "duplicate": outcome.duplicate}
    return json_response(body, 200 if outcome.duplicate else 202)
