"""A shop's side of being told of shipments, in memory, for the tests of the shipment push."""

from __future__ import annotations

from collections.abc import Sequence

from domain.errors import AmbiguousWriteError, RetryableError
from domain.models import WebOrderKey
from domain.shipments.ports import ShipmentNotice


class RecordingShop:
    """A ShopShipments that records every notice it is sent and, like the real adapters, is idempotent: a shipment
    it has is not created again (`created` counts creations), a later version only updates it. `refusal` is its
    answer to every notice; `down` makes it unreachable; `lose_next_answer` takes the next notice and loses the
    answer."""

    def __init__(self, refusal: str = "") -> None:
        self.refusal = refusal
        self.down = False
        self.lose_next_answer = False
        self.notices: list[ShipmentNotice] = []
        self.shipments: dict[tuple[str, str], int] = {}
        """The version the shop has of each (order key, shipment number)."""
        self.created = 0
        self.calls = 0
        """Every call, those that could not reach the shop too."""
        self.prepared: list[list[str]] = []
        """The orders of each `prepare`, as keys."""
        self.prepare_fails = False

    def prepare(self, orders: Sequence[WebOrderKey]) -> None:
        self.prepared.append([str(key) for key in orders])
        if self.prepare_fails or self.down:
            raise RetryableError("the shop answered 503")

    def tell(self, notice: ShipmentNotice) -> str:
        self.calls += 1
        if self.down:
            raise RetryableError("the shop answered 503")
        self.notices.append(notice)
        if self.refusal:
            return self.refusal
        shipment = (str(notice.key), notice.shipment.number)
        if shipment not in self.shipments:
            self.created += 1
        self.shipments[shipment] = max(self.shipments.get(shipment, 0), notice.version)
        if self.lose_next_answer:
            self.lose_next_answer = False
            raise AmbiguousWriteError("the shop's answer was lost")
        return ""
