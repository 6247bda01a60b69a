"""What the order worker needs of Business Central, the shops and storage beyond the shared ports."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Protocol

from domain.catalog.prices import CustomerPricing
from domain.models import BcCustomer, BcSalesOrder, Party, ResolvedSku, WebOrderKey
from domain.orders.rules.document_changes import ChangePlan
from domain.records import AttentionItem


class PriceLists(Protocol):
    """BC's price list lines and customer price groups, read from the web services an administrator publishes."""

    def customer_pricing(self, customer_number: str, item_numbers: Sequence[str]) -> CustomerPricing: ...


class AttentionList(Protocol):
    """The orders that need a person, kept apart so listing them never scans all orders."""

    def flag(self, item: AttentionItem) -> None: ...

    def clear(self, key: WebOrderKey) -> None: ...

    def all(self) -> list[AttentionItem]: ...


class CustomerBindings(Protocol):
    """Which BC customer a shop's customer (or a guest's e-mail) was matched to."""

    def get(self, source: str, external_id: str) -> str | None: ...

    def put(self, source: str, external_id: str, bc_customer_number: str) -> None: ...


class ShopOrderFeed(Protocol):
    """One shop's own record of its orders, read when its webhooks may have been missed."""

    def modified_since(self, since: datetime) -> Iterable[bytes]:
        """Each order modified at or after `since`, as the raw JSON its webhook would carry."""
        ...


class BusinessCentral(Protocol):
    def find_sales_orders(self, external_document_number: str) -> list[BcSalesOrder]:
        """The sales orders carrying this externalDocumentNumber (BC does not keep it unique); at most two."""
        ...

    def create_sales_order(self, payload: dict[str, Any]) -> BcSalesOrder: ...

    def sales_order(self, sales_order_id: str) -> BcSalesOrder | None:
        """The document as BC has it now, lines and ETags included; None when it no longer exists."""
        ...

    def apply_changes(self, document: BcSalesOrder, plan: ChangePlan) -> BcSalesOrder:
        """Remove, change and add lines, then set header fields, each with If-Match; the document afterwards."""
        ...

    def delete_sales_order(self, document: BcSalesOrder) -> None: ...

    def release_sales_order(self, sales_order_id: str) -> bool:
        """Release the order through the optional custom API; False when none is configured."""
        ...

    def customer_by_number(self, number: str) -> BcCustomer | None: ...

    def customer_by_email(self, email: str) -> BcCustomer | None: ...

    def customer_by_vat_number(self, vat_number: str) -> BcCustomer | None: ...

    def create_customer(self, party: Party) -> BcCustomer: ...

    def resolve_skus(self, skus: Sequence[str]) -> dict[str, ResolvedSku]:
        """The SKUs found in BC as an item number, or as an item number + "-" + variant code."""
        ...
