"""Faults drawn at random per request, as shares of all requests, for the simulators' `/_sim/` fault controls: a 429
(the service's or a host's rate limit) and a 503 (its gateway), both before anything is done, and a lost answer (the
work is done, then the answer is lost). One draw a request from a seeded generator, so a run can be repeated."""

from __future__ import annotations

import random
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

RateFault = Literal["429", "503", "lost_answer"]
RATES_SUM_SLACK = 1e-9
"""Rates summed in floating point (0.1 + 0.2 + 0.7) may pass 1 by a rounding error."""


class FaultRates(BaseModel):
    """`rate_429`, `rate_503`, `rate_lost_answer`: shares of all requests, summed at most 1; `seed` re-seeds the
    generator the draws come from."""

    model_config = ConfigDict(extra="forbid")

    rate_429: float = Field(0.0, ge=0, le=1)
    rate_503: float = Field(0.0, ge=0, le=1)
    rate_lost_answer: float = Field(0.0, ge=0, le=1)
    seed: int | None = None

    @model_validator(mode="after")
    def _rates_share_one_draw(self) -> Self:
        if self.rate_429 + self.rate_503 + self.rate_lost_answer > 1 + RATES_SUM_SLACK:
            raise ValueError("rate_429 + rate_503 + rate_lost_answer must be at most 1")
        return self

    def draw(self, generator: random.Random) -> RateFault | None:
        """This request's fault by the rates: one draw when a rate is set, else none (the generator untouched)."""
        shares: tuple[tuple[RateFault, float], ...] = (
            ("429", self.rate_429),
            ("503", self.rate_503),
            ("lost_answer", self.rate_lost_answer),
        )
        if not any(share for _kind, share in shares):
            return None
        point = generator.random()
        for kind, share in shares:
            if point < share:
                return kind
            point -= share
        return None
