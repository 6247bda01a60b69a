"""Refunds proof at full size: 500 WooCommerce orders paid through Mollie and Stripe and booked in BC (as the
payments proof), then 150 of them returned in BC on a shop whose refunds come from BC (a third each full, partial
and two-step), while BC and the providers' refund routes inject 429, 503 and lost answers, the refund webhooks are
delivered twice for some orders and the host is killed once; then every credit memo must be refunded exactly once,
booked in BC and recorded in the shop, and every customer's balance must be back where it was (see
localdev/refunds_proof.py).

`python -m bench refunds`; set KOPPEL_REFUNDS_ORDERS and KOPPEL_REFUNDS_RETURNS for another size. Azurite's data and
the host log stay in .localdev/refunds/ for a look afterwards.
"""

from __future__ import annotations

import os

from bench.proof_runs import run_proof
from localdev.payments_proof import PaymentsPlan
from localdev.refunds_proof import RefundsPlan, run_refunds_proof


def main() -> None:
    orders = int(os.environ.get("KOPPEL_REFUNDS_ORDERS", "500"))
    returns = int(os.environ.get("KOPPEL_REFUNDS_RETURNS", str(round(orders * 0.3))))
    payments = PaymentsPlan(orders=orders, in_bc_timeout_s=300.0, booked_timeout_s=600.0)
    plan = RefundsPlan(payments=payments, returns=returns, refunded_timeout_s=600.0, paid_timeout_s=600.0)
    run_proof("refunds", plan, lambda workdir, say: run_refunds_proof(plan, workdir, say=say))
