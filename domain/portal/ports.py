"""What the portal's catalog needs: BC's customer terms and substitutions, and the portal's copy in storage."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol

from domain.catalog.availability import ItemSubstitution
from domain.portal.catalog import PortalCustomer, PortalItem


class PortalSource(Protocol):
    """What the portal needs from BC besides the catalog, read in full each run."""

    def customers(self) -> Iterable[PortalCustomer]: ...

    def substitutions(self) -> Mapping[str, Sequence[ItemSubstitution]]:
        """The item substitution entries of each item, by item number."""
        ...


class PortalCatalog(Protocol):
    """The portal's copy of BC's items and customers' terms, as the portal API reads it."""

    def items(self, numbers: Iterable[str]) -> dict[str, PortalItem]:
        """The stored ones among them, by item number."""
        ...

    def customer(self, number: str) -> PortalCustomer | None: ...


class PortalCatalogStore(Protocol):
    """The portal's copy of BC's items and customers' terms, as the portal catalog run keeps it."""

    @property
    def limit(self) -> int:
        """The most items or customers one store call takes."""
        ...

    def item_fingerprints(self) -> Mapping[str, str]:
        """The fingerprint of each stored item, by item number."""
        ...

    def store_items(self, items: Sequence[PortalItem]) -> Mapping[str, str]:
        """Store each item in place of what was stored; the items it could not store, each with why (nothing is
        kept of those)."""
        ...

    def remove_items(self, numbers: Sequence[str]) -> None: ...

    def customer_fingerprints(self) -> Mapping[str, str]: ...

    def store_customers(self, customers: Sequence[PortalCustomer]) -> None: ...

    def remove_customers(self, numbers: Sequence[str]) -> None: ...
