"""Delivery faults Shopify is known for, switched on through `POST /_sim/faults`."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class DeliveryFaults(BaseModel):
    """`duplicate_rate`: share of webhooks sent twice with the same webhook id, some copies concurrently.

    `reorder`: webhooks are held for `reorder_window_s`, then sent one after another, newest first.
    """

    model_config = ConfigDict(extra="forbid")

    duplicate_rate: float = Field(0.0, ge=0, le=1)
    reorder: bool = False
    reorder_window_s: float = Field(0.3, ge=0, le=10)

    def merged(self, update: DeliveryFaults) -> DeliveryFaults:
        """These settings with the fields that `update` was given."""
        return self.model_copy(update={name: getattr(update, name) for name in update.model_fields_set})
