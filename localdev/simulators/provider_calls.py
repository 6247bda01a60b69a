"""What the payment-provider simulators' (Mollie, Stripe) API calls share: answers kept under their `Idempotency-Key`
for the provider's window, and faults drawn at a rate on the refund routes (localdev/simulators/rate_faults.py): a 429
or 503 before anything is done, or a lost answer (the call is carried out, then the connection closes unanswered)."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any, NamedTuple

from aiohttp import web

from localdev.simulators.rate_faults import FaultRates, RateFault

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
FAULT_KINDS: tuple[RateFault, ...] = ("429", "503", "lost_answer")


class Kept(NamedTuple):
    """The first answer to a key, with what was asked and when."""

    path: str
    body: bytes
    at: float
    status: int
    answer: bytes
    content_type: str


class IdempotentAnswers:
    """POSTs with an `Idempotency-Key`: the first answer is kept for `window_s` seconds and answered again (with
    `Idempotent-Replayed: true`) to the same path and body; `mismatch()` is raised for another path or body and
    `in_use()` while the first call with the key is still being carried out. Keys are the account's own."""

    def __init__(self, window_s: float, clock: Callable[[], float]) -> None:
        self.window_s = window_s
        self._clock = clock
        self._kept: dict[str, Kept] = {}
        self._in_flight: set[str] = set()

    async def answer(
        self,
        request: web.Request,
        handler: Handler,
        mismatch: Callable[[], Exception],
        in_use: Callable[[], Exception],
        refusal: Callable[[Any], web.StreamResponse | None],
    ) -> web.StreamResponse:
        """`refusal(error)` is the answer kept for an error the handler raised; None: nothing is kept and the error
        is raised (a request the provider refuses before carrying it out, or not the provider's own error)."""
        key = request.headers.get("Idempotency-Key") if request.method == "POST" else None
        if key is None:
            return await handler(request)
        body = await request.read()
        if key in self._in_flight:
            raise in_use()
        kept = self._kept.get(key)
        if kept is not None and self._clock() - kept.at < self.window_s:
            if (kept.path, kept.body) != (request.path, body):
                raise mismatch()
            replay = web.Response(status=kept.status, body=kept.answer, content_type=kept.content_type)
            replay.headers["Idempotent-Replayed"] = "true"
            return replay
        self._in_flight.add(key)
        try:
            response = await _carried_out(request, handler, refusal)
        finally:
            self._in_flight.discard(key)
        if isinstance(response, web.Response) and isinstance(response.body, bytes):
            kind = response.content_type
            self._kept[key] = Kept(request.path, body, self._clock(), response.status, response.body, kind)
        return response


async def _carried_out(
    request: web.Request, handler: Handler, refusal: Callable[[Any], web.StreamResponse | None]
) -> web.StreamResponse:
    try:
        return await handler(request)
    except Exception as error:
        answered = refusal(error)
        if answered is None:
            raise
        return answered


class DrawnFaults:
    """Faults drawn per call on the routes `applies(request)` names, by `rates` (all 0: off, the default); `seed`
    re-seeds the generator the draws come from; `drawn` counts them by kind."""

    def __init__(self, applies: Callable[[web.Request], bool]) -> None:
        self.applies = applies
        self.rates = FaultRates()
        self.drawn: Counter[RateFault] = Counter()
        self._draws = random.Random(0)

    def json(self) -> dict[str, Any]:
        return {"rates": self.rates.model_dump(), "drawn": {kind: self.drawn[kind] for kind in FAULT_KINDS}}

    def set(self, rates: FaultRates) -> None:
        self.rates = rates
        if rates.seed is not None:
            self._draws.seed(rates.seed)

    def clear(self) -> None:
        self.rates, self.drawn = FaultRates(), Counter()

    def draw(self, request: web.Request) -> RateFault | None:
        drawn = self.rates.draw(self._draws) if self.applies(request) else None
        if drawn is not None:
            self.drawn[drawn] += 1
        return drawn


async def with_drawn_fault(
    faults: DrawnFaults, request: web.Request, carry_out: Handler, refused: Callable[[int], Exception]
) -> web.StreamResponse:
    """`refused(429 | 503)` is raised before anything is done; a lost answer carries the call out, then closes the
    connection without answering (the client sees it as a dropped connection)."""
    drawn = faults.draw(request)
    if drawn in ("429", "503"):
        raise refused(int(drawn))
    response = await carry_out(request)
    if drawn == "lost_answer" and request.transport is not None:
        request.transport.close()
    return response


def add_drawn_fault_controls(
    app: web.Application,
    faults: DrawnFaults,
    answer: Callable[[object], web.Response],
    invalid: Callable[[str], Exception],
) -> None:
    """`GET /_sim/rate-faults` shows the rates and what was drawn, `POST` sets the rates (`{"rate_429": 0.1,
    "rate_503": 0.05, "rate_lost_answer": 0.02, "seed": 7}`; `invalid(message)` for a bad body), `DELETE` clears
    them and the counts."""

    async def get_rates(_request: web.Request) -> web.Response:
        return answer(faults.json())

    async def set_rates(request: web.Request) -> web.Response:
        try:
            faults.set(FaultRates.model_validate_json(await request.read() or b"{}"))
        except ValueError as error:
            raise invalid(str(error)) from None
        return answer(faults.json())

    async def clear_rates(_request: web.Request) -> web.Response:
        faults.clear()
        return answer(faults.json())

    app.router.add_get("/_sim/rate-faults", get_rates)
    app.router.add_post("/_sim/rate-faults", set_rates)
    app.router.add_delete("/_sim/rate-faults", clear_rates)
