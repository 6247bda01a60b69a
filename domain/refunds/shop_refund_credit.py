"""Koppel's record of one refund made in a shop whose refund origin is `shop`: the BC sales credit memo made for it
(exactly one, found again by its marker line after a lost answer), and what a person has to do."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from domain.models import Frozen, WebOrderKey
from domain.payments.payment import Money


class CreditState(StrEnum):
    TO_CREDIT = "to_credit"
    """Seen on the shop's order; nothing asked of BC yet."""
    CREDITING = "crediting"
    """A credit memo was asked for: the next try looks for it (its marker line) before it asks again."""
    DRAFTED = "drafted"
    """In BC as a draft credit memo, for a person to check and post (the default)."""
    POSTED = "posted"
    """In BC, posted by Koppel (setting `KOPPEL_<CHANNEL>_CREDIT_MEMOS_<SHOP>=post`)."""
    NOT_CREDITED = "not_credited"
    """Nothing for BC: Koppel's own record of a refund from BC, or a refund deleted in the shop before it was
    credited."""
    NEEDS_ATTENTION = "needs_attention"
    """A person decides: `problem` says why. A credit memo Koppel made stays a draft."""
    TAKING_OFF = "taking_off"
    """Refunded before BC shipped or invoiced the units: the order worker is taking them off the BC order
    (`taken_off`); settled from the order's posted invoices and Koppel's record of BC's order
    (refund_before_invoice.py): taken off, credited if BC invoiced them first, else a person."""
    TAKEN_OFF_ORDER = "taken_off_order"
    """The units came off the BC order (`taken_off`): its invoice has fewer units and nothing is credited."""


FINISHED = frozenset(
    {
        CreditState.DRAFTED,
        CreditState.POSTED,
        CreditState.NOT_CREDITED,
        CreditState.NEEDS_ATTENTION,
        CreditState.TAKEN_OFF_ORDER,
    }
)


class UnitsTakenOff(Frozen):
    """Units of one SKU a refund takes off the BC order before BC invoiced them."""

    sku: str
    quantity: Decimal
    tax: Decimal
    """The tax the shop refunded with them: the web order's tax is less by it."""
    item_number: str
    variant_id: str = ""
    left: Decimal
    """What BC's order has of the item (and variant) once they are off: the take-off is done at or below it."""


class ShippingTakenOff(Frozen):
    """Shipping a refund takes off the BC order with its units (the web order's shipping lines less it)."""

    amount: Decimal
    """Excluding tax, as the shop refunded it."""
    tax: Decimal


class ShopRefundCredit(Frozen):
    order: WebOrderKey
    refund_id: str
    """The shop's id of the refund."""
    state: CreditState = CreditState.TO_CREDIT
    refunded: Money | None = None
    """What the shop gave back, tax included, once read from the shop."""
    credit_memo_id: str = ""
    credit_memo_number: str = ""
    credited_amount: str = ""
    """The credit memo's total including tax as BC computed it (text, as BC answered it)."""
    problem: str = ""
    taken_off: tuple[UnitsTakenOff, ...] = ()
    """The units the order worker takes off the web order's lines before it brings BC's in line, in every state the
    record moves to (for a person, not credited too: they may be off BC's order); cleared only where they are known
    to be on it, the refund credited after all (`invoiced_first`, `crediting`)."""
    shipping_taken_off: ShippingTakenOff | None = None
    """Shipping refunded with the units, taken off with them and kept or cleared with them."""
    first_seen_at: datetime
    updated_at: datetime

    @property
    def key(self) -> str:
        return self.key_of(self.order, self.refund_id)

    @staticmethod
    def key_of(order: WebOrderKey, refund_id: str) -> str:
        """Unique over shops and orders: the web order's key and the shop's refund id."""
        return f"{order}/{refund_id}"

    @property
    def marker(self) -> str:
        """The comment line Koppel puts first on the credit memo: how it is found again, and how a person reading
        the credit memo in BC sees where it comes from."""
        return f"Koppel: {self.order.source} refund {self.refund_id} of order {self.order.order_id}"[:100]

    @property
    def finished(self) -> bool:
        return self.state in FINISHED

    def crediting(self, refunded: Money, at: datetime) -> ShopRefundCredit:
        """A credit memo asked for: the units it credits are BC's invoiced ones, none taken off."""
        update = {"state": CreditState.CREDITING, "refunded": refunded, "taken_off": (), "shipping_taken_off": None}
        return self.model_copy(update={**update, "updated_at": at})

    def with_credit_memo(self, credit_memo_id: str, number: str, at: datetime) -> ShopRefundCredit:
        """The credit memo BC made (or that was found again), before its lines are complete."""
        update = {"credit_memo_id": credit_memo_id, "credit_memo_number": number, "updated_at": at}
        return self.model_copy(update=update)

    def credited(self, state: CreditState, number: str, total: str, at: datetime) -> ShopRefundCredit:
        """DRAFTED or POSTED: the credit memo is complete in BC (`number` is the posted one once posted)."""
        update = {"state": state, "credit_memo_number": number, "credited_amount": total, "problem": ""}
        return self.model_copy(update={**update, "updated_at": at})

    def not_credited(self, why: str, at: datetime) -> ShopRefundCredit:
        return self.model_copy(update={"state": CreditState.NOT_CREDITED, "problem": why, "updated_at": at})

    def for_a_person(self, why: str, at: datetime) -> ShopRefundCredit:
        return self.model_copy(update={"state": CreditState.NEEDS_ATTENTION, "problem": why, "updated_at": at})

    def taking_off(
        self,
        refunded: Money,
        units: tuple[UnitsTakenOff, ...],
        why: str,
        at: datetime,
        *,
        shipping: ShippingTakenOff | None = None,
    ) -> ShopRefundCredit:
        """The units (and shipping) to come off BC's order (the order worker queued again); `why` says so to ops."""
        update = {
            "state": CreditState.TAKING_OFF,
            "refunded": refunded,
            "taken_off": units,
            "shipping_taken_off": shipping,
            "problem": why,
        }
        return self.model_copy(update={**update, "updated_at": at})

    def taken_off_order(self, at: datetime) -> ShopRefundCredit:
        """Koppel's record of BC's order shows the units off: nothing to credit."""
        return self.model_copy(update={"state": CreditState.TAKEN_OFF_ORDER, "problem": "", "updated_at": at})

    def invoiced_first(self, at: datetime) -> ShopRefundCredit:
        """BC invoiced the units before they came off its order: credited as any refund, no longer taken off."""
        update = {"state": CreditState.TO_CREDIT, "taken_off": (), "shipping_taken_off": None, "problem": ""}
        return self.model_copy(update={**update, "updated_at": at})

    def waiting(self, why: str, at: datetime) -> ShopRefundCredit:
        """Still to credit (no invoice yet, say): why, for ops; the next run tries again."""
        return self.model_copy(update={"problem": why, "updated_at": at})
