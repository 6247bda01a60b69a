"""The Subscriptions port over BC's `api/v2.0/subscriptions`, which lives beside the companies, not under one."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.invoices.subscriptions import BcSubscription
from integrations.businesscentral.client import BusinessCentralClient

ANY_VERSION = "*"
"""If-Match when renewing a subscription listed without `@odata.etag` (Microsoft's examples show none:
MicrosoftDocs/dynamics365smb-devitpro-pb dev-itpro/api-reference/v2.0/api/dynamics_subscriptions_get.md); PATCH
requires If-Match (dynamics_subscriptions_update.md)."""


class BusinessCentralSubscriptions:
    def __init__(self, client: BusinessCentralClient) -> None:
        self._client = client

    @property
    def _url(self) -> str:
        return f"{self._client.api_root}/api/v2.0/subscriptions"

    def all(self) -> list[BcSubscription]:
        return [from_row(row) for page in self._client.pages(self._url) for row in page]

    def get(self, subscription_id: str) -> BcSubscription | None:
        """Looked up in the list: the client takes a 404 outside a company for a settings problem, and BC keeps at
        most 200 subscriptions, so the list is one page."""
        return next((found for found in self.all() if found.id == subscription_id), None)

    def create(self, resource: str, notification_url: str, client_state: str) -> BcSubscription:
        body = {"notificationUrl": notification_url, "resource": resource, "clientState": client_state}
        return from_row(self._client.post_url(self._url, body))

    def renew(self, subscription: BcSubscription, notification_url: str, client_state: str) -> BcSubscription:
        body = {"notificationUrl": notification_url, "resource": subscription.resource, "clientState": client_state}
        url = f"{self._url}('{subscription.id}')"
        return from_row(self._client.patch_url(url, body, subscription.etag or ANY_VERSION))


def from_row(row: dict[str, Any]) -> BcSubscription:
    return BcSubscription(
        id=row["subscriptionId"],
        resource=row["resource"],
        notification_url=row["notificationUrl"],
        expires_at=datetime.fromisoformat(row["expirationDateTime"]),
        etag=row.get("@odata.etag") or "",
    )
