"""A refund made in the shop, on a channel whose refunds start in the shop, becomes exactly one BC sales credit memo,
priced from the order's posted invoice: left a draft for a person, or posted where the channel says so. What cannot
be credited as the shop itemised it goes to a person; Koppel's own records of refunds from BC are never credited."""

from __future__ import annotations

import itertools
from collections.abc import Collection, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from domain.errors import BusinessCentralRejected, PermanentError, RetryableError
from domain.invoices.invoice import BcInvoice
from domain.models import Address, Order, Party, ResolvedSku, WebOrderKey
from domain.orders.mapping.business_central import ChargeAccounts
from domain.payments.payment import Money
from domain.refunds.credit_shop_refunds import ShopRefundCrediting, credit_shop_refunds
from domain.refunds.shop_origin_ports import (
    BcDocumentLine,
    BcDraftCreditMemo,
    InvoiceToCredit,
    NewCreditMemo,
    RefundedCharge,
    RefundedItem,
    ShopRefundDetail,
    VatPostingSetup,
)
from domain.refunds.shop_refund_credit import CreditState, ShopRefundCredit
from domain.refunds.shop_refund_notes import RefundNotes, note_shop_refunds
from tests.fakes import FixedClock, MemoryOrders, MemoryShopRefundCredits, MemorySyncRuns, order_in_bc

ORDER = WebOrderKey(source="woocommerce", shop="shop-a", order_id="1001")
CHANNEL = ("woocommerce", "shop-a")
ACCOUNTS = ChargeAccounts(shipping="8000", fee="8010")
ROUNDING = ACCOUNTS.model_copy(update={"rounding": "8990"})
NOT_RETURNED = ACCOUNTS.model_copy(update={"refunded_not_returned": "8120"})
VAT = Decimal(21)
TAX_CODES = {"HOOG": VAT, "LAAG": Decimal(9), "NUL": Decimal(0)}
"""The VAT Prod. Posting Groups a written taxCode may name."""
VAT_SETUP = (
    VatPostingSetup(product_group="HOOG", identifier="VAT21", percent=VAT),
    VatPostingSetup(product_group="LAAG", identifier="VAT9", percent=Decimal(9)),
    VatPostingSetup(product_group="NUL", identifier="VAT0", percent=Decimal(0)),
)
"""The VAT Posting Setup of Koppel's VAT business group: BC serves a line's taxCode as its VAT Identifier."""
NO_VAT_GROUP = "The VAT Product Posting Group does not exist"


def invoice_line(
    sequence: int, line_type: str, number: str, quantity: str, price: str, *, discount: str = "0"
) -> BcDocumentLine:
    return BcDocumentLine(
        id=f"il-{sequence}",
        sequence=sequence,
        line_type=line_type,
        object_number=number,
        description=f"{number} as invoiced",
        quantity=Decimal(quantity),
        unit_price=Decimal(price),
        discount_amount=Decimal(discount),
        tax_percent=VAT,
        tax_code="VAT21",
    )


INVOICE = InvoiceToCredit(
    id="inv-1",
    number="S-INV1001",
    customer_number="C00010",
    prices_include_tax=False,
    remaining_amount=Decimal(0),
    total_including_tax=Decimal("35.03"),
    lines=(
        invoice_line(10000, "Item", "ITEM-1", "2", "10.00", discount="2.00"),
        invoice_line(20000, "Item", "ITEM-2", "1", "5.00"),
        invoice_line(30000, "Account", "8000", "1", "4.95"),
    ),
)


def refund(
    refund_id: str = "9001", amount: str = "16.88", *, items: bool = True, charges: bool = True, koppel_key: str = ""
) -> ShopRefundDetail:
    """One ITEM-1 (9.00 + 1.89 VAT) and the shipping (4.95 + 1.04 VAT): 16.88."""
    return ShopRefundDetail(
        refund_id=refund_id,
        amount=Money(amount=Decimal(amount), currency="EUR"),
        items=(RefundedItem(sku="sku-1", quantity=Decimal(1), amount=Decimal("9.00"), tax=Decimal("1.89")),)
        if items
        else (),
        charges=(RefundedCharge(kind="shipping", description="Flat rate", amount=Decimal("4.95"), tax=Decimal("1.04")),)
        if charges
        else (),
        koppel_key=koppel_key,
    )


class Shop:
    def __init__(self, *refunds: ShopRefundDetail) -> None:
        self.refunds = {each.refund_id: each for each in refunds}
        self.down = False
        self.unreadable = False

    def refund(self, order: WebOrderKey, refund_id: str) -> ShopRefundDetail | None:
        if self.down:
            raise RetryableError("the shop answered 503")
        if self.unreadable:
            raise PermanentError("WooCommerce refund 9001 could not be read: amount is not a number")
        return self.refunds.get(refund_id)


class Skus:
    def resolve_skus(self, skus: Sequence[str]) -> dict[str, ResolvedSku]:
        items = {"sku-1": "ITEM-1", "sku-2": "ITEM-2"}
        return {sku: ResolvedSku(item_id=f"id-{items[sku]}", item_number=items[sku]) for sku in skus if sku in items}


class Bc:
    """BC's invoices and credit memos: an Item line added is priced at `bc_price` (BC re-prices it while it validates
    the quantity); `lose_next` makes the next create or line and loses the answer, `throttle_next_line` refuses the
    next line (429); `ignores_prices` keeps every price but the item line's as it is; `refuse` refuses every
    create. A line's VAT is its taxCode's, else its account's (`account_vat`), else 21 %. Every line written gets a
    new ETag, and a re-price on another than the line's current one is refused as BC refuses it (409); `reads`
    counts the credit memos read."""

    def __init__(self, *invoices: InvoiceToCredit, customer_prices_include_tax: bool = False) -> None:
        self.invoices = {invoice.id: invoice for invoice in invoices or (INVOICE,)}
        self.customer_prices_include_tax = customer_prices_include_tax
        self.memos: dict[str, BcDraftCreditMemo] = {}
        self.headers: dict[str, NewCreditMemo] = {}
        self.bc_price = Decimal("12.34")
        self.lose_next = ""
        self.throttle_next_line = False
        self.ignores_prices = False
        self.refuse = ""
        self.repriced: list[str] = []
        self.posted: list[str] = []
        self.account_vat = {"8990": Decimal(0)}
        self.lose_at_sequence = 0
        self.reads = 0
        self.setup: tuple[VatPostingSetup, ...] = VAT_SETUP
        self.setup_reads = 0
        self._ids = itertools.count(1)
        self._etags = itertools.count(1)

    def invoice(self, invoice_id: str) -> InvoiceToCredit:
        return self.invoices[invoice_id]

    def find(self, external_document_number: str, marker: str, taken: Collection[str]) -> BcDraftCreditMemo | None:
        for memo_id, header in self.headers.items():
            memo = self.memos[memo_id]
            marked = any(line.line_type == "Comment" and line.description == marker for line in memo.lines)
            empty = not memo.lines and memo_id not in taken
            if header.external_document_number == external_document_number and (marked or empty):
                return self._totalled(memo_id)
        return None

    def create(self, header: NewCreditMemo) -> BcDraftCreditMemo:
        if self.refuse:
            raise BusinessCentralRejected(400, "Application_DialogException", self.refuse)
        memo_id = f"cm-{next(self._ids)}"
        self.headers[memo_id] = header
        self.memos[memo_id] = BcDraftCreditMemo(
            id=memo_id,
            number=f"S-CRD{memo_id[-1]}",
            status="Draft",
            prices_include_tax=self.customer_prices_include_tax,
            total_including_tax=Decimal(0),
        )
        self._maybe_lose("create")
        return self.memos[memo_id]

    def read(self, credit_memo_id: str) -> BcDraftCreditMemo:
        self.reads += 1
        return self._totalled(credit_memo_id)

    def _totalled(self, credit_memo_id: str) -> BcDraftCreditMemo:
        memo = self.memos[credit_memo_id]
        nets = [(line.quantity * line.unit_price - line.discount_amount, line.tax_percent) for line in memo.lines]
        total = sum((net if memo.prices_include_tax else net * (1 + rate / 100) for net, rate in nets), Decimal(0))
        return memo.model_copy(update={"total_including_tax": total.quantize(Decimal("0.01"))})

    def add_line(self, credit_memo_id: str, line: BcDocumentLine) -> BcDocumentLine:
        if self.throttle_next_line:
            self.throttle_next_line = False
            raise RetryableError("BC answered 429")
        memo = self.memos[credit_memo_id]
        if line.tax_code and line.tax_code not in TAX_CODES:
            raise BusinessCentralRejected(400, "Internal_RecordNotFound", NO_VAT_GROUP)
        taxed = TAX_CODES.get(line.tax_code, self.account_vat.get(line.object_number, VAT))
        taxed = Decimal(0) if line.line_type == "Comment" else taxed
        stored = line.model_copy(
            update={"id": f"{credit_memo_id}-{line.sequence}", "tax_percent": taxed, "etag": self._etag()}
        )
        if line.line_type == "Item":
            stored = stored.model_copy(update={"unit_price": self.bc_price, "discount_amount": Decimal(0)})
        self.memos[credit_memo_id] = memo.model_copy(update={"lines": (*memo.lines, stored)})
        self._maybe_lose("line")
        if line.sequence == self.lose_at_sequence:
            raise RetryableError("BC did not answer")
        return stored

    def reprice(self, credit_memo_id: str, line: BcDocumentLine, unit_price: Decimal, discount_amount: Decimal) -> None:
        memo = self.memos[credit_memo_id]
        if line.etag != next(each.etag for each in memo.lines if each.id == line.id):
            raise RetryableError("BC answered 409 (record changed or locked) to PATCH")
        self.repriced.append(line.id)
        if self.ignores_prices and not line.id.endswith("-30000"):
            return
        priced = {"unit_price": unit_price, "discount_amount": discount_amount, "etag": self._etag()}
        lines = tuple(each.model_copy(update=priced) if each.id == line.id else each for each in memo.lines)
        self.memos[credit_memo_id] = memo.model_copy(update={"lines": lines})

    def _etag(self) -> str:
        return f'W/"{next(self._etags)}"'

    def post(self, credit_memo_id: str) -> None:
        self.posted.append(credit_memo_id)
        memo = self.memos[credit_memo_id]
        self.memos[credit_memo_id] = memo.model_copy(update={"status": "Open", "number": f"S-CR{credit_memo_id[-1]}"})

    def vat_setup(self) -> tuple[VatPostingSetup, ...]:
        self.setup_reads += 1
        return self.setup

    def _maybe_lose(self, step: str) -> None:
        if self.lose_next == step:
            self.lose_next = ""
            raise RetryableError("BC did not answer")


def _filed(invoice: InvoiceToCredit) -> BcInvoice:
    """The invoice as the order record has it, paid."""
    return BcInvoice(
        id=invoice.id,
        number=invoice.number,
        external_document_number="WEB1001",
        customer_number=invoice.customer_number,
        total_including_tax=invoice.total_including_tax,
        remaining_amount=Decimal(0),
        status="Paid",
    )


class World:
    def __init__(
        self,
        *refunds: ShopRefundDetail,
        invoiced: bool = True,
        posts: bool = False,
        bc: Bc | None = None,
        accounts: ChargeAccounts = ACCOUNTS,
    ):
        self.clock = FixedClock()
        self.orders = MemoryOrders()
        order_in_bc(self.orders, ORDER, "WEB1001")
        self.bc = bc or Bc()
        if invoiced:
            record, etag = self.orders.get(ORDER) or pytest.fail("no order")
            self.orders.replace(record.with_invoices([_filed(each) for each in self.bc.invoices.values()]), etag)
        self.credits = MemoryShopRefundCredits()
        self.shop = Shop(*refunds)
        self.runs = MemorySyncRuns()
        self.crediting = ShopRefundCrediting(
            credits=self.credits,
            orders=self.orders,
            shops={CHANNEL: self.shop},
            bc=self.bc,
            skus=Skus(),
            accounts=accounts,
            runs=self.runs,
            clock=self.clock,
            local_currency="EUR",
            posts=frozenset({CHANNEL}) if posts else frozenset(),
        )
        for each in refunds:
            self.credits.write(self.noted(each.refund_id), None)

    def noted(self, refund_id: str) -> ShopRefundCredit:
        return ShopRefundCredit(
            order=ORDER, refund_id=refund_id, first_seen_at=self.clock.now(), updated_at=self.clock.now()
        )

    def run(self) -> None:
        credit_shop_refunds(self.crediting)

    def credit(self, refund_id: str = "9001") -> ShopRefundCredit:
        found = self.credits.get(ORDER, refund_id)
        assert found is not None
        return found[0]

    def lines(self, memo_id: str = "cm-1") -> list[tuple[str, str, Decimal, Decimal, Decimal]]:
        memo = self.bc.memos[memo_id]
        return [
            (line.line_type, line.object_number, line.quantity, line.unit_price, line.discount_amount)
            for line in memo.lines
        ]


def test_a_shop_refund_becomes_one_draft_credit_memo_priced_from_the_invoice():
    world = World(refund())

    world.run()

    credit = world.credit()
    assert (credit.state, credit.credit_memo_number, credit.credited_amount) == (CreditState.DRAFTED, "S-CRD1", "16.88")
    assert world.bc.headers["cm-1"] == NewCreditMemo(customer_number="C00010", external_document_number="WEB1001")
    assert world.lines() == [
        ("Comment", "", Decimal(0), Decimal(0), Decimal(0)),
        ("Comment", "", Decimal(0), Decimal(0), Decimal(0)),
        ("Item", "ITEM-1", Decimal(1), Decimal("10.00"), Decimal("1.00")),
        ("Account", "8000", Decimal(1), Decimal("4.95"), Decimal(0)),
    ]
    assert world.bc.memos["cm-1"].lines[0].description == credit.marker
    assert world.bc.posted == []


def test_an_item_line_bc_priced_itself_is_priced_back_at_the_invoice_price():
    world = World(refund())

    world.run()

    assert world.bc.repriced == ["cm-1-30000"]
    assert world.lines()[2][3] == Decimal("10.00")


def test_a_re_price_goes_on_the_etag_bc_answered_the_line_with_and_reads_nothing_first():
    world = World(refund())

    world.run()

    assert world.bc.repriced == ["cm-1-30000"], "the fake refuses a re-price on another than the line's ETag"
    assert world.bc.reads == 1, "the credit memo read once its lines are in; nothing read to re-price"


def test_a_re_run_that_finds_every_line_in_place_reads_the_credit_memo_once():
    """The last line's answer was lost: the next run reads the credit memo, finds all four lines priced, and writes
    and reads nothing more."""
    world = World(refund())
    world.bc.lose_at_sequence = 40000
    world.run()
    assert world.credit().state is CreditState.CREDITING
    world.bc.reads = 0

    world.run()

    assert world.credit().state is CreditState.DRAFTED
    assert world.bc.reads == 1
    assert world.bc.repriced == ["cm-1-30000"]


def located(invoice: InvoiceToCredit, location_id: str) -> InvoiceToCredit:
    """The invoice with its ITEM-1 line shipped from another location than the customer's."""
    first, *rest = invoice.lines
    return invoice.model_copy(update={"lines": (first.model_copy(update={"location_id": location_id}), *rest)})


def test_an_item_line_brings_its_units_back_to_the_location_its_invoice_line_shipped_them_from():
    world = World(refund(), bc=Bc(located(INVOICE, "loc-shop")))

    world.run()

    assert [(line.line_type, line.location_id) for line in world.bc.memos["cm-1"].lines] == [
        ("Comment", ""),
        ("Comment", ""),
        ("Item", "loc-shop"),
        ("Account", ""),
    ]


def test_units_kept_by_the_customer_are_credited_on_their_account_without_a_location():
    kept = RefundedItem(sku="sku-1", quantity=Decimal(1), amount=Decimal("9.00"), tax=Decimal("1.89"), restocked=False)
    world = World(
        refund(amount="10.89", charges=False).model_copy(update={"items": (kept,)}),
        bc=Bc(located(INVOICE, "loc-shop")),
        accounts=NOT_RETURNED,
    )

    world.run()

    assert [(line.line_type, line.location_id) for line in world.bc.memos["cm-1"].lines[2:]] == [("Account", "")]


def test_an_item_invoiced_from_two_locations_goes_to_a_person_before_bc_is_asked():
    first = located(INVOICE.model_copy(update={"lines": INVOICE.lines[:1]}), "loc-shop")
    second = located(INVOICE.model_copy(update={"id": "inv-2", "number": "S-INV1002"}), "loc-main")
    world = World(refund(), bc=Bc(first, second))

    world.run()

    assert world.credit().state is CreditState.NEEDS_ATTENTION
    assert "item ITEM-1 was invoiced from 2 locations" in world.credit().problem
    assert world.bc.memos == {}


def test_units_kept_by_the_customer_from_two_locations_are_credited_on_their_account():
    """Nothing comes back into stock, so where the units were shipped from does not matter."""
    kept = RefundedItem(sku="sku-1", quantity=Decimal(2), amount=Decimal("18.00"), tax=Decimal("3.78"), restocked=False)
    first = located(INVOICE.model_copy(update={"lines": INVOICE.lines[:1]}), "loc-shop")
    second = located(INVOICE.model_copy(update={"id": "inv-2", "number": "S-INV1002"}), "loc-main")
    kept_only = refund(amount="21.78", charges=False).model_copy(update={"items": (kept,)})
    world = World(kept_only, bc=Bc(first, second), accounts=NOT_RETURNED)

    world.run()

    assert [(line.line_type, line.object_number) for line in world.bc.memos["cm-1"].lines[2:]] == [("Account", "8120")]
    assert world.credit().state is CreditState.DRAFTED


def test_an_item_invoiced_at_two_vat_rates_goes_to_a_person_before_bc_is_asked():
    first = INVOICE.model_copy(update={"lines": INVOICE.lines[:1]})
    low = INVOICE.lines[0].model_copy(update={"tax_percent": Decimal(9), "tax_code": "VAT9"})
    second = INVOICE.model_copy(update={"id": "inv-2", "number": "S-INV1002", "lines": (low, *INVOICE.lines[1:])})
    world = World(refund(), bc=Bc(first, second))

    world.run()

    assert world.credit().state is CreditState.NEEDS_ATTENTION
    assert "at which price and VAT was it refunded?" in world.credit().problem
    assert world.bc.memos == {}


def test_an_item_line_bc_gives_another_vat_than_its_invoice_line_goes_to_a_person_and_is_never_posted():
    """The item's VAT group changed since it was invoiced: a total including VAT would not show it."""
    world = World(refund(), posts=True)
    world.bc.account_vat["ITEM-1"] = Decimal(9)

    world.run()

    assert world.bc.posted == []
    assert world.credit().state is CreditState.NEEDS_ATTENTION
    assert "line 30000 (ITEM-1 as invoiced) has 9 % VAT, its invoice line 21 %" in world.credit().problem


def test_on_a_channel_that_posts_the_credit_memo_is_posted_under_its_posted_number():
    world = World(refund(), posts=True)

    world.run()

    assert world.bc.posted == ["cm-1"]
    assert (world.credit().state, world.credit().credit_memo_number) == (CreditState.POSTED, "S-CR1")
    assert world.runs.recorded[-1].pushed == 1


def test_a_credit_memo_koppel_posts_is_applied_to_the_one_invoice_still_open_for_the_refund():
    """Refunded before the payment was booked: the booking run booked what was left, the invoice stays open."""
    open_invoice = INVOICE.model_copy(update={"remaining_amount": Decimal("16.88")})
    posted, drafted = World(refund(), posts=True, bc=Bc(open_invoice)), World(refund(), bc=Bc(open_invoice))

    posted.run()
    drafted.run()

    assert posted.bc.headers["cm-1"].invoice_id == "inv-1"
    assert drafted.bc.headers["cm-1"].invoice_id == "", "a draft a person posts later: the invoice may be paid by then"


def test_a_create_whose_answer_was_lost_is_found_again_and_not_made_twice():
    world = World(refund())
    world.bc.lose_next = "create"

    world.run()
    assert world.credit().state is CreditState.CREDITING
    world.run()

    assert list(world.bc.memos) == ["cm-1"]
    assert world.credit().state is CreditState.DRAFTED


def test_a_credit_memo_begun_for_one_refund_is_never_taken_for_another_of_the_order():
    """Refund 9001's credit memo is made, then BC throttles before its first line; refund 9002 of the same order
    makes its own."""
    world = World(refund("9001"), refund("9002"))
    world.bc.throttle_next_line = True

    world.run()
    world.run()

    credited = {refund_id: world.credit(refund_id) for refund_id in ("9001", "9002")}
    assert {each.state for each in credited.values()} == {CreditState.DRAFTED}
    assert len({each.credit_memo_id for each in credited.values()}) == 2
    for each in credited.values():
        assert world.bc.memos[each.credit_memo_id].lines[0].description == each.marker


def test_a_line_whose_answer_was_lost_is_not_added_twice():
    world = World(refund())
    world.bc.lose_next = "line"

    world.run()
    world.run()

    assert [line.sequence for line in world.bc.memos["cm-1"].lines] == [10000, 20000, 30000, 40000]
    assert world.credit().state is CreditState.DRAFTED


def test_units_refunded_before_they_were_fulfilled_are_left_out_of_the_credit_memo():
    """Shopify takes them off the order (restock type CANCEL): the order worker reduced the BC order instead."""
    cancelled = RefundedItem(
        sku="sku-2", quantity=Decimal(1), amount=Decimal("5.00"), tax=Decimal("1.05"), before_fulfilment=True
    )
    world = World(refund(amount="22.93").model_copy(update={"items": (*refund().items, cancelled)}))

    world.run()

    assert [line[1] for line in world.lines()[2:]] == ["ITEM-1", "8000"]
    assert (world.credit().state, world.credit().credited_amount) == (CreditState.DRAFTED, "16.88")


def test_a_refund_of_unfulfilled_units_alone_credits_nothing():
    cancelled = RefundedItem(
        sku="sku-2", quantity=Decimal(1), amount=Decimal("5.00"), tax=Decimal("1.05"), before_fulfilment=True
    )
    world = World(refund(amount="6.05", charges=False).model_copy(update={"items": (cancelled,)}))

    world.run()

    assert world.credit().state is CreditState.NOT_CREDITED
    assert world.bc.memos == {}


def test_an_item_invoiced_in_two_partial_shipments_at_one_price_is_credited_from_both_invoices():
    first = INVOICE.model_copy(
        update={"lines": (invoice_line(10000, "Item", "ITEM-1", "1", "10.00", discount="1.00"),)}
    )
    second = INVOICE.model_copy(
        update={
            "id": "inv-2",
            "number": "S-INV1002",
            "lines": (
                invoice_line(10000, "Item", "ITEM-1", "1", "10.00", discount="1.00"),
                invoice_line(20000, "Account", "8000", "1", "4.95"),
            ),
        }
    )
    two_units = RefundedItem(sku="sku-1", quantity=Decimal(2), amount=Decimal("18.00"), tax=Decimal("3.78"))
    world = World(refund(amount="27.77").model_copy(update={"items": (two_units,)}), bc=Bc(first, second))

    world.run()

    assert world.lines()[2:] == [
        ("Item", "ITEM-1", Decimal(2), Decimal("10.00"), Decimal("2.00")),
        ("Account", "8000", Decimal(1), Decimal("4.95"), Decimal(0)),
    ]
    assert world.bc.memos["cm-1"].lines[1].description == "Invoice S-INV1001, S-INV1002"
    assert world.credit().state is CreditState.DRAFTED


def test_units_refunded_without_being_taken_back_or_without_a_quantity_go_to_a_person_before_bc_is_asked():
    kept = RefundedItem(sku="sku-1", quantity=Decimal(1), amount=Decimal("9.00"), tax=Decimal("1.89"), restocked=False)
    no_quantity = RefundedItem(sku="sku-1", quantity=Decimal(0), amount=Decimal("9.00"), tax=Decimal("1.89"))
    worlds = [World(refund().model_copy(update={"items": (item,)})) for item in (kept, no_quantity)]

    for world in worlds:
        world.run()

    assert [world.credit().state for world in worlds] == [CreditState.NEEDS_ATTENTION] * 2
    assert "without taking them back" in worlds[0].credit().problem
    assert "without a quantity" in worlds[1].credit().problem
    assert [world.bc.memos for world in worlds] == [{}, {}]


def test_a_price_converted_to_the_credit_memos_vat_basis_keeps_bcs_five_decimals():
    odd = INVOICE.model_copy(update={"lines": (invoice_line(10000, "Item", "ITEM-1", "30", "19.99"),)})
    thirty = RefundedItem(sku="sku-1", quantity=Decimal(30), amount=Decimal("599.70"), tax=Decimal("125.94"))
    world = World(
        refund(amount="725.64", charges=False).model_copy(update={"items": (thirty,)}),
        bc=Bc(odd, customer_prices_include_tax=True),
    )

    world.run()

    assert world.lines()[2][3] == Decimal("24.18790")
    assert world.credit().state is CreditState.DRAFTED


def test_koppels_own_record_of_a_refund_from_bc_is_never_credited():
    world = World(refund(koppel_key="koppel-cm-abc"))

    world.run()

    assert world.credit().state is CreditState.NOT_CREDITED
    assert world.bc.memos == {}


def test_a_refund_deleted_in_the_shop_before_it_was_credited_is_not_credited():
    world = World(refund())
    world.shop.refunds.clear()

    world.run()

    assert (world.credit().state, world.credit().problem) == (
        CreditState.NOT_CREDITED,
        "deleted in the shop before it was credited",
    )


def test_a_refund_waits_for_the_invoice_then_goes_to_a_person():
    world = World(refund(), invoiced=False)

    world.run()
    assert world.credit().state is CreditState.TO_CREDIT
    world.clock.moment += timedelta(days=8)
    world.run()

    assert world.credit().state is CreditState.NEEDS_ATTENTION
    assert "no invoice for the order after 7 days" in world.credit().problem
    assert world.bc.memos == {}


def test_a_refund_of_an_amount_alone_goes_to_a_person_with_the_amount():
    world = World(refund(amount="20.00", items=False, charges=False))

    world.run()

    credit = world.credit()
    assert credit.state is CreditState.NEEDS_ATTENTION
    assert "refunded EUR 20.00 without naming items" in credit.problem


def test_an_article_bc_does_not_know_goes_to_a_person_before_any_credit_memo_is_made():
    unknown = RefundedItem(sku="sku-9", quantity=Decimal(1), amount=Decimal("5.00"), tax=Decimal("1.05"))
    world = World(refund().model_copy(update={"items": (unknown,)}))

    world.run()

    assert world.credit().state is CreditState.NEEDS_ATTENTION
    assert world.credit().problem == "SKU sku-9 of the refund is no item in BC"
    assert world.bc.memos == {}


def test_a_credit_memo_whose_total_is_not_the_refunds_stays_a_draft_for_a_person_with_both_amounts():
    world = World(refund(amount="18.00"), posts=True)

    world.run()

    credit = world.credit()
    assert credit.state is CreditState.NEEDS_ATTENTION
    assert "totals EUR 16.88, the shop refunded EUR 18.00" in credit.problem
    assert world.bc.posted == []


def test_a_credit_memo_a_cent_from_the_refund_is_brought_to_it_on_its_last_line_and_posted():
    """BC rounds VAT over the document, the shop per line: the provider's refund must close the credit memo."""
    world = World(refund(amount="16.89"), posts=True)

    world.run()

    assert world.bc.read("cm-1").total_including_tax == Decimal("16.89")
    assert world.lines()[-1][3] == Decimal("4.95826")
    assert (world.credit().state, world.credit().credited_amount) == (CreditState.POSTED, "16.89")


def test_a_credit_memo_still_a_cent_from_the_refund_is_not_posted_but_left_to_a_person():
    world = World(refund(amount="16.89"), posts=True)
    world.bc.ignores_prices = True

    world.run()

    assert world.bc.posted == []
    assert world.credit().state is CreditState.NEEDS_ATTENTION
    assert "totals EUR 16.88, the shop refunded EUR 16.89: BC rounds VAT otherwise" in world.credit().problem


def rounding_lines(world: World) -> list[tuple[int, str, Decimal, Decimal]]:
    return [
        (line.sequence, line.description, line.quantity, line.unit_price)
        for line in world.bc.memos["cm-1"].lines
        if line.object_number == "8990"
    ]


@pytest.mark.parametrize(("refunded", "gap"), [("16.89", "0.01"), ("16.87", "-0.01")])
def test_with_a_rounding_account_a_draft_a_cent_from_the_refund_gets_one_rounding_line_and_is_posted(refunded, gap):
    """The planned lines keep the invoice's prices (only BC's own item price is put back); the gap, either way, is
    one line on the 0 % account after them."""
    world = World(refund(amount=refunded), posts=True, accounts=ROUNDING)

    world.run()

    assert rounding_lines(world) == [(50000, "Rounding to the shop's refund", Decimal(1), Decimal(gap))]
    assert world.bc.repriced == ["cm-1-30000"]
    assert (world.credit().state, world.credit().credited_amount) == (CreditState.POSTED, refunded)


def test_a_rerun_after_the_rounding_lines_answer_was_lost_does_not_add_it_twice():
    """The rounding line carries VAT here, so the re-run still finds the draft apart: it must not add a second."""
    world = World(refund(amount="16.89"), posts=True, accounts=ROUNDING)
    world.bc.lose_at_sequence = 50000
    world.bc.account_vat["8990"] = Decimal(100)

    world.run()
    assert world.credit().state is CreditState.CREDITING
    world.run()

    assert len(rounding_lines(world)) == 1
    assert [line.sequence for line in world.bc.memos["cm-1"].lines] == [10000, 20000, 30000, 40000, 50000]
    assert world.credit().state is CreditState.NEEDS_ATTENTION
    assert world.bc.posted == []


def test_a_draft_further_from_the_refund_than_a_cent_a_line_gets_no_rounding_line_and_goes_to_a_person():
    world = World(refund(amount="16.91"), posts=True, accounts=ROUNDING)

    world.run()

    assert rounding_lines(world) == []
    assert world.credit().state is CreditState.NEEDS_ATTENTION
    assert "totals EUR 16.88, the shop refunded EUR 16.91" in world.credit().problem
    assert world.bc.posted == []


def test_a_rounding_account_that_carries_vat_leaves_the_draft_apart_for_a_person_with_both_amounts():
    world = World(refund(amount="16.89"), posts=True, accounts=ROUNDING)
    world.bc.account_vat["8990"] = Decimal(100)

    world.run()

    assert len(rounding_lines(world)) == 1
    assert world.bc.posted == []
    assert world.credit().state is CreditState.NEEDS_ATTENTION
    assert "totals EUR 16.90, the shop refunded EUR 16.89: its rounding line on 8990 did not" in world.credit().problem


def test_without_a_rounding_account_no_rounding_line_is_added_and_the_last_line_is_moved():
    world = World(refund(amount="16.89"), posts=True)

    world.run()

    assert rounding_lines(world) == []
    assert world.bc.repriced == ["cm-1-30000", "cm-1-40000"]


def test_units_refunded_without_being_taken_back_are_credited_on_the_not_returned_account_at_the_items_vat():
    """Nothing comes back into stock; price, discount and VAT are the invoice line's (the account's own VAT is 0 %
    here): its VAT Identifier at its VAT % sent as the VAT Prod. Posting Group that has it."""
    kept = RefundedItem(sku="sku-1", quantity=Decimal(1), amount=Decimal("9.00"), tax=Decimal("1.89"), restocked=False)
    world = World(refund().model_copy(update={"items": (kept,)}), accounts=NOT_RETURNED)
    world.bc.account_vat["8120"] = Decimal(0)

    world.run()

    assert world.lines()[2] == ("Account", "8120", Decimal(1), Decimal("10.00"), Decimal("1.00"))
    stored = world.bc.memos["cm-1"].lines[2]
    assert (stored.tax_code, stored.tax_percent) == ("HOOG", VAT)
    assert world.bc.setup_reads == 1
    assert stored.description == "Not returned: ITEM-1 as invoiced"
    assert (world.credit().state, world.credit().credited_amount) == (CreditState.DRAFTED, "16.88")


def test_a_vat_identifier_no_setup_of_the_business_group_has_at_its_rate_sends_kept_units_to_a_person_unasked():
    """An EU customer's line (VAT Identifier HOOG-EU, 0 %), or an identifier at another rate than its setup's."""
    kept = RefundedItem(sku="sku-1", quantity=Decimal(1), amount=Decimal("9.00"), tax=Decimal("1.89"), restocked=False)
    worlds = []
    for code, percent in (("HOOG-EU", Decimal(0)), ("VAT21", Decimal(9))):
        identified = INVOICE.lines[0].model_copy(update={"tax_code": code, "tax_percent": percent})
        bc = Bc(INVOICE.model_copy(update={"lines": (identified, *INVOICE.lines[1:])}))
        worlds.append(World(refund().model_copy(update={"items": (kept,)}), accounts=NOT_RETURNED, bc=bc))

    for world in worlds:
        world.run()

    assert [world.credit().state for world in worlds] == [CreditState.NEEDS_ATTENTION] * 2
    assert "VAT Identifier HOOG-EU, 0 %: no VAT Posting Setup has it" in worlds[0].credit().problem
    assert "VAT Identifier VAT21, 9 %: no VAT Posting Setup has it" in worlds[1].credit().problem
    assert [world.bc.memos for world in worlds] == [{}, {}]


def test_a_vat_identifier_two_product_groups_have_at_its_rate_sends_kept_units_to_a_person_unasked():
    kept = RefundedItem(sku="sku-1", quantity=Decimal(1), amount=Decimal("9.00"), tax=Decimal("1.89"), restocked=False)
    world = World(refund().model_copy(update={"items": (kept,)}), accounts=NOT_RETURNED)
    world.bc.setup = (*VAT_SETUP, VatPostingSetup(product_group="DIENST", identifier="VAT21", percent=VAT))

    world.run()

    assert world.credit().state is CreditState.NEEDS_ATTENTION
    assert "2 VAT Prod. Posting Groups (DIENST, HOOG) have it" in world.credit().problem
    assert world.bc.memos == {}


def test_a_refund_of_units_taken_back_does_not_read_the_vat_posting_setup():
    world = World(refund())

    world.run()

    assert world.credit().state is CreditState.DRAFTED
    assert world.bc.setup_reads == 0


def test_prices_follow_the_credit_memos_basis_when_the_customer_prices_include_vat():
    world = World(refund(), bc=Bc(customer_prices_include_tax=True))

    world.run()

    assert world.lines()[2:] == [
        ("Item", "ITEM-1", Decimal(1), Decimal("12.10"), Decimal("1.21")),
        ("Account", "8000", Decimal(1), Decimal("5.99"), Decimal(0)),
    ]
    assert world.credit().state is CreditState.DRAFTED


def test_a_refund_in_another_currency_than_the_invoice_goes_to_a_person():
    world = World(refund().model_copy(update={"amount": Money(amount=Decimal("16.88"), currency="USD")}))

    world.run()

    assert world.credit().state is CreditState.NEEDS_ATTENTION
    assert world.bc.memos == {}


def test_bc_refusing_the_credit_memo_sends_it_to_a_person_with_bcs_words():
    world = World(refund())
    world.bc.refuse = "The sell-to customer cannot be found."

    world.run()

    assert world.credit().state is CreditState.NEEDS_ATTENTION
    assert world.credit().problem == "BC refused the credit memo: The sell-to customer cannot be found."


def test_a_refund_noted_on_a_shop_no_longer_credited_is_passed_by_and_the_run_goes_on():
    world = World(refund())
    world.credits.write(world.noted("77").model_copy(update={"order": ORDER.model_copy(update={"shop": "gone"})}), None)

    world.run()

    gone = world.credits.get(ORDER.model_copy(update={"shop": "gone"}), "77")
    assert gone is not None
    assert gone[0].state is CreditState.NOT_CREDITED
    assert world.credit().state is CreditState.DRAFTED


def test_a_refund_the_shop_answers_unreadably_goes_to_a_person_and_the_run_goes_on():
    world = World(refund())
    world.shop.unreadable = True

    world.run()

    assert world.credit().state is CreditState.NEEDS_ATTENTION
    assert "could not be read" in world.credit().problem
    assert world.runs.recorded[-1].completed is True


def test_a_shop_that_does_not_answer_leaves_the_refund_for_the_next_run():
    world = World(refund())
    world.shop.down = True

    world.run()

    assert world.credit().state is CreditState.TO_CREDIT
    assert world.runs.recorded[-1].completed is False


def test_the_order_worker_notes_each_refund_once_and_only_on_crediting_channels():
    credits = MemoryShopRefundCredits()
    notes = RefundNotes(credits=credits, channels=frozenset({CHANNEL}))
    now = datetime(2026, 12, 7, 12, tzinfo=UTC)
    order = _order(ORDER, ("9001", "9002"))

    assert note_shop_refunds(notes, order, now) == 2
    assert note_shop_refunds(notes, order, now) == 0
    other = _order(WebOrderKey(source="woocommerce", shop="shop-b", order_id="7"), ("1",))
    assert note_shop_refunds(notes, other, now) == 0
    assert sorted(each.refund_id for each in credits.unfinished()) == ["9001", "9002"]


def _order(key: WebOrderKey, refund_ids: tuple[str, ...]) -> Order:
    return Order(
        key=key,
        number=key.order_id,
        status="processing",
        order_date=datetime(2026, 12, 1, tzinfo=UTC).date(),
        modified_at=datetime(2026, 12, 7, tzinfo=UTC),
        currency="EUR",
        prices_include_tax=False,
        customer=Party(billing=Address(name="A. Klant"), email="a@example.com"),
        lines=(),
        total=Decimal(0),
        total_tax=Decimal(0),
        refund_ids=refund_ids,
    )
