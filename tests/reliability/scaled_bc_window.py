"""`python -m tests.reliability.scaled_bc_window SECONDS [localdev.host options]`: the local host, with BC's 5-minute
window shortened to SECONDS in Koppel's BC client, as the BC simulator's window is in the test, so that
KOPPEL_BC_REQUESTS_PER_5_MINUTES counts requests per SECONDS and a rate-limit test takes seconds, not minutes."""

from __future__ import annotations

import sys

import pytest

from functions.wiring import adapters
from integrations.businesscentral.throttle import RequestThrottle
from localdev.host.__main__ import main


def scaled_throttle(window_seconds: float) -> type[RequestThrottle]:
    class ScaledThrottle(RequestThrottle):
        def __init__(self, max_in_flight: int, max_per_window: int, _window: float = window_seconds) -> None:
            super().__init__(max_in_flight, max_per_window, window_seconds)

    return ScaledThrottle


if __name__ == "__main__":
    pytest.MonkeyPatch().setattr(adapters, "RequestThrottle", scaled_throttle(float(sys.argv[1])))
    sys.exit(main(sys.argv[2:]))
