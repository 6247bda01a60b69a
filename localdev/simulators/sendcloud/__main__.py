"""`python -m localdev.simulators.sendcloud --port 7093 --webhook-url URL`: serve until SIGINT or SIGTERM.

Webhooks are signed with SENDCLOUD_SIM_SECRET (the integration's secret Koppel is given)."""

from __future__ import annotations

import argparse
import os
import sys

from localdev.simulators.provider import serve_until_signalled
from localdev.simulators.sendcloud.server import SendcloudSimulator

SECRET_VARIABLE = "SENDCLOUD_SIM_SECRET"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m localdev.simulators.sendcloud", description=__doc__)
    parser.add_argument("--port", type=int, default=7093)
    parser.add_argument("--time-scale", type=float, default=1.0, help="1.0: retries over about 7 hours")
    parser.add_argument("--webhook-url", default=None, help="where parcel_status_changed webhooks go")
    args = parser.parse_args(argv)
    secret = os.environ.get(SECRET_VARIABLE)
    if not secret:
        print(f"error: set {SECRET_VARIABLE} to the secret the webhooks are signed with", file=sys.stderr)
        return 2
    return serve_until_signalled(
        lambda: SendcloudSimulator(
            port=args.port, webhook_url=args.webhook_url, secret=secret, time_scale=args.time_scale
        ).start(),
        lambda simulator: f"Sendcloud simulator listening on {simulator.url} (controls under /_sim/)",
    )


if __name__ == "__main__":
    sys.exit(main())
