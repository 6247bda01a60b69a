"""Every API v2.0 entity set the simulator serves, by its set name."""

from __future__ import annotations

from localdev.simulators.businesscentral.catalog_schema import CATALOG_ENTITY_TYPES
from localdev.simulators.businesscentral.payments_schema import PAYMENT_ENTITY_TYPES
from localdev.simulators.businesscentral.schema import SALES_ENTITY_TYPES, EntityType
from localdev.simulators.businesscentral.shipments_schema import SHIPMENT_ENTITY_TYPES

ENTITY_TYPES: dict[str, EntityType] = {
    t.set_name: t for t in (*SALES_ENTITY_TYPES, *CATALOG_ENTITY_TYPES, *PAYMENT_ENTITY_TYPES, *SHIPMENT_ENTITY_TYPES)
}
