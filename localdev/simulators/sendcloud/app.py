"""The simulated Sendcloud account: parcels with statuses from Sendcloud's status list, driven through /_sim/
controls; each status change sends a `parcel_status_changed` webhook shaped as sendcloud.dev documents it."""

from __future__ import annotations

import itertools
import json
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from localdev.simulators.provider import json_object
from localdev.simulators.sendcloud.webhooks import Dispatcher, WebhookTarget

logger = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
STATUSES = {
    1: "Announced",
    3: "En route to sorting center",
    4: "Delivery delayed",
    5: "Sorted",
    6: "Not sorted",
    7: "Being sorted",
    8: "Delivery attempt failed",
    11: "Delivered",
    12: "Awaiting customer pickup",
    13: "Announced: not collected",
    15: "Error collecting",
    22: "Shipment picked up by driver",
    80: "Unable to deliver",
    91: "Parcel en route",
    92: "Driver en route",
    93: "Shipment collected by customer",
    999: "No label",
    1000: "Ready to send",
    1001: "Being announced",
    1002: "Announcement failed",
    1337: "Unknown status - check carrier track & trace page for more insights",
    1998: "Cancelled upstream",
    1999: "Cancellation requested",
    2000: "Cancelled",
    2001: "Submitting cancellation request",
}
"""The parcel statuses the simulator knows (a third-party list: white-nl/commerce-sendcloud OrderSyncStatus.php;
Sendcloud's own `/parcels/statuses` answer was not seen)."""


class SimError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class SendcloudAccount:
    """All state of one simulated Sendcloud integration; every coroutine runs on the server's loop."""

    def __init__(self, dispatcher: Dispatcher, timestamp_ms: bool) -> None:
        self.dispatcher = dispatcher
        self.timestamp_ms = timestamp_ms
        self.parcels: dict[int, dict[str, Any]] = {}
        self._ids = itertools.count(100_000_001)

    def application(self) -> web.Application:
        app = web.Application(middlewares=[_errors])
        app.router.add_post("/_sim/parcels", self.create_parcel)
        app.router.add_get("/_sim/parcels/{parcel_id}", self.get_parcel)
        app.router.add_post("/_sim/parcels/{parcel_id}/status", self.change_status)
        app.router.add_post("/_sim/parcels/{parcel_id}/redeliver", self.redeliver)
        app.router.add_post("/_sim/webhook", self.set_webhook)
        app.router.add_post("/_sim/webhooks/hold", self.hold)
        app.router.add_post("/_sim/webhooks/release", self.release)
        app.router.add_get("/_sim/deliveries", self.deliveries)
        app.on_cleanup.append(lambda _app: self.dispatcher.close())
        return app

    async def create_parcel(self, request: web.Request) -> web.Response:
        body = await _json_body(request)
        parcel_id = next(self._ids)
        parcel = _parcel(parcel_id, body)
        self.parcels[parcel_id] = parcel
        return _answer(parcel, 201)

    async def get_parcel(self, request: web.Request) -> web.Response:
        return _answer(self._parcel(request))

    async def change_status(self, request: web.Request) -> web.Response:
        """`{id, message?}`: the status must be on the list; the message defaults to the list's words."""
        parcel = self._parcel(request)
        body = await _json_body(request)
        status_id = body.get("id")
        if isinstance(status_id, bool) or status_id not in STATUSES:
            raise SimError(422, f"status id must be one of {sorted(STATUSES)}")
        message = body.get("message", STATUSES[status_id])
        if not isinstance(message, str):
            raise SimError(422, "message must be a string")
        parcel["status"] = {"id": status_id, "message": message}
        webhook = self._webhook(parcel)
        sent = self.dispatcher.parcel_status_changed(parcel["id"], status_id, json.dumps(webhook).encode())
        return _answer({"parcel": parcel, "webhook": webhook, "sent": sent})

    async def redeliver(self, request: web.Request) -> web.Response:
        """`{copies?: 1}`: the parcel's last webhook again, the same bytes and signature (a duplicate)."""
        parcel = self._parcel(request)
        copies = (await _json_body(request)).get("copies", 1)
        if isinstance(copies, bool) or not isinstance(copies, int) or not 1 <= copies <= 20:
            raise SimError(422, "copies must be a whole number from 1 to 20")
        return _answer({"sent": self.dispatcher.repeat(parcel["id"], copies)})

    async def set_webhook(self, request: web.Request) -> web.Response:
        body = await _json_body(request)
        url, secret = body.get("url"), body.get("secret")
        if not (isinstance(url, str) and url.startswith("http") and isinstance(secret, str) and secret):
            raise SimError(422, "url (http...) and secret are required")
        self.dispatcher.target = WebhookTarget(url, secret)
        return _answer({"url": url})

    async def hold(self, _request: web.Request) -> web.Response:
        self.dispatcher.holding = True
        return _answer({"holding": True, "held": len(self.dispatcher.held)})

    async def release(self, request: web.Request) -> web.Response:
        """`{order?: "sent" | "reverse"}`: send what was held, in the order it was made or newest first."""
        order = (await _json_body(request)).get("order", "sent")
        if order not in ("sent", "reverse"):
            raise SimError(422, "order must be 'sent' or 'reverse'")
        return _answer({"released": self.dispatcher.release(reverse=order == "reverse")})

    async def deliveries(self, _request: web.Request) -> web.Response:
        return _answer([delivery._asdict() for delivery in self.dispatcher.deliveries])

    def _parcel(self, request: web.Request) -> dict[str, Any]:
        raw = request.match_info["parcel_id"]
        parcel = self.parcels.get(int(raw)) if raw.isdigit() else None
        if parcel is None:
            raise SimError(404, f"no parcel {raw}")
        return parcel

    def _webhook(self, parcel: dict[str, Any]) -> dict[str, Any]:
        """The documented body: `timestamp` when sent, `carrier_status_change_timestamp` when the status changed."""
        now = time.time()
        stamp = int(now * 1000) if self.timestamp_ms else int(now)
        shown = {name: value for name, value in parcel.items() if not name.startswith("_")}
        return {
            "action": "parcel_status_changed",
            "timestamp": stamp,
            "carrier_status_change_timestamp": stamp,
            "parcel": shown,
        }


def _parcel(parcel_id: int, body: dict[str, Any]) -> dict[str, Any]:
    """A parcel with the fields of the documented webhook; `tracking_url` and `carrier` (on Sendcloud's parcel object,
    not in the documented webhook) only when the body asks for `extras`."""
    tracking = _text(body, "tracking_number", f"3SKOP{parcel_id:010d}")
    parcel: dict[str, Any] = {
        "id": parcel_id,
        "name": "J. Jansen",
        "company_name": "",
        "address": "Stationsstraat 1",
        "address_divided": {"street": "Stationsstraat", "house_number": "1"},
        "city": "Utrecht",
        "postal_code": "3511 AA",
        "telephone": "",
        "email": "klant@example.nl",
        "date_created": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()),
        "tracking_number": tracking,
        "weight": "2.000",
        "label": {"normal_printer": [], "label_printer": ""},
        "customs_declaration": {},
        "status": {"id": 1000, "message": STATUSES[1000]},
        "data": {},
        "country": {"iso_3": "NLD", "iso_2": "NL", "name": "Netherlands"},
        "shipment": {"id": 8, "name": "PostNL Standard 0-23kg"},
        "order_number": _text(body, "order_number", ""),
        "shipment_uuid": f"00000000-0000-4000-8000-{parcel_id:012d}",
        "external_order_id": _text(body, "external_order_id", ""),
        "external_shipment_id": "",
    }
    if body.get("extras") is True:
        parcel["tracking_url"] = f"https://tracking.sendcloud.sc/forward?carrier=postnl&code={tracking}"
        parcel["carrier"] = {"code": "postnl"}
    return parcel


def _text(body: dict[str, Any], name: str, default: str) -> str:
    value = body.get(name, default)
    if not isinstance(value, str):
        raise SimError(422, f"{name} must be a string")
    return value


def _answer(body: object, status: int = 200) -> web.Response:
    return web.Response(status=status, body=json.dumps(body).encode(), content_type="application/json")


async def _json_body(request: web.Request) -> dict[str, Any]:
    return await json_object(request, "request body", lambda message: SimError(400, message))


@web.middleware
async def _errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """SimError and routing errors as `{"error": {"code", "message"}}`; an unexpected bug as a logged 500."""
    try:
        return await handler(request)
    except SimError as error:
        return _answer({"error": {"code": error.status, "message": error.message}}, error.status)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        return _answer({"error": {"code": exc.status, "message": exc.reason}}, exc.status)
    except Exception:
        logger.exception("Sendcloud simulator failed on %s %s", request.method, request.path)
        return _answer({"error": {"code": 500, "message": "Internal Server Error"}}, 500)
