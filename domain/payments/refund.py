"""A refund's booking in BC: a refund line (Gen. Journal Line of Document Type Refund) in Koppel's customer payment
journal, made through Koppel's own API page since API v2.0 has none, applied to the order's credit memo, found again
by an externalDocumentNumber made of the payment's id and the line's place among its refund lines, then posted with
the journal like the payments."""

from __future__ import annotations

import hashlib
from decimal import Decimal

from domain.models import Frozen
from domain.payments.booking import MAX_EXTERNAL_DOCUMENT_NUMBER

REFUND_PREFIX = "R"


class RefundLine(Frozen):
    """A customerRefunds line as BC has it (amount positive: a refund debits the customer)."""

    id: str = ""
    etag: str = ""
    customer_number: str
    external_document_number: str
    amount: Decimal
    applies_to_credit_memo_id: str
    description: str = ""


def refund_reference(payment_reference: str, number: int) -> str:
    """`R<n>-<payment reference>` for the payment's n-th refund line, as BC keeps a Code field (upper case, 35
    characters); a reference too long for that is replaced by a digest of it, so references never collide.

    Numbered, not named by the amount refunded in all: a line left unrecorded by a crash is found again even when
    more was refunded before the next run (its amount is then taken as it is, and the rest gets the next line)."""
    head = f"{REFUND_PREFIX}{number}-"
    tail = payment_reference
    if len(head) + len(tail) > MAX_EXTERNAL_DOCUMENT_NUMBER:
        tail = hashlib.sha256(tail.encode()).hexdigest()[: MAX_EXTERNAL_DOCUMENT_NUMBER - len(head)].upper()
    return head + tail
