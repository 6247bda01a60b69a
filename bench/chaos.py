"""Chaos run at full size: at least 1,000 orders across WooCommerce and Shopify, ~30% delivered twice, BC faults
(10% 429, 5% 503, 2% lost responses, latency), the host process SIGKILLed and restarted, Azurite restarted; then
BC must hold exactly one sales order per web order with the right lines and total (see localdev/chaos.py).

`python -m bench chaos`; set KOPPEL_CHAOS_ORDERS for another size. Azurite's data and the host log stay in
.localdev/chaos/ for a look afterwards.
"""

from __future__ import annotations

import os
import shutil
import sys

from localdev.azurite import ROOT
from localdev.chaos import ChaosPlan, run_chaos

WORKDIR = ROOT / ".localdev" / "chaos"


def main() -> None:
    orders = int(os.environ.get("KOPPEL_CHAOS_ORDERS", "1000"))
    plan = ChaosPlan(orders=orders, orders_per_second=20.0, settle_timeout_s=600.0)
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
