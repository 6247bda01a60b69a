"""What a B2B return asked on the portal needs from BC: a sales return order, made through Koppel's BC extension
(API v2.0's salesReturnOrders is read-only)."""

from __future__ import annotations

from decimal import Decimal
from typing import Protocol

from pydantic import Field

from domain.models import Frozen


class ReturnLine(Frozen):
    """Units of one item the customer sends back."""

    item_number: str
    variant_code: str = ""
    quantity: Decimal = Field(gt=0)
    return_reason: str = ""
    """BC's Return Reason code ("" for none)."""


class NewReturnOrder(Frozen):
    customer_number: str
    external_document_number: str
    """The BC order's externalDocumentNumber (Code[35]): carried to the credit memo BC posts from the return order,
    which is so filed on the web order like any other."""
    your_reference: str
    """Koppel's return request id (Text[35]): with the externalDocumentNumber, how the return order is found again
    after a lost answer."""
    lines: tuple[ReturnLine, ...]


class BcReturnOrder(Frozen):
    id: str
    number: str
    status: str
    """BC's Sales Header status: Open, Released, Pending Approval, Pending Prepayment."""


class ReturnOrders(Protocol):
    """Koppel's return order page in BC. RetryableError when BC does not answer, BusinessCentralRejected when it
    refuses (an unknown item, customer or return reason)."""

    def find(self, external_document_number: str, your_reference: str) -> BcReturnOrder | None:
        """The return order with both, or None."""
        ...

    def create(self, order: NewReturnOrder) -> BcReturnOrder:
        """The return order with its lines, in one request (a deep insert)."""
        ...
