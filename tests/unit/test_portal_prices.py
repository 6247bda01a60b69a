"""The portal's price inquiry: what it may ask, what is read to answer it, and the JSON it gets back."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from domain.catalog.availability import ItemKey, ItemSubstitution, StockFacts
from domain.catalog.listing import CatalogItem
from domain.portal.catalog import PortalCustomer, PortalItem, portal_item
from domain.portal.price_inquiry import MAX_LINES, answer, customer_number, parse
from domain.portal.quote_prices import PortalPrices, quote_prices
from tests.fakes import PORTAL_POLICY
from tests.unit.price_lines import price_line

TODAY = date(2026, 11, 29)
ESPRESSO = ItemKey(item_number="KOF-1001")
HUISBLEND = ItemKey(item_number="KOF-1005")


class Clock:
    def now(self) -> datetime:
        return datetime(2026, 11, 29, 9, 30, tzinfo=UTC)


class Catalog:
    """The portal's stored catalog, counting what is read."""

    def __init__(self, *items: PortalItem) -> None:
        self.stored = {item.number: item for item in items}
        self.reads: list[list[str]] = []

    def items(self, numbers: Iterable[str]) -> dict[str, PortalItem]:
        self.reads.append(sorted(numbers))
        return {number: self.stored[number] for number in numbers if number in self.stored}

    def customer(self, number: str) -> PortalCustomer | None:
        return {"C10300": PortalCustomer(number="C10300", customer_price_group="HORECA")}.get(number)


def _item(number: str, price: str, on_hand: int, *substitutes: ItemKey) -> PortalItem:
    key = ItemKey(item_number=number)
    return portal_item(
        CatalogItem(
            number=number,
            name=f"Koffie {number}",
            unit_price=Decimal(price),
            base_unit_of_measure="STUK",
            vat_percent=Decimal(0),
        ),
        (price_line(1, "Customer Price Group", "HORECA", price="8.50", asset_number="KOF-1001"),),
        {key: StockFacts(item=key, on_hand={"HOOFD": Decimal(on_hand)})},
        (ItemSubstitution(item=key, substitute=substitute, interchangeable=True) for substitute in substitutes),
        policy=PORTAL_POLICY.stock,
        today=TODAY,
    )


def _portal(catalog: Catalog) -> PortalPrices:
    return PortalPrices(catalog=catalog, policy=PORTAL_POLICY, clock=Clock())


def _ask(*lines: Mapping[str, object], **more: object) -> bytes:
    return json.dumps({"lines": list(lines), **more}).encode()


def test_the_answer_prices_each_line_in_the_order_asked_and_names_the_unknown_items_once():
    catalog = Catalog(_item("KOF-1001", "10.00", 5), _item("KOF-1002", "12.00", 5))
    inquiry = parse(
        _ask({"itemNumber": "KOF-1002"}, {"itemNumber": "NOPE"}, {"itemNumber": "KOF-1001"}, {"itemNumber": "NOPE"})
    )

    found = quote_prices(_portal(catalog), "C10300", inquiry)

    assert found is not None
    assert [item.item.number for item in found.items] == ["KOF-1002", "KOF-1001"]
    assert found.not_found == ("NOPE",)
    assert found.order_date == TODAY
    assert catalog.reads == [["KOF-1001", "KOF-1002", "NOPE"], []]


def test_an_unknown_customer_gets_no_answer():
    assert quote_prices(_portal(Catalog()), "C99999", parse(_ask({"itemNumber": "KOF-1001"}))) is None


def test_substitutes_are_read_only_for_items_that_are_not_available():
    catalog = Catalog(_item("KOF-1001", "10.00", 0, HUISBLEND), _item("KOF-1005", "9.00", 30))

    found = quote_prices(_portal(catalog), "C10300", parse(_ask({"itemNumber": "KOF-1001"})))

    assert catalog.reads == [["KOF-1001"], ["KOF-1005"]]
    assert found is not None
    assert [offer.substitute for offer in found.items[0].alternatives] == [HUISBLEND]


def test_the_json_answer_for_a_horeca_customer_with_an_unavailable_item():
    catalog = Catalog(_item("KOF-1001", "10.00", 0, HUISBLEND), _item("KOF-1005", "9.00", 30))
    inquiry = parse(_ask({"itemNumber": "KOF-1001", "quantity": 6}, date="2026-12-01"))
    found = quote_prices(_portal(catalog), "C10300", inquiry)
    assert found is not None

    assert answer(found) == {
        "customerNumber": "C10300",
        "currencyCode": "EUR",
        "pricesIncludeVat": False,
        "date": "2026-12-01",
        "items": [
            {
                "itemNumber": "KOF-1001",
                "variantCode": "",
                "description": "Koffie KOF-1001",
                "unitOfMeasureCode": "STUK",
                "blocked": False,
                "quantity": "6",
                "unitPrice": "8.50",
                "lineDiscountPercent": "0",
                "netUnitPrice": "8.50",
                "quantityBreaks": [
                    {"minimumQuantity": "0", "unitPrice": "8.50", "lineDiscountPercent": "0", "netUnitPrice": "8.50"}
                ],
                "availability": {
                    "status": "out_of_stock",
                    "quantity": "0",
                    "expectedDate": None,
                    "expectedQuantity": None,
                },
                "alternatives": [
                    {
                        "itemNumber": "KOF-1005",
                        "variantCode": "",
                        "description": "Koffie KOF-1005",
                        "interchangeable": True,
                        "availability": {
                            "status": "in_stock",
                            "quantity": "30",
                            "expectedDate": None,
                            "expectedQuantity": None,
                        },
                    }
                ],
            }
        ],
        "notFound": [],
    }


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (b"{", "body"),
        (_ask(), "lines"),
        (_ask({"itemNumber": "KOF-1001", "quantity": 0}), "lines.0.quantity"),
        (_ask({"itemNumber": "KOF-1001", "quantity": "1e400"}), "lines.0.quantity"),
        (_ask({"itemNumber": "KOF-1001'--"}), "lines.0.itemNumber"),
        (_ask({"itemNumber": "KOF-1001", "price": 1}), "lines.0.price"),
        (_ask({"itemNumber": "KOF-1001"}, date="tomorrow"), "date"),
        (_ask(*[{"itemNumber": "KOF-1001"}] * (MAX_LINES + 1)), "lines"),
    ],
)
def test_an_inquiry_that_does_not_fit_says_where(body: bytes, says: str):
    with pytest.raises(ValueError, match="not a price inquiry") as refused:
        parse(body)
    assert says in str(refused.value)


def test_a_customer_number_is_a_bc_code():
    assert customer_number("C10300") == "C10300"
    for wrong in ("", "C1' or 1 eq 1", "C" * 21):
        with pytest.raises(ValueError, match="not a customer number"):
            customer_number(wrong)
