"""Stripe's payment routes behind the secret key, the /_sim/ controls, and the events they publish."""

from __future__ import annotations

import hmac
import json
import logging
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from localdev.simulators.provider import FAULTS_RULE, Faults, add_fault_controls, count_call, json_object
from localdev.simulators.provider_calls import (
    DrawnFaults,
    IdempotentAnswers,
    add_drawn_fault_controls,
    with_drawn_fault,
)
from localdev.simulators.stripe.form import Form, mapping, only, parse_form, positive_int, text
from localdev.simulators.stripe.lists import list_page
from localdev.simulators.stripe.objects import (
    CLOSED,
    DECLINED,
    Charge,
    Dispute,
    Ids,
    Ledger,
    PaymentIntent,
    Refund,
    StripeError,
    missing,
)
from localdev.simulators.stripe.webhooks import Dispatcher, Endpoint

logger = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
INTENT = "/_sim/payment_intents/{intent_id}"
INTENT_PARAMS = frozenset(
    {"amount", "currency", "description", "metadata", "payment_method_types", "receipt_email", "expand"}
)
REFUND_PARAMS = frozenset({"payment_intent", "charge", "amount", "reason", "metadata", "expand"})
REFUND_REASONS = frozenset({"duplicate", "fraudulent", "requested_by_customer"})
NO_KEY = (
    "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer "
    "auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, "
    "or we can help at https://support.stripe.com/."
)
REQUEST_ID = web.RequestKey("request_id", str)
IDEMPOTENCY_WINDOW_S = 24 * 3600.0
"""Stripe prunes a key once it is at least 24 hours old (docs.stripe.com/api/idempotent_requests)."""
RATE_LIMITED = "Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits."


class StripeAccount:
    """All state of one simulated Stripe account; every coroutine runs on the server's loop."""

    def __init__(
        self, api_key: str, api_version: str, seed: int, dispatcher: Dispatcher, clock: Callable[[], float]
    ) -> None:
        self.api_key = api_key
        self.api_version = api_version
        self.ids = Ids(seed)
        self.dispatcher = dispatcher
        self.clock = clock
        self.ledger = Ledger()
        self.faults = Faults(500)
        """The next `count` API calls answer `status` (500 or 503) as `api_error`."""
        self.calls: Counter[str] = Counter()
        self.versions: Counter[str] = Counter()
        """API calls by the `Stripe-Version` they sent ("" for none: the account's default version applies)."""
        self.answers = IdempotentAnswers(IDEMPOTENCY_WINDOW_S, clock)
        self.rate_faults = DrawnFaults(lambda request: request.path == "/v1/refunds")
        """Drawn faults on `POST /v1/refunds` and `GET /v1/refunds`, off until `/_sim/rate-faults` sets rates."""

    def add_endpoint(self, url: str, secret: str | None = None) -> Endpoint:
        endpoint = Endpoint(self.ids.next("we_"), url, secret or self.ids.next("whsec_", 32))
        self.dispatcher.endpoints.append(endpoint)
        return endpoint

    def application(self) -> web.Application:
        app = web.Application(middlewares=[_errors, self._api_gate])
        app.router.add_post("/v1/payment_intents", self.create_intent)
        app.router.add_get("/v1/payment_intents/{intent_id}", self.get_intent)
        app.router.add_post("/v1/refunds", self.create_refund)
        app.router.add_get("/v1/refunds", self.list_refunds)
        app.router.add_get("/v1/disputes", self.list_disputes)
        app.router.add_get("/v1/events/{event_id}", self.get_event)
        app.router.add_post(f"{INTENT}/succeed", self.succeed)
        app.router.add_post(f"{INTENT}/fail", self.fail)
        app.router.add_post(f"{INTENT}/refund", self.refund)
        app.router.add_post(f"{INTENT}/dispute", self.dispute)
        app.router.add_post("/_sim/disputes/{dispute_id}/status", self.set_dispute_status)
        app.router.add_post("/_sim/refunds/{refund_id}/status", self.set_refund_status)
        app.router.add_get("/_sim/endpoints", self.get_endpoints)
        app.router.add_post("/_sim/endpoints", self.post_endpoint)
        app.router.add_get("/_sim/events", self.list_events)
        app.router.add_post("/_sim/events/{event_id}/resend", self.resend)
        app.router.add_post("/_sim/hold", self.hold)
        app.router.add_post("/_sim/release", self.release)
        app.router.add_get("/_sim/deliveries", self.get_deliveries)
        add_fault_controls(app, self.faults, _answer, _json_body, lambda: StripeError(400, FAULTS_RULE, param="status"))
        add_drawn_fault_controls(app, self.rate_faults, _answer, lambda message: StripeError(400, message))
        app.router.add_get("/_sim/stats", self.get_stats)
        app.on_cleanup.append(lambda _app: self.dispatcher.close())
        return app

    async def create_intent(self, request: web.Request) -> web.Response:
        form = await _form(request)
        only(form, INTENT_PARAMS)
        amount = positive_int(form, "amount", required=True)
        currency = text(form, "currency")
        if currency is None:
            raise StripeError(400, "Missing required param: currency.", "parameter_missing", "currency")
        if len(currency) != 3 or not currency.isalpha():
            raise StripeError(400, f"Invalid currency: {currency.lower()}.", "parameter_invalid_string", "currency")
        intent_id = self.ids.next("pi_")
        intent = PaymentIntent(
            id=intent_id,
            amount=amount or 0,
            currency=currency.lower(),
            description=text(form, "description"),
            metadata=mapping(form, "metadata"),
            created=self._now(),
            client_secret=f"{intent_id}_secret_{self.ids.next('', 25)}",
            receipt_email=text(form, "receipt_email"),
        )
        self.ledger.intents[intent.id] = intent
        return _answer(intent.json())

    async def get_intent(self, request: web.Request) -> web.Response:
        """`expand[]=latest_charge` embeds the charge instead of its id."""
        intent = self.ledger.intent(request.match_info["intent_id"])
        return _answer(intent.json("latest_charge" in request.query.getall("expand[]", [])))

    async def create_refund(self, request: web.Request) -> web.Response:
        form = await _form(request)
        only(form, REFUND_PARAMS)
        intent_id, charge_id = text(form, "payment_intent"), text(form, "charge")
        if intent_id is None and charge_id is None:
            raise StripeError(
                400,
                "One of the following params should be provided for this request: payment_intent or charge.",
                "parameter_missing",
            )
        charge = (
            self.ledger.intent(intent_id, "payment_intent").paid_charge("refund")
            if intent_id is not None
            else self.ledger.charge(charge_id or "")
        )
        reason = text(form, "reason")
        if reason is not None and reason not in REFUND_REASONS:
            raise StripeError(
                400,
                f"Invalid reason: must be one of {', '.join(sorted(REFUND_REASONS))}",
                "parameter_invalid_string",
                "reason",
            )
        refund = self._refund(
            charge, positive_int(form, "amount", required=False), reason, mapping(form, "metadata"), request
        )
        return _answer(refund.json())

    async def list_refunds(self, request: web.Request) -> web.Response:
        """`payment_intent` or `charge` narrow the list; newest first, a page at a time (stripe/lists.py)."""
        query = request.query
        found = [
            refund.json()
            for refund in reversed(self.ledger.refunds.values())
            if query.get("payment_intent", refund.charge.payment_intent) == refund.charge.payment_intent
            and query.get("charge", refund.charge.id) == refund.charge.id
        ]
        return _answer(list_page(query, found, "refund", "/v1/refunds"))

    async def list_disputes(self, request: web.Request) -> web.Response:
        """`payment_intent` or `charge` narrow the list; newest first, a page at a time (stripe/lists.py)."""
        query = request.query
        found = [
            dispute.json()
            for dispute in reversed(self.ledger.disputes.values())
            if query.get("payment_intent", dispute.charge.payment_intent) == dispute.charge.payment_intent
            and query.get("charge", dispute.charge.id) == dispute.charge.id
        ]
        return _answer(list_page(query, found, "dispute", "/v1/disputes"))

    async def get_event(self, request: web.Request) -> web.Response:
        event_id = request.match_info["event_id"]
        event = self.ledger.events.get(event_id)
        if event is None:
            raise missing("event", event_id)
        return _answer(event)

    async def succeed(self, request: web.Request) -> web.Response:
        """The customer paid: a charge, `payment_intent.succeeded`."""
        intent = self._intent(request)
        charge = Charge(
            id=self.ids.next("ch_"),
            amount=intent.amount,
            currency=intent.currency,
            payment_intent=intent.id,
            payment_method=self.ids.next("pm_"),
            description=intent.description,
            metadata=dict(intent.metadata),
            created=self._now(),
        )
        intent.succeed(charge)
        self.ledger.charges[charge.id] = charge
        self._publish("payment_intent.succeeded", intent.json(), None)
        return _answer(intent.json())

    async def fail(self, request: web.Request) -> web.Response:
        """`{"code": "card_declined", "decline_code": "insufficient_funds", "message": ...}`: a declined attempt,
        `payment_intent.payment_failed`."""
        intent = self._intent(request)
        body = await _json_body(request)
        intent.fail(
            str(body.get("code", "card_declined")),
            str(body.get("decline_code", "generic_decline")),
            str(body.get("message", DECLINED)),
        )
        self._publish("payment_intent.payment_failed", intent.json(), None)
        return _answer(intent.json())

    async def refund(self, request: web.Request) -> web.Response:
        """`{"amount": 500}` (cents; all that is left when left out): as `POST /v1/refunds`, `charge.refunded`."""
        intent = self._intent(request)
        body = await _json_body(request)
        refund = self._refund(intent.paid_charge("refund"), _cents(body), None, {}, None)
        return _answer(refund.json())

    async def dispute(self, request: web.Request) -> web.Response:
        """`{"amount": 500, "reason": "fraudulent", "inquiry": false}` (amount defaults to the charge's): a dispute
        (`needs_response`, funds withdrawn, no refunds) or an inquiry (`warning_needs_response`, nothing withdrawn);
        `charge.dispute.created`."""
        intent = self._intent(request)
        body = await _json_body(request)
        charge = intent.paid_charge("dispute")
        if charge.disputed:
            raise StripeError(400, f"Charge {charge.id} is already disputed.", "charge_disputed")
        amount = _cents(body) or charge.amount
        inquiry = body.get("inquiry", False) is True
        charge.disputed, charge.refundable = True, inquiry
        reason = str(body.get("reason", "fraudulent"))
        status = "warning_needs_response" if inquiry else "needs_response"
        dispute = Dispute(self.ids.next("dp_"), amount, charge, reason, self._now(), status)
        self.ledger.disputes[dispute.id] = dispute
        self._publish("charge.dispute.created", dispute.json(), None)
        return _answer(dispute.json())

    async def set_dispute_status(self, request: web.Request) -> web.Response:
        """`{"status": "lost"}`: under_review, won or lost (an inquiry: warning_under_review or warning_closed);
        `charge.dispute.closed` once closed, else `charge.dispute.updated`."""
        dispute_id = request.match_info["dispute_id"]
        dispute = self.ledger.disputes.get(dispute_id)
        if dispute is None:
            raise missing("dispute", dispute_id)
        dispute.move_to(str((await _json_body(request)).get("status", "")))
        kind = "charge.dispute.closed" if dispute.status in CLOSED else "charge.dispute.updated"
        self._publish(kind, dispute.json(), None)
        return _answer(dispute.json())

    async def set_refund_status(self, request: web.Request) -> web.Response:
        """`{"status": "failed"}`: moves the refund (objects.REFUND_STEPS); a failed or canceled one gives its amount
        back to the charge. No event."""
        refund_id = request.match_info["refund_id"]
        refund = self.ledger.refunds.get(refund_id)
        if refund is None:
            raise missing("refund", refund_id)
        refund.move_to(str((await _json_body(request)).get("status", "")))
        return _answer(refund.json())

    async def get_endpoints(self, _request: web.Request) -> web.Response:
        return _answer([endpoint.__dict__ for endpoint in self.dispatcher.endpoints])

    async def post_endpoint(self, request: web.Request) -> web.Response:
        """`{"url": ..., "secret": "whsec_..."}` (secret optional): one more endpoint; answers its secret."""
        body = await _json_body(request)
        url, secret = body.get("url"), body.get("secret")
        if not isinstance(url, str) or not (secret is None or isinstance(secret, str)):
            raise StripeError(400, "url must be a string, secret a string or left out", param="url")
        return _answer(self.add_endpoint(url, secret).__dict__)

    async def list_events(self, _request: web.Request) -> web.Response:
        return _answer(list(self.ledger.events.values()))

    async def resend(self, request: web.Request) -> web.Response:
        """`{"age_s": 0, "tamper": false}`: send the event once more to every endpoint and answer the outcomes."""
        event_id = request.match_info["event_id"]
        event = self.ledger.events.get(event_id)
        if event is None:
            raise missing("event", event_id)
        body = await _json_body(request)
        age_s, tamper = body.get("age_s", 0), body.get("tamper", False)
        if not isinstance(age_s, int) or age_s < 0 or not isinstance(tamper, bool):
            raise StripeError(400, "age_s must be a whole number >= 0 and tamper a boolean", param="age_s")
        sent = await self.dispatcher.resend(event, age_s, tamper)
        return _answer([delivery._asdict() for delivery in sent])

    async def hold(self, _request: web.Request) -> web.Response:
        self.dispatcher.holding = True
        return _answer({"holding": True, "held": self.dispatcher.held})

    async def release(self, request: web.Request) -> web.Response:
        """`{"order": "newest_first"}` (or "oldest_first"): send what was held, one event after another."""
        order = (await _json_body(request)).get("order", "newest_first")
        if order not in ("newest_first", "oldest_first"):
            raise StripeError(400, "order must be newest_first or oldest_first", param="order")
        return _answer({"released": self.dispatcher.release(order == "newest_first")})

    async def get_deliveries(self, _request: web.Request) -> web.Response:
        return _answer([delivery._asdict() for delivery in self.dispatcher.deliveries])

    async def get_stats(self, _request: web.Request) -> web.Response:
        ledger = self.ledger
        return _answer(
            {
                "calls": dict(self.calls),
                "payment_intents": len(ledger.intents),
                "refunds": len(ledger.refunds),
                "disputes": len(ledger.disputes),
                "versions": dict(self.versions),
                "events": len(ledger.events),
                "deliveries": len(self.dispatcher.deliveries),
            }
        )

    def _intent(self, request: web.Request) -> PaymentIntent:
        return self.ledger.intent(request.match_info["intent_id"])

    def _refund(
        self,
        charge: Charge,
        amount: int | None,
        reason: str | None,
        metadata: dict[str, str],
        request: web.Request | None,
    ) -> Refund:
        refund = Refund(self.ids.next("re_"), charge.refund(amount), charge, reason, metadata, self._now())
        self.ledger.refunds[refund.id] = refund
        self._publish("charge.refunded", charge.json(), request)
        return refund

    def _publish(self, kind: str, data: dict[str, Any], request: web.Request | None) -> None:
        """Record the event with the object as it is now, and hand it to the dispatcher."""
        event_id = self.ids.next("evt_")
        event = {
            "id": event_id,
            "object": "event",
            "api_version": self.api_version,
            "created": self._now(),
            "data": {"object": data},
            "livemode": False,
            "pending_webhooks": len(self.dispatcher.endpoints),
            "request": {
                "id": request[REQUEST_ID] if request is not None else None,
                "idempotency_key": request.headers.get("Idempotency-Key") if request is not None else None,
            },
            "type": kind,
        }
        self.ledger.events[event_id] = event
        self.dispatcher.publish(event)

    def _now(self) -> int:
        return int(self.clock())

    @web.middleware
    async def _api_gate(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """/v1/ calls need `Authorization: Bearer <secret key>`, are counted (with the `Stripe-Version` they pinned),
        may meet a planned fault, and carry a Request-Id and the version answered; a POST with an Idempotency-Key seen
        before gets the first answer again."""
        if not request.path.startswith("/v1/"):
            return await handler(request)
        count_call(self.calls, request)
        version = request.headers.get("Stripe-Version", "")
        self.versions[version] += 1
        request_id = self.ids.next("req_", 14)
        request[REQUEST_ID] = request_id
        try:
            response = await self._answer_call(request, handler)
        except StripeError as error:
            response = _answer(error.body(), error.status)
        response.headers["Request-Id"] = request_id
        response.headers["Stripe-Version"] = version or self.api_version
        return response

    async def _answer_call(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """A planned fault, else a drawn one (refund routes), else the call, its answer kept under its key."""
        self._authenticate(request.headers.get("Authorization", ""))
        fault = self.faults.take()
        if fault is not None:
            raise StripeError(fault, "An unknown error occurred", kind="api_error")

        async def carry_out(call: web.Request) -> web.StreamResponse:
            return await self.answers.answer(call, handler, _key_misused, _key_in_use, _refusal)

        return await with_drawn_fault(self.rate_faults, request, carry_out, _drawn_refusal)

    def _authenticate(self, authorization: str) -> None:
        scheme, _, key = authorization.partition(" ")
        if scheme != "Bearer" or not key:
            raise StripeError(401, NO_KEY)
        if not hmac.compare_digest(key.encode(), self.api_key.encode()):
            shown = key[:8] + "*" * max(len(key) - 12, 0) + key[-4:]
            raise StripeError(401, f"Invalid API Key provided: {shown}")


def _answer(body: object, status: int = 200) -> web.Response:
    return web.Response(status=status, body=json.dumps(body, indent=2).encode(), content_type="application/json")


def _refusal(error: Exception) -> web.Response | None:
    """The answer kept for a refusal; none for parameters that failed validation, which Stripe keeps no result for
    (docs.stripe.com/api/idempotent_requests)."""
    if not isinstance(error, StripeError) or (error.code or "").startswith("parameter_"):
        return None
    return _answer(error.body(), error.status)


def _key_misused() -> StripeError:
    message = "Keys for idempotent requests can only be used with the same parameters they were first used with."
    return StripeError(400, message, kind="idempotency_error")


def _key_in_use() -> StripeError:
    message = "There is currently another in-progress request using this idempotency key."
    return StripeError(409, message, "idempotency_key_in_use", kind="invalid_request_error")


def _drawn_refusal(status: int) -> StripeError:
    """A drawn 429 (Stripe's rate limit) or 503 (its API unavailable), before anything is done."""
    if status == 429:
        return StripeError(429, RATE_LIMITED, "rate_limit")
    return StripeError(status, "An unknown error occurred", kind="api_error")


async def _form(request: web.Request) -> Form:
    return parse_form((key, str(value)) for key, value in (await request.post()).items())


async def _json_body(request: web.Request) -> dict[str, Any]:
    return await json_object(request, "control body", lambda message: StripeError(400, message))


def _cents(body: dict[str, Any]) -> int | None:
    amount = body.get("amount")
    if amount is not None and (not isinstance(amount, int) or amount < 1):
        raise StripeError(400, "amount must be a positive whole number of cents", param="amount")
    return amount


@web.middleware
async def _errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """StripeError and routing errors in Stripe's error shape; an unexpected bug as a logged 500."""
    try:
        return await handler(request)
    except StripeError as error:
        return _answer(error.body(), error.status)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        return _answer(
            StripeError(exc.status, f"Unrecognized request URL ({request.method}: {request.path}).").body(), exc.status
        )
    except Exception:
        logger.exception("Stripe simulator failed on %s %s", request.method, request.path)
        return _answer(StripeError(500, "An unknown error occurred", kind="api_error").body(), 500)
