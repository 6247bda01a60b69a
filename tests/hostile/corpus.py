"""The hostile-input corpus: named cases, each a request (or a short story ending in one) and what must follow.

A case says how to send itself (`send`), what Koppel must answer (`expect`, `status`, `code`) and, for the accepted
ones, how the order must end (`reason` for a parked order, `proof` for anything more). The test in
test_hostile_inputs.py runs every case and also checks what every case shares: no 5xx, the host still answers,
and a refused request leaves no trace (no raw blob, no event, no dossier, no BC traffic).

To add a channel (the portal), add a sender like `woo` / `shopify` and append cases to CASES.
"""

from __future__ import annotations

import copy
import itertools
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, TypedDict
from urllib.parse import quote

import httpx

from domain.intake.signatures import base64_hmac_sha256, hex_hmac_sha256
from domain.models import StreamKey, WebOrderKey
from domain.records import EventStatus
from integrations.storage.account import RAW_BODIES_CONTAINER, StorageAccount
from integrations.storage.event_log import TableEventLog
from localdev.bc_probe import BcProbe
from localdev.simulators.shopify.ids import ShopifyIds
from localdev.simulators.shopify.orders import OrderDraft, build_order
from localdev.stack import SENDCLOUD_ACCOUNT, SHOPIFY_SHOP, WOOCOMMERCE_SHOP, LocalStack
from tests.support.woocommerce import ShopCustomer, ShopLine, ShopOrder, order_payload

WOO = "woocommerce"
SHOPIFY = "shopify"
MAX_BODY = 65536
"""KOPPEL_MAX_WEBHOOK_BYTES as tests/integration/conftest.py sets it."""

RTL = "\u202eعربي \u05e2\u05d1\u05e8\u05d9\u05ea\u202c"
EMOJI = "\U0001f600\U0001f1f3\U0001f1f1\U0001f469\u200d\U0001f4bb"
COMBINING = "Zoe\u0308 e\u0301e\u0300 \u1e9b\u0323"
QUOTES = 'O\'Brien "the" `x` \u2018y\u2019 \u201cz\u201d'
HOSTILE_TEXT = f"{QUOTES} {RTL} {EMOJI} {COMBINING}"
NUL = "a\x00b"

_woo_ids = itertools.count(7_100_001)
_shopify_ids = itertools.count(6_990_000_000_000_000_001, 2)
_shopify_numbers = itertools.count(71_001)
_webhook_ids = itertools.count(1)
_shopify_customer_ids = itertools.count(3_990_000_000_000_000_001, 2)


class Expect(Enum):
    REFUSED = "a 4xx from Koppel with {'error': {'code', 'message'}}, and no trace"
    HOST_REFUSED = "a 4xx from the host before Koppel runs (no route, wrong method, header too long), no trace"
    ACKNOWLEDGED = "a 2xx that stores nothing (an unhandled topic, the creation ping)"
    DUPLICATE = "a 200 duplicate of a delivery already processed: nothing new anywhere"
    ANSWERED = "a read-only 200 that changes nothing"
    PARKED = "202, then the order needs attention with a readable reason; nothing in BC"
    NOT_IMPORTED = "202, then the order waits (a status that is not imported); nothing in BC"
    IMPORTED = "202, then exactly one BC sales order"


@dataclass(frozen=True)
class OrderRef:
    """The web order a request names, so the test can look for traces of it."""

    source: str
    shop: str
    order_id: str
    number: str = ""
    """The web order number, i.e. BC's externalDocumentNumber (no prefix is configured in the stack)."""

    @property
    def key(self) -> str:
        return f"{self.source}:{self.shop}:{self.order_id}"

    @property
    def web_order_key(self) -> WebOrderKey:
        return WebOrderKey(source=self.source, shop=self.shop, order_id=self.order_id)


@dataclass(frozen=True)
class Sent:
    response: httpx.Response
    order: OrderRef | None = None
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass
class World:
    """The running stack and what the cases need from it: the catalog, a BC probe, fresh ids, senders."""

    stack: LocalStack
    probe: BcProbe
    items: list[dict[str, Any]]
    baseline_taken: bool = False
    on_baseline: Callable[[], None] = lambda: None

    @property
    def url(self) -> str:
        return self.stack.host_url

    def secret(self, shop: str) -> str:
        return self.stack.shop_secrets[shop]

    def baseline(self) -> None:
        """A case that first sets something up calls this when the hostile request is next."""
        self.on_baseline()
        self.baseline_taken = True

    def lines(self) -> tuple[ShopLine, ...]:
        first, second = self.items[0], self.items[1]
        return (
            ShopLine(first["number"], first["displayName"], 2, Decimal(str(first["unitPrice"]))),
            ShopLine(second["number"], second["displayName"], 1, Decimal(str(second["unitPrice"]))),
        )

    def woo_order(self, customer: ShopCustomer | None = None, order_id: int | None = None) -> dict[str, Any]:
        oid = order_id or next(_woo_ids)
        buyer = customer or ShopCustomer("Sam", "Jansen", f"sam.{oid}@example.nl")
        return order_payload(ShopOrder(oid, buyer, self.lines(), created=datetime.now(UTC)))

    def shopify_order(self, customer: ShopCustomer | None = None) -> dict[str, Any]:
        number = next(_shopify_numbers)
        buyer = customer or ShopCustomer("Noor", "Visser", f"noor.{number}@example.nl")
        payload = build_order(OrderDraft(self.lines(), buyer), ShopifyIds(), number, datetime.now(UTC))
        payload["id"] = next(_shopify_ids)
        if payload.get("customer"):
            payload["customer"]["id"] = next(_shopify_customer_ids)
        return payload


# --- sending -------------------------------------------------------------------------------------------------


def _body(payload: dict[str, Any] | bytes) -> bytes:
    return payload if isinstance(payload, bytes) else json.dumps(payload).encode()


def _raw(value: str | bytes) -> bytes:
    return value if isinstance(value, bytes) else value.encode()


def post_woo(
    world: World,
    body: bytes,
    *,
    topic: str | bytes | None = "order.created",
    signature: str | bytes | None = None,
    shop: str = WOOCOMMERCE_SHOP,
    secret: str | None = None,
) -> httpx.Response:
    """A WooCommerce delivery; by default signed correctly over `body` with shop-a's secret.

    `topic` and `signature` may be bytes, to send header values that are not ASCII or not even UTF-8."""
    headers = [(b"Content-Type", b"application/json"), (b"X-WC-Webhook-Delivery-ID", b"1")]
    if topic is not None:
        headers.append((b"X-WC-Webhook-Topic", _raw(topic)))
    sig = base64_hmac_sha256(body, secret or world.secret(WOOCOMMERCE_SHOP)) if signature is None else signature
    if sig != "":
        headers.append((b"X-WC-Webhook-Signature", _raw(sig)))
    return httpx.post(f"{world.url}/api/webhooks/woocommerce/{shop}", content=body, headers=headers, timeout=30)


def post_shopify(
    world: World,
    body: bytes,
    *,
    topic: str | None = "orders/create",
    signature: str | None = None,
    webhook_id: str | None = None,
    secret: str | None = None,
) -> httpx.Response:
    headers = {"Content-Type": "application/json", "X-Shopify-Shop-Domain": "shop-b.myshopify.com"}
    if topic is not None:
        headers["X-Shopify-Topic"] = topic
    sig = base64_hmac_sha256(body, secret or world.secret(SHOPIFY_SHOP)) if signature is None else signature
    if sig:
        headers["X-Shopify-Hmac-Sha256"] = sig
    if webhook_id != "":
        headers["X-Shopify-Webhook-Id"] = webhook_id or f"hostile-{next(_webhook_ids)}"
    return httpx.post(f"{world.url}/api/webhooks/shopify/{SHOPIFY_SHOP}", content=body, headers=headers, timeout=30)


def woo_ref(payload: dict[str, Any], shop: str = WOOCOMMERCE_SHOP) -> OrderRef | None:
    oid, number = payload.get("id"), payload.get("number")
    if not isinstance(oid, int) or isinstance(oid, bool):
        return None
    return OrderRef(WOO, shop, str(oid), number if isinstance(number, str) and number else str(oid))


def shopify_ref(payload: dict[str, Any]) -> OrderRef | None:
    oid, name = payload.get("id"), payload.get("name")
    if not (isinstance(oid, int) and not isinstance(oid, bool)) and not (isinstance(oid, str) and oid.isdigit()):
        return None
    return OrderRef(SHOPIFY, SHOPIFY_SHOP, str(oid), name if isinstance(name, str) else "")


Mutation = Callable[[dict[str, Any]], Any]


def set_at(path: str, value: object) -> Mutation:
    """Set `a.b.0.c` in a payload (a list index as a number); DELETE removes the key."""

    def mutate(payload: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = payload
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        if value is DELETE:
            del node[last]
        elif isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value

    return mutate


DELETE = object()
RAW = "@@raw@@"
"""Put `RAW` as a value and pass `raw=` to a sender to splice JSON that json.dumps cannot write (1e400, NaN)."""


def woo(*mutations: Mutation, raw: str = "", **options: Any) -> Callable[[World], Sent]:
    """A signed WooCommerce order, changed by `mutations` (each may also return a new id/number to check)."""

    def send(world: World) -> Sent:
        payload = world.woo_order()
        ref = woo_ref(payload)
        for mutate in mutations:
            mutate(payload)
        body = _body(payload)
        if raw:
            body = body.replace(json.dumps(RAW).encode(), raw.encode())
        after = woo_ref(payload) or ref
        return Sent(post_woo(world, body, **options), after, payload)

    return send


def woo_raw(make_body: Callable[[dict[str, Any]], bytes], **options: Any) -> Callable[[World], Sent]:
    """A delivery whose body is made from a valid order (truncated, re-encoded, wrapped ...)."""

    def send(world: World) -> Sent:
        payload = world.woo_order()
        return Sent(post_woo(world, make_body(payload), **options), woo_ref(payload), payload)

    return send


def shopify(*mutations: Mutation, raw: str = "", **options: Any) -> Callable[[World], Sent]:
    def send(world: World) -> Sent:
        payload = world.shopify_order()
        ref = shopify_ref(payload)
        for mutate in mutations:
            mutate(payload)
        body = _body(payload)
        if raw:
            body = body.replace(json.dumps(RAW).encode(), raw.encode())
        return Sent(post_shopify(world, body, **options), shopify_ref(payload) or ref, payload)

    return send


def shopify_raw(make_body: Callable[[dict[str, Any]], bytes], **options: Any) -> Callable[[World], Sent]:
    def send(world: World) -> Sent:
        payload = world.shopify_order()
        return Sent(post_shopify(world, make_body(payload), **options), shopify_ref(payload), payload)

    return send


def shopify_refund(*mutations: Mutation, **options: Any) -> Callable[[World], Sent]:
    """A signed `refunds/create` (the REST refund, as Shopify sends it) for an order Koppel never heard of, changed by
    `mutations`; the order it names is the one to find no trace of."""

    def send(world: World) -> Sent:
        order_id = next(_shopify_ids)
        payload: dict[str, Any] = {
            "id": next(_shopify_ids),
            "order_id": order_id,
            "created_at": datetime.now(UTC).isoformat(),
            "note": "hostile",
            "restock": False,
            "refund_line_items": [],
            "transactions": [],
            "order_adjustments": [],
        }
        for mutate in mutations:
            mutate(payload)
        response = post_shopify(world, _body(payload), topic="refunds/create", **options)
        return Sent(response, OrderRef(SHOPIFY, SHOPIFY_SHOP, str(order_id)), payload)

    return send


def request(method: str, path: str, order: OrderRef | None = None) -> Callable[[World], Sent]:
    """Any request to the host; `path` is sent as it is (already percent-encoded where it needs to be)."""

    def send(world: World) -> Sent:
        return Sent(httpx.request(method, f"{world.url}/api/{path}", timeout=30), order)

    return send


def portal_return(body: bytes, customer: str = "C10000") -> Callable[[World], Sent]:
    """A return asked on the portal: `body` as it is."""

    def send(world: World) -> Sent:
        path = f"{world.url}/api/portal/customers/{customer}/returns"
        return Sent(httpx.post(path, content=body, headers={"Content-Type": "application/json"}, timeout=30))

    return send


# --- stories: something legitimate first, then the hostile request -----------------------------------------


def woo_replayed_with_topic(topic: str) -> Callable[[World], Sent]:
    """A real delivery is imported; then the same signed body is replayed under another topic."""

    def send(world: World) -> Sent:
        payload = world.woo_order()
        body = _body(payload)
        assert post_woo(world, body).status_code == 202
        ref = woo_ref(payload)
        assert ref is not None
        wait_settled(world, ref)
        world.baseline()
        return Sent(post_woo(world, body, topic=topic), ref, payload)

    return send


def shopify_replayed_with_topic(topic: str) -> Callable[[World], Sent]:
    def send(world: World) -> Sent:
        payload = world.shopify_order()
        body = _body(payload)
        webhook_id = f"hostile-replay-{next(_webhook_ids)}"
        assert post_shopify(world, body, webhook_id=webhook_id).status_code == 202
        ref = shopify_ref(payload)
        assert ref is not None
        wait_settled(world, ref)
        world.baseline()
        return Sent(post_shopify(world, body, topic=topic, webhook_id=webhook_id), ref, payload)

    return send


def woo_signed_over_another_body() -> Callable[[World], Sent]:
    """Signed with the right secret, but over a body with a lower total than the one sent."""

    def send(world: World) -> Sent:
        payload = world.woo_order()
        cheaper = payload | {"total": "0.01"}
        signature = base64_hmac_sha256(_body(cheaper), world.secret(WOOCOMMERCE_SHOP))
        return Sent(post_woo(world, _body(payload), signature=signature), woo_ref(payload), payload)

    return send


def woo_replayed_to_shopify() -> Callable[[World], Sent]:
    """A genuine WooCommerce delivery (body and signature) replayed to the Shopify endpoint."""

    def send(world: World) -> Sent:
        payload = world.woo_order()
        body = _body(payload)
        signature = base64_hmac_sha256(body, world.secret(WOOCOMMERCE_SHOP))
        return Sent(post_shopify(world, body, signature=signature), OrderRef(SHOPIFY, SHOPIFY_SHOP, str(payload["id"])))

    return send


def replay_of_refused() -> Callable[[World], Sent]:
    """A delivery with a bad signature, then operations ask to replay that order: Koppel never heard of it."""

    def send(world: World) -> Sent:
        payload = world.woo_order()
        assert post_woo(world, _body(payload), signature="bm9wZQ==").status_code == 401
        ref = woo_ref(payload)
        assert ref is not None
        url = f"{world.url}/api/ops/orders/{WOO}/{WOOCOMMERCE_SHOP}/{ref.order_id}/replay"
        return Sent(httpx.post(url, timeout=30), ref)

    return send


# --- waiting and looking --------------------------------------------------------------------------------------

SETTLED = ("in_bc", "needs_attention", "failed", "not_imported")


def dossier(world: World, ref: OrderRef) -> httpx.Response:
    path = "/".join(quote(part, safe="") for part in (ref.source, ref.shop, ref.order_id))
    return httpx.get(f"{world.url}/api/orders/{path}", timeout=30)


def wait_settled(world: World, ref: OrderRef, timeout: float = 30.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        response = dossier(world, ref)
        if response.status_code == 200:
            found: dict[str, Any] = response.json()
            if found["status"] in SETTLED and all(e["status"] != "received" for e in found["events"]):
                return found
        time.sleep(0.2)
    raise AssertionError(f"{ref.key} did not settle within {timeout} s: {dossier(world, ref).text[:500]}")


def blobs(world: World) -> list[str]:
    """Raw bodies too large for their event row."""
    container = StorageAccount(world.stack.azurite.connection_string).container(RAW_BODIES_CONTAINER)
    return [blob.name for blob in container.list_blobs()]


def stored_bodies(world: World, ref: OrderRef) -> list[bytes]:
    """The raw body of every delivery accepted for the order, as the event log keeps it."""
    log = TableEventLog(StorageAccount(world.stack.azurite.connection_string))
    stream = ref.web_order_key.stream
    bodies = (log.body(stream, event.event_id) for event in log.for_stream(stream))
    return [body for body in bodies if body is not None]


# --- proofs for accepted injections -------------------------------------------------------------------------


def customer_is_new_with_email(world: World, sent: Sent, found: dict[str, Any]) -> None:
    """The injected e-mail found no other customer: the order's customer is one made for exactly this e-mail."""
    email = _payload_email(sent.payload)
    customers = world.probe.all("customers")
    owner = next(c for c in customers if c["number"] == found["bc_customer_number"])
    assert owner["email"] == email, f"the order went to {owner['number']} ({owner['email']!r}), not a new {email!r}"
    same_email = [c["number"] for c in customers if c["email"] == email]
    assert same_email == [owner["number"]]


def _payload_email(payload: dict[str, Any]) -> str:
    raw = payload["billing"]["email"] if "billing" in payload else payload["email"]
    return str(raw).strip().lower()


def one_order_with_exact_number(world: World, sent: Sent, found: dict[str, Any]) -> None:
    """The injected order number matched nothing else: BC holds one order under exactly this number, and
    others were there to be (wrongly) matched."""
    assert sent.order is not None
    number = sent.order.number.upper()[:35]
    in_bc = world.probe.sales_orders(number)
    assert [d["number"] for d in in_bc] == [found["bc_document"]["number"]]
    assert in_bc[0]["externalDocumentNumber"] == number
    assert len(world.probe.all("salesOrders", **{"$select": "number"})) > 1


def ship_to_kept(world: World, sent: Sent, found: dict[str, Any]) -> None:
    """Unicode and quotes arrive in BC as sent (cut to BC's field lengths, never mangled)."""
    assert sent.order is not None
    shipping = sent.payload["shipping"]
    document = world.probe.sales_orders(sent.order.number.upper()[:35])[0]
    name = f"{shipping['first_name']} {shipping['last_name']}".strip()
    assert document["shipToContact"] == name[:100]
    assert document["shipToAddressLine1"] == shipping["address_1"][:100]
    assert document["shipToCity"] == shipping["city"][:30]
    assert found["web_order"]["number"] == sent.order.number


def totals_flagged(world: World, sent: Sent, found: dict[str, Any]) -> None:
    """Amounts BC computes differently from the shop are imported, but the dossier says so."""
    assert found["totals_agree"] is False
    assert "Totals differ" in found["problem"]


# --- the corpus -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    name: str
    send: Callable[[World], Sent]
    expect: Expect
    status: int
    code: str = ""
    reason: str = ""
    proof: Callable[[World, Sent, dict[str, Any]], None] | None = None
    bug: str = ""
    """Non-empty: a known defect, run as a strict xfail with this text."""


class Refusal(TypedDict):
    expect: Expect
    status: int
    code: str


UNAUTHENTICATED = Refusal(expect=Expect.REFUSED, status=401, code="unauthenticated")
MALFORMED = Refusal(expect=Expect.REFUSED, status=400, code="malformed")
NOT_FOUND = Refusal(expect=Expect.REFUSED, status=404, code="not_found")


def _wrap(payload: dict[str, Any]) -> bytes:
    return json.dumps({"order": payload}).encode()


def _padded(size: int) -> Callable[[dict[str, Any]], bytes]:
    def make(payload: dict[str, Any]) -> bytes:
        body = copy.deepcopy(payload)
        body["meta_data"] = [{"id": 1, "key": "padding", "value": "x" * size}]
        return json.dumps(body).encode()

    return make


def _line_sku(sku: str) -> Mutation:
    return set_at("line_items.0.sku", sku)


def _all_text(value: str) -> Mutation:
    """The same hostile text in every text field of a WooCommerce order."""

    def mutate(payload: dict[str, Any]) -> None:
        for part in ("billing", "shipping"):
            for name in ("first_name", "last_name", "company", "address_1", "address_2", "city", "state"):
                payload[part][name] = f"{value} {name}"
        payload["billing"]["phone"] = f"+31 {value}"[:30]
        for item in payload["line_items"]:
            item["name"] = f"{value} {item['name']}"
        for line in payload["shipping_lines"]:
            line["method_title"] = value
        payload["number"] = f"{payload['id']}-{QUOTES[:9]}{EMOJI[:1]}"

    return mutate


def _woo_number(template: str) -> Mutation:
    def mutate(payload: dict[str, Any]) -> None:
        payload["number"] = template.format(id=payload["id"])

    return mutate


def _woo_email(template: str) -> Mutation:
    def mutate(payload: dict[str, Any]) -> None:
        payload["billing"]["email"] = template.format(id=payload["id"])

    return mutate


def _shopify_email(template: str) -> Mutation:
    def mutate(payload: dict[str, Any]) -> None:
        email = template.format(id=payload["order_number"])
        payload["email"] = payload["contact_email"] = email
        if payload.get("customer"):
            payload["customer"]["email"] = email

    return mutate


def _shopify_name(template: str) -> Mutation:
    def mutate(payload: dict[str, Any]) -> None:
        payload["name"] = template.format(n=payload["order_number"])

    return mutate


def _shopify_all_text(value: str) -> Mutation:
    def mutate(payload: dict[str, Any]) -> None:
        for part in ("billing_address", "shipping_address"):
            address = payload.get(part) or {}
            for name in ("first_name", "last_name", "company", "address1", "address2", "city"):
                address[name] = f"{value} {name}"
        for item in payload["line_items"]:
            item["title"] = f"{value} {item['title']}"
        payload["name"] = f"#{payload['order_number']}-{QUOTES[:9]}{EMOJI[:1]}"

    return mutate


def _shopify_nulls(payload: dict[str, Any]) -> None:
    payload |= {"email": None, "contact_email": None, "customer": None, "billing_address": None}
    payload |= {"shipping_address": None, "financial_status": None, "note_attributes": []}
    for item in payload["line_items"]:
        item["sku"] = None
        item["variant_title"] = None


SKU_OR = "1001' or 1 eq 1 or '"
SKU_PAREN = "x') or (number ne '"
LONG = "9" * 5000
TRAVERSAL = "%2e%2e%2f%2e%2e%2fetc%2fpasswd"


def _woo_cases() -> Iterator[Case]:

    # signatures
    yield Case("woo-signature-missing", woo(signature=""), **UNAUTHENTICATED)
    yield Case("woo-signature-garbage", woo(signature="not a signature"), **UNAUTHENTICATED)
    yield Case("woo-signature-over-another-body", woo_signed_over_another_body(), **UNAUTHENTICATED)
    yield Case(
        "woo-signature-of-a-different-order",
        woo(signature=base64_hmac_sha256(b'{"id": 1}', "whatever")),
        **UNAUTHENTICATED,
    )
    yield Case("woo-signature-wrong-secret", woo(secret="not-the-shop-secret"), **UNAUTHENTICATED)
    yield Case("woo-signature-as-hex", woo(signature="ab" * 32), **UNAUTHENTICATED)
    yield Case("woo-signature-non-ascii-utf8", woo(signature="é☃ signé".encode()), **UNAUTHENTICATED)
    yield Case(
        "woo-signature-invalid-utf8-bytes",
        woo(signature=b"\xe9\xff\xfe"),
        **UNAUTHENTICATED,
    )
    yield Case("woo-signature-huge-7kb", woo(signature="A" * 7000), **UNAUTHENTICATED)
    yield Case("woo-signature-beyond-header-limit", woo(signature="A" * 20000), Expect.HOST_REFUSED, 400)

    # shops, routes, methods
    yield Case("woo-unknown-shop", woo(shop="shop-z"), Expect.REFUSED, 404, "unknown_source")
    yield Case("woo-shop-path-traversal", woo(shop="..%2Fshop-a"), Expect.REFUSED, 404, "unknown_source")
    yield Case("woo-shop-very-long", woo(shop="s" * 5000), Expect.REFUSED, 404, "unknown_source")
    yield Case(
        "woo-wrong-method-get", request("GET", f"webhooks/woocommerce/{WOOCOMMERCE_SHOP}"), Expect.HOST_REFUSED, 405
    )
    yield Case(
        "woo-wrong-method-delete",
        request("DELETE", f"webhooks/woocommerce/{WOOCOMMERCE_SHOP}"),
        Expect.HOST_REFUSED,
        405,
    )

    # topics
    yield Case("woo-unknown-topic", woo(topic="order.exploded"), Expect.ACKNOWLEDGED, 200)
    yield Case("woo-topic-missing", woo(topic=None), Expect.ACKNOWLEDGED, 200)
    yield Case("woo-topic-unicode", woo(topic="order.créé\u202e".encode()), Expect.ACKNOWLEDGED, 200)
    yield Case("woo-replayed-as-order-deleted", woo_replayed_with_topic("order.deleted"), Expect.ACKNOWLEDGED, 200)
    yield Case("woo-replayed-as-order-updated", woo_replayed_with_topic("order.updated"), Expect.DUPLICATE, 200)
    yield Case(
        "woo-fake-ping-carrying-an-order",
        woo_raw(lambda p: b"webhook_id=7&" + _body(p), signature=""),
        Expect.ACKNOWLEDGED,
        200,
    )

    # bodies
    yield Case("woo-body-truncated", woo_raw(lambda p: _body(p)[: len(_body(p)) // 2]), **MALFORMED)
    yield Case("woo-body-empty", woo_raw(lambda _: b""), **MALFORMED)
    yield Case("woo-body-form-encoded", woo_raw(lambda p: f"id={p['id']}&status=processing".encode()), **MALFORMED)
    yield Case("woo-body-invalid-utf8", woo_raw(lambda p: _body(p).replace(b'"Sam"', b'"S\xff\xfem"')), **MALFORMED)
    yield Case("woo-body-json-array", woo_raw(lambda p: json.dumps([p]).encode()), **MALFORMED)
    yield Case("woo-body-json-null", woo_raw(lambda _: b"null"), **MALFORMED)
    yield Case("woo-body-wrapped-in-an-object", woo_raw(_wrap), **MALFORMED)
    yield Case("woo-body-nested-30000-deep", woo_raw(lambda _: b"[" * 30000 + b"]" * 30000), **MALFORMED)
    yield Case("woo-body-one-byte-too-large", woo_raw(_padded(MAX_BODY)), Expect.REFUSED, 413, "too_large")
    yield Case("woo-body-5mb", woo_raw(_padded(5 * 1024 * 1024)), Expect.REFUSED, 413, "too_large")

    # wrong types and values
    yield Case("woo-id-not-a-number", woo(set_at("id", "abc")), **MALFORMED)
    yield Case("woo-id-beyond-int64", woo(set_at("id", 2**64)), **MALFORMED)
    yield Case("woo-id-negative", woo(set_at("id", -5)), **MALFORMED)
    yield Case("woo-id-zero", woo(set_at("id", 0)), **MALFORMED)
    yield Case("woo-refund-total-positive", woo(set_at("refunds", [{"id": 9001, "total": "5.00"}])), **MALFORMED)
    yield Case("woo-refund-id-negative", woo(set_at("refunds", [{"id": -1, "total": "-5.00"}])), **MALFORMED)
    yield Case("woo-refund-id-not-a-number", woo(set_at("refunds", [{"id": "x", "total": "-5.00"}])), **MALFORMED)
    yield Case("woo-id-null", woo(set_at("id", None)), **MALFORMED)
    yield Case("woo-id-fraction", woo(set_at("id", 7100.5)), **MALFORMED)
    yield Case("woo-line-items-missing", woo(set_at("line_items", DELETE)), **MALFORMED)
    # WooCommerce sends line_items empty for a "simple payment"; with no fee either there is nothing to sell
    yield Case("woo-line-items-empty", woo(set_at("line_items", [])), Expect.NOT_IMPORTED, 202)
    yield Case("woo-line-items-null", woo(set_at("line_items", None)), **MALFORMED)
    yield Case("woo-line-item-a-string", woo(set_at("line_items", ["KOF-1001"])), **MALFORMED)
    yield Case("woo-quantity-negative", woo(set_at("line_items.0.quantity", -2)), **MALFORMED)
    yield Case("woo-quantity-zero", woo(set_at("line_items.0.quantity", 0)), **MALFORMED)
    yield Case("woo-quantity-a-word", woo(set_at("line_items.0.quantity", "two")), **MALFORMED)
    yield Case("woo-quantity-absurd", woo(set_at("line_items.0.quantity", 10**12)), **MALFORMED)
    yield Case("woo-total-1e400", woo(set_at("total", RAW), raw="1e400"), **MALFORMED)
    yield Case("woo-total-NaN-literal", woo(set_at("total", RAW), raw="NaN"), **MALFORMED)
    yield Case("woo-total-NaN-string", woo(set_at("total", "NaN")), **MALFORMED)
    yield Case("woo-total-Infinity", woo(set_at("total", RAW), raw="Infinity"), **MALFORMED)
    yield Case("woo-total-huge", woo(set_at("total", "1" + "0" * 30)), **MALFORMED)
    yield Case("woo-line-total-with-currency-text", woo(set_at("line_items.0.total", "12,50 EUR")), **MALFORMED)
    yield Case("woo-line-total-null", woo(set_at("line_items.0.total", None)), **MALFORMED)
    yield Case("woo-currency-euro-sign", woo(set_at("currency", "€")), **MALFORMED)
    yield Case("woo-currency-null", woo(set_at("currency", None)), **MALFORMED)
    yield Case("woo-date-garbage", woo(set_at("date_created", "yesterday-ish")), **MALFORMED)
    yield Case("woo-billing-a-string", woo(set_at("billing", "Sam Jansen, Utrecht")), **MALFORMED)
    yield Case("woo-prices-include-tax-maybe", woo(set_at("prices_include_tax", "maybe")), **MALFORMED)
    yield Case("woo-status-null", woo(set_at("status", None)), **MALFORMED)
    yield Case("woo-number-an-object", woo(set_at("number", {"$ne": ""})), **MALFORMED)
    yield Case("woo-number-too-long-for-a-key", woo(set_at("number", "N" * 201)), **MALFORMED)
    yield Case("woo-email-a-number", woo(set_at("billing.email", 12345)), **MALFORMED)
    yield Case(
        "woo-date-modified-gmt-year-1-east-of-utc",
        woo(set_at("date_modified_gmt", "0001-01-01T00:30:00+01:00")),
        **MALFORMED,
    )
    yield Case("woo-body-with-bom", woo_raw(lambda p: b"\xef\xbb\xbf" + _body(p)), **MALFORMED)
    yield Case(
        "woo-line-amounts-negative",
        woo(
            set_at("line_items.0.subtotal", "-100.00"),
            set_at("line_items.0.total", "-100.00"),
            set_at("total", "-90.00"),
        ),
        **MALFORMED,
    )
    yield Case(
        "woo-line-total-negative-discount",
        woo(set_at("line_items.0.total", "-100.00")),
        **MALFORMED,
    )
    yield Case(
        "woo-amounts-at-the-cap",
        woo(
            set_at("line_items.0.subtotal", "999999999999.99"),
            set_at("line_items.0.total", "999999999999.99"),
            set_at("total", "999999999999.99"),
        ),
        Expect.IMPORTED,
        202,
        proof=totals_flagged,
    )
    yield Case("woo-customer-id-beyond-int64", woo(set_at("customer_id", 2**70)), Expect.IMPORTED, 202)

    # accepted, then parked with a reason
    yield Case(
        "woo-unknown-currency",
        woo(set_at("currency", "XQZ")),
        Expect.PARKED,
        202,
        reason="BC refused",
    )
    yield Case("woo-sku-with-quote", woo(_line_sku("KOF'1001")), Expect.PARKED, 202, reason="Unknown SKU 'KOF'1001'")
    yield Case("woo-sku-odata-or-1-eq-1", woo(_line_sku(SKU_OR)), Expect.PARKED, 202, reason=f"Unknown SKU '{SKU_OR}'")
    yield Case(
        "woo-sku-odata-parenthesis", woo(_line_sku(SKU_PAREN)), Expect.PARKED, 202, reason=f"Unknown SKU '{SKU_PAREN}'"
    )
    yield Case("woo-sku-unicode", woo(_line_sku(f"{EMOJI}{RTL}{COMBINING}")), Expect.PARKED, 202, reason="Unknown SKU")
    yield Case("woo-sku-nul", woo(_line_sku(NUL)), Expect.PARKED, 202, reason="Unknown SKU")
    yield Case("woo-sku-empty", woo(_line_sku("")), Expect.PARKED, 202, reason="has no SKU")
    yield Case(
        "woo-number-longer-than-bc-keeps",
        woo(_woo_number("{id}-" + "X" * 40)),
        Expect.PARKED,
        202,
        reason="longer than the 35 characters",
    )
    yield Case("woo-status-unknown", woo(set_at("status", "hacked'; drop")), Expect.NOT_IMPORTED, 202)

    # accepted, imported correctly, and injections stay literal
    yield Case(
        "woo-unicode-and-quotes-in-every-text-field",
        woo(_all_text(HOSTILE_TEXT)),
        Expect.IMPORTED,
        202,
        proof=ship_to_kept,
    )
    yield Case("woo-nul-in-names", woo(_all_text(NUL)), Expect.IMPORTED, 202, proof=ship_to_kept)
    yield Case(
        "woo-number-odata-or-1-eq-1",
        woo(_woo_number("{id}' or 1 eq 1 or '")),
        Expect.IMPORTED,
        202,
        proof=one_order_with_exact_number,
    )
    yield Case(
        "woo-number-odata-parenthesis",
        woo(_woo_number("{id}') or (number ne '")),
        Expect.IMPORTED,
        202,
        proof=one_order_with_exact_number,
    )
    yield Case(
        "woo-email-odata-or-1-eq-1",
        woo(_woo_email("x{id}' or 1 eq 1 or '@example.nl")),
        Expect.IMPORTED,
        202,
        proof=customer_is_new_with_email,
    )
    yield Case(
        "woo-email-odata-parenthesis",
        woo(_woo_email("x{id}') or (email ne '@example.nl")),
        Expect.IMPORTED,
        202,
        proof=customer_is_new_with_email,
    )
    yield Case(
        "woo-email-with-quote-and-unicode",
        woo(_woo_email("o'bri\u00ebn.{id}+\U0001f600@example.nl")),
        Expect.IMPORTED,
        202,
        proof=customer_is_new_with_email,
    )


def _shopify_cases() -> Iterator[Case]:

    yield Case("shopify-hmac-missing", shopify(signature=""), **UNAUTHENTICATED)
    yield Case("shopify-hmac-wrong-secret", shopify(secret="another-app"), **UNAUTHENTICATED)
    yield Case(
        "shopify-hmac-over-another-body", shopify(signature=base64_hmac_sha256(b"{}", "another-app")), **UNAUTHENTICATED
    )
    yield Case("shopify-webhook-id-missing", shopify(webhook_id=""), **MALFORMED)
    yield Case("shopify-refund-hmac-forged", shopify_refund(secret="another-app"), **UNAUTHENTICATED)
    yield Case("shopify-refund-without-order-id", shopify_refund(set_at("order_id", DELETE)), **MALFORMED)
    yield Case("shopify-refund-order-id-negative", shopify_refund(set_at("order_id", -(2**62))), **MALFORMED)
    yield Case("shopify-refund-id-negative", shopify_refund(set_at("id", -1)), **MALFORMED)
    yield Case("shopify-unknown-topic", shopify(topic="orders/delete"), Expect.ACKNOWLEDGED, 200)
    yield Case(
        "shopify-replayed-as-orders-updated", shopify_replayed_with_topic("orders/updated"), Expect.DUPLICATE, 200
    )
    yield Case("shopify-wrong-method-get", request("GET", f"webhooks/shopify/{SHOPIFY_SHOP}"), Expect.HOST_REFUSED, 405)
    yield Case("shopify-body-not-json", shopify_raw(lambda p: f"<order id={p['id']}/>".encode()), **MALFORMED)
    yield Case("shopify-body-truncated", shopify_raw(lambda p: _body(p)[:-3]), **MALFORMED)
    yield Case("shopify-id-beyond-int64", shopify(set_at("id", 2**64 + 1)), **MALFORMED)
    yield Case("shopify-id-negative", shopify(set_at("id", -(2**62))), **MALFORMED)
    yield Case("shopify-line-items-an-object", shopify(set_at("line_items", {"0": {"sku": "x"}})), **MALFORMED)
    yield Case("shopify-quantity-negative", shopify(set_at("line_items.0.quantity", -1)), **MALFORMED)
    yield Case("shopify-quantity-fraction", shopify(set_at("line_items.0.quantity", 1.5)), **MALFORMED)
    yield Case("shopify-price-NaN", shopify(set_at("line_items.0.price", "NaN")), **MALFORMED)
    yield Case("shopify-total-1e400", shopify(set_at("total_price", RAW), raw="1e400"), **MALFORMED)
    yield Case("shopify-currency-number", shopify(set_at("currency", 978)), **MALFORMED)
    yield Case("shopify-name-null", shopify(set_at("name", None)), **MALFORMED)
    yield Case(
        "shopify-id-a-float",
        shopify(set_at("id", RAW), raw="6.990000000000001e18"),
        **MALFORMED,
    )
    yield Case("shopify-id-a-digit-string", shopify(set_at("id", "6990000000000009999")), Expect.IMPORTED, 202)
    yield Case(
        "shopify-price-negative",
        shopify(set_at("line_items.0.price", "-50.00")),
        **MALFORMED,
    )
    yield Case(
        "shopify-updated-at-year-1-east-of-utc",
        shopify(set_at("updated_at", "0001-01-01T00:30:00+01:00")),
        **MALFORMED,
    )
    yield Case("shopify-woocommerce-delivery-replayed-here", woo_replayed_to_shopify(), **UNAUTHENTICATED)

    yield Case("shopify-unknown-currency", shopify(set_at("currency", "QQQ")), Expect.PARKED, 202, reason="BC refused")
    yield Case("shopify-nulls-everywhere", shopify(_shopify_nulls), Expect.PARKED, 202, reason="has no SKU")
    yield Case(
        "shopify-sku-odata-or-1-eq-1",
        shopify(set_at("line_items.0.sku", SKU_OR)),
        Expect.PARKED,
        202,
        reason=f"Unknown SKU '{SKU_OR}'",
    )
    yield Case(
        "shopify-name-odata-or-1-eq-1",
        shopify(_shopify_name("#{n}' or 1 eq 1 or '")),
        Expect.IMPORTED,
        202,
        proof=one_order_with_exact_number,
    )
    yield Case(
        "shopify-email-odata-parenthesis",
        shopify(_shopify_email("y{id}') or (email ne '@example.nl")),
        Expect.IMPORTED,
        202,
        proof=customer_is_new_with_email,
    )
    yield Case("shopify-unicode-and-quotes-everywhere", shopify(_shopify_all_text(HOSTILE_TEXT)), Expect.IMPORTED, 202)


def _status_cases(shop: str) -> Iterator[Case]:
    """The customer-facing status route reads the same keys as the dossier: refused alike."""
    yield Case("status-backslash", request("GET", f"orders/{WOO}/{shop}/..%5C..%5Cx/status"), **MALFORMED)
    yield Case("status-nul", request("GET", f"orders/{WOO}/{shop}/1%00/status"), **MALFORMED)
    yield Case("status-very-long-order-id", request("GET", f"orders/{WOO}/{shop}/{LONG}/status"), **MALFORMED)
    yield Case("status-source-upper-case", request("GET", f"orders/WOOCOMMERCE/{shop}/1/status"), **MALFORMED)
    yield Case("status-unknown-source", request("GET", f"orders/magento/{shop}/1/status"), **NOT_FOUND)
    yield Case(
        "status-table-filter-injection",
        request("GET", f"orders/{WOO}/{shop}/" + quote("1' or PartitionKey ne '", safe="") + "/status"),
        **NOT_FOUND,
    )
    yield Case("status-wrong-method-post", request("POST", f"orders/{WOO}/{shop}/1/status"), Expect.HOST_REFUSED, 405)


def _read_cases() -> Iterator[Case]:
    shop = WOOCOMMERCE_SHOP

    yield Case("dossier-path-traversal-order-id", request("GET", f"orders/{WOO}/{shop}/{TRAVERSAL}"), **MALFORMED)
    yield Case("dossier-path-traversal-shop", request("GET", f"orders/{WOO}/%2e%2e/7100001"), **MALFORMED)
    yield Case("dossier-dot-dot-segment", request("GET", f"orders/{WOO}/{shop}/.."), Expect.HOST_REFUSED, 404)
    yield Case("dossier-backslash", request("GET", f"orders/{WOO}/{shop}/..%5C..%5Cx"), **MALFORMED)
    yield Case("dossier-hash-and-question", request("GET", f"orders/{WOO}/{shop}/1%23%3F"), **MALFORMED)
    yield Case("dossier-nul", request("GET", f"orders/{WOO}/{shop}/1%00"), **MALFORMED)
    yield Case("dossier-very-long-order-id", request("GET", f"orders/{WOO}/{shop}/{LONG}"), **MALFORMED)
    yield Case("dossier-very-long-shop", request("GET", f"orders/{WOO}/{'s' * 2000}/1"), **MALFORMED)
    yield Case("dossier-source-upper-case", request("GET", f"orders/WOOCOMMERCE/{shop}/1"), **MALFORMED)
    yield Case("dossier-unknown-source", request("GET", f"orders/magento/{shop}/1"), **NOT_FOUND)
    yield Case(
        "dossier-table-filter-injection",
        request("GET", f"orders/{WOO}/{shop}/" + quote("1' or PartitionKey ne '", safe="")),
        **NOT_FOUND,
    )
    yield Case("dossier-emoji-rtl-order-id", request("GET", f"orders/{WOO}/{shop}/" + quote(EMOJI + RTL)), **NOT_FOUND)
    yield Case("dossier-lone-surrogate-bytes", request("GET", f"orders/{WOO}/{shop}/%ED%A0%80"), **NOT_FOUND)
    yield Case("dossier-wrong-method-post", request("POST", f"orders/{WOO}/{shop}/1"), Expect.HOST_REFUSED, 405)
    yield from _status_cases(shop)

    yield Case("attention-wrong-method-post", request("POST", "ops/attention"), Expect.HOST_REFUSED, 405)
    yield Case("attention-wrong-method-delete", request("DELETE", "ops/attention"), Expect.HOST_REFUSED, 405)
    yield Case(
        "attention-junk-query",
        request("GET", "ops/attention?$filter=" + quote("1 eq 1 or ''='") + "&$top=-1&code=%00"),
        Expect.ANSWERED,
        200,
    )

    replay = f"ops/orders/{WOO}/{shop}"
    yield Case("replay-unknown-order", request("POST", f"{replay}/7099999/replay"), **NOT_FOUND)
    yield Case("replay-of-a-refused-delivery", replay_of_refused(), **NOT_FOUND)
    yield Case("replay-path-traversal", request("POST", f"{replay}/{TRAVERSAL}/replay"), **MALFORMED)
    yield Case("replay-very-long-order-id", request("POST", f"{replay}/{LONG}/replay"), **MALFORMED)
    yield Case(
        "replay-table-filter-injection",
        request("POST", f"{replay}/" + quote("1' or RowKey ne '", safe="") + "/replay"),
        **NOT_FOUND,
    )
    yield Case("replay-wrong-method-get", request("GET", f"{replay}/7100001/replay"), Expect.HOST_REFUSED, 405)
    yield from _portal_return_cases()


def _portal_return_cases() -> Iterator[Case]:
    one = b'"lines": [{"itemNumber": "1900-S", "quantity": "1"}]'
    yield Case("portal-return-not-json", portal_return(b"return everything"), **MALFORMED)
    yield Case("portal-return-no-lines", portal_return(b'{"orderId": "PO-1", "lines": []}'), **MALFORMED)
    negative = b'{"orderId": "PO-1", "lines": [{"itemNumber": "1900-S", "quantity": "-1"}]}'
    yield Case("portal-return-negative-quantity", portal_return(negative), **MALFORMED)
    yield Case(
        "portal-return-refund-asked-too",
        portal_return(b'{"orderId": "PO-1", "refund": "all", ' + one + b"}"),
        **MALFORMED,
    )
    yield Case(
        "portal-return-order-path-traversal", portal_return(b'{"orderId": "../PO-1", ' + one + b"}"), **MALFORMED
    )
    yield Case(
        "portal-return-customer-injection", portal_return(b'{"orderId": "PO-1", ' + one + b"}", "C1'--"), **MALFORMED
    )
    yield Case("portal-return-unknown-order", portal_return(b'{"orderId": "PO-7099999", ' + one + b"}"), **NOT_FOUND)
    yield Case(
        "portal-return-wrong-method-delete",
        request("DELETE", "portal/customers/C10000/returns"),
        Expect.HOST_REFUSED,
        405,
    )


# --- Sendcloud: carrier events (no order to settle: every case is refused, acknowledged or a duplicate) ----------

_parcel_ids = itertools.count(880_000_001)


def post_sendcloud(
    world: World, body: bytes, *, signature: str | None = None, account: str = SENDCLOUD_ACCOUNT, secret: str = ""
) -> httpx.Response:
    """A Sendcloud webhook; by default signed correctly (hex HMAC-SHA256 of `body`) with the account's secret."""
    sig = hex_hmac_sha256(body, secret or world.stack.sendcloud_secret) if signature is None else signature
    headers = {"Content-Type": "application/json"}
    if sig:
        headers["Sendcloud-Signature"] = sig
    return httpx.post(f"{world.url}/api/webhooks/sendcloud/{account}", content=body, headers=headers, timeout=30)


def parcel_status_changed(status_id: int = 80, message: str = "Unable to deliver") -> dict[str, Any]:
    """A parcel of an order Koppel does not have: accepted, it would be listed for a person."""
    status = {"id": status_id, "message": message}
    parcel = {"id": next(_parcel_ids), "tracking_number": "3SHOSTILE", "order_number": "7099999", "status": status}
    return {"action": "parcel_status_changed", "timestamp": int(time.time() * 1000), "parcel": parcel}


def sendcloud(make_body: Callable[[dict[str, Any]], bytes] = _body, **options: Any) -> Callable[[World], Sent]:
    def send(world: World) -> Sent:
        payload = parcel_status_changed()
        return Sent(post_sendcloud(world, make_body(payload), **options), None, payload)

    return send


def sendcloud_signed(sign: Callable[[bytes, str], str]) -> Callable[[World], Sent]:
    """A parcel_status_changed whose signature is `sign(body, the account's secret)`."""

    def send(world: World) -> Sent:
        payload = parcel_status_changed()
        body = _body(payload)
        return Sent(post_sendcloud(world, body, signature=sign(body, world.stack.sendcloud_secret)), None, payload)

    return send


def sendcloud_replayed_after_processing() -> Callable[[World], Sent]:
    """A carrier event is taken in and worked off (it names no order: listed for a person); Sendcloud sends it again."""

    def send(world: World) -> Sent:
        payload = parcel_status_changed(3, "En route to sorting center")
        first = post_sendcloud(world, _body(payload))
        assert first.status_code == 202, first.text
        log = TableEventLog(StorageAccount(world.stack.azurite.connection_string))
        stream, event_id = StreamKey.parse(first.json()["parcel"]), first.json()["eventId"]
        deadline = time.monotonic() + 30
        while (event := log.get(stream, event_id)) is None or event.status is EventStatus.RECEIVED:
            assert time.monotonic() < deadline, "the carrier event was not worked off"
            time.sleep(0.2)
        world.baseline()
        return Sent(post_sendcloud(world, _body(payload)), None, payload)

    return send


def _re_serialised(body: bytes, secret: str) -> str:
    return hex_hmac_sha256(json.dumps(json.loads(body), separators=(",", ":")).encode(), secret)


def _sendcloud_cases() -> Iterator[Case]:
    yield Case("sendcloud-signature-missing", sendcloud(signature=""), **UNAUTHENTICATED)
    yield Case("sendcloud-signature-wrong-secret", sendcloud(secret="another-integration"), **UNAUTHENTICATED)
    yield Case("sendcloud-signature-base64-not-hex", sendcloud_signed(base64_hmac_sha256), **UNAUTHENTICATED)
    yield Case(
        "sendcloud-signature-over-another-body",
        sendcloud_signed(lambda _body, secret: hex_hmac_sha256(b"{}", secret)),
        **UNAUTHENTICATED,
    )
    yield Case("sendcloud-signature-over-re-serialised-json", sendcloud_signed(_re_serialised), **UNAUTHENTICATED)
    yield Case("sendcloud-unknown-account", sendcloud(account="nobody"), Expect.REFUSED, 404, "unknown_source")
    yield Case("sendcloud-body-not-json", sendcloud(lambda _p: b"<parcel/>"), **MALFORMED)
    yield Case("sendcloud-body-an-array", sendcloud(lambda p: json.dumps([p]).encode()), **MALFORMED)
    yield Case("sendcloud-action-missing", sendcloud(lambda p: _body({"parcel": p["parcel"]})), **MALFORMED)
    yield Case(
        "sendcloud-body-one-byte-too-large",
        sendcloud(lambda p: _body(p | {"padding": "x" * MAX_BODY})),
        Expect.REFUSED,
        413,
        "too_large",
    )
    yield Case(
        "sendcloud-another-action",
        sendcloud(lambda p: _body(p | {"action": "integration_deleted"})),
        Expect.ACKNOWLEDGED,
        200,
    )
    yield Case(
        "sendcloud-wrong-method-get",
        request("GET", f"webhooks/sendcloud/{SENDCLOUD_ACCOUNT}"),
        Expect.HOST_REFUSED,
        405,
    )
    yield Case("sendcloud-replayed-after-processing", sendcloud_replayed_after_processing(), Expect.DUPLICATE, 200)


CASES: list[Case] = [*_woo_cases(), *_shopify_cases(), *_read_cases(), *_sendcloud_cases()]
