"""python -m bench [name ...]: run the named benchmarks (all when none is named)."""

from __future__ import annotations

import sys

from bench import catalog, chaos, intake, order_sync, payments, refunds, shipments, shop_refunds

BENCHMARKS = {
    "intake": intake.main,
    "chaos": chaos.main,
    "order_sync": order_sync.main,
    "catalog": catalog.main,
    "payments": payments.main,
    "refunds": refunds.main,
    "shop-refunds": shop_refunds.main,
    "shipments": shipments.main,
}


def main(names: list[str]) -> int:
    unknown = [name for name in names if name not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}")
        return 2
    for name in names or list(BENCHMARKS):
        BENCHMARKS[name]()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
