"""Shop refunds proof at full size: 500 WooCommerce orders paid through Mollie and Stripe and booked in BC (as the
payments proof), then 150 of them refunded in WooCommerce by the shop owner on a shop whose credit memos Koppel posts
(a third each full, partial and two-step), each refunded at its provider as the shop's plugin does, while BC injects
429, 503 and lost answers, `order.updated` is delivered again for some orders and the host is killed once; then every
refund must have exactly one posted BC credit memo of its amount, paid back in BC, and every customer's balance must
be back where it was (see localdev/shop_refunds_proof.py).

`python -m bench shop-refunds`; set KOPPEL_REFUNDS_ORDERS and KOPPEL_REFUNDS_REFUNDED for another size. Azurite's
data and the host log stay in .localdev/shop-refunds/ for a look afterwards.
"""

from __future__ import annotations

import os

from bench.proof_runs import run_proof
from localdev.payments_proof import PaymentsPlan
from localdev.shop_refunds_proof import ShopRefundsPlan, run_shop_refunds_proof


def main() -> None:
    orders = int(os.environ.get("KOPPEL_REFUNDS_ORDERS", "500"))
    refunded = int(os.environ.get("KOPPEL_REFUNDS_REFUNDED", str(round(orders * 0.3))))
    payments = PaymentsPlan(orders=orders, in_bc_timeout_s=300.0, booked_timeout_s=600.0)
    plan = ShopRefundsPlan(payments=payments, refunded_orders=refunded, credited_timeout_s=900.0, paid_timeout_s=180.0)
    run_proof("shop-refunds", plan, lambda workdir, say: run_shop_refunds_proof(plan, workdir, say=say))
