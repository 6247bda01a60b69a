"""The Mollie API v2 payments routes behind the API key, the /_sim/ controls, and the webhook calls they cause."""

from __future__ import annotations

import hmac
import json
import logging
import re
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from aiohttp import web

from localdev.simulators.mollie.payments import (
    WEBHOOK_STATUSES,
    Amount,
    Chargeback,
    Ids,
    MollieError,
    Payable,
    Payment,
    PaymentLink,
    Refund,
    chargeback_json,
    listing,
    payable_fields,
    payment_json,
    payment_link_json,
    refund_json,
    timestamp,
)
from localdev.simulators.mollie.webhooks import Dispatcher, EventTarget
from localdev.simulators.provider import FAULTS_RULE, Faults, add_fault_controls, count_call, json_object
from localdev.simulators.provider_calls import (
    DrawnFaults,
    IdempotentAnswers,
    add_drawn_fault_controls,
    with_drawn_fault,
)

logger = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
PAYMENT = r"/v2/payments/{payment_id}"
PAYLOADS = frozenset({"full", "simple"})
VALUE = re.compile(r"^\d{1,10}\.\d{2}$")
CURRENCY = re.compile(r"^[A-Z]{3}$")
MISSING_KEY = "Missing authentication, or failed to authenticate"
API_KEY_PREFIXES = ("test_", "live_")
"""An API key; an organization access token starts `access_` (docs.mollie.com/reference/authentication)."""
IDEMPOTENCY_WINDOW_S = 3600.0
"""Mollie keeps an idempotency key's answer for one hour (mollie/api-documentation source/overview/
api-idempotency.rst, since 2022-12-07)."""
REFUNDS_PAGE = re.compile(r"^/v2/payments/[^/]+/refunds$")
DEFAULT_LIMIT, MAX_LIMIT = 50, 250
MAX_DESCRIPTION, MAX_METADATA_BYTES = 140, 1024


class MollieAccount:
    """All state of one simulated Mollie account; every coroutine runs on the server's loop."""

    def __init__(self, api_key: str, seed: int, dispatcher: Dispatcher, clock: Callable[[], float]) -> None:
        self.api_key = api_key
        self.clock = clock
        self.mode = "live" if api_key.startswith("live_") else "test"
        self.base_url = ""
        self.ids = Ids(seed)
        self.dispatcher = dispatcher
        self.faults = Faults(503)
        """The next `count` API calls answer `status` (500 or 503) in Mollie's error shape."""
        self.calls: Counter[str] = Counter()
        self.answers = IdempotentAnswers(IDEMPOTENCY_WINDOW_S, clock)
        self.rate_faults = DrawnFaults(lambda request: bool(REFUNDS_PAGE.match(request.path)))
        """Drawn faults on creating and listing a payment's refunds, off until `/_sim/rate-faults` sets rates."""
        self.payments: dict[str, Payment] = {}
        self.payment_links: dict[str, PaymentLink] = {}
        self.events: dict[str, dict[str, Any]] = {}
        """Every next-gen event as sent in full (with its entity), whatever payload went out."""

    def application(self) -> web.Application:
        app = web.Application(middlewares=[_errors, self._api_gate])
        app.router.add_post("/v2/payments", self.create_payment)
        app.router.add_get(PAYMENT, self.get_payment)
        app.router.add_get(f"{PAYMENT}/refunds", self.list_refunds)
        app.router.add_post(f"{PAYMENT}/refunds", self.create_refund)
        app.router.add_get(f"{PAYMENT}/chargebacks", self.list_chargebacks)
        app.router.add_post("/v2/payment-links", self.create_payment_link)
        app.router.add_get("/v2/payment-links/{link_id}", self.get_payment_link)
        app.router.add_get("/v2/events/{event_id}", self.get_event)
        app.router.add_post("/_sim/payment-links/{link_id}/pay", self.pay_payment_link)
        app.router.add_post("/_sim/payments/{payment_id}/status", self.set_status)
        app.router.add_post("/_sim/payments/{payment_id}/chargebacks", self.add_chargeback)
        app.router.add_post("/_sim/payments/{payment_id}/refunds/{refund_id}/status", self.set_refund_status)
        add_fault_controls(app, self.faults, _answer, _json_body, lambda: MollieError(400, FAULTS_RULE))
        add_drawn_fault_controls(app, self.rate_faults, _answer, lambda message: MollieError(400, message))
        app.router.add_post("/_sim/event-webhook", self.set_event_webhook)
        app.router.add_get("/_sim/stats", self.get_stats)
        app.router.add_get("/_sim/deliveries", self.get_deliveries)
        app.on_cleanup.append(lambda _app: self.dispatcher.close())
        return app

    async def create_payment(self, request: web.Request) -> web.Response:
        body = await _json_body(request)
        _optional_text(body, "billingEmail")  # where a bank transfer's instructions go: taken, never shown again
        payment = Payment(
            **self._payable("tr_", body), metadata=body.get("metadata"), billing_address=_billing_address(body)
        )
        self.payments[payment.id] = payment
        return _answer(payment_json(payment, self.base_url), 201)

    async def get_payment(self, request: web.Request) -> web.Response:
        return _answer(payment_json(self._payment(request), self.base_url))

    async def list_refunds(self, request: web.Request) -> web.Response:
        """Oldest first, `limit` (1..250, default 50) at a time from the refund `from` names (itself included); the
        `next` link names the rest."""
        payment = self._payment(request)
        limit = _limit(request.query.get("limit"))
        refunds = payment.refunds
        start = request.query.get("from")
        if start is not None:
            ids = [refund.id for refund in refunds]
            refunds = refunds[ids.index(start) :] if start in ids else []
        own = f"{self.base_url}{request.path}"
        page = [refund_json(payment, refund, self.base_url) for refund in refunds[:limit]]
        rest = f"{own}?from={refunds[limit].id}&limit={limit}" if len(refunds) > limit else None
        return _answer(listing("refunds", page, own, rest))

    async def create_refund(self, request: web.Request) -> web.Response:
        """Refunds the given amount, or what remains when no amount is given; calls the webhook again."""
        payment = self._payment(request)
        body = await _json_body(request)
        raw_amount = body.get("amount")
        amount = (
            Amount(payment.remaining(), payment.amount.currency)
            if raw_amount is None
            else _amount(raw_amount, "amount")
        )
        refund = Refund(self.ids.next("re_"), amount, _description(body), _metadata(body), self._now())
        payment.refund(refund)
        answer = refund_json(payment, refund, self.base_url)
        self.dispatcher.classic(payment.id, payment.webhook_url)
        self.dispatcher.event(self._event("refund.pending", refund.id, answer))
        return _answer(answer, 201)

    async def list_chargebacks(self, request: web.Request) -> web.Response:
        payment = self._payment(request)
        chargebacks = [chargeback_json(payment, chargeback, self.base_url) for chargeback in payment.chargebacks]
        return _answer(listing("chargebacks", chargebacks, f"{self.base_url}{request.path}"))

    async def set_status(self, request: web.Request) -> web.Response:
        """`{"status": "paid", "method": "ideal"}`: moves the payment and calls its webhook (not for pending)."""
        payment = self._payment(request)
        body = await _json_body(request)
        status = _required_text(body, "status")
        payment.move_to(status, _optional_text(body, "method") or "ideal", self._now())
        answer = payment_json(payment, self.base_url)
        if status in WEBHOOK_STATUSES:
            self.dispatcher.classic(payment.id, payment.webhook_url)
            self.dispatcher.event(self._event(f"payment.{status}", payment.id, answer))
        return _answer(answer)

    async def set_refund_status(self, request: web.Request) -> web.Response:
        """`{"status": "failed"}`: moves the refund (REFUND_STEPS); a failed or canceled one no longer counts as
        refunded. No webhook call."""
        payment = self._payment(request)
        refund_id = request.match_info["refund_id"]
        refund = next((each for each in payment.refunds if each.id == refund_id), None)
        if refund is None:
            raise MollieError(404, f"No refund exists with token {refund_id}.")
        refund.move_to(_required_text(await _json_body(request), "status"))
        return _answer(refund_json(payment, refund, self.base_url))

    async def add_chargeback(self, request: web.Request) -> web.Response:
        """`{"amount": "10.00", "reason": {"code": "AC01", "description": "..."}}`; no amount: the full amount."""
        payment = self._payment(request)
        body = await _json_body(request)
        raw_value = body.get("amount")
        value = payment.amount.value - payment.charged_back() if raw_value is None else _value(raw_value, "amount")
        reason = body.get("reason")
        chargeback = Chargeback(
            self.ids.next("chb_"),
            Amount(value, payment.amount.currency),
            reason if isinstance(reason, dict) else None,
            self._now(),
        )
        payment.charge_back(chargeback)
        answer = chargeback_json(payment, chargeback, self.base_url)
        self.dispatcher.classic(payment.id, payment.webhook_url)
        self.dispatcher.event(self._event("chargeback.received", chargeback.id, answer))
        return _answer(answer, 201)

    async def create_payment_link(self, request: web.Request) -> web.Response:
        """`{amount, description, redirectUrl?, webhookUrl?}`: 201, not paid yet."""
        body = await _json_body(request)
        paid_link = PaymentLink(**self._payable("pl_", body))
        self.payment_links[paid_link.id] = paid_link
        return _answer(payment_link_json(paid_link, self.base_url), 201)

    async def get_payment_link(self, request: web.Request) -> web.Response:
        return _answer(payment_link_json(self._payment_link(request), self.base_url))

    async def pay_payment_link(self, request: web.Request) -> web.Response:
        """`{"method": "ideal"}`: the link is paid by a new payment (`tr_`, the link's amount, description and
        webhook URL, no metadata); the link's webhook URL is called with the payment's id, and the events
        `payment.paid` (the payment) and `payment-link.paid` (the link, which names no payment) are sent."""
        paid_link = self._payment_link(request)
        if paid_link.paid_at is not None:
            raise MollieError(422, f"The payment link {paid_link.id} has been paid already", "status")
        method = _optional_text(await _json_body(request), "method") or "ideal"
        payment = Payment(**payable_fields(paid_link) | {"id": self.ids.next("tr_"), "created_at": self._now()})
        self.payments[payment.id] = payment
        payment.move_to("paid", method, self._now())
        paid_link.paid_at = self._now()
        paid, link_answer = payment_json(payment, self.base_url), payment_link_json(paid_link, self.base_url)
        self.dispatcher.classic(payment.id, payment.webhook_url)
        self.dispatcher.event(self._event("payment.paid", payment.id, paid))
        self.dispatcher.event(self._event("payment-link.paid", paid_link.id, link_answer))
        return _answer({"paymentLink": link_answer, "payment": paid})

    async def get_event(self, request: web.Request) -> web.Response:
        """The event with its entity embedded; only for an organization access token or OAuth with `events.read`,
        never an API key (docs.mollie.com/reference/get-webhook-event)."""
        if self.api_key.startswith(API_KEY_PREFIXES):
            raise MollieError(403, "This endpoint needs an organization access token or OAuth with events.read")
        event_id = request.match_info["event_id"]
        event = self.events.get(event_id)
        if event is None:
            raise MollieError(404, f"No event exists with token {event_id}.")
        return _answer(event)

    async def set_event_webhook(self, request: web.Request) -> web.Response:
        """`{"url": ..., "signing_secret": ..., "payload": "full"|"simple"}` starts next-gen events (full: with the
        entity embedded, the default); `{"url": null}` stops them."""
        body = await _json_body(request)
        url = _optional_text(body, "url")
        secret = _optional_text(body, "signing_secret")
        payload = _optional_text(body, "payload") or "full"
        if url is not None and not secret:
            raise MollieError(400, "a signing_secret is needed with a url", "signing_secret")
        if payload not in PAYLOADS:
            raise MollieError(400, "payload must be full or simple", "payload")
        self.dispatcher.events = EventTarget(url, secret or "", payload) if url is not None else None
        return _answer({"url": url, "payload": payload})

    async def get_stats(self, _request: web.Request) -> web.Response:
        return _answer(
            {
                "calls": dict(self.calls),
                "payments": len(self.payments),
                "refunds": sum(len(p.refunds) for p in self.payments.values()),
                "chargebacks": sum(len(p.chargebacks) for p in self.payments.values()),
                "deliveries": len(self.dispatcher.deliveries),
            }
        )

    async def get_deliveries(self, _request: web.Request) -> web.Response:
        return _answer([delivery._asdict() for delivery in self.dispatcher.deliveries])

    def _payable(self, prefix: str, body: dict[str, Any]) -> dict[str, Any]:
        """The fields a payment and a payment link are both created with (`POST /v2/payments`, `/v2/payment-links`)."""
        return payable_fields(
            Payable(
                id=self.ids.next(prefix),
                mode=self.mode,
                created_at=self._now(),
                amount=_amount(body.get("amount"), "amount"),
                description=_required_text(body, "description"),
                redirect_url=_optional_text(body, "redirectUrl"),
                webhook_url=_optional_text(body, "webhookUrl"),
            )
        )

    def _payment(self, request: web.Request) -> Payment:
        payment_id = request.match_info["payment_id"]
        payment = self.payments.get(payment_id)
        if payment is None:
            raise MollieError(404, f"No payment exists with token {payment_id}.")
        return payment

    def _payment_link(self, request: web.Request) -> PaymentLink:
        link_id = request.match_info["link_id"]
        found = self.payment_links.get(link_id)
        if found is None:
            raise MollieError(404, f"No payment link exists with token {link_id}.")
        return found

    def _event(self, kind: str, entity_id: str, entity: dict[str, Any]) -> dict[str, Any]:
        """A next-gen event with the entity as it is now (`_embedded.entity`, the "full" payload), kept to be read
        back at `GET /v2/events/{id}`."""
        event: dict[str, Any] = {
            "resource": "event",
            "id": self.ids.next("event_"),
            "type": kind,
            "entityId": entity_id,
            "createdAt": timestamp(self._now()),
            "_embedded": {"entity": entity},
        }
        self.events[event["id"]] = event
        return event

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), UTC)

    @web.middleware
    async def _api_gate(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """/v2/ calls need `Authorization: Bearer <api key>`; they are counted and may meet a planned fault, else a
        drawn one (the refund routes); a POST's answer is kept under its `Idempotency-Key`."""
        if not request.path.startswith("/v2/"):
            return await handler(request)
        count_call(self.calls, request)
        scheme, _, key = request.headers.get("Authorization", "").partition(" ")
        if scheme != "Bearer" or not hmac.compare_digest(key.encode(), self.api_key.encode()):
            raise MollieError(401, MISSING_KEY, docs="authentication")
        fault = self.faults.take()
        if fault is not None:
            raise MollieError(fault, "The simulator was told to fail this call")

        async def carry_out(call: web.Request) -> web.StreamResponse:
            return await self.answers.answer(call, handler, _key_misused, _key_in_use, _refusal)

        return await with_drawn_fault(self.rate_faults, request, carry_out, _drawn_refusal)


def _limit(raw: str | None) -> int:
    if raw is None:
        return DEFAULT_LIMIT
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise MollieError(400, f"The limit must be a number between 1 and {MAX_LIMIT}", "limit")
    return int(raw)


def _description(body: dict[str, Any]) -> str:
    """A refund's description: at most 140 characters (docs: create-payment-refund)."""
    description = _optional_text(body, "description") or ""
    if len(description) > MAX_DESCRIPTION:
        raise MollieError(422, f"The description must be at most {MAX_DESCRIPTION} characters", "description")
    return description


def _metadata(body: dict[str, Any]) -> Any:
    """Any JSON value, up to about 1 kB (docs: create-payment-refund)."""
    metadata = body.get("metadata")
    if len(json.dumps(metadata).encode()) > MAX_METADATA_BYTES:
        raise MollieError(422, "The metadata is too large", "metadata")
    return metadata


def _answer(body: object, status: int = 200) -> web.Response:
    return web.Response(status=status, body=json.dumps(body).encode(), content_type="application/hal+json")


def _refusal(error: Exception) -> web.Response | None:
    return _answer(error.body(), error.status) if isinstance(error, MollieError) else None


def _key_misused() -> MollieError:
    """The same key for another endpoint or other parameters: 400 (the docs give the status, not the words)."""
    return MollieError(400, "The idempotency key was used before for another request", docs="api-idempotency")


def _key_in_use() -> MollieError:
    """The first call with the key is still being carried out: 409 (the docs give the status, not the words)."""
    return MollieError(409, "A request with this idempotency key is still being processed", docs="api-idempotency")


def _drawn_refusal(status: int) -> MollieError:
    """A drawn 429 (Mollie's rate limit) or 503 (when many refunds are made at once), nothing done."""
    return MollieError(status, "Too many requests" if status == 429 else "The service is temporarily unavailable")


async def _json_body(request: web.Request) -> dict[str, Any]:
    return await json_object(request, "request body", lambda message: MollieError(400, message))


def _required_text(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value:
        raise MollieError(422, f"The '{name}' field is required", name)
    return value


def _optional_text(body: dict[str, Any], name: str) -> str | None:
    value = body.get(name)
    if value is not None and not isinstance(value, str):
        raise MollieError(422, f"The '{name}' field should be a string", name)
    return value


def _billing_address(body: dict[str, Any]) -> dict[str, Any] | None:
    """`billingAddress`: an object whose `email`, when given, is a string."""
    address = body.get("billingAddress")
    if address is None:
        return None
    if not isinstance(address, dict):
        raise MollieError(422, "The 'billingAddress' field should be an object", "billingAddress")
    _optional_text(address, "email")
    return address


def _amount(raw: Any, name: str) -> Amount:
    """`{"currency": "EUR", "value": "10.00"}`: a string value with exactly two decimals, more than zero."""
    if not isinstance(raw, dict):
        raise MollieError(422, f"The '{name}' field is required", name)
    currency = raw.get("currency")
    if not isinstance(currency, str) or not CURRENCY.match(currency):
        raise MollieError(422, "The currency is invalid", f"{name}.currency")
    return Amount(_value(raw.get("value"), f"{name}.value"), currency)


def _value(raw: Any, name: str) -> Decimal:
    if not isinstance(raw, str) or not VALUE.match(raw) or Decimal(raw) <= 0:
        raise MollieError(422, "The amount contains an invalid value", name)
    return Decimal(raw)


@web.middleware
async def _errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """MollieError and routing errors in Mollie's error shape; an unexpected bug as a logged 500."""
    try:
        return await handler(request)
    except MollieError as error:
        return _answer(error.body(), error.status)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        return _answer(MollieError(exc.status, exc.reason).body(), exc.status)
    except Exception:
        logger.exception("Mollie simulator failed on %s %s", request.method, request.path)
        return _answer(MollieError(500, "Internal Server Error").body(), 500)
