"""customers: creation with a number from the series and defaults, and changes."""

from __future__ import annotations

import uuid

from localdev.simulators.businesscentral.schema import CUSTOMER, EMPTY_GUID
from localdev.simulators.businesscentral.store import Record, Store
from localdev.simulators.businesscentral.validation import validate_body

CUSTOMER_DEFAULTS: Record = {
    "number": "",
    "displayName": "",
    "type": "Company",
    "addressLine1": "",
    "addressLine2": "",
    "city": "",
    "state": "",
    "country": "",
    "postalCode": "",
    "phoneNumber": "",
    "email": "",
    "website": "",
    "salespersonCode": "",
    "balanceDue": 0.0,
    "creditLimit": 0.0,
    "taxLiable": True,
    "taxRegistrationNumber": "",
    "currencyCode": "",
    "paymentTermsId": EMPTY_GUID,
    "shipmentMethodId": EMPTY_GUID,
    "paymentMethodId": EMPTY_GUID,
    "blocked": " ",
    "locationCode": "",
}


class Customers:
    def __init__(self, store: Store) -> None:
        self.store = store

    def create(self, body: object) -> Record:
        values = validate_body(CUSTOMER, body)
        customer: Record = {**CUSTOMER_DEFAULTS, "id": str(uuid.uuid4()), **values}
        customer["number"] = self.store.customer_numbers.next()
        return self.store.customers.add(customer)

    def update(self, customer: Record, body: object) -> Record:
        customer.update(validate_body(CUSTOMER, body))
        self.store.customers.stamp(customer)
        return customer
