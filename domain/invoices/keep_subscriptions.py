"""Keep one BC webhook subscription alive per wanted entity set (salesInvoices; salesCreditMemos by configuration).

BC lets a subscription live three days. Each run looks up the subscription whose id it stored, renews it (PATCH,
which repeats BC's validation handshake) when it expires within the margin or when Koppel's notification URL
changed, and creates one when there is none, when BC no longer has it, or when it expired. A subscription with the
same resource and URL that BC still has (a lost id, a create whose answer was lost) is adopted rather than doubled.
What BC refuses or cannot do is reported in the run's summary; the run never fails for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from pydantic import SecretStr

from domain.errors import BusinessCentralRejected, RetryableError
from domain.invoices.ports import Subscriptions
from domain.invoices.subscriptions import BcSubscription, resource_path
from domain.ports import Clock, SyncRuns, SyncState
from domain.records import SyncRun
from domain.runs import SUBSCRIPTION_COUNTS, RunTally

RUN_NAME = "bc-subscriptions"
JOB = "bc-subscriptions"


class Kept(StrEnum):
    KEPT = "kept"
    RENEWED = "renewed"
    CREATED = "created"


@dataclass(frozen=True)
class SubscriptionKeeping:
    subscriptions: Subscriptions
    state: SyncState
    """The subscription id per entity set."""
    runs: SyncRuns
    clock: Clock
    company_id: str
    entity_sets: tuple[str, ...]
    """The company's entity sets Koppel wants to hear of, e.g. `salesInvoices`."""
    notification_url: SecretStr
    """Koppel's public notification endpoint, function key included."""
    client_state: SecretStr
    renew_within: timedelta
    """A subscription expiring sooner than this is renewed."""
    name: str = RUN_NAME

    def resource(self, entity_set: str) -> str:
        """As Microsoft's examples write it: `/api/v2.0/companies({id})/customers` (MicrosoftDocs/
        dynamics365smb-devitpro-pb dev-itpro/api-reference/v2.0/dynamics-subscriptions.md)."""
        return f"/api/v2.0/companies({self.company_id})/{entity_set}"


def keep_subscriptions(keeping: SubscriptionKeeping) -> SyncRun:
    """Check every wanted subscription; counted as SUBSCRIPTION_COUNTS says (those BC refused or could not be asked
    about failed, each named in `problems`). The run is recorded."""
    started = keeping.clock.now()
    tally = RunTally(SUBSCRIPTION_COUNTS)
    for entity_set in keeping.entity_sets:
        tally.read += 1
        try:
            kept = _keep(keeping, entity_set, started)
        except (BusinessCentralRejected, RetryableError) as error:
            tally.failed += 1
            tally.problem(f"{entity_set}: {_scrubbed(str(error), keeping)}")
            continue
        if kept is not Kept.KEPT:
            tally.changed += 1
            tally.pushed += 1
    run = tally.summary(keeping.name, started, keeping.clock.now(), completed=tally.failed == 0)
    keeping.runs.record(run)
    return run


def _keep(keeping: SubscriptionKeeping, entity_set: str, now: datetime) -> Kept:
    resource = keeping.resource(entity_set)
    url = keeping.notification_url.get_secret_value()
    stored = keeping.state.get(JOB, entity_set)
    found = keeping.subscriptions.get(stored) if stored else None
    if found is None or resource_path(found.resource) != resource_path(resource):
        found = _adoptable(keeping, resource, url, now)
    if found is None or found.expires_at <= now:
        created = keeping.subscriptions.create(resource, url, keeping.client_state.get_secret_value())
        keeping.state.put(JOB, entity_set, created.id)
        return Kept.CREATED
    if found.notification_url != url or found.expires_at - now <= keeping.renew_within:
        renewed = keeping.subscriptions.renew(found, url, keeping.client_state.get_secret_value())
        keeping.state.put(JOB, entity_set, renewed.id)
        return Kept.RENEWED
    if found.id != stored:
        keeping.state.put(JOB, entity_set, found.id)
    return Kept.KEPT


def _adoptable(keeping: SubscriptionKeeping, resource: str, url: str, now: datetime) -> BcSubscription | None:
    """The live subscription BC has for this resource and URL that lives longest, if any."""
    same = [
        subscription
        for subscription in keeping.subscriptions.all()
        if resource_path(subscription.resource) == resource_path(resource)
        and subscription.notification_url == url
        and subscription.expires_at > now
    ]
    return max(same, key=lambda subscription: subscription.expires_at, default=None)


def _scrubbed(text: str, keeping: SubscriptionKeeping) -> str:
    """BC's message without Koppel's notification URL (it carries the function key) or client state."""
    for secret in (keeping.notification_url.get_secret_value(), keeping.client_state.get_secret_value()):
        if secret:
            text = text.replace(secret, "***")
    return text
