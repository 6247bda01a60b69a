"""Sendcloud's `parcel_status_changed` webhook as a CarrierEvent (sendcloud.dev/api/v2/webhooks/parcel-status-changed;
v3 documents the same example).

Every parcel field is optional in Sendcloud's schema. `tracking_url`, `carrier` and `external_reference` are not in
the documented webhook, only on the parcel object the webhook is said to mirror: read when present. `timestamp` ("the
time that the status changed") and `carrier_status_change_timestamp` are floats in Sendcloud's OpenAPI, the example
says `123`, the unit is not documented: a value of 10^11 or more is taken as milliseconds, a smaller one as seconds
(10^11 s is the year 5138, 10^11 ms is 1973).

STATUS_PHASES is third-party-sourced: Sendcloud's own list (`GET /api/v2/parcels/statuses`) was not seen; the ids
come from a Craft connector (white-nl/commerce-sendcloud `src/models/OrderSyncStatus.php`), and third-party code
disagrees on some. A status id not in the table is UNKNOWN, unless its message names an exception (EXCEPTION_WORDS);
the message is always kept verbatim.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from domain.shipments.models import CarrierEvent, CarrierPhase

PLATFORM = "sendcloud"
PARCEL_STATUS_CHANGED = "parcel_status_changed"
MILLISECONDS_FROM = 10**11
"""A timestamp this large or larger is in milliseconds."""
PARCEL_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
"""A parcel id Koppel files events under (Sendcloud's are integers)."""

_ANNOUNCED, _IN_TRANSIT, _OUT = CarrierPhase.ANNOUNCED, CarrierPhase.IN_TRANSIT, CarrierPhase.OUT_FOR_DELIVERY
_DELIVERED, _EXCEPTION, _CANCELLED = CarrierPhase.DELIVERED, CarrierPhase.EXCEPTION, CarrierPhase.CANCELLED
STATUS_PHASES: Mapping[int, CarrierPhase] = {
    1: _ANNOUNCED,  # Announced (Sendcloud's own webhook example pairs 1 with "Ready to send")
    3: _IN_TRANSIT,  # En route to sorting center
    4: _IN_TRANSIT,  # Delivery delayed
    5: _IN_TRANSIT,  # Sorted
    6: _IN_TRANSIT,  # Not sorted
    7: _IN_TRANSIT,  # Being sorted
    8: _IN_TRANSIT,  # Delivery attempt failed: the carrier tries again, not yet an exception
    11: _DELIVERED,  # Delivered
    12: _OUT,  # Awaiting customer pickup: the last step before the customer has it
    13: _ANNOUNCED,  # Announced: not collected
    15: _EXCEPTION,  # Error collecting
    22: _IN_TRANSIT,  # Shipment picked up by driver
    80: _EXCEPTION,  # Unable to deliver
    91: _IN_TRANSIT,  # Parcel en route
    92: _OUT,  # Driver en route
    93: _DELIVERED,  # Shipment collected by customer
    999: _ANNOUNCED,  # No label
    1000: _ANNOUNCED,  # Ready to send
    1001: _ANNOUNCED,  # Being announced
    1002: _EXCEPTION,  # Announcement failed
    1337: CarrierPhase.UNKNOWN,  # Unknown status - check carrier track & trace page for more insights
    1998: _CANCELLED,  # Cancelled upstream
    1999: _CANCELLED,  # Cancellation requested
    2000: _CANCELLED,  # Cancelled
    2001: _CANCELLED,  # Submitting cancellation request
}
"""Sendcloud status id -> where the parcel is (third-party-sourced, see the module's docstring)."""
EXCEPTION_WORDS = re.compile(
    r"returned to sender|address invalid|invalid address|refused by recipient|unable to deliver|\blost\b"
    r"|^\s*exception\s*$",
    re.I,
)
"""Messages Sendcloud's tracking docs name as exceptions; they decide for a status id the table does not know."""


def parse(body: bytes) -> dict[str, Any]:
    """The webhook's JSON object; ValueError when the body is not one."""
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        raise ValueError("the body is not JSON") from None
    if not isinstance(payload, dict):
        raise ValueError("the body is not a JSON object")
    return payload


def action(payload: Mapping[str, Any]) -> str:
    """The webhook's `action`; ValueError when it has none."""
    named = payload.get("action")
    if not isinstance(named, str) or not named:
        raise ValueError("a Sendcloud webhook has an action")
    return named


def dedup_key(payload: Mapping[str, Any], body: bytes) -> str:
    """`<parcel id>|<status id>|<timestamp>`: Sendcloud sends no delivery id, and a retry carries the same parcel,
    status and timestamp whatever its bytes; without a timestamp, the digest of the raw body."""
    parcel = _object(payload.get("parcel"))
    status = _object(parcel.get("status"))
    if payload.get("timestamp") is None:
        return "sha256:" + hashlib.sha256(body).hexdigest()
    return f"{parcel.get('id')}|{status.get('id')}|{payload.get('timestamp')}"


def parcel_id(payload: Mapping[str, Any]) -> str:
    """The parcel's id as Koppel files it; ValueError when it has none Koppel can use."""
    raw = _object(payload.get("parcel")).get("id")
    if isinstance(raw, bool) or not isinstance(raw, int | str) or not PARCEL_ID.fullmatch(str(raw)):
        raise ValueError("the parcel has no id Koppel can file it under")
    return str(raw)


def carrier_event(account: str, payload: Mapping[str, Any], received_at: datetime) -> CarrierEvent:
    """The event the webhook reports, at the carrier's time of the change (else the webhook's `timestamp`, else when
    Koppel received it); ValueError when it names no parcel or no status id."""
    parcel = _object(payload.get("parcel"))
    status = _object(parcel.get("status"))
    status_id = status.get("id")
    if isinstance(status_id, bool) or not isinstance(status_id, int):
        raise ValueError("the parcel has no status id")
    message = _text(status.get("message"))
    happened = _moment(payload.get("carrier_status_change_timestamp")) or _moment(payload.get("timestamp"))
    return CarrierEvent(
        platform=PLATFORM,
        account=account,
        parcel_id=parcel_id(payload),
        status_id=status_id,
        status_message=message,
        phase=phase(status_id, message),
        happened_at=happened or received_at,
        tracking_number=_text(parcel.get("tracking_number")),
        tracking_url=_text(parcel.get("tracking_url")),
        carrier=_carrier(parcel.get("carrier")),
        order_number=_text(parcel.get("order_number")) or _text(parcel.get("external_reference")),
    )


def phase(status_id: int, message: str) -> CarrierPhase:
    """The table's phase; for an id it does not know, EXCEPTION when the message names one, else UNKNOWN."""
    known = STATUS_PHASES.get(status_id)
    if known is not None:
        return known
    return CarrierPhase.EXCEPTION if EXCEPTION_WORDS.search(message) else CarrierPhase.UNKNOWN


def _moment(raw: object) -> datetime | None:
    """A Unix timestamp in seconds or milliseconds (by magnitude); None when absent or not a usable number."""
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        return None
    try:
        value = float(raw)
        seconds = value / 1000 if abs(value) >= MILLISECONDS_FROM else value
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (ValueError, OverflowError, OSError):
        return None


def _carrier(raw: object) -> str:
    """`carrier` is `{"code": "postnl"}` on Sendcloud's parcel object; a plain string is taken as it is."""
    return _text(raw.get("code")) if isinstance(raw, dict) else _text(raw)


def _object(raw: object) -> dict[str, Any]:
    return raw if isinstance(raw, dict) else {}


def _text(raw: object) -> str:
    return raw.strip() if isinstance(raw, str) else ""
