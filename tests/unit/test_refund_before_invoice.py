"""A WooCommerce refund made before BC invoiced its order: units BC has not shipped come off the BC order (the order
worker takes them off the web order's lines and the edits-after-import rules reduce BC's), final only once Koppel's
record of BC's order shows them off; units BC invoiced first are credited. Shipped units, and any unit of an order
released in BC, wait for the invoice; what cannot be done goes to a person at once. Shopify's refunds are left as they
were. A refund of an order cancelled before BC invoiced it is credited on no channel."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from domain.errors import PermanentError, RetryableError
from domain.intake.ingest_webhook import Delivery, Intake, receive_woocommerce
from domain.invoices.invoice import BcInvoice
from domain.models import (
    BcSalesOrder,
    BcSalesOrderLine,
    ChargeLine,
    Order,
    OrderLine,
    Party,
    ResolvedSku,
    WebOrderKey,
)
from domain.orders.mapping.business_central import ChargeAccounts
from domain.orders.sync_order import sync_order
from domain.orders.worker import OrderSync
from domain.payments.payment import Money
from domain.records import OrderRecord, StreamMessage
from domain.refunds.credit_shop_refunds import ShopRefundCrediting, credit_shop_refunds
from domain.refunds.refund_before_invoice import OrderChanges
from domain.refunds.shop_origin_ports import (
    BcDocumentLine,
    InvoiceToCredit,
    RefundedCharge,
    RefundedItem,
    ShopRefundDetail,
)
from domain.refunds.shop_refund_credit import CreditState, ShippingTakenOff, ShopRefundCredit, UnitsTakenOff
from domain.refunds.shop_refund_notes import RefundNotes
from domain.refunds.taken_off_web_order import less_units_taken_off
from tests.fakes import (
    FakeBusinessCentral,
    FixedClock,
    MemoryOrders,
    MemoryQueue,
    MemoryShopRefundCredits,
    MemorySyncRuns,
    memory_intake,
    memory_sync,
    order_in_bc,
)
from tests.support.woocommerce import ShopCustomer, ShopLine, ShopOrder, order_payload, signed_delivery

WOO = WebOrderKey(source="woocommerce", shop="shop-a", order_id="1001")
SHOPIFY = WebOrderKey(source="shopify", shop="shop-b", order_id="2002")
SKUS = {"sku-1": "ITEM-1", "sku-2": "ITEM-2"}


def item(sku: str = "sku-1", quantity: str = "1") -> RefundedItem:
    """9.00 + 1.89 VAT a unit."""
    units = Decimal(quantity)
    return RefundedItem(sku=sku, quantity=units, amount=Decimal("9.00") * units, tax=Decimal("1.89") * units)


def refund(*items: RefundedItem, shipping: bool = False, fee: bool = False, extra: str = "0") -> ShopRefundDetail:
    """With `shipping`: 4.95 + 1.04 VAT of it; with `fee`: 2.00 + 0.42 VAT."""
    charges: tuple[RefundedCharge, ...] = ()
    if shipping:
        charges += (
            RefundedCharge(kind="shipping", description="Flat rate", amount=Decimal("4.95"), tax=Decimal("1.04")),
        )
    if fee:
        charges += (RefundedCharge(kind="fee", description="Gift wrap", amount=Decimal("2.00"), tax=Decimal("0.42")),)
    total = sum((each.amount + each.tax for each in items), Decimal(extra))
    total += sum((charge.amount + charge.tax for charge in charges), Decimal(0))
    return ShopRefundDetail(refund_id="9001", amount=Money(amount=total, currency="EUR"), items=items, charges=charges)


def bc_line(
    number: str, quantity: str, shipped: str = "0", price: str = "9.00", discount: str = "0"
) -> BcSalesOrderLine:
    """At 21 % VAT (its price without VAT on an order whose prices exclude it)."""
    return BcSalesOrderLine(
        line_type="Item",
        object_number=number,
        quantity=Decimal(quantity),
        unit_price=Decimal(price),
        discount_amount=Decimal(discount),
        tax_percent=Decimal(21),
        shipped_quantity=Decimal(shipped),
    )


class Shop:
    def __init__(self, detail: ShopRefundDetail) -> None:
        self.detail = detail

    def refund(self, order: WebOrderKey, refund_id: str) -> ShopRefundDetail | None:
        return self.detail


class Skus:
    def resolve_skus(self, skus: Any) -> dict[str, ResolvedSku]:
        return {sku: ResolvedSku(item_id=f"id-{SKUS[sku]}", item_number=SKUS[sku]) for sku in skus if sku in SKUS}


class SalesOrders:
    """BC's sales order of the web order (released in BC: API status "Open"); None once BC deleted it; `down` answers
    503."""

    def __init__(self, *lines: BcSalesOrderLine, status: str = "Draft", prices_include_tax: bool = False) -> None:
        self.document: BcSalesOrder | None = BcSalesOrder(
            id="so-1001",
            number="S-ORD1001",
            status=status,
            customer_number="C00010",
            external_document_number="WEB1001",
            total_excluding_tax=Decimal(0),
            total_tax=Decimal(0),
            total_including_tax=Decimal(0),
            prices_include_tax=prices_include_tax,
            lines=lines,
        )
        self.down = False

    def sales_order(self, sales_order_id: str) -> BcSalesOrder | None:
        if self.down:
            raise RetryableError("BC answered 503")
        return self.document


INVOICE = InvoiceToCredit(
    id="inv-1",
    number="S-INV1001",
    customer_number="C00010",
    prices_include_tax=False,
    remaining_amount=Decimal(0),
    total_including_tax=Decimal("21.78"),
    lines=(
        BcDocumentLine(
            sequence=10000,
            line_type="Item",
            object_number="ITEM-1",
            quantity=Decimal(2),
            unit_price=Decimal("9.00"),
            tax_percent=Decimal(21),
        ),
    ),
)


def invoice_of(*lines: tuple[str, str]) -> InvoiceToCredit:
    """The order's posted invoice with these (item, quantity) lines."""
    return INVOICE.model_copy(
        update={
            "lines": tuple(
                INVOICE.lines[0].model_copy(update={"object_number": number, "quantity": Decimal(quantity)})
                for number, quantity in lines
            )
        }
    )


class NoCreditMemos:
    """BC's invoices and credit memos: every call is recorded; the invoice (`posted`) is read, the rest answers 503
    (a refund that gets that far is on its way to a credit memo)."""

    def __init__(self) -> None:
        self.asked: list[str] = []
        self.posted = INVOICE

    def invoice(self, invoice_id: str) -> InvoiceToCredit:
        self.asked.append("invoice")
        return self.posted

    def __getattr__(self, name: str) -> Any:
        def asked(*args: object) -> None:
            self.asked.append(name)
            raise RetryableError(f"{name} was not expected")

        return asked


class World:
    def __init__(self, detail: ShopRefundDetail, bc: SalesOrders, order: WebOrderKey = WOO) -> None:
        self.key = order
        self.clock = FixedClock()
        self.orders = MemoryOrders()
        order_in_bc(self.orders, order, "WEB1001")
        record, etag = self.orders.get(order) or pytest.fail("no order")
        written = bc.document or record.bc
        assert written is not None
        update = {"latest_event_id": "ev-7", "bc": written, "bc_fingerprint": written.fingerprint()}
        self.orders.replace(record.model_copy(update=update), etag)
        self.credits = MemoryShopRefundCredits()
        self.queue = MemoryQueue()
        self.bc = bc
        self.memos = NoCreditMemos()
        self.crediting = ShopRefundCrediting(
            credits=self.credits,
            orders=self.orders,
            shops={(order.source, order.shop): Shop(detail)},
            bc=self.memos,
            skus=Skus(),
            accounts=ChargeAccounts(shipping="8000", fee="8010"),
            runs=MemorySyncRuns(),
            clock=self.clock,
            local_currency="EUR",
            unshipped=OrderChanges(sales_orders=bc, queue=self.queue),
        )
        now = self.clock.now()
        self.credits.write(ShopRefundCredit(order=order, refund_id="9001", first_seen_at=now, updated_at=now), None)

    def run(self) -> ShopRefundCredit:
        credit_shop_refunds(self.crediting)
        return self.credit()[0]

    def credit(self, refund_id: str = "9001") -> tuple[ShopRefundCredit, str]:
        return self.credits.get(self.key, refund_id) or pytest.fail("no record")

    def order_record(self) -> tuple[OrderRecord, str]:
        return self.orders.get(self.key) or pytest.fail("no order")

    def worker_reduced(self, *lines: BcSalesOrderLine) -> None:
        """The order worker brought BC's order in line: BC's and Koppel's record of it have `lines`."""
        assert self.bc.document is not None
        self.bc.document = self.bc.document.model_copy(update={"lines": lines})
        record, etag = self.order_record()
        update = {"bc": self.bc.document, "bc_fingerprint": self.bc.document.fingerprint()}
        self.orders.replace(record.model_copy(update=update), etag)

    def cancelled(self, *, bc_order_kept: bool) -> None:
        """Cancelled in the shop: Koppel deleted BC's order (the record drops it), or found it gone already."""
        record, etag = self.order_record()
        kept = record.bc if bc_order_kept else None
        self.orders.replace(record.cancelled(kept, version=self.clock.now(), at=self.clock.now()), etag)

    def invoice_posted(self, posted: InvoiceToCredit = INVOICE) -> None:
        """BC posted the order's invoice (`posted`, as the run reads it), and Koppel filed it on the order."""
        self.memos.posted = posted
        record, etag = self.order_record()
        invoice = BcInvoice(
            id="inv-1",
            number="S-INV1001",
            external_document_number="WEB1001",
            customer_number="C00010",
            total_including_tax=Decimal("10.89"),
            remaining_amount=Decimal(0),
            status="Paid",
        )
        self.orders.replace(record.with_invoices([invoice]), etag)


def test_units_bc_has_not_shipped_are_being_taken_off_its_order_and_the_order_is_queued_again():
    world = World(refund(item()), SalesOrders(bc_line("ITEM-1", "2")))

    credit = world.run()

    assert credit.state is CreditState.TAKING_OFF
    assert not credit.finished
    assert credit.taken_off == (
        UnitsTakenOff(sku="sku-1", quantity=Decimal(1), tax=Decimal("1.89"), item_number="ITEM-1", left=Decimal(1)),
    )
    assert credit.refunded == Money(amount=Decimal("10.89"), currency="EUR")
    assert credit.problem == "refunded before BC shipped the units: waiting for them to come off BC order S-ORD1001"
    assert world.queue.messages == [StreamMessage(stream=WOO.stream, event_id="ev-7", recheck=True)]
    assert world.queue.delays == [None], "written first: the worker reads the record as written"
    assert world.memos.asked == []


def test_units_being_taken_off_wait_unwritten_until_koppels_record_of_the_bc_order_shows_them_off():
    world = World(refund(item()), SalesOrders(bc_line("ITEM-1", "2")))
    world.run()
    _, etag = world.credit()

    assert world.run().state is CreditState.TAKING_OFF
    assert world.credit()[1] == etag, "the record is not rewritten while nothing changed"
    world.worker_reduced(bc_line("ITEM-1", "1"))
    credit = world.run()

    assert (credit.state, credit.problem) == (CreditState.TAKEN_OFF_ORDER, "")
    assert credit.taken_off[0].quantity == Decimal(1)
    assert len(world.queue.messages) == 1
    assert world.memos.asked == []


def test_units_that_never_came_off_the_order_go_to_a_person_after_the_invoice_wait():
    world = World(refund(item()), SalesOrders(bc_line("ITEM-1", "2")))
    world.run()

    world.clock.moment += timedelta(days=8)
    credit = world.run()

    assert credit.state is CreditState.NEEDS_ATTENTION
    assert (
        "after 7 days they are not seen off the BC order: check it in BC (Koppel keeps them off it)" in credit.problem
    )
    assert less_units_taken_off(web_order(WOO), stored(credit)) != web_order(WOO), "its units stay off"


def test_units_bc_invoiced_before_they_came_off_its_order_are_credited_as_any_refund_and_no_longer_taken_off():
    world = World(refund(item()), SalesOrders(bc_line("ITEM-1", "2")))
    world.run()

    world.invoice_posted()
    credit = world.run()

    assert (credit.state, credit.taken_off, credit.problem) == (CreditState.CREDITING, (), "")
    assert world.memos.asked == ["invoice", "find"], "on its way to a credit memo"
    assert less_units_taken_off(web_order(WOO), stored(credit)) == web_order(WOO)


def test_units_bc_invoiced_after_they_came_off_its_order_are_not_credited_though_koppels_record_still_shows_them():
    bc = SalesOrders(bc_line("ITEM-1", "2"))
    world = World(refund(item()), bc)
    world.run()

    bc.document = None  # BC's order had the unit taken off, was invoiced in full and deleted; Koppel's save was lost
    world.invoice_posted(invoice_of(("ITEM-1", "1")))
    credit = world.run()

    assert (credit.state, credit.problem) == (CreditState.TAKEN_OFF_ORDER, "")
    assert world.memos.asked == ["invoice"], "no credit memo"


def test_an_invoice_of_other_items_only_leaves_the_units_being_taken_off():
    world = World(refund(item()), SalesOrders(bc_line("ITEM-1", "2"), bc_line("ITEM-2", "1")))
    world.run()

    world.invoice_posted(invoice_of(("ITEM-2", "1")))
    credit = world.run()

    assert credit.state is CreditState.TAKING_OFF
    assert world.memos.asked == ["invoice"], "no credit memo"
    assert less_units_taken_off(web_order(WOO), stored(credit)).lines[0].quantity == Decimal(2), "still off"


def test_units_partly_invoiced_after_the_take_off_go_to_a_person_with_both_figures():
    world = World(refund(item(quantity="2")), SalesOrders(bc_line("ITEM-1", "3")))
    world.run()

    world.invoice_posted(invoice_of(("ITEM-1", "2")))
    credit = world.run()

    assert credit.state is CreditState.NEEDS_ATTENTION
    assert (
        "2 of item ITEM-1 were to come off BC order S-ORD1001, leaving 1; its posted invoices have 2" in credit.problem
    )
    assert credit.taken_off, "its units stay off until a person decides"
    assert world.memos.asked == ["invoice"]


def test_the_refund_is_written_taking_off_before_its_order_is_queued_again():
    bc = SalesOrders(bc_line("ITEM-1", "2"))
    world = World(refund(item()), bc)
    states: list[CreditState] = []

    class Watching(MemoryQueue):
        def send(self, message: StreamMessage, delay: timedelta | None = None) -> None:
            states.append(world.credit()[0].state)
            super().send(message, delay)

    world.crediting = replace(world.crediting, unshipped=OrderChanges(sales_orders=bc, queue=Watching()))
    world.run()

    assert states == [CreditState.TAKING_OFF]


def test_a_take_off_not_yet_seen_is_queued_again_at_most_once_a_minute():
    world = World(refund(item()), SalesOrders(bc_line("ITEM-1", "2")))
    world.run()

    world.clock.moment += timedelta(seconds=30)
    world.run()
    assert len(world.queue.messages) == 1
    world.clock.moment += timedelta(seconds=31)
    credit = world.run()
    world.run()

    assert world.queue.messages == 2 * [StreamMessage(stream=WOO.stream, event_id="ev-7", recheck=True)]
    assert (credit.state, credit.updated_at) == (CreditState.TAKING_OFF, world.clock.now())


def test_a_take_off_is_not_queued_again_while_its_order_is_parked_for_a_person():
    world = World(refund(item()), SalesOrders(bc_line("ITEM-1", "2")))
    world.run()
    record, etag = world.order_record()
    world.orders.replace(
        record.parked("BC order S-ORD1001 is released in BC: reopen it there", world.clock.now()), etag
    )

    world.clock.moment += timedelta(minutes=5)
    credit = world.run()

    assert credit.state is CreditState.TAKING_OFF
    assert len(world.queue.messages) == 1, "queued again, the worker would only park it again"


def test_units_of_an_order_released_in_bc_are_not_taken_off_but_wait_for_the_invoice_with_what_to_do():
    world = World(refund(item()), SalesOrders(bc_line("ITEM-1", "2"), status="Open"))

    credit = world.run()
    _, etag = world.credit()
    world.run()

    assert (credit.state, credit.taken_off) == (CreditState.TO_CREDIT, ())
    assert credit.problem == (
        "refunded before BC shipped the units; BC order S-ORD1001 is released: reopen it in BC and Koppel takes them "
        "off, or ship and invoice it and Koppel credits them"
    )
    assert world.credit()[1] == etag, "the record is not rewritten while the reason is the same"
    assert world.queue.messages == []


def test_units_of_an_order_changed_in_bc_since_koppel_wrote_it_are_not_taken_off_but_wait_for_the_invoice():
    bc = SalesOrders(bc_line("ITEM-1", "2"))
    world = World(refund(item()), bc)
    bc.document = SalesOrders(bc_line("ITEM-1", "3")).document

    credit = world.run()

    assert (credit.state, credit.taken_off) == (CreditState.TO_CREDIT, ())
    assert credit.problem == (
        "refunded before BC shipped the units; BC order S-ORD1001 was changed in BC since Koppel wrote it: ship and "
        "invoice it and Koppel credits them"
    )
    assert world.queue.messages == []


def test_units_of_an_order_reopened_in_bc_are_taken_off_on_the_next_run():
    bc = SalesOrders(bc_line("ITEM-1", "2"), status="Open")
    world = World(refund(item()), bc)
    world.run()

    assert bc.document is not None
    bc.document = bc.document.model_copy(update={"status": "Draft"})
    credit = world.run()

    assert credit.state is CreditState.TAKING_OFF
    assert len(world.queue.messages) == 1


def test_units_of_an_order_released_in_bc_are_credited_once_bc_invoices_them():
    world = World(refund(item()), SalesOrders(bc_line("ITEM-1", "2"), status="Open"))
    world.run()

    world.invoice_posted()
    credit = world.run()

    assert credit.state is CreditState.CREDITING
    assert world.memos.asked == ["invoice", "find"]


def test_units_of_an_order_released_in_bc_go_to_a_person_after_the_invoice_wait():
    world = World(refund(item()), SalesOrders(bc_line("ITEM-1", "2"), status="Open"))
    world.run()

    world.clock.moment += timedelta(days=8)
    credit = world.run()

    assert credit.state is CreditState.NEEDS_ATTENTION
    assert "no invoice for the order after 7 days" in credit.problem


def test_a_refund_waits_while_another_refund_of_the_order_is_being_taken_off():
    world = World(refund(item()), SalesOrders(bc_line("ITEM-1", "3")))
    now = world.clock.now()
    units = (
        UnitsTakenOff(sku="sku-1", quantity=Decimal(1), tax=Decimal("1.89"), item_number="ITEM-1", left=Decimal(2)),
    )
    other = ShopRefundCredit(order=WOO, refund_id="9000", first_seen_at=now, updated_at=now)
    world.credits.write(other.taking_off(Money(amount=Decimal("10.89"), currency="EUR"), units, "", now), None)

    credit = world.run()

    assert (credit.state, credit.problem) == (
        CreditState.TO_CREDIT,
        "waiting for another refund's units to come off BC order S-ORD1001 first",
    )
    assert world.queue.messages == []


@pytest.mark.parametrize("order", [WOO, SHOPIFY], ids=["woocommerce", "shopify"])
def test_a_refund_of_an_order_cancelled_before_bc_invoiced_it_is_not_credited(order):
    world = World(refund(item()), SalesOrders(bc_line("ITEM-1", "2")), order=order)
    world.cancelled(bc_order_kept=False)

    credit = world.run()

    assert (credit.state, credit.problem) == (
        CreditState.NOT_CREDITED,
        "the order was cancelled before BC invoiced it: nothing in BC to credit",
    )
    assert world.queue.messages == []
    assert world.memos.asked == []


def test_a_refund_of_a_cancelled_order_whose_bc_order_bc_removed_waits_for_its_invoice():
    bc = SalesOrders(bc_line("ITEM-1", "2"))
    world = World(refund(item()), bc)
    bc.document = None
    world.cancelled(bc_order_kept=True)

    credit = world.run()

    assert (credit.state, credit.problem) == (CreditState.TO_CREDIT, "waiting for BC to post the order's invoice")


def test_units_bc_has_shipped_wait_for_the_invoice():
    world = World(refund(item(quantity="2")), SalesOrders(bc_line("ITEM-1", "2", shipped="2")))

    credit = world.run()

    assert (credit.state, credit.problem) == (CreditState.TO_CREDIT, "waiting for BC to post the order's invoice")
    assert world.queue.messages == []


@pytest.mark.parametrize(
    ("detail", "lines", "reason"),
    [
        (
            refund(item("sku-1"), item("sku-2")),
            (bc_line("ITEM-1", "1", shipped="1"), bc_line("ITEM-2", "1")),
            "items ITEM-1 are shipped, others not",
        ),
        (refund(item(quantity="1")), (bc_line("ITEM-1", "3", shipped="2"),), "2 of 3 of item ITEM-1 shipped"),
        (refund(item(quantity="3")), (bc_line("ITEM-1", "2"),), "3 of item ITEM-1 refunded, the order has 2"),
        (refund(item("sku-2")), (bc_line("ITEM-1", "1"),), "1 of item ITEM-2 refunded, the order has 0"),
        (refund(item(), fee=True), (bc_line("ITEM-1", "2"),), "unshipped units refunded with fees"),
        (
            refund(item().model_copy(update={"amount": Decimal("4.00"), "tax": Decimal("0.84")})),
            (bc_line("ITEM-1", "2"),),
            "refunded EUR 4.84 for 1 of item ITEM-1, BC's order values them at EUR 10.89",
        ),
        (
            refund(item(quantity="2")),
            (bc_line("ITEM-1", "2", price="10.89"),),
            "refunded EUR 21.78 for 2 of item ITEM-1, BC's order values them at EUR 26.35",
        ),
        (refund(item(), extra="5.00"), (bc_line("ITEM-1", "2"),), "EUR 15.89 refunded, 10.89 of it for unshipped"),
        (refund(item("sku-2")), (bc_line("ITEM-1", "1", "1"), bc_line("ITEM-2", "1")), "BC has begun shipping"),
        (refund(item("sku-9")), (bc_line("ITEM-1", "1"),), "SKU sku-9 without a quantity or no item in BC"),
    ],
    ids=[
        "shipped-and-not",
        "partly-shipped",
        "more-than-ordered",
        "not-on-order",
        "with-fees",
        "less-than-bc-values-them",
        "prices-without-vat",
        "extra-money",
        "order-shipping",
        "unknown-sku",
    ],
)
def test_what_cannot_come_off_the_order_goes_to_a_person_at_once(detail, lines, reason):
    world = World(detail, SalesOrders(*lines))

    credit = world.run()

    assert credit.state is CreditState.NEEDS_ATTENTION
    assert credit.problem.startswith("refunded before BC invoiced order S-ORD1001: ")
    assert reason in credit.problem
    assert world.queue.messages == []


@pytest.mark.parametrize(
    ("line", "prices_include_tax"),
    [
        (bc_line("ITEM-1", "2", price="11.89", discount="2.00"), True),
        (bc_line("ITEM-1", "2", price="9.50", discount="1.00"), False),
        (bc_line("ITEM-1", "2", price="9.50", discount="1.01"), False),
    ],
    ids=["prices-with-vat", "prices-without-vat", "a-cent-apart"],
)
def test_units_come_off_when_the_shop_refunded_what_bcs_order_values_them_at_less_its_discount_pro_rata(
    line, prices_include_tax
):
    world = World(refund(item()), SalesOrders(line, prices_include_tax=prices_include_tax))

    credit = world.run()

    assert (credit.state, credit.taken_off[0].quantity) == (CreditState.TAKING_OFF, Decimal(1))


def test_units_refunded_with_their_shipping_come_off_the_order_with_it():
    world = World(refund(item(), shipping=True), SalesOrders(bc_line("ITEM-1", "2")))

    credit = world.run()

    assert credit.state is CreditState.TAKING_OFF
    assert credit.shipping_taken_off == ShippingTakenOff(amount=Decimal("4.95"), tax=Decimal("1.04"))
    assert credit.refunded == Money(amount=Decimal("16.88"), currency="EUR")
    assert len(world.queue.messages) == 1


def test_shipping_taken_off_follows_its_units_off_the_order_or_onto_the_credit_memo():
    world = World(refund(item(), shipping=True), SalesOrders(bc_line("ITEM-1", "2")))
    world.run()
    world.worker_reduced(bc_line("ITEM-1", "1"))

    off = world.run()

    assert (off.state, off.shipping_taken_off) == (
        CreditState.TAKEN_OFF_ORDER,
        ShippingTakenOff(amount=Decimal("4.95"), tax=Decimal("1.04")),
    )
    invoiced = World(refund(item(), shipping=True), SalesOrders(bc_line("ITEM-1", "2")))
    invoiced.run()
    invoiced.invoice_posted()
    credit = invoiced.run()
    assert (credit.state, credit.taken_off, credit.shipping_taken_off) == (CreditState.CREDITING, (), None)


def test_shipping_refunded_alone_waits_for_the_invoice():
    world = World(refund(shipping=True), SalesOrders(bc_line("ITEM-1", "2")))

    credit = world.run()

    assert (credit.state, credit.problem) == (CreditState.TO_CREDIT, "waiting for BC to post the order's invoice")
    assert world.queue.messages == []


def test_a_refund_waits_up_to_seven_days_only_while_bc_has_no_order_to_read():
    bc = SalesOrders(bc_line("ITEM-1", "2"))
    bc.document = None
    world = World(refund(item()), bc)

    assert world.run().state is CreditState.TO_CREDIT
    world.clock.moment += timedelta(days=8)
    credit = world.run()

    assert credit.state is CreditState.NEEDS_ATTENTION
    assert "no invoice for the order after 7 days" in credit.problem


def test_bc_not_answering_leaves_the_refund_for_the_next_run():
    bc = SalesOrders(bc_line("ITEM-1", "2"))
    bc.down = True
    world = World(refund(item()), bc)

    credit = world.run()

    assert credit.state is CreditState.TO_CREDIT
    assert world.queue.messages == []


def test_a_shopify_refund_before_invoicing_waits_for_the_invoice_as_before():
    world = World(refund(item()), SalesOrders(bc_line("ITEM-1", "2")), order=SHOPIFY)

    credit = world.run()

    assert (credit.state, credit.problem) == (CreditState.TO_CREDIT, "waiting for BC to post the order's invoice")
    assert world.queue.messages == []


def test_a_refund_taken_off_the_order_is_never_credited_once_the_invoice_is_posted():
    world = World(refund(item()), SalesOrders(bc_line("ITEM-1", "2")))
    world.run()
    world.worker_reduced(bc_line("ITEM-1", "1"))
    world.run()

    world.invoice_posted()
    credit = world.run()

    assert credit.state is CreditState.TAKEN_OFF_ORDER
    assert world.memos.asked == []


# -- the order worker ---------------------------------------------------------------------------------------------


def taking_off(order: WebOrderKey, sku: str, quantity: str, refunded: str, tax: str) -> ShopRefundCredit:
    moment = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
    noted = ShopRefundCredit(order=order, refund_id=f"r-{sku}-{quantity}", first_seen_at=moment, updated_at=moment)
    units = (UnitsTakenOff(sku=sku, quantity=Decimal(quantity), tax=Decimal(tax), item_number="I", left=Decimal(0)),)
    return noted.taking_off(Money(amount=Decimal(refunded), currency="EUR"), units, "", moment)


def taken_off(order: WebOrderKey, sku: str, quantity: str, refunded: str, tax: str) -> ShopRefundCredit:
    taking = taking_off(order, sku, quantity, refunded, tax)
    return taking.taken_off_order(taking.updated_at)


def stored(*credits: ShopRefundCredit) -> MemoryShopRefundCredits:
    store = MemoryShopRefundCredits()
    for credit in credits:
        store.write(credit, None)
    return store


def web_order(key: WebOrderKey) -> Order:
    return Order(
        key=key,
        number="1001",
        status="processing",
        order_date=datetime(2026, 11, 27, tzinfo=UTC).date(),
        modified_at=datetime(2026, 11, 27, 9, 0, tzinfo=UTC),
        currency="EUR",
        prices_include_tax=True,
        customer=Party(),
        lines=(
            OrderLine(sku="sku-1", quantity=Decimal(3), unit_price=Decimal("10.00"), discount_amount=Decimal("3.00")),
            OrderLine(sku="sku-2", quantity=Decimal(1), unit_price=Decimal("5.00")),
        ),
        total=Decimal("32.00"),
        total_tax=Decimal("5.55"),
    )


def test_a_woocommerce_order_is_less_the_units_its_refunds_take_or_took_off_with_its_totals_and_discount():
    order = web_order(WOO)
    credits = [taking_off(WOO, "sku-1", "1", "9.00", "1.56"), taken_off(WOO, "sku-2", "1", "5.00", "0.87")]

    less = less_units_taken_off(order, stored(*credits))

    assert [(line.sku, line.quantity, line.discount_amount) for line in less.lines] == [
        ("sku-1", Decimal(2), Decimal("2.00"))
    ]
    assert (less.total, less.total_tax) == (Decimal("18.00"), Decimal("3.12"))


def test_refunds_without_units_off_and_shopify_orders_take_nothing_off():
    waiting = ShopRefundCredit(order=WOO, refund_id="1", first_seen_at=datetime.now(UTC), updated_at=datetime.now(UTC))
    shopify = web_order(SHOPIFY)

    assert less_units_taken_off(web_order(WOO), stored(waiting)) == web_order(WOO)
    assert less_units_taken_off(shopify, stored(taken_off(SHOPIFY, "sku-1", "1", "9.00", "1.56"))) == shopify


@pytest.mark.parametrize(
    "then",
    [
        lambda credit: credit.for_a_person("no invoice after 7 days", credit.updated_at),
        lambda credit: credit.not_credited("the shop's refunds are no longer credited by Koppel", credit.updated_at),
        lambda credit: credit.not_credited("deleted in the shop before it was credited", credit.updated_at),
        lambda credit: credit.waiting("waiting", credit.updated_at),
    ],
    ids=["for-a-person", "credit-memos-off", "deleted-in-the-shop", "waiting"],
)
def test_units_taken_off_stay_off_whatever_becomes_of_their_refund_unless_they_are_credited(then):
    taking = taking_off(WOO, "sku-2", "1", "5.00", "0.87")

    assert [line.sku for line in less_units_taken_off(web_order(WOO), stored(then(taking))).lines] == ["sku-1"]
    invoiced = taking.invoiced_first(taking.updated_at)
    assert less_units_taken_off(web_order(WOO), stored(invoiced)) == web_order(WOO)
    assert invoiced.crediting(Money(amount=Decimal("5.00"), currency="EUR"), taking.updated_at).taken_off == ()


def test_refunds_that_took_off_more_units_than_the_order_has_are_a_persons():
    with pytest.raises(PermanentError, match="refunds took 1 of SKU sku-2 off the order, more than it has"):
        less_units_taken_off(web_order(WOO), stored(taken_off(WOO, "sku-2", "2", "10.00", "1.74")))


def with_shipping(credit: ShopRefundCredit, amount: str, tax: str) -> ShopRefundCredit:
    """The record, its refund having given back shipping too (what it refunded in all grown by it)."""
    assert credit.refunded is not None
    refunded = credit.refunded.model_copy(update={"amount": credit.refunded.amount + Decimal(amount) + Decimal(tax)})
    shipping = ShippingTakenOff(amount=Decimal(amount), tax=Decimal(tax))
    return credit.taking_off(refunded, credit.taken_off, "", credit.updated_at, shipping=shipping)


def shipped_for(order: Order, *shipping: str, prices_include_tax: bool = True) -> Order:
    """The order charging these shipping lines, and a 2.42 fee."""
    charges = tuple(ChargeLine(kind="shipping", description="Flat rate", amount=Decimal(each)) for each in shipping)
    fee = ChargeLine(kind="fee", description="Gift wrap", amount=Decimal("2.42"))
    return order.model_copy(update={"charges": (*charges, fee), "prices_include_tax": prices_include_tax})


@pytest.mark.parametrize(
    ("prices_include_tax", "shipping", "refunded", "left"),
    [
        (True, ("5.99",), ("4.95", "1.04"), ()),
        (True, ("5.99",), ("2.00", "0.42"), ("3.57",)),
        (False, ("4.95",), ("4.95", "1.04"), ()),
        (True, ("3.00", "5.99"), ("4.95", "1.04"), ("3.00",)),
    ],
    ids=["all-of-it", "part-of-it", "prices-without-vat", "over-two-lines"],
)
def test_the_shipping_a_refund_took_off_comes_off_the_web_orders_shipping_lines_a_line_left_at_nothing_going(
    prices_include_tax, shipping, refunded, left
):
    order = shipped_for(web_order(WOO), *shipping, prices_include_tax=prices_include_tax)
    credit = with_shipping(taking_off(WOO, "sku-2", "1", "5.00", "0.87"), *refunded)

    less = less_units_taken_off(order, stored(credit))

    assert [(charge.kind, charge.amount) for charge in less.charges] == [
        *(("shipping", Decimal(each)) for each in left),
        ("fee", Decimal("2.42")),
    ]
    refunded_in_all = Decimal("5.00") + Decimal(refunded[0]) + Decimal(refunded[1])
    assert (less.total, less.total_tax) == (Decimal("32.00") - refunded_in_all, Decimal("4.68") - Decimal(refunded[1]))


def test_refunds_that_took_off_more_shipping_than_the_order_charges_are_a_persons():
    credit = with_shipping(taking_off(WOO, "sku-2", "1", "5.00", "0.87"), "6.00", "1.26")

    with pytest.raises(PermanentError, match=r"refunds took EUR 7\.26 of shipping off the order, more than it charges"):
        less_units_taken_off(shipped_for(web_order(WOO), "5.99"), stored(credit))


def _delivered(intake: Intake, queue: MemoryQueue, payload: dict[str, Any]) -> StreamMessage:
    body, headers = signed_delivery(payload, "s3cret", topic="order.updated")
    receive_woocommerce(intake, Delivery("shop-a", "s3cret", headers, body), 1 << 20)
    return queue.messages[-1]


def test_the_order_worker_reduces_bcs_line_by_the_units_a_refund_took_off():
    intake, _, queue = memory_intake()
    bc = FakeBusinessCentral()
    credits = MemoryShopRefundCredits()
    notes = RefundNotes(credits=credits, channels=frozenset({("woocommerce", "shop-a")}))
    sync = replace(memory_sync(intake, bc), refund_notes=notes)
    anna = ShopCustomer("Anna", "de Vries", "anna@example.nl")
    placed = ShopOrder(1001, anna, (ShopLine("KOF-1001", "Koffiebonen", 2, Decimal("12.50")),))
    sync_order(sync, _delivered(intake, queue, order_payload(placed)), "m1")
    refunded = order_payload(placed, modified=placed.created + timedelta(minutes=5))
    refunded["refunds"] = [{"id": 77, "reason": "", "total": "-12.50"}]
    message = _delivered(intake, queue, refunded)
    record = sync_order(sync, message, "m2")
    noted, etag = credits.get(record.key, "77") or pytest.fail("the refund was not noted")
    units = (UnitsTakenOff(sku="KOF-1001", quantity=Decimal(1), tax=Decimal("2.17"), item_number="i", left=Decimal(1)),)
    money = Money(amount=Decimal("12.50"), currency="EUR")
    credits.write(noted.taking_off(money, units, "", noted.updated_at), etag)
    assert [plan.update for plan in bc.plans] == [[]], "the refunded version alone keeps the line's quantity"

    sync_order(sync, StreamMessage(stream=record.key.stream, event_id=message.event_id, recheck=True), "m3")

    plan = bc.plans[-1]
    [update] = plan.update
    assert (update.line.item_id, Decimal(str(update.changes["quantity"]))) == ("i-1", Decimal(1))
    assert (plan.add, plan.remove) == ([], [])

    deleted = order_payload(placed, modified=placed.created + timedelta(minutes=9))  # its refund deleted in the shop
    sync_order(sync, _delivered(intake, queue, deleted), "m4")

    [update] = bc.plans[-1].update
    assert Decimal(str(update.changes["quantity"])) == Decimal(1)
    assert len(bc.plans) == 3


@dataclass
class _ImportedWooOrder:
    """A WooCommerce order of two units of KOF-1001 in BC, on a worker whose shops credit no refunds (the take-off
    must hold all the same), and one refund of it whose unit (and shipping) is taken off."""

    intake: Intake
    queue: MemoryQueue
    bc: FakeBusinessCentral
    credits: MemoryShopRefundCredits
    sync: OrderSync
    placed: ShopOrder
    record: OrderRecord

    @classmethod
    def imported(cls) -> _ImportedWooOrder:
        intake, _, queue = memory_intake()
        bc = FakeBusinessCentral()
        credits = MemoryShopRefundCredits()
        sync = replace(memory_sync(intake, bc), refund_notes=RefundNotes(credits=credits, channels=frozenset()))
        anna = ShopCustomer("Anna", "de Vries", "anna@example.nl")
        placed = ShopOrder(1001, anna, (ShopLine("KOF-1001", "Koffiebonen", 2, Decimal("12.50")),))
        record = sync_order(sync, _delivered(intake, queue, order_payload(placed)), "m1")
        return cls(intake, queue, bc, credits, sync, placed, record)

    def one_unit_taken_off(self, refunded: str, shipping: ShippingTakenOff | None = None) -> None:
        units = (
            UnitsTakenOff(sku="KOF-1001", quantity=Decimal(1), tax=Decimal("2.17"), item_number="i", left=Decimal(1)),
        )
        moment = self.placed.created
        noted = ShopRefundCredit(order=self.record.key, refund_id="77", first_seen_at=moment, updated_at=moment)
        money = Money(amount=Decimal(refunded), currency="EUR")
        self.credits.write(noted.taking_off(money, units, "", moment, shipping=shipping), None)

    def next_version(self) -> None:
        later = order_payload(self.placed, modified=self.placed.created + timedelta(minutes=5))
        sync_order(self.sync, _delivered(self.intake, self.queue, later), "m2")


def test_the_order_worker_keeps_units_off_though_the_shops_refunds_are_no_longer_credited():
    world = _ImportedWooOrder.imported()
    world.one_unit_taken_off("12.50")

    world.next_version()

    [update] = world.bc.plans[-1].update
    assert Decimal(str(update.changes["quantity"])) == Decimal(1)


def test_the_order_worker_removes_bcs_shipping_line_when_a_refund_took_all_the_shipping_off():
    world = _ImportedWooOrder.imported()
    [shipping_line] = [line for line in world.bc.payloads[0]["salesOrderLines"] if line["lineType"] == "Account"]
    world.one_unit_taken_off("17.45", ShippingTakenOff(amount=Decimal("4.09"), tax=Decimal("0.86")))

    world.next_version()

    plan = world.bc.plans[-1]
    [update] = plan.update
    assert Decimal(str(update.changes["quantity"])) == Decimal(1)
    assert [(line.line_type, line.object_number) for line in plan.remove] == [
        ("Account", shipping_line["lineObjectNumber"])
    ]
    assert plan.add == []


def test_the_order_worker_lowers_bcs_shipping_line_by_the_shipping_a_refund_took_off():
    world = _ImportedWooOrder.imported()
    world.one_unit_taken_off("14.92", ShippingTakenOff(amount=Decimal("2.00"), tax=Decimal("0.42")))

    world.next_version()

    plan = world.bc.plans[-1]
    [item_line, shipping_line] = plan.update
    assert Decimal(str(item_line.changes["quantity"])) == Decimal(1)
    assert shipping_line.line.line_type == "Account"
    assert Decimal(str(shipping_line.changes["unitPrice"])) == Decimal("4.95") - Decimal("2.42")
    assert (plan.add, plan.remove) == ([], [])
