"""In-memory shipment ports and shipments as BC posts them, for the shipment tests."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from domain.errors import BusinessCentralRejected, ConcurrencyConflict, RetryableError
from domain.models import BcSalesOrder, BcSalesOrderLine, WebOrderKey
from domain.shipments.models import CarrierEvent, CarrierPhase, Shipment, ShippedLine
from domain.shipments.recorded import RecordedShipment, UnmatchedShipment

POSTED_AT = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)


def bc_shipment(
    number: str,
    order_number: str,
    document: str,
    *,
    minutes: int = 0,
    tracking: str = "",
    agent: str = "",
    lines: Iterable[tuple[int, str, str]] = ((10000, "1000", "2"),),
) -> Shipment:
    """A shipment as BC posts it: a line per (line number, item number, quantity), stamped `minutes` after 09:00."""
    return Shipment(
        number=number,
        order_number=order_number,
        external_document_number=document,
        posting_date=date(2026, 11, 29),
        lines=tuple(
            ShippedLine(sequence=sequence, item_number=item, description="Kettle", quantity=Decimal(quantity))
            for sequence, item, quantity in lines
        ),
        shipping_agent=agent,
        tracking_number=tracking,
        changed_at=POSTED_AT + timedelta(minutes=minutes),
    )


def chairs_and_table(order_id: str, *, more: tuple[BcSalesOrderLine, ...] = (), requested: str = "") -> BcSalesOrder:
    """BC's order S-ORD<id> (externalDocumentNumber WEB<id>): 2 chairs and 1 table, 484.00 with VAT, then `more`
    lines; BC's requestedDeliveryDate when given."""
    return BcSalesOrder(
        id=f"so-{order_id}",
        number=f"S-ORD{order_id}",
        status="Open",
        customer_number="C00010",
        external_document_number=f"WEB{order_id}",
        total_excluding_tax=Decimal("400.00"),
        total_tax=Decimal("84.00"),
        total_including_tax=Decimal("484.00"),
        lines=(
            BcSalesOrderLine(line_type="Item", object_number="CHAIR", description="Chair", quantity=Decimal(2)),
            BcSalesOrderLine(line_type="Item", object_number="TABLE", description="Table", quantity=Decimal(1)),
            *more,
        ),
        header={"requestedDeliveryDate": requested} if requested else {},
    )


SHIPPING_LINE = BcSalesOrderLine(line_type="Account", object_number="8400", description="Shipping", quantity=Decimal(1))


def delivered(parcel: str, happened_at: datetime, tracking: str = "3SKOP0001") -> CarrierEvent:
    """Sendcloud's "Delivered" (status 11) of the parcel, for account `main`."""
    return CarrierEvent(
        platform="sendcloud",
        account="main",
        parcel_id=parcel,
        status_id=11,
        status_message="Delivered",
        phase=CarrierPhase.DELIVERED,
        happened_at=happened_at,
        tracking_number=tracking,
    )


class MemoryPostedShipments:
    """BC's shipments; `fail_after` makes the read stop (as BC unavailable) after that many shipments, `refusal` is
    raised as BC's answer to the read."""

    def __init__(self, *shipments: Shipment) -> None:
        self.shipments = list(shipments)
        self.asked: list[datetime | None] = []
        self.fail_after: int | None = None
        self.refusal: BusinessCentralRejected | None = None

    def changed_since(self, since: datetime | None) -> Iterator[Shipment]:
        self.asked.append(since)
        if self.refusal is not None:
            raise self.refusal
        changed = sorted(
            (each for each in self.shipments if since is None or each.changed_at > since), key=lambda s: s.changed_at
        )
        for given, shipment in enumerate(changed):
            if self.fail_after is not None and given >= self.fail_after:
                raise RetryableError("BC answered 503")
            yield shipment


class MemoryShipments:
    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], tuple[RecordedShipment, str]] = {}
        self.listed: dict[str, UnmatchedShipment] = {}
        self.writes = 0
        self._etags = itertools.count(1)

    def get(self, key: WebOrderKey, number: str) -> tuple[RecordedShipment, str] | None:
        return self.rows.get((str(key), number))

    def write(self, recorded: RecordedShipment, etag: str | None) -> str:
        current = self.rows.get((str(recorded.key), recorded.shipment.number))
        if (current[1] if current else None) != etag:
            raise ConcurrencyConflict("changed")
        self.writes += 1
        written = f'W/"{next(self._etags)}"'
        self.rows[(str(recorded.key), recorded.shipment.number)] = (recorded, written)
        return written

    def write_trying(self, tried: RecordedShipment, etag: str) -> str:
        return self.write(tried, etag)

    def for_order(self, key: WebOrderKey) -> list[RecordedShipment]:
        found = [recorded for (order, _), (recorded, _) in self.rows.items() if order == str(key)]
        return sorted(found, key=lambda each: (each.shipment.posting_date, each.shipment.number))

    def order_for(self, tracking_number: str) -> WebOrderKey | None:
        wanted = tracking_number.strip().upper()
        carrying = [each for each, _ in self.rows.values() if each.shipment.tracking_number.strip().upper() == wanted]
        latest = max(carrying, key=lambda recorded: recorded.shipment.changed_at, default=None)
        return latest.key if wanted and latest is not None else None

    def to_push(self) -> Iterator[tuple[RecordedShipment, str]]:
        return iter([row for row in self.rows.values() if row[0].to_push])

    def list_unmatched(self, unmatched: UnmatchedShipment) -> None:
        self.listed[unmatched.shipment.number] = unmatched

    def unmatched(self) -> list[UnmatchedShipment]:
        return list(self.listed.values())

    def unlist(self, number: str) -> None:
        self.listed.pop(number, None)
