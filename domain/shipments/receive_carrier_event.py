"""Carrier events in: Sendcloud's webhooks checked, stored raw once and queued, answered fast (the intake rules of
domain/intake, reused: `admitted`, `accept`, `keep`).

Cheapest refusal first: an account Koppel does not serve (404), a body over the limit (413), a missing or wrong
`Sendcloud-Signature` over the raw bytes (401), a body that is not a JSON object with an `action` (400). An action
other than `parcel_status_changed` is answered 200 and stored nowhere (as a shop's unhandled topic). A
`parcel_status_changed` Koppel cannot read (no parcel id, no status id) is answered 200 and kept for a person: a 4xx
would only have Sendcloud retry it ten times. Events are filed per parcel: `sendcloud:<account>:<parcel id>`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from domain.errors import Rejection, RequestRejected
from domain.intake.ingest_webhook import Accepted, Ignored, Intake, Kept, accept, admitted, keep, lower_case_names
from domain.intake.signatures import sendcloud_signature_valid
from domain.models import StreamKey
from domain.shipments import sendcloud

UNREADABLE_PARCEL = "unreadable"
"""The stream subject a parcel_status_changed that names no usable parcel id is kept under."""


@dataclass(frozen=True)
class CarrierDelivery:
    """One webhook request from a carrier platform; `secret` None when Koppel serves no such account."""

    account: str
    secret: str | None
    headers: Mapping[str, str]
    body: bytes


def receive_sendcloud(intake: Intake, delivery: CarrierDelivery, max_body_bytes: int) -> Accepted | Kept | Ignored:
    unknown = f"no {sendcloud.PLATFORM} account '{delivery.account}' is configured"
    secret = admitted(delivery.secret, unknown, delivery.body, max_body_bytes)
    headers = lower_case_names(delivery.headers)
    if not sendcloud_signature_valid(delivery.body, secret, headers, intake.clock.now()):
        raise RequestRejected(
            Rejection.UNAUTHENTICATED, "the Sendcloud-Signature is missing or does not match the body"
        )
    try:
        payload = sendcloud.parse(delivery.body)
        action = sendcloud.action(payload)
    except ValueError as error:
        raise RequestRejected(Rejection.MALFORMED, str(error)) from None
    if action != sendcloud.PARCEL_STATUS_CHANGED:
        return Ignored(f"action '{action}' is not handled")
    dedup_key = sendcloud.dedup_key(payload, delivery.body)
    try:
        sendcloud.carrier_event(delivery.account, payload, intake.clock.now())
        stream = parcel_stream(delivery.account, sendcloud.parcel_id(payload))
    except ValueError as error:
        stream = parcel_stream(delivery.account, UNREADABLE_PARCEL)
        reason = f"a {action} Koppel cannot read: {error}"
        return keep(intake, stream, action, dedup_key, delivery.body, reason=reason)
    return accept(intake, stream, action, dedup_key, delivery.body)


def parcel_stream(account: str, parcel: str) -> StreamKey:
    """The stream a Sendcloud parcel's deliveries are logged and queued under."""
    return StreamKey(source=sendcloud.PLATFORM, scope=account, subject=parcel)
