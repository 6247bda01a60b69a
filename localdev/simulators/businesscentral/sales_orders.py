"""salesOrders and their salesOrderLines: defaults, references, blocking rules, amounts."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from localdev.simulators.businesscentral.catalog_reference import vat_identifier
from localdev.simulators.businesscentral.errors import bad_request, dialog, missing_reference
from localdev.simulators.businesscentral.inventory import QUANTITY_PLACES, SALE, Movement, book
from localdev.simulators.businesscentral.item_units import qty_per_unit
from localdev.simulators.businesscentral.price_lists import SalesLinePricing, sales_line_price
from localdev.simulators.businesscentral.pricing import (
    VAT_RATES,
    apply_discount_percent,
    cents,
    dec,
    recalculate,
    set_discount_amount,
)
from localdev.simulators.businesscentral.schema import EMPTY_DATE, EMPTY_GUID, SALES_ORDER, SALES_ORDER_LINE
from localdev.simulators.businesscentral.store import Record, Store, Table
from localdev.simulators.businesscentral.validation import validate_body

LOCAL_CURRENCY = "EUR"
SEQUENCE_STEP = 10000
_IDENTITY = ("lineType", "itemId", "accountId", "lineObjectNumber")
_BLOCKING_ORDERS = ("All", "Invoice")
_ADDRESS = ("AddressLine1", "AddressLine2", "City", "Country", "State", "PostCode")
_CUSTOMER_ADDRESS = ("addressLine1", "addressLine2", "city", "country", "state", "postalCode")
_PRICE_FIELDS = ("quantity", "unitPrice", "discountPercent")
_PRICED_BY = (*_IDENTITY, "itemVariantId", "unitOfMeasureCode", "quantity")
"""Item line fields whose validation runs BC's price calculation."""
_PRICED_AFTER_UNIT_PRICE = ("quantity", "itemVariantId")
"""Of those, the ones salesCreditMemoLines validates after unitPrice (APIV2SalesCreditMemLines.Page.al lists unitPrice
before quantity): sent with them, a unitPrice gives way to BC's price."""


class SalesOrders:
    """Creates and changes sales orders in a Store; every method validates fully before it writes."""

    def __init__(self, store: Store, new_id: Callable[[], str] = lambda: str(uuid.uuid4())) -> None:
        self.store = store
        self.new_id = new_id
        """Ids of new orders and lines: random, or from the seed's generator for deterministic demo data."""

    def create(self, body: object) -> Record:
        values = validate_body(SALES_ORDER, body, navigation=frozenset({"salesOrderLines"}))
        raw_lines = values.pop("salesOrderLines", [])
        if not isinstance(raw_lines, list):
            raise bad_request("The property 'salesOrderLines' must be an array of salesOrderLine objects.")
        order = self._new_order(values)
        lines: list[Record] = []
        for raw in raw_lines:
            line_values = validate_body(SALES_ORDER_LINE, raw)
            lines.append(self._compose_line(order, None, line_values, next_sequence(lines, line_values)))
        discount = values.get("discountAmount", 0)
        order["discountAmount"] = float(cents(dec(discount)))
        recalculate(order, lines)
        order["number"] = self.store.order_numbers.next()
        stored = self.store.sales_orders.add(order)
        table = self.store.lines_of(stored["id"])
        for line in lines:
            table.add(line)
        return stored

    def update(self, order: Record, body: object) -> Record:
        values = validate_body(SALES_ORDER, body)
        draft = dict(order)
        lines = [dict(line) for line in self.lines(order)]
        if "customerId" in values or "customerNumber" in values:
            customer = self._customer(values)
            self._check_customer(customer)
            fill_from_customer(draft, customer, bill_to_customer(self.store, customer))
            for line in lines:
                self._set_vat(line, line["vatProductPostingGroup"], customer)
        if "pricesIncludeTax" in values and values["pricesIncludeTax"] != draft["pricesIncludeTax"]:
            _convert_unit_prices(lines, to_gross=bool(values["pricesIncludeTax"]))
        draft.update(_header_values(values))
        recalculate(draft, lines)
        self._commit(order, draft, lines)
        return order

    def delete(self, order: Record) -> None:
        if any(line.get("shippedQuantity") for line in self.lines(order)):
            raise dialog(f"You cannot delete Order {order['number']} because it has been shipped.")
        self.store.sales_orders.remove(order["id"])
        self.store.order_lines.pop(order["id"], None)

    def lines(self, order: Record) -> list[Record]:
        return sorted(self.store.lines_of(order["id"]).values(), key=lambda line: line["sequence"])

    def add_line(self, order: Record, body: object) -> Record:
        values = validate_body(SALES_ORDER_LINE, body)
        if str(values.get("documentId", order["id"])).lower() != order["id"]:
            raise bad_request("The documentId does not match the sales order in the URL.")
        self._check_customer(self._customer({"customerId": order["customerId"]}))
        existing = self.lines(order)
        line = self._compose_line(order, None, values, next_sequence(existing, values))
        draft = dict(order)
        recalculate(draft, [*(dict(x) for x in existing), line])
        added = self.store.lines_of(order["id"]).add(line)
        self._commit(order, draft, [added, *(dict(x) for x in existing)])
        return added

    def update_line(self, order: Record, line: Record, body: object) -> Record:
        values = validate_body(SALES_ORDER_LINE, body)
        if str(values.get("documentId", order["id"])).lower() != order["id"]:
            raise bad_request("The documentId of a salesOrderLine cannot be changed.")
        sequence = int(values["sequence"] if "sequence" in values else line["sequence"])
        changed = self._compose_line(order, line, values, sequence)
        draft = dict(order)
        lines = [changed if x["id"] == line["id"] else dict(x) for x in self.lines(order)]
        recalculate(draft, lines)
        self._commit(order, draft, lines)
        return line

    def delete_line(self, order: Record, line: Record) -> None:
        self.store.lines_of(order["id"]).remove(line["id"])
        draft = dict(order)
        lines = [dict(x) for x in self.lines(order)]
        recalculate(draft, lines)
        self._commit(order, draft, lines)

    def ship(self, order: Record, posting_date: date) -> None:
        """Post the shipment as a warehouse worker does: each line's shipQuantity (Qty. to Ship) is shipped, an
        inventory item's leaving its location as a Sale item ledger entry in base units; Qty. to Ship becomes what
        is left to ship. The order record itself is not modified here (fullyShipped is a FlowField)."""
        table = self.store.lines_of(order["id"])
        lines = self.lines(order)
        for line in lines:
            quantity = line["shipQuantity"]
            if not quantity:
                continue
            if line["lineType"] == "Item":
                self.book_shipment(order, line, quantity, posting_date)
            line["shippedQuantity"] = round(line["shippedQuantity"] + quantity, QUANTITY_PLACES)
            line["shipQuantity"] = round(line["quantity"] - line["shippedQuantity"], QUANTITY_PLACES)
            table.stamp(line)
        order["fullyShipped"] = all(line["shippedQuantity"] >= line["quantity"] for line in lines)

    def book_shipment(self, order: Record, line: Record, quantity: float, posting_date: date) -> None:
        item = self.store.items.get(line["itemId"])
        if item is None or item["type"] != "Inventory":
            return
        location = self.store.locations.get(line["locationId"])
        variant = self.store.item_variants.get(line["itemVariantId"])
        base = quantity * qty_per_unit(self.store, item["number"], line["unitOfMeasureCode"])
        movement = Movement(
            location["code"] if location else "",
            -base,
            posting_date,
            variant_code=variant["code"] if variant else "",
            unit_of_measure_code=line["unitOfMeasureCode"],
            entry_type=SALE,
            document_number=order["number"],
        )
        book(self.store, item, movement)

    def _commit(self, order: Record, draft: Record, lines: list[Record]) -> None:
        commit(order, draft, lines, self.store.lines_of(order["id"]), self.store.sales_orders)

    def _customer(self, values: dict[str, Any]) -> Record:
        customers = self.store.customers
        by_id = customers.get(values["customerId"]) if "customerId" in values else None
        by_number = customers.find("number", values["customerNumber"]) if "customerNumber" in values else None
        if "customerId" in values and by_id is None:
            raise missing_reference("Customer", "Id", values["customerId"])
        if "customerNumber" in values and by_number is None:
            raise missing_reference("Customer", "No.", values["customerNumber"])
        if by_id is not None and by_number is not None and by_id is not by_number:
            raise bad_request("The customerId and customerNumber refer to different customers.")
        customer = by_id or by_number
        if customer is None:
            raise dialog("Sell-to Customer No. must have a value in Sales Header: Document Type=Order.")
        return customer

    def _check_customer(self, customer: Record) -> None:
        if customer["blocked"] in _BLOCKING_ORDERS:
            raise dialog(
                f"You cannot create this type of document when Customer {customer['number']} "
                f"is blocked with type {customer['blocked']}"
            )

    def _new_order(self, values: dict[str, Any]) -> Record:
        customer = self._customer(values)
        self._check_customer(customer)
        today = datetime.now(UTC).date().isoformat()
        order: Record = {
            "id": self.new_id(),
            "number": "",
            "externalDocumentNumber": "",
            "orderDate": values.get("orderDate", today),
            "postingDate": values.get("orderDate", today),
            "shortcutDimension1Code": "",
            "shortcutDimension2Code": "",
            "currencyId": EMPTY_GUID,
            "currencyCode": "",
            "pricesIncludeTax": False,
            "paymentTermsId": EMPTY_GUID,
            "shipmentMethodId": EMPTY_GUID,
            "salesperson": "",
            "partialShipping": True,
            "requestedDeliveryDate": EMPTY_DATE,
            "discountAmount": 0.0,
            "fullyShipped": False,
            "status": "Draft",
        }
        fill_from_customer(order, customer, bill_to_customer(self.store, customer))
        order.update(_header_values(values))
        return order

    def _compose_line(self, order: Record, base: Record | None, values: dict[str, Any], sequence: int) -> Record:
        line: Record = dict(base) if base is not None else _blank_line(order, sequence, self.new_id())
        line["sequence"] = sequence
        self.validate_line(order, line, values, new=base is None)
        line["invoiceQuantity"] = values.get("invoiceQuantity", line["quantity"])
        outstanding = line["quantity"] - line["shippedQuantity"]
        line["shipQuantity"] = values.get("shipQuantity", outstanding)
        if line["shipQuantity"] > outstanding:
            raise dialog(f"You cannot ship more than {_units(outstanding)} units.")
        return line

    def validate_line(
        self, document: Record, line: Record, values: dict[str, Any], *, new: bool, unit_price_first: bool = False
    ) -> None:
        """What validating `values` does to a sales document line (`line`, changed in place; `new`: being
        inserted): the item or account, tax, variant, BC's price for an item line, discounts. `unit_price_first`:
        the page validates unitPrice before quantity (salesCreditMemoLines), so BC's price wins over a unitPrice
        sent with a quantity or variant."""
        if new or any(key in values for key in _IDENTITY):
            self._resolve_target(document, line, values)
        for key in (
            "description",
            "description2",
            "unitOfMeasureCode",
            "shipmentDate",
            "locationId",
            "unitOfMeasureId",
            "quantity",
        ):
            if key in values:
                line[key] = values[key]
        if new and line["lineType"] == "Item" and "locationId" not in values:
            line["locationId"] = self._customer_location(document)
        if "taxCode" in values:
            self._set_vat(line, values["taxCode"], self._customer_of(document))
        if "itemVariantId" in values:
            line["itemVariantId"] = self._variant_id(line, values["itemVariantId"])
        repriced = line["lineType"] == "Item" and (new or any(key in values for key in _PRICED_BY))
        if repriced:
            self._price(document, line)
        price_wins = repriced and unit_price_first and any(key in values for key in _PRICED_AFTER_UNIT_PRICE)
        for key in ("unitPrice", "discountPercent"):
            if key in values and not (key == "unitPrice" and price_wins):
                line[key] = values[key]
        if line["lineType"] == "Comment":
            line.update(quantity=0.0, unitPrice=0.0, discountPercent=0.0, discountAmount=0.0)
        elif "discountAmount" in values:
            set_discount_amount(line, dec(values["discountAmount"]))
        elif new or any(key in values for key in (*_PRICE_FIELDS, *_IDENTITY)):
            apply_discount_percent(line)

    def _customer_of(self, order: Record) -> Record:
        return self._customer({"customerId": order["customerId"]})

    def _customer_location(self, document: Record) -> str:
        """The sell-to customer's Location Code, which BC gives the header and a new item line sent without a location
        (Sales Header CopySellToCustomerAddressFieldsFromCustomer, Sales Line InitHeaderLocactionCode): its id."""
        code = self._customer_of(document).get("locationCode")
        location = self.store.locations.find("code", code) if code else None
        return str(location["id"]) if location else EMPTY_GUID

    def _resolve_target(self, order: Record, line: Record, values: dict[str, Any]) -> None:
        line_type = _line_type(values, line["lineType"])
        number = values.get("lineObjectNumber")
        customer = self._customer_of(order)
        line.update(lineType=line_type, itemId=EMPTY_GUID, accountId=EMPTY_GUID, itemVariantId=EMPTY_GUID)
        if line_type == "Item":
            item = self._reference(self.store.items, "Item", values.get("itemId"), number)
            if item["blocked"]:
                raise dialog(f"Blocked must be equal to 'No'  in Item: No.={item['number']}. Current value is 'Yes'.")
            line.update(
                itemId=item["id"],
                lineObjectNumber=item["number"],
                description=item["displayName"],
                unitOfMeasureCode=item["baseUnitOfMeasureCode"],
                vatProductPostingGroup=item["vatProductPostingGroup"],
            )
        elif line_type == "Account":
            account = self._reference(self.store.accounts, "G/L Account", values.get("accountId"), number)
            for flag, wanted, label in (("blocked", False, "Blocked"), ("directPosting", True, "Direct Posting")):
                if account[flag] != wanted:
                    raise dialog(
                        f"{label} must be equal to '{'Yes' if wanted else 'No'}'  in G/L Account: "
                        f"No.={account['number']}. Current value is '{'No' if wanted else 'Yes'}'."
                    )
            line.update(
                accountId=account["id"],
                lineObjectNumber=account["number"],
                description=account["displayName"],
                unitOfMeasureCode="",
                unitPrice=0.0,
                vatProductPostingGroup=account["vatProductPostingGroup"],
            )
        elif line_type == "Comment":
            line.update(lineObjectNumber="", unitOfMeasureCode="", vatProductPostingGroup="")
        else:
            raise bad_request(f"The lineType '{line_type}' is not supported by this Business Central simulator.")
        self._set_vat(line, line["vatProductPostingGroup"], customer)

    def _set_vat(self, line: Record, product_group: str, customer: Record) -> None:
        """The line's VAT Prod. Posting Group (a taxCode written is one: an unknown code is refused), its VAT % for
        the customer, and its taxCode as BC serves it: the VAT Identifier of the customer's VAT Posting Setup
        (SalesInvoiceAggregator SetTaxGroupIdAndCode)."""
        line.update(
            vatProductPostingGroup=product_group,
            taxPercent=float(_tax_rate(product_group, customer)),
            taxCode=vat_identifier(self.store, customer, product_group),
        )

    def _price(self, order: Record, line: Record) -> None:
        """What validating an item line's item, variant, unit or quantity does in BC (Sales Line "No." and Quantity
        OnValidate, codeunit 7020 "Price Calculation Mgt."): Unit Price and Line Discount % from the price lists for
        the bill-to customer on the header's Order Date (the work date), else the item card's price per unit. A
        unitPrice written later keeps the %; only discountPercent or discountAmount change it."""
        item = self.store.items.get(line["itemId"])
        assert item is not None
        variant = self.store.item_variants.get(line["itemVariantId"])
        per_unit = qty_per_unit(self.store, item["number"], line["unitOfMeasureCode"])
        found = sales_line_price(
            self.store,
            SalesLinePricing(
                customer=self._customer({"customerId": order["billToCustomerId"]}),
                item=item,
                variant_code=variant["code"] if variant else "",
                unit_code=line["unitOfMeasureCode"],
                qty_per_unit=per_unit,
                quantity=float(line["quantity"]),
                on=datetime.now(UTC).date(),
            ),
        )
        price = found.unit_price if found.unit_price is not None else dec(item["unitPrice"]) * dec(per_unit)
        if order["pricesIncludeTax"]:
            price *= 1 + dec(line["taxPercent"]) / 100
        line.update(unitPrice=float(cents(price)), discountPercent=float(found.line_discount_percent))

    def _reference(self, table: Table, label: str, key: str | None, number: str | None) -> Record:
        if key is not None:
            record = table.get(key)
            if record is None:
                raise missing_reference(label, "Id", key)
            if number is not None and record["number"] != number:
                raise bad_request(f"The lineObjectNumber '{number}' does not match the {label} with that id.")
            return record
        if number is None:
            raise bad_request(f"A line of type {label} needs an id or a lineObjectNumber.")
        record = table.find("number", number)
        if record is None:
            raise missing_reference(label, "No.", number)
        return record

    def _variant_id(self, line: Record, variant_id: str) -> str:
        if variant_id == EMPTY_GUID:
            return EMPTY_GUID
        variant = self.store.item_variants.get(variant_id)
        if variant is None:
            raise missing_reference("Item Variant", "Id", variant_id)
        if line["lineType"] != "Item" or variant["itemId"] != line["itemId"]:
            raise dialog(f"The item variant {variant['code']} does not belong to item {line['lineObjectNumber']}.")
        return variant_id


def _units(quantity: float) -> str:
    """A quantity as BC writes it in a message: 8, not 8.0."""
    return f"{Decimal(str(quantity)).normalize():f}"


def _content(record: Record) -> Record:
    return {k: v for k, v in record.items() if k not in ("@odata.etag", "lastModifiedDateTime")}


def commit(document: Record, draft: Record, lines: list[Record], line_table: Table, documents: Table) -> None:
    """Write a fully validated draft of a document back; only lines whose content changed get a new ETag."""
    for line in lines:
        stored = line_table.get(line["id"])
        if stored is not None and _content(stored) != _content(line):
            stored.update(line)
            line_table.stamp(stored)
    document.update(draft)
    documents.stamp(document)


def _line_type(values: dict[str, Any], current: str) -> str:
    """The lineType asked for, else the one the given references imply, else the line's current one."""
    if "lineType" in values:
        return str(values["lineType"])
    if "itemId" in values:
        return "Item"
    if "accountId" in values:
        return "Account"
    if "lineObjectNumber" in values and current == "Comment":
        return "Item"
    return current


def next_sequence(lines: list[Record], values: dict[str, Any], entity_name: str = "salesOrderLine") -> int:
    """The sequence sent, unless a line has it, else the next 10000 step."""
    if "sequence" in values:
        sequence = int(values["sequence"])
        if any(line["sequence"] == sequence for line in lines):
            raise dialog(f"The {entity_name} with sequence {sequence} already exists.")
        return sequence
    return max((line["sequence"] for line in lines), default=0) // SEQUENCE_STEP * SEQUENCE_STEP + SEQUENCE_STEP


def _tax_rate(tax_code: str, customer: Record) -> Decimal:
    if not tax_code:
        return dec(0)
    if tax_code not in VAT_RATES:
        raise missing_reference("VAT Product Posting Group", "Code", tax_code)
    return VAT_RATES[tax_code] if customer["taxLiable"] else dec(0)


def _convert_unit_prices(lines: list[Record], to_gross: bool) -> None:
    for line in lines:
        factor = 1 + dec(line["taxPercent"]) / 100
        price = dec(line["unitPrice"])
        line["unitPrice"] = float(cents(price * factor if to_gross else price / factor))
        apply_discount_percent(line)


def _header_values(values: dict[str, Any]) -> dict[str, Any]:
    """The client's header values, minus the ones resolved elsewhere; EUR (the LCY) is stored as blank."""
    header = {k: v for k, v in values.items() if k not in ("customerId", "customerNumber")}
    if "currencyCode" in header:
        code = header["currencyCode"]
        if code not in ("", LOCAL_CURRENCY):
            raise missing_reference("Currency", "Code", code)
        header["currencyCode"] = ""
    return header


def bill_to_customer(store: Store, customer: Record) -> Record:
    """The customer the document is billed to: the card's Bill-to Customer No. when set, else the customer itself
    (Sales Header's CheckCreditMaxBeforeInsert / Validate "Sell-to Customer No." in microsoft/BCApps
    src/Layers/W1/BaseApp/Sales/Document/SalesHeader.Table.al)."""
    number = customer.get("billToCustomerNumber") or ""
    return (store.customers.find("number", number) if number else None) or customer


def fill_from_customer(order: Record, customer: Record, bill_to: Record) -> None:
    """Sell-to and ship-to from the customer; bill-to, and the currency, from its bill-to customer (SalesHeader:
    "Currency Code" := BillToCustomer."Currency Code")."""
    order.update(
        customerId=customer["id"],
        customerNumber=customer["number"],
        customerName=customer["displayName"],
        billToCustomerId=bill_to["id"],
        billToCustomerNumber=bill_to["number"],
        billToName=bill_to["displayName"],
        shipToName=customer["displayName"],
        shipToContact="",
        phoneNumber=customer["phoneNumber"],
        email=customer["email"],
        currencyCode=bill_to["currencyCode"],
    )
    for prefix, party in (("sellTo", customer), ("billTo", bill_to), ("shipTo", customer)):
        for suffix, source in zip(_ADDRESS, _CUSTOMER_ADDRESS, strict=True):
            order[f"{prefix}{suffix}"] = party[source]


def _blank_line(order: Record, sequence: int, line_id: str) -> Record:
    return {
        **blank_document_line(order["id"], sequence, line_id, order["orderDate"]),
        "shippedQuantity": 0.0,
        "invoicedQuantity": 0.0,
        "invoiceQuantity": 0.0,
        "shipQuantity": 0.0,
    }


def blank_document_line(document_id: str, sequence: int, line_id: str, shipment_date: str) -> Record:
    """A new sales document line before anything is validated on it: a comment line."""
    return {
        "id": line_id,
        "documentId": document_id,
        "sequence": sequence,
        "itemId": EMPTY_GUID,
        "accountId": EMPTY_GUID,
        "lineType": "Comment",
        "lineObjectNumber": "",
        "description": "",
        "description2": "",
        "unitOfMeasureId": EMPTY_GUID,
        "unitOfMeasureCode": "",
        "quantity": 0.0,
        "unitPrice": 0.0,
        "discountAmount": 0.0,
        "discountPercent": 0.0,
        "taxCode": "",
        "vatProductPostingGroup": "",
        "taxPercent": 0.0,
        "shipmentDate": shipment_date,
        "itemVariantId": EMPTY_GUID,
        "locationId": EMPTY_GUID,
    }
