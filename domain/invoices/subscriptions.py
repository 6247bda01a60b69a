"""BC's webhook subscriptions and the notifications BC sends for them.

A subscription names a resource (`api/v2.0/companies({id})/salesInvoices`), the URL BC notifies and a clientState
that BC repeats in every notification, so Koppel can tell BC's calls from anyone else's. BC lets a subscription
live three days; it must be renewed before then.
"""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from domain.models import Frozen

_API_PATH = re.compile(r"(?:^|/)(api/v2\.0/companies\([^)]*\)/[A-Za-z]+)(?:$|[(?/])", re.IGNORECASE)
_ENTITY_SET = re.compile(r"^/?api/v2\.0/companies\(([0-9A-Fa-f-]{36})\)/([A-Za-z]+)(?:\([^)/?]*\))?(?:\?.*)?$")


class BcSubscription(Frozen):
    id: str
    resource: str
    notification_url: str
    expires_at: datetime
    etag: str = ""
    """As BC gave it; blank when BC's answer carries none (its list may not)."""


class ChangeType(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    DELETED = "deleted"
    COLLECTION = "collection"
    """More changes than BC sends one by one: `resource` is a collection URL with a filter to read instead."""


class Notification(BaseModel):
    """One entry of BC's notification body."""

    model_config = ConfigDict(frozen=True, populate_by_name=True)

    subscription_id: str = Field(alias="subscriptionId", min_length=1)
    client_state: SecretStr = Field(SecretStr(""), alias="clientState")
    """Blank in the logged copy: Koppel keeps its secret out of storage."""
    expires_at: datetime | None = Field(None, alias="expirationDateTime")
    resource: str = Field(min_length=1)
    change_type: ChangeType = Field(alias="changeType")
    last_modified: datetime | None = Field(None, alias="lastModifiedDateTime")


class NotificationBatch(BaseModel):
    """The body BC posts: `{"value": [...]}`, one entry per changed record (or one `collection` entry)."""

    model_config = ConfigDict(frozen=True)

    value: list[Notification] = Field(min_length=1)


def resource_path(resource: str) -> str:
    """`api/v2.0/companies({id})/{set}` of an absolute or relative resource, lower case for comparing; "" when the
    resource names no company's entity set."""
    match = _API_PATH.search(resource)
    return match.group(1).lower() if match else ""


def entity_set(resource: str, company_id: str) -> str | None:
    """The entity set a notification's resource names (`salesInvoices`), when it is a relative URL into this
    company's API (one record, the set, or the set with a query); None otherwise. Koppel reads a resource with its
    own token, so it never follows one that points anywhere else."""
    match = _ENTITY_SET.match(resource)
    if match is None or match.group(1).lower() != company_id.lower():
        return None
    return match.group(2)
