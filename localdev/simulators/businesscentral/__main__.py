"""`python -m localdev.simulators.businesscentral --port 7081`: serve until SIGINT or SIGTERM.

`--catalog-items 50000` adds a generated catalog for benchmarks (a tenth of the items with 3-8 variants, stock in
two locations, three price lists) to the demo data."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
import time
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
    parser.add_argument("--catalog-items", type=int, default=0, help="generated items to add, for benchmarks")
    parser.add_argument(
        "--price-lines-modified-at",
        action="store_true",
        help="serve SystemModifiedAt on KoppelPriceListLines (needs a page extension in real BC)",
    )
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
    started = time.monotonic()
    simulator = BusinessCentralSimulator(
        port=args.port,
        client_id=args.client_id,
        client_secret=secret,
        latency_ms=args.latency_ms,
        page_size=args.page_size,
        tenant=args.tenant,
        environment=args.environment,
        catalog_items=args.catalog_items,
        price_lines_modified_at=args.price_lines_modified_at,
    ).start()
    print(f"BC simulator listening on {simulator.url}", flush=True)
    if args.catalog_items:
        store = simulator.store
        print(
            f"seeded {len(store.items.rows)} items, {len(store.item_variants.rows)} variants, "
            f"{len(store.price_list_lines.rows)} price list lines, {len(store.item_ledger_entries.rows)} item ledger "
            f"entries in {time.monotonic() - started:.1f} s",
            flush=True,
        )
    try:
        stop.wait()
    finally:
        simulator.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
