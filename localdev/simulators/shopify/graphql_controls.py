"""Test controls of the GraphQL endpoint: injected faults (`/_sim/graphql/faults`) and call counters
(`/_sim/graphql/stats`)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

from pydantic import ConfigDict, Field

from localdev.simulators.rate_faults import FaultRates


class GraphQLFaults(FaultRates):
    """`fail_next`: the next N GraphQL calls answer `fail_status` with a gateway's HTML page; with
    `fail_after_commit` the call is carried out first and only its answer is lost.

    `throttle_next`: the next N calls are refused as THROTTLED whatever the bucket holds.

    `lose_answer_of`: per root field (`{"fulfillmentCreate": 1}`), the next N calls that carry it out are carried
    out and answered `fail_status` with a gateway's page: committed, but the answer is lost.

    `rate_429`, `rate_503`, `rate_lost_answer`: shares of all GraphQL requests (summed at most 1), one draw a request
    from the endpoint's generator (`seed` re-seeds it): 429 as Shopify's request limit (`Retry-After`: `retry_after`
    seconds) and 503 a gateway's page, both before anything is done; a lost answer is carried out, then answered
    with a gateway's 504 page.
    """

    model_config = ConfigDict(extra="forbid")

    fail_next: int = Field(0, ge=0)
    fail_status: Literal[500, 502, 503, 504] = 502
    fail_after_commit: bool = False
    throttle_next: int = Field(0, ge=0)
    lose_answer_of: dict[str, int] = Field(default_factory=dict)
    retry_after: float = Field(1.0, ge=0, le=10)

    def merged(self, update: GraphQLFaults) -> GraphQLFaults:
        """These settings with the fields that `update` was given; ValidationError when the rates pass 1."""
        return GraphQLFaults.model_validate({**self.model_dump(), **update.model_dump(include=update.model_fields_set)})

    def take_throttle(self) -> bool:
        """Whether this call is to be throttled; counts down."""
        if self.throttle_next == 0:
            return False
        self.throttle_next -= 1
        return True

    def take_lost_answer(self, root_fields: list[str]) -> bool:
        """Whether this call's answer is to be lost after it is carried out; counts down."""
        named = next((name for name in root_fields if self.lose_answer_of.get(name, 0) > 0), None)
        if named is None:
            return False
        self.lose_answer_of[named] -= 1
        return True

    def take_failure(self) -> bool:
        """Whether this call is to fail; counts down."""
        if self.fail_next == 0:
            return False
        self.fail_next -= 1
        return True


@dataclass
class GraphQLStats:
    """`calls`: root fields carried out, by name (`productSet`, `products` ...); `throttled`: root fields of
    calls refused for cost; `faults`: injected faults by kind (a count-based failure by its status; a drawn one
    `429`, `503` or `lost_answer`); `cost`: requested and actual points summed."""

    requests: int = 0
    calls: Counter[str] = field(default_factory=Counter)
    throttled: Counter[str] = field(default_factory=Counter)
    faults: Counter[str] = field(default_factory=Counter)
    requested_cost: int = 0
    actual_cost: int = 0

    def reset(self) -> None:
        """Back to zero in place (the endpoint holds this object)."""
        self.__dict__.update(GraphQLStats().__dict__)

    def to_json(self) -> dict[str, object]:
        return {
            "requests": self.requests,
            "calls": dict(self.calls),
            "throttled": dict(self.throttled),
            "faults": dict(self.faults),
            "cost": {"requested": self.requested_cost, "actual": self.actual_cost},
        }
