"""Payments proof at full size: at least 500 WooCommerce orders paid through Mollie and Stripe (~15% paid before
the order is placed, ~20% of the webhooks delivered twice, ~10% paid in two parts) while BC injects 429, 503, lost
responses and latency; each order invoiced in BC; then every payment must be booked exactly once and every customer's
balance in BC must be what it was plus the run's invoices minus its payments (see localdev/payments_proof.py).

`python -m bench payments`; set KOPPEL_PAYMENTS_ORDERS for another size. Azurite's data and the host log stay in
.localdev/payments/ for a look afterwards.
"""

from __future__ import annotations

import os
import shutil
import sys

from localdev.azurite import ROOT
from localdev.payments_proof import PaymentsPlan, run_payments_proof

WORKDIR = ROOT / ".localdev" / "payments"
BROKEN = (
    "not_in_bc",
    "not_invoiced",
    "not_booked",
    "booked_twice",
    "wrong_bookings",
    "open_invoices",
    "wrong_balances",
    "stray_ledger",
    "unmatched",
)


def main() -> None:
    orders = int(os.environ.get("KOPPEL_PAYMENTS_ORDERS", "500"))
    plan = PaymentsPlan(orders=orders, in_bc_timeout_s=300.0, booked_timeout_s=600.0)
    shutil.rmtree(WORKDIR, ignore_errors=True)
    WORKDIR.mkdir(parents=True)
    print(f"# payments: {plan}", flush=True)
    report = run_payments_proof(plan, WORKDIR, say=lambda line: print(line, flush=True))
    print("\n".join(report.lines()))
    for name in BROKEN:
        for entry in getattr(report, name)[:20]:
            print(f"  {name}: {entry}")
    print(f"host log: {WORKDIR / 'host.log'}")
    if not report.held:
        sys.exit(1)
