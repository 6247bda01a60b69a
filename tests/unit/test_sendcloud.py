"""Sendcloud's webhook read as a carrier event: the signature over the raw bytes, the optional fields, the timestamp
in seconds or milliseconds, the status table."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from domain.intake.signatures import hex_hmac_sha256, sendcloud_signature_valid
from domain.shipments import sendcloud
from domain.shipments.models import CarrierPhase

RECEIVED = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
NOW = RECEIVED


def documented(**parcel: Any) -> dict[str, Any]:
    """The example of sendcloud.dev/api/v2/webhooks/parcel-status-changed (the fields Koppel reads), changed."""
    example = {
        "id": 1,
        "name": "John Doe",
        "tracking_number": "3SYZXG132912330",
        "status": {"id": 1, "message": "Ready to send"},
        "shipment": {"id": 1, "name": "PostNL Standard"},
        "order_number": "ORD12334",
        "external_order_id": "555",
    }
    return {"action": "parcel_status_changed", "timestamp": 123, "parcel": example | parcel}


def test_the_documented_test_vector_passes():
    body = b'{"key": "value"}'
    assert hex_hmac_sha256(body, "secretkey") == "1eed4b3d41f4653ac64fd56f1bf1cbfd349e4482cbc11dff7134bd93e5da4b0a"
    signature = {"sendcloud-signature": "1eed4b3d41f4653ac64fd56f1bf1cbfd349e4482cbc11dff7134bd93e5da4b0a"}
    assert sendcloud_signature_valid(body, "secretkey", signature, NOW)


def test_the_signature_is_over_the_raw_bytes_not_the_json():
    signature = {"sendcloud-signature": hex_hmac_sha256(b'{"key": "value"}', "secretkey")}
    assert not sendcloud_signature_valid(b'{"key":"value"}', "secretkey", signature, NOW)


def test_a_missing_signature_or_an_empty_secret_never_matches():
    body = b"{}"
    assert not sendcloud_signature_valid(body, "secretkey", {}, NOW)
    assert not sendcloud_signature_valid(body, "", {"sendcloud-signature": hex_hmac_sha256(body, "")}, NOW)


def test_an_upper_case_hex_signature_matches():
    body = b"{}"
    assert sendcloud_signature_valid(body, "k", {"sendcloud-signature": hex_hmac_sha256(body, "k").upper()}, NOW)


def test_the_documented_example_reads_as_an_announced_parcel():
    event = sendcloud.carrier_event("main", documented(), RECEIVED)
    assert (event.platform, event.account, event.parcel_id) == ("sendcloud", "main", "1")
    assert (event.status_id, event.status_message, event.phase) == (1, "Ready to send", CarrierPhase.ANNOUNCED)
    assert (event.tracking_number, event.order_number) == ("3SYZXG132912330", "ORD12334")
    assert (event.tracking_url, event.carrier, event.expected_delivery) == ("", "", None)
    assert event.happened_at == datetime(1970, 1, 1, 0, 2, 3, tzinfo=UTC)


def test_the_parcel_objects_extra_fields_are_read_when_present():
    payload = documented(
        tracking_url="https://tracking.sendcloud.sc/forward?carrier=postnl&code=3S",
        carrier={"code": "postnl"},
        order_number=None,
        external_reference="A-1001",
    )
    event = sendcloud.carrier_event("main", payload, RECEIVED)
    assert (event.tracking_url, event.carrier, event.order_number) == (
        "https://tracking.sendcloud.sc/forward?carrier=postnl&code=3S",
        "postnl",
        "A-1001",
    )


def test_a_parcel_with_only_an_id_and_a_status_is_read():
    payload = {"action": "parcel_status_changed", "parcel": {"id": 77, "status": {"id": 11}}}
    event = sendcloud.carrier_event("main", payload, RECEIVED)
    assert (event.parcel_id, event.phase, event.status_message, event.tracking_number) == (
        "77",
        CarrierPhase.DELIVERED,
        "",
        "",
    )
    assert event.happened_at == RECEIVED, "without a timestamp, when Koppel received it"


@pytest.mark.parametrize(
    "timestamp",
    [1_796_637_600, 1_796_637_600_000, 1_796_637_600.0, "1796637600000"],
    ids=["seconds", "milliseconds", "float-seconds", "text-milliseconds"],
)
def test_the_timestamp_is_seconds_or_milliseconds_by_magnitude(timestamp: object):
    event = sendcloud.carrier_event("main", documented() | {"timestamp": timestamp}, RECEIVED)
    assert event.happened_at == datetime(2026, 12, 7, 10, 0, tzinfo=UTC)


def test_the_carriers_own_time_of_the_change_wins_over_the_webhooks():
    payload = documented() | {"timestamp": 1_796_637_600_000, "carrier_status_change_timestamp": 1_796_634_000}
    assert sendcloud.carrier_event("main", payload, RECEIVED).happened_at == datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize("timestamp", [True, "soon", 1e400, None, {"s": 1}])
def test_an_unusable_timestamp_is_taken_as_absent(timestamp: object):
    assert sendcloud.carrier_event("main", documented() | {"timestamp": timestamp}, RECEIVED).happened_at == RECEIVED


@pytest.mark.parametrize(
    "parcel",
    [
        None,
        {},
        {"id": None, "status": {"id": 1}},
        {"id": "a/b", "status": {"id": 1}},
        {"id": True, "status": {"id": 1}},
    ],
)
def test_a_parcel_without_a_usable_id_is_not_read(parcel: object):
    with pytest.raises(ValueError, match="id"):
        sendcloud.carrier_event("main", {"action": "parcel_status_changed", "parcel": parcel}, RECEIVED)


@pytest.mark.parametrize("status", [None, {}, {"id": "11"}, {"id": False}, "Delivered"])
def test_a_parcel_without_a_status_id_is_not_read(status: object):
    with pytest.raises(ValueError, match="status id"):
        sendcloud.carrier_event("main", {"parcel": {"id": 1, "status": status}}, RECEIVED)


@pytest.mark.parametrize(
    ("status_id", "phase"),
    [
        (1000, CarrierPhase.ANNOUNCED),
        (3, CarrierPhase.IN_TRANSIT),
        (8, CarrierPhase.IN_TRANSIT),
        (92, CarrierPhase.OUT_FOR_DELIVERY),
        (11, CarrierPhase.DELIVERED),
        (93, CarrierPhase.DELIVERED),
        (80, CarrierPhase.EXCEPTION),
        (15, CarrierPhase.EXCEPTION),
        (1002, CarrierPhase.EXCEPTION),
        (2000, CarrierPhase.CANCELLED),
        (1337, CarrierPhase.UNKNOWN),
    ],
)
def test_the_status_table_places_each_id(status_id: int, phase: CarrierPhase):
    assert sendcloud.phase(status_id, "whatever the carrier says") is phase


@pytest.mark.parametrize(
    ("message", "phase"),
    [
        ("Returned to sender", CarrierPhase.EXCEPTION),
        ("Address invalid", CarrierPhase.EXCEPTION),
        ("Parcel lost", CarrierPhase.EXCEPTION),
        ("Refused by recipient", CarrierPhase.EXCEPTION),
        ("Exception", CarrierPhase.EXCEPTION),
        ("Exception handled", CarrierPhase.UNKNOWN),
        ("At customs", CarrierPhase.UNKNOWN),
        ("Closed on Sunday", CarrierPhase.UNKNOWN),
    ],
)
def test_an_id_the_table_does_not_know_is_an_exception_only_when_its_words_say_so(message: str, phase: CarrierPhase):
    event = sendcloud.carrier_event("main", documented(status={"id": 62992, "message": message}), RECEIVED)
    assert (event.phase, event.status_message) == (phase, message)


def test_a_retry_has_the_same_dedup_key_whatever_its_bytes():
    payload = documented()
    compact = json.dumps(payload, separators=(",", ":")).encode()
    assert sendcloud.dedup_key(payload, json.dumps(payload).encode()) == sendcloud.dedup_key(payload, compact)
    later = payload | {"timestamp": 124}
    assert sendcloud.dedup_key(later, compact) != sendcloud.dedup_key(payload, compact)


def test_without_a_timestamp_the_dedup_key_is_the_bodys_digest():
    payload = {"action": "parcel_status_changed", "parcel": {"id": 1, "status": {"id": 11}}}
    first, second = json.dumps(payload).encode(), json.dumps(payload, indent=1).encode()
    assert sendcloud.dedup_key(payload, first).startswith("sha256:")
    assert sendcloud.dedup_key(payload, first) != sendcloud.dedup_key(payload, second)
