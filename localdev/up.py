"""`make up`: the whole local stack in the foreground until Ctrl-C.

Azurite, the BC simulator and the local Functions host on 127.0.0.1:7071. The generated settings (including
the throw-away shop and BC secrets of this run) are written to local.settings.json, which git ignores. The host
logs a timer's run only when it did something (the booking timer runs every five seconds here).

Telemetry stays off unless asked for: `KOPPEL_TELEMETRY_EXPORT=console make up` prints every span,
`KOPPEL_TELEMETRY_EXPORT=otlp OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318 make up` sends spans and logs there.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
from types import FrameType

from localdev.azurite import ROOT
from localdev.stack import SHOPIFY_SHOP, WOOCOMMERCE_SHOP, LocalStack

HOST_PORT = 7071
TELEMETRY_SETTINGS = ("KOPPEL_TELEMETRY_EXPORT", "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_HEADERS")


def main() -> int:
    stopped = threading.Event()

    def stop(_signum: int, _frame: FrameType | None) -> None:
        stopped.set()

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    telemetry = {name: os.environ[name] for name in TELEMETRY_SETTINGS if os.environ.get(name)}
    with LocalStack(host_port=HOST_PORT, in_process=False, extra_settings=telemetry) as stack:
        assert stack.bc is not None
        settings_file = ROOT / "local.settings.json"
        settings_file.write_text(json.dumps({"IsEncrypted": False, "Values": stack.settings()}, indent=2))
        print(f"Functions host:    {stack.host_url}  (status: {stack.host_url}/admin/host/status)")
        assert stack.woocommerce is not None
        assert stack.shopify is not None
        print(f"WooCommerce hook:  {stack.host_url}/api/webhooks/woocommerce/{WOOCOMMERCE_SHOP}")
        print(f"Shopify hook:      {stack.host_url}/api/webhooks/shopify/{SHOPIFY_SHOP}")
        print(f"WooCommerce sim:   {stack.woocommerce.api_base}  (orders via POST {stack.woocommerce.url}/_sim/orders)")
        print(f"Shopify sim:       {stack.shopify.api_base}  (orders via POST {stack.shopify.url}/_sim/orders)")
        print(f"Order dossier:     {stack.host_url}/api/orders/woocommerce/<shop>/<order id>")
        print(f"BC simulator:      {stack.bc.api_base}  (faults and stats under {stack.bc.url}/_sim/)")
        print(f"Settings (with this run's secrets): {settings_file}")
        exported = telemetry.get("KOPPEL_TELEMETRY_EXPORT") or "off (KOPPEL_TELEMETRY_EXPORT=console or otlp)"
        print(f"Telemetry:         {exported}")
        print(
            "Timers log a run only when it did something (localdev/host/quiet_log.py). Ctrl-C stops everything.",
            flush=True,
        )
        stopped.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
