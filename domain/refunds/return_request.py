"""A B2B customer's return request, asked on the portal: the goods of one of its orders it sends back, and what
became of the request (a BC sales return order, or a person to make one)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from domain.models import Frozen, WebOrderKey
from domain.refunds.return_ports import ReturnLine

KEY_PREFIX = "RET-"


class ReturnState(StrEnum):
    REQUESTED = "requested"
    """Accepted from the portal; the return order is still to be made in BC."""
    IN_BC = "in_bc"
    """A sales return order in BC: BC's return handling (receipt, credit memo) takes it from there."""
    NEEDS_ATTENTION = "needs_attention"
    """A person makes the return order (Koppel's BC page is not installed, or BC refused it): `problem` says why."""


class ReturnRequest(Frozen):
    return_id: str
    """Koppel's id of the request (`RET-...`): the return order's Your Reference in BC."""
    customer_number: str
    order: WebOrderKey
    external_document_number: str
    """The BC order's, which the return order (and so the credit memo BC posts from it) carries."""
    lines: tuple[ReturnLine, ...]
    note: str = ""
    """The customer's words."""
    state: ReturnState = ReturnState.REQUESTED
    return_order_number: str = ""
    problem: str = ""
    requested_at: datetime
    updated_at: datetime

    @property
    def finished(self) -> bool:
        return self.state is not ReturnState.REQUESTED

    def in_bc(self, number: str, at: datetime) -> ReturnRequest:
        update = {"state": ReturnState.IN_BC, "return_order_number": number, "problem": ""}
        return self.model_copy(update={**update, "updated_at": at})

    def for_a_person(self, why: str, at: datetime) -> ReturnRequest:
        return self.model_copy(update={"state": ReturnState.NEEDS_ATTENTION, "problem": why, "updated_at": at})
