"""The hostile corpus runs against the integration tests' local stack (one per module), built by their own code
so both suites run Koppel the same way, with two differences, since each case checks that it made Koppel send BC
nothing: the booking timer does not book (no payment journal), and every timer that calls BC or a shop runs once a
year (a catalog push at a quarter past once showed as BC requests a refused delivery had made)."""

from collections.abc import Iterator

import pytest

from localdev.stack import TIMERS_OFF, LocalStack
from tests.integration.conftest import no_faults, running_stack

__all__ = ["no_faults", "stack"]


@pytest.fixture(scope="module")
def stack() -> Iterator[LocalStack]:
    yield from running_stack(KOPPEL_BC_PAYMENT_JOURNAL="", **TIMERS_OFF)
