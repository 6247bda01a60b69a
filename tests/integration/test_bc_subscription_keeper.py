"""The subscription keeper through Koppel's BC adapter against the BC simulator: subscriptions made with the resource
as Microsoft's examples write it, and renewed although BC's list carries no ETag for them.

Microsoft's "Working with webhooks" page (MicrosoftDocs/dynamics365smb-devitpro-pb dev-itpro/api-reference/v2.0/
dynamics-subscriptions.md) and the subscription API pages (api/dynamics_subscriptions_create.md, _get.md,
_update.md) write the resource `/api/v2.0/companies({id})/customers` and show subscriptions without
`@odata.etag`; PATCH requires If-Match."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import httpx
import pytest
from pydantic import SecretStr

from domain.invoices.keep_subscriptions import SubscriptionKeeping, keep_subscriptions
from integrations.businesscentral.client import BusinessCentralClient
from integrations.businesscentral.subscriptions import BusinessCentralSubscriptions
from integrations.businesscentral.throttle import RequestThrottle
from integrations.businesscentral.token import ClientCredentialsToken
from integrations.settings import BC_DEFAULT_SCOPE
from localdev.simulators.businesscentral import BusinessCentralSimulator
from tests.fakes import FixedClock, MemorySyncRuns, MemorySyncState
from tests.simulators.test_bc_payments import Receiver


@pytest.fixture
def keeper() -> Iterator[tuple[SubscriptionKeeping, FixedClock, httpx.Client]]:
    receiver = Receiver()
    with BusinessCentralSimulator(client_id="keeper-test") as sim:
        http = httpx.Client(timeout=30)
        token = ClientCredentialsToken(http, sim.token_url, sim.client_id, sim.client_secret, BC_DEFAULT_SCOPE)
        client = BusinessCentralClient(
            http, f"{sim.api_base}/companies({sim.company_id})", token, RequestThrottle(5, 6000), max_attempts=6
        )
        clock = FixedClock()
        keeping = SubscriptionKeeping(
            subscriptions=BusinessCentralSubscriptions(client),
            state=MemorySyncState(),
            runs=MemorySyncRuns(),
            clock=clock,
            company_id=sim.company_id,
            entity_sets=("salesInvoices",),
            notification_url=SecretStr(receiver.url),
            client_state=SecretStr("state"),
            renew_within=timedelta(days=1),
        )
        bc = httpx.Client(base_url=f"{sim.api_base}/", headers={"Authorization": f"Bearer {token.get()}"})
        yield keeping, clock, bc
        bc.close()
        http.close()
    receiver.close()


def test_a_subscription_listed_without_an_etag_is_made_as_documented_and_renewed(keeper):
    keeping, clock, bc = keeper

    made = keep_subscriptions(keeping)
    [listed] = bc.get("subscriptions").raise_for_status().json()["value"]
    clock.moment = datetime.fromisoformat(listed["expirationDateTime"]) - timedelta(hours=12)
    renewed = keep_subscriptions(keeping)

    assert (made.changed, made.failed) == (1, 0)
    assert listed["resource"] == f"/api/v2.0/companies({keeping.company_id})/salesInvoices"
    assert "@odata.etag" not in listed
    assert (renewed.changed, renewed.failed, renewed.problems) == (1, 0, ())
