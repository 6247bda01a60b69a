"""`python -m localdev.simulators.stripe --port 7092 --webhook-url http://127.0.0.1:7071/api/...`: serve until
SIGINT or SIGTERM.

The secret key comes from STRIPE_SIM_API_KEY (`sk_test_...`), the endpoint's signing secret from
STRIPE_SIM_WEBHOOK_SECRET (`whsec_...`)."""

from __future__ import annotations

import argparse
import os
import sys

from localdev.simulators.provider import serve_until_signalled
from localdev.simulators.stripe.server import StripeSimulator

KEY_VARIABLE = "STRIPE_SIM_API_KEY"
SECRET_VARIABLE = "STRIPE_SIM_WEBHOOK_SECRET"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m localdev.simulators.stripe", description=__doc__)
    parser.add_argument("--port", type=int, default=7092)
    parser.add_argument("--webhook-url", default=None, help="the endpoint events are delivered to")
    parser.add_argument("--time-scale", type=float, default=1.0, help="1.0: retries over about three days")
    args = parser.parse_args(argv)
    api_key, secret = os.environ.get(KEY_VARIABLE), os.environ.get(SECRET_VARIABLE)
    if not api_key or (args.webhook_url and not secret):
        print(f"error: set {KEY_VARIABLE}, and {SECRET_VARIABLE} with --webhook-url", file=sys.stderr)
        return 2
    return serve_until_signalled(
        lambda: StripeSimulator(
            port=args.port,
            api_key=api_key,
            webhook_url=args.webhook_url,
            webhook_secret=secret,
            time_scale=args.time_scale,
        ).start(),
        lambda simulator: f"Stripe simulator listening on {simulator.url}",
    )


if __name__ == "__main__":
    sys.exit(main())
