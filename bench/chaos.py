"""Chaos run at full size: at least 1,000 orders across WooCommerce and Shopify, ~30% delivered twice, BC faults
(10% 429, 5% 503, 2% lost responses, latency), the host process SIGKILLed and restarted, Azurite restarted; then
BC must hold exactly one sales order per web order with the right lines and total (see localdev/chaos.py). Then
every order is shipped (some in two parts, some with the tracking number added later) while BC and both shops
fail (10% 429, 5% 503, 2% lost answers) and Sendcloud's events come twice and out of order: every shipment once in
its shop with its tracking number, every order delivered (see localdev/chaos_shipments.py).

`python -m bench chaos`; set KOPPEL_CHAOS_ORDERS for another size. Azurite's data and the host log stay in
.localdev/chaos/ for a look afterwards.
"""

from __future__ import annotations

import os
import shutil
import sys

from localdev.azurite import ROOT
from localdev.chaos import ChaosPlan, run_chaos
from localdev.chaos_shipments import ShipmentChaosPlan

WORKDIR = ROOT / ".localdev" / "chaos"


def main() -> None:
    orders = int(os.environ.get("KOPPEL_CHAOS_ORDERS", "1000"))
    # Telling Shopify of an order's carrier events at 50 cost points a second (the simulator's bucket, Shopify's
    # older Standard rate) is the slowest part of the shipment path: about 2.4 s an order under these faults.
    shipping = ShipmentChaosPlan(settle_timeout_s=max(300.0, 2.4 * orders))
    plan = ChaosPlan(orders=orders, orders_per_second=20.0, settle_timeout_s=600.0, shipping=shipping)
    shutil.rmtree(WORKDIR, ignore_errors=True)
    WORKDIR.mkdir(parents=True)
    print(f"# chaos: {plan}", flush=True)
    report = run_chaos(plan, WORKDIR, say=lambda line: print(line, flush=True))
    print("\n".join(report.lines()))
    for name in ("missing", "doubled", "wrong_totals", "wrong_lines", "strays"):
        for entry in getattr(report, name)[:20]:
            print(f"  {name}: {entry}")
    print(f"host log: {WORKDIR / 'host.log'}")
    if not report.held:
        sys.exit(1)
