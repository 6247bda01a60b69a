"""`python -m localdev.simulators.mollie --port 7091`: serve until SIGINT or SIGTERM.

The API key comes from MOLLIE_SIM_API_KEY (a `test_...` key); with MOLLIE_SIM_SIGNING_SECRET and `--event-url`
next-gen events are signed and sent too."""

from __future__ import annotations

import argparse
import os
import sys

from localdev.simulators.mollie.server import MollieSimulator
from localdev.simulators.provider import serve_until_signalled

KEY_VARIABLE = "MOLLIE_SIM_API_KEY"
SECRET_VARIABLE = "MOLLIE_SIM_SIGNING_SECRET"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m localdev.simulators.mollie", description=__doc__)
    parser.add_argument("--port", type=int, default=7091)
    parser.add_argument("--time-scale", type=float, default=1.0, help="1.0: retries over 26 hours, as Mollie does")
    parser.add_argument("--event-url", default=None, help="where next-gen events go (needs the signing secret)")
    args = parser.parse_args(argv)
    api_key = os.environ.get(KEY_VARIABLE)
    if not api_key:
        print(f"error: set {KEY_VARIABLE} to the API key the simulator should accept", file=sys.stderr)
        return 2
    return serve_until_signalled(
        lambda: MollieSimulator(
            port=args.port,
            api_key=api_key,
            time_scale=args.time_scale,
            event_webhook_url=args.event_url,
            signing_secret=os.environ.get(SECRET_VARIABLE),
        ).start(),
        lambda simulator: f"Mollie simulator listening on {simulator.api_base}",
    )


if __name__ == "__main__":
    sys.exit(main())
