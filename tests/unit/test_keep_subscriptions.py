"""The subscription keeper with in-memory ports: one live subscription per wanted entity set, created, renewed
within the margin, made again when BC lost it or it expired; what BC refuses is reported, never raised."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from pydantic import SecretStr

from domain.invoices.keep_subscriptions import JOB, SubscriptionKeeping, keep_subscriptions
from tests.fakes import FixedClock, MemorySubscriptions, MemorySyncRuns, MemorySyncState

COMPANY = "5f0d6c1e-0000-4000-8000-00000000c0a1"
URL = "https://koppel.example.net/api/webhooks/businesscentral?code=function-key-123"
CLIENT_STATE = "client-state-456"
INVOICES = f"/api/v2.0/companies({COMPANY})/salesInvoices"
"""As Microsoft's examples write a subscription's resource (MicrosoftDocs/dynamics365smb-devitpro-pb
dev-itpro/api-reference/v2.0/dynamics-subscriptions.md: `/api/v2.0/companies(...)/customers`)."""


class World:
    def __init__(self, entity_sets: tuple[str, ...] = ("salesInvoices",)) -> None:
        self.clock = FixedClock()
        self.bc = MemorySubscriptions(self.clock)
        self.state = MemorySyncState()
        self.runs = MemorySyncRuns()
        self.keeping = SubscriptionKeeping(
            subscriptions=self.bc,
            state=self.state,
            runs=self.runs,
            clock=self.clock,
            company_id=COMPANY,
            entity_sets=entity_sets,
            notification_url=SecretStr(URL),
            client_state=SecretStr(CLIENT_STATE),
            renew_within=timedelta(days=1),
        )

    def later(self, delta: timedelta) -> None:
        self.clock.moment += delta

    def stored(self, entity_set: str = "salesInvoices") -> str | None:
        return self.state.get(JOB, entity_set)


def test_the_first_run_creates_a_subscription_on_the_company_s_sales_invoices_and_stores_its_id():
    world = World()

    run = keep_subscriptions(world.keeping)

    [made] = world.bc.rows.values()
    assert (made.resource, made.notification_url, world.bc.client_states[made.id]) == (INVOICES, URL, CLIENT_STATE)
    assert world.stored() == made.id
    assert (run.name, run.read, run.changed, run.failed, run.completed) == ("bc-subscriptions", 1, 1, 0, True)
    assert world.runs.recorded == [run]


def test_a_subscription_far_from_expiry_is_left_alone():
    world = World()
    keep_subscriptions(world.keeping)
    [before] = world.bc.rows.values()
    world.later(timedelta(hours=40))

    run = keep_subscriptions(world.keeping)

    assert list(world.bc.rows.values()) == [before]
    assert "renew" not in world.bc.calls
    assert (run.changed, run.failed) == (0, 0)


def test_a_subscription_expiring_within_a_day_is_renewed_for_three_more_days():
    world = World()
    keep_subscriptions(world.keeping)
    [before] = world.bc.rows.values()
    world.later(timedelta(days=2, hours=1))

    run = keep_subscriptions(world.keeping)

    [after] = world.bc.rows.values()
    assert after.id == before.id == world.stored()
    assert after.expires_at == world.clock.now() + timedelta(days=3)
    assert world.bc.calls.count("create") == 1
    assert world.bc.calls.count("renew") == 1
    assert run.changed == 1


def test_a_subscription_bc_no_longer_has_is_made_again():
    world = World()
    keep_subscriptions(world.keeping)
    gone = world.stored()
    world.bc.rows.clear()

    keep_subscriptions(world.keeping)

    [made] = world.bc.rows.values()
    assert made.id != gone
    assert world.stored() == made.id


def test_an_expired_subscription_is_replaced_by_a_new_one():
    world = World()
    keep_subscriptions(world.keeping)
    expired = world.stored()
    world.later(timedelta(days=3, minutes=1))

    keep_subscriptions(world.keeping)

    assert world.stored() != expired
    assert world.bc.rows[str(world.stored())].expires_at == world.clock.now() + timedelta(days=3)
    assert "renew" not in world.bc.calls


def test_a_live_subscription_bc_has_for_the_same_resource_and_url_is_adopted_when_its_id_was_lost():
    world = World()
    keep_subscriptions(world.keeping)
    [existing] = world.bc.rows.values()
    world.state.values.clear()

    keep_subscriptions(world.keeping)

    assert list(world.bc.rows) == [existing.id]
    assert world.stored() == existing.id


def test_a_changed_notification_url_is_taken_up_by_renewing_at_once():
    world = World()
    keep_subscriptions(world.keeping)
    moved = "https://koppel-new.example.net/api/webhooks/businesscentral?code=other-key"
    keeping = replace(world.keeping, notification_url=SecretStr(moved))

    keep_subscriptions(keeping)

    [after] = world.bc.rows.values()
    assert after.notification_url == moved
    assert world.bc.calls.count("renew") == 1


def test_a_refused_handshake_is_reported_in_the_run_without_the_url_s_key_and_nothing_is_stored():
    world = World()
    world.bc.refuse_handshake = True

    run = keep_subscriptions(world.keeping)

    assert (run.failed, run.completed, run.changed) == (1, False, 0)
    [problem] = run.problems
    assert problem.startswith("salesInvoices: 400 BadRequest: The subscription could not be validated")
    assert "function-key-123" not in problem
    assert world.stored() is None
    assert world.runs.recorded == [run]


def test_bc_unavailable_is_reported_per_entity_set_and_the_others_are_still_kept():
    world = World(entity_sets=("salesInvoices", "salesCreditMemos"))
    keep_subscriptions(world.keeping)
    world.later(timedelta(days=2, hours=12))
    world.bc.unavailable = True

    run = keep_subscriptions(world.keeping)

    assert (run.read, run.failed, run.completed) == (2, 2, False)
    assert [problem.split(":")[0] for problem in run.problems] == ["salesInvoices", "salesCreditMemos"]


def test_credit_memos_are_kept_beside_invoices_when_configured():
    world = World(entity_sets=("salesInvoices", "salesCreditMemos"))

    keep_subscriptions(world.keeping)

    resources = sorted(subscription.resource for subscription in world.bc.rows.values())
    assert resources == [f"/api/v2.0/companies({COMPANY})/salesCreditMemos", INVOICES]
    assert world.stored("salesCreditMemos") != world.stored("salesInvoices")
