"""The WooCommerce Shipment Tracking extension's REST routes (WC_Shipment_Tracking_Order_REST_API_Controller, v1.6.25)
under `/wp-json/wc-shipment-tracking/v3/orders/{order_id}/shipment-trackings`: GET (list), POST (add), GET and
DELETE `/{tracking_id}`, GET `/providers`. There is no update route: a changed number is a DELETE and a POST.

Only while the extension is installed (`POST /_sim/extensions {"shipment_tracking": true}`); otherwise WordPress
answers 404 `rest_no_route`. The extension refuses nothing but a missing `tracking_number` and an unknown order: an
unknown `tracking_provider` is stored and shows with an empty provider name and link; a date it cannot read is today.
A provider's link is filled in as the extension does (number, the order's shipping postcode normalised, country).
The same controller is also registered under `wc/v1` and `wc/v2`: not served here."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote_plus

from aiohttp import web

from localdev.simulators.woocommerce.categories_api import _body, _json
from localdev.simulators.woocommerce.errors import WooError, no_route, refused
from localdev.simulators.woocommerce.fulfilment import Fulfilment, TrackingItem, tracking_id
from localdev.simulators.woocommerce.fulfilment_api import with_faults
from localdev.simulators.woocommerce.store import OrderBook
from localdev.simulators.woocommerce.wp_schema import STRING, validate

BASE = "/wp-json/wc-shipment-tracking/v3/orders/{order_id:\\d+}/shipment-trackings"
PROVIDERS: dict[str, dict[str, str]] = {
    "Belgium": {"bpost": "https://track.bpost.be/btr/web/#/search?itemCode=%1$s"},
    "Germany": {
        "DHL Intraship (DE)": "http://nolp.dhl.de/nextt-online-public/set_identcodes.do?lang=de&idc=%1$s&rfn=&"
        "extendedSearch=true",
        "DPD.de": "https://tracking.dpd.de/parcelstatus?query=%1$s&locale=en_DE",
    },
    "Netherlands": {
        "PostNL": "https://postnl.nl/tracktrace/?B=%1$s&P=%2$s&D=%3$s&T=C",
        "DPD.NL": "http://track.dpdnl.nl/?parcelnumber=%1$s",
        "UPS Netherlands": "http://wwwapps.ups.com/WebTracking/processInputRequest?sort_by=status&"
        "tracknums_displayed=1&TypeOfInquiryNumber=T&loc=nl_NL&InquiryNumber1=%1$s",
    },
    "United Kingdom": {"DHL": "http://www.dhl.com/content/g0/en/express/tracking.shtml?brand=DHL&AWB=%1$s"},
}
"""A part of the extension's own list (`get_providers`, v1.6.25); a shop may filter it."""
POST_RULES = {
    "tracking_number": STRING,
    "tracking_provider": STRING,
    "custom_tracking_provider": STRING,
    "custom_tracking_link": STRING,
    "date_shipped": STRING,
}


class ShipmentTrackingApi:
    def __init__(self, book: OrderBook, state: Fulfilment, has_credentials: Callable[[web.Request], bool]) -> None:
        self.book = book
        self.state = state
        self.has_credentials = has_credentials

    def routes(self, app: web.Application) -> None:
        item = BASE + "/{tracking_id:[a-fA-F0-9]{0,32}}"
        app.router.add_get(BASE, with_faults(self.state, "tracking", self.list_trackings))
        app.router.add_post(BASE, with_faults(self.state, "tracking", self.create_tracking))
        app.router.add_get(f"{BASE}/providers", self.providers)
        app.router.add_get(item, with_faults(self.state, "tracking", self.get_tracking))
        app.router.add_delete(item, with_faults(self.state, "tracking", self.delete_tracking))

    async def list_trackings(self, request: web.Request) -> web.Response:
        order_id = self._order(request, "view")
        return _json([self._render(order_id, item) for item in self.state.trackings.get(order_id, [])])

    async def create_tracking(self, request: web.Request) -> web.Response:
        self._installed()
        fields = await _body(request)
        if fields.get("tracking_number") is None:
            extra = {"params": ["tracking_number"]}
            raise WooError(400, "rest_missing_callback_param", "Missing parameter(s): tracking_number", extra=extra)
        validate(fields, POST_RULES)
        if fields.get("tracking_id"):
            message = "Cannot create existing order shipment tracking."
            raise WooError(400, "woocommerce_rest_shop_order_shipment_tracking_exists", message)
        order_id = self._order(request, "create")
        item = _item(fields)
        self.state.add_tracking(order_id, item)
        location = f"{request.url.with_query(None)}/{item.tracking_id}"
        return _json(self._render(order_id, item), status=201, headers={"Location": location})

    async def get_tracking(self, request: web.Request) -> web.Response:
        order_id = self._order(request, "read")
        return _json(self._render(order_id, self._item(order_id, request.match_info["tracking_id"])))

    async def delete_tracking(self, request: web.Request) -> web.Response:
        order_id = self._order(request, "delete")
        item = self._item(order_id, request.match_info["tracking_id"])
        answer = self._render(order_id, item)
        self.state.delete_tracking(order_id, item.tracking_id)
        return _json(answer)

    async def providers(self, _request: web.Request) -> web.Response:
        """Open to anyone (`'permission_callback' => '__return_true'`)."""
        self._installed()
        return _json(PROVIDERS)

    def _installed(self) -> None:
        if not self.state.tracking_installed:
            raise no_route()

    def _order(self, request: web.Request, action: str) -> int:
        """The order of the route, once the extension answers, the key may act and the order exists."""
        self._installed()
        if not self.has_credentials(request):
            raise refused(action)
        order_id = int(request.match_info["order_id"])
        if order_id not in self.book.orders:
            raise WooError(404, "woocommerce_rest_order_invalid_id", "Invalid order ID.")
        return order_id

    def _item(self, order_id: int, wanted: str) -> TrackingItem:
        for item in self.state.trackings.get(order_id, []):
            if item.tracking_id == wanted:
                return item
        raise WooError(404, "woocommerce_rest_order_shipment_tracking_invalid_id", "Invalid shipment tracking ID.")

    def _render(self, order_id: int, item: TrackingItem) -> dict[str, Any]:
        """`prepare_item_for_response`: the provider's name and link as formatted for the order."""
        name, link = item.custom_tracking_provider, item.custom_tracking_link
        if not name:
            name, link = self._formatted(order_id, item)
        return {
            "tracking_id": item.tracking_id,
            "tracking_provider": name,
            "tracking_link": link,
            "tracking_number": item.tracking_number,
            "date_shipped": item.date_shipped.strftime("%Y-%m-%d"),
        }

    def _formatted(self, order_id: int, item: TrackingItem) -> tuple[str, str]:
        shipping = self.book.payload(self.book.get(order_id))["shipping"]
        postcode = re.sub(r"[^A-Z0-9]", "", str(shipping.get("postcode") or "").upper())
        for providers in PROVIDERS.values():
            for name, link in providers.items():
                if sanitize_title(name) == item.tracking_provider:
                    filled = link.replace("%1$s", item.tracking_number).replace("%2$s", quote_plus(postcode))
                    return name, filled.replace("%3$s", str(shipping.get("country") or ""))
        return "", ""


def sanitize_title(text: str) -> str:
    """WordPress's sanitize_title for plain names: lower case, periods and spaces to dashes, other marks dropped."""
    title = re.sub(r"[\s.]+", "-", text.strip().lower())
    title = re.sub(r"[^a-z0-9_-]", "", title)
    return re.sub(r"-+", "-", title).strip("-")


def _item(fields: dict[str, Any]) -> TrackingItem:
    provider = sanitize_title(str(fields.get("tracking_provider") or ""))
    custom = str(fields.get("custom_tracking_provider") or "").strip()
    number = str(fields["tracking_number"]).strip()
    return TrackingItem(
        tracking_id=tracking_id(custom or provider, number),
        tracking_provider=provider,
        custom_tracking_provider=custom,
        custom_tracking_link=str(fields.get("custom_tracking_link") or "").strip(),
        tracking_number=number,
        date_shipped=_shipped(str(fields.get("date_shipped") or "")),
    )


def _shipped(text: str) -> datetime:
    """strtotime's reading of a date (or date-time); today when it reads none."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        return datetime.now(UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
