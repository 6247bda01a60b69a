"""What must change on an unshipped BC sales order so that it says what the web order now says.

BC has no deep PATCH: lines are added, changed and removed one by one, each with its own ETag.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict

from domain.models import BcSalesOrder, BcSalesOrderLine

HEADER_FIELDS = (
    "email",
    "phoneNumber",
    "requestedDeliveryDate",
    "shipToName",
    "shipToContact",
    "shipToAddressLine1",
    "shipToAddressLine2",
    "shipToCity",
    "shipToState",
    "shipToCountry",
    "shipToPostCode",
)
LINE_FIELDS = ("description", "quantity", "unitPrice", "discountAmount")


class LineUpdate(BaseModel):
    model_config = ConfigDict(frozen=True)

    line: BcSalesOrderLine
    changes: dict[str, Any]


class ChangePlan(BaseModel):
    """Header fields to set, lines to add, change and remove; empty when BC already agrees."""

    model_config = ConfigDict(frozen=True)

    header: dict[str, Any] = {}
    add: list[dict[str, Any]] = []
    update: list[LineUpdate] = []
    remove: list[BcSalesOrderLine] = []

    @property
    def empty(self) -> bool:
        return not (self.header or self.add or self.update or self.remove)

    def describe(self) -> str:
        parts = [
            f"{len(self.header)} header field(s)" if self.header else "",
            f"{len(self.add)} line(s) added" if self.add else "",
            f"{len(self.update)} line(s) changed" if self.update else "",
            f"{len(self.remove)} line(s) removed" if self.remove else "",
        ]
        return ", ".join(part for part in parts if part) or "nothing"


def change_plan(document: BcSalesOrder, desired: dict[str, Any]) -> ChangePlan:
    """Compare line by line in document order: the same item or account is changed in place, anything else
    is removed and added; header fields that differ are set as the web order has them."""
    header = {
        name: desired[name]
        for name in HEADER_FIELDS
        if name in desired and str(desired[name]) != document.header.get(name, "")
    }
    existing = list(document.lines)
    wanted: list[dict[str, Any]] = desired["salesOrderLines"]
    add, update, remove = [], [], []
    for position in range(max(len(existing), len(wanted))):
        have = existing[position] if position < len(existing) else None
        want = wanted[position] if position < len(wanted) else None
        if have is not None and want is not None and _same_object(have, want):
            changes = _line_changes(have, want)
            if changes:
                update.append(LineUpdate(line=have, changes=changes))
            continue
        if have is not None:
            remove.append(have)
        if want is not None:
            add.append(want)
    return ChangePlan(header=header, add=add, update=update, remove=remove)


def _same_object(have: BcSalesOrderLine, want: dict[str, Any]) -> bool:
    if have.line_type != want["lineType"]:
        return False
    if want["lineType"] == "Item":
        same_unit = "unitOfMeasureCode" not in want or have.unit_of_measure == want["unitOfMeasureCode"]
        return have.item_id == str(want["itemId"]) and have.variant_id == want.get("itemVariantId", "") and same_unit
    if want["lineType"] == "Account":
        return have.object_number.upper() == str(want["lineObjectNumber"]).upper()
    return True


def _line_changes(have: BcSalesOrderLine, want: dict[str, Any]) -> dict[str, Any]:
    """The fields that differ. A new quantity makes BC price the line again (Sales Line Quantity OnValidate), and a
    new price keeps the old Line Discount % (Unit Price OnValidate), so on a line the shop priced a change of its
    quantity, price or discount sends the price and discount together; a line BC priced keeps BC's price and
    discount."""
    current = {
        "description": have.description,
        "quantity": have.quantity,
        "unitPrice": have.unit_price,
        "discountAmount": have.discount_amount,
    }
    changes = {}
    for name in LINE_FIELDS:
        if name not in want:
            continue
        value, now = want[name], current[name]
        differs = abs(Decimal(str(value)) - now) > Decimal("0.00001") if isinstance(now, Decimal) else value != now
        if differs:
            changes[name] = value
    if "unitPrice" in want and changes.keys() & {"quantity", "unitPrice", "discountAmount"}:
        changes |= {name: want[name] for name in ("unitPrice", "discountAmount") if name in want}
    return changes
