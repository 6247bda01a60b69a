"""The order notes Koppel writes on a WooCommerce order about a BC shipment, and how it finds them again.

Each note names its shipment on a line of its own, `Shipment <BC shipment number>.` (or `:` before the items of a
partial shipment), and its tracking number on a line `Tracking number: <number>`. Those two lines are the marker:
before adding a note Koppel reads the order's notes and adds nothing that is already there (WooCommerce e-mails the
customer every customer note it is sent, and keeps no idempotency key)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from domain.shipments.models import Shipment, tracking_key

_TRACKING_LINE = re.compile(r"^Tracking number: (?P<number>.+?)\s*$", re.MULTILINE)


def _shipment_line(shipment: Shipment, items: str = "") -> str:
    return f"Shipment {shipment.number}: {items}" if items else f"Shipment {shipment.number}."


def _tracking_lines(shipment: Shipment, carrier: str) -> list[str]:
    lines = [f"Carrier: {carrier}"] if carrier and shipment.tracking_number else []
    if shipment.tracking_number:
        lines.append(f"Tracking number: {shipment.tracking_number}")
    if shipment.tracking_url:
        lines.append(f"Track your parcel: {shipment.tracking_url}")
    return lines


def _items(shipment: Shipment) -> str:
    """`2 x Blue mug, 1 x Red mug`: what it ships, per item, Undo Shipment's corrections netted."""
    names = {line.item_number: line.description or line.item_number for line in shipment.lines}
    return ", ".join(f"{quantity.normalize():f} x {names[item]}" for item, quantity in shipment.shipped().items())


def partial_note(shipment: Shipment, carrier: str) -> str:
    """For the customer: part of the order left, with its tracking when BC has it."""
    lines = ["Part of your order has been shipped.", _shipment_line(shipment, _items(shipment))]
    return "\n".join([*lines, *_tracking_lines(shipment, carrier)])


def tracking_note(shipment: Shipment, carrier: str, whole_order: bool) -> str:
    """For the customer: the tracking of a shipment (the whole order's, or one told of before)."""
    heading = "Your order has been shipped." if whole_order else "Tracking for your shipment."
    return "\n".join([heading, _shipment_line(shipment), *_tracking_lines(shipment, carrier)])


def ledger_note(shipment: Shipment) -> str:
    """Internal: which number Koppel put in Shipment Tracking for the shipment (the extension has no field for it),
    so that a changed number can replace it."""
    lines = ["Koppel added this tracking number to Shipment Tracking.", _shipment_line(shipment)]
    return "\n".join([*lines, f"Tracking number: {shipment.tracking_number}"])


def koppel_notes(notes: Iterable[Mapping[str, Any]], shipment: Shipment) -> list[Mapping[str, Any]]:
    """The notes (as WooCommerce lists them) that Koppel wrote about this shipment."""
    marker = re.compile(rf"^Shipment {re.escape(shipment.number)}[.:]", re.MULTILINE)
    return [note for note in notes if marker.search(str(note.get("note") or ""))]


def numbers_told(notes: Iterable[Mapping[str, Any]]) -> set[str]:
    """The tracking numbers (as tracking_key compares them) those notes carry."""
    return {tracking_key(match["number"]) for note in notes for match in _TRACKING_LINE.finditer(str(note.get("note")))}
