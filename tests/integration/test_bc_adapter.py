"""The BusinessCentral adapter against the simulator: what it writes is what BC accepts."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from domain.models import Address, Party
from integrations.businesscentral.api import BusinessCentralApi
from localdev.bc_probe import BcProbe
from localdev.simulators.businesscentral import BusinessCentralSimulator
from tests.integration.simulated_bc import bc_client

PAYMENT_TERMS = "7a3c0000-0000-0000-0000-000000000030"


@pytest.fixture(scope="module")
def bc() -> Iterator[BusinessCentralSimulator]:
    with BusinessCentralSimulator(client_id="adapter-test") as simulator:
        yield simulator


def _api(bc: BusinessCentralSimulator, **options: object) -> BusinessCentralApi:
    return BusinessCentralApi(bc_client(bc), **options)  # type: ignore[arg-type]


def test_a_new_customer_gets_the_configured_template(bc: BusinessCentralSimulator):
    api = _api(bc, new_customer_fields={"paymentTermsId": PAYMENT_TERMS})
    party = Party(email="nieuw@example.nl", billing=Address(name="Nieuwe Klant", city="Delft", country="NL"))

    created = api.create_customer(party)

    [stored] = BcProbe(bc, bc.client_id, bc.client_secret).all(
        "customers", **{"$filter": f"number eq '{created.number}'"}
    )
    assert stored["paymentTermsId"] == PAYMENT_TERMS
    assert stored["displayName"] == "Nieuwe Klant"
    assert api.customer_by_email("nieuw@example.nl") == created


def test_a_quote_in_an_email_is_escaped_not_a_wider_filter(bc: BusinessCentralSimulator):
    api = _api(bc)
    assert api.customer_by_email("x' or email ne '") is None
    assert api.customer_by_email("sean.obrien@example.com") is not None
