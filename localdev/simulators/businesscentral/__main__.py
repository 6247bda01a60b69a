"""`python -m localdev.simulators.businesscentral --port 7081`: serve until SIGINT or SIGTERM."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from types import FrameType

from localdev.simulators.businesscentral.server import BusinessCentralSimulator

SECRET_VARIABLE = "BC_SIM_CLIENT_SECRET"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m localdev.simulators.businesscentral", description=__doc__)
    parser.add_argument("--port", type=int, default=7081)
    parser.add_argument("--latency-ms", type=int, default=0)
    parser.add_argument("--client-id", default="koppel-demo")
    parser.add_argument("--tenant", default="koppel-demo")
    parser.add_argument("--environment", default="production")
    parser.add_argument("--page-size", type=int, default=20000)
    args = parser.parse_args(argv)
    secret = os.environ.get(SECRET_VARIABLE)
    if not secret:
        print(f"error: set {SECRET_VARIABLE} to the client secret the simulator should accept", file=sys.stderr)
        return 2
    stop = threading.Event()

    def request_stop(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    simulator = BusinessCentralSimulator(
        port=args.port,
        client_id=args.client_id,
        client_secret=secret,
        latency_ms=args.latency_ms,
        page_size=args.page_size,
        tenant=args.tenant,
        environment=args.environment,
    ).start()
    print(f"BC simulator listening on {simulator.url}", flush=True)
    try:
        stop.wait()
    finally:
        simulator.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
