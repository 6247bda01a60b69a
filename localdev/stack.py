"""The whole local stack: Azurite, the BC simulator and the local Functions host running function_app.py.

Shared by `make up`, `make demo` and the integration tests, so all three run Koppel the same way.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from function_app import app
from functions.container import container
from integrations.settings import SHOPIFY_DEFAULT_VERSION, settings, shop_setting
from localdev.azurite import ROOT, Azurite, on_free_ports
from localdev.bc_probe import BcProbe
from localdev.host import LocalHost
from localdev.host.metadata import HttpFunction, read_functions
from localdev.ports import free_port, wait_for_port
from localdev.simulators.businesscentral import BusinessCentralSimulator
from localdev.simulators.businesscentral.published import CUSTOMER_CARDS, PRICE_LIST_LINES
from localdev.simulators.businesscentral.seed import SHIPPING_ACCOUNT_NUMBER
from localdev.simulators.mollie import MollieSimulator
from localdev.simulators.sendcloud import SendcloudSimulator
from localdev.simulators.shopify import ShopifySimulator
from localdev.simulators.stripe import StripeSimulator
from localdev.simulators.woocommerce import WooCommerceSimulator

BC_CLIENT_ID = "koppel-local"
WOOCOMMERCE_SHOP = "shop-a"
SHOPIFY_SHOP = "shop-b"
PAYMENT_ACCOUNT = "main"
SENDCLOUD_ACCOUNT = "main"
PAYMENT_RETRY_SCALE = 0.001
"""Mollie's, Stripe's and Sendcloud's webhook retries (minutes to hours) take a thousandth of the time here."""
BC_NOTIFICATION_DELAY_S = 1.0
"""BC sends its webhook notifications some 30 s after a change; the simulator here after a second."""
ONCE_A_YEAR = "0 0 0 1 1 *"
TIMERS_OFF = dict.fromkeys(
    (
        "KOPPEL_RECOVERY_SCHEDULE",
        "KOPPEL_CATALOG_SCHEDULE",
        "KOPPEL_PORTAL_CATALOG_SCHEDULE",
        "KOPPEL_BOOKING_SCHEDULE",
        "KOPPEL_SHIPMENTS_SCHEDULE",
        "KOPPEL_BC_SUBSCRIPTION_SCHEDULE",
    ),
    ONCE_A_YEAR,
)
"""Every timer that calls BC or a shop runs once a year: a stack whose every request a test or benchmark starts."""


@dataclass
class LocalStack:
    """Start with `with LocalStack(...) as stack:`; `stack.host_url` then serves function_app.py.

    One WooCommerce shop (`shop-a`) and one Shopify shop (`shop-b`), each a simulator whose webhooks point at
    the host. With `worker_instance` (host processes only), the app runs as the Flex Consumption plan scales it per
    function: the HTTP functions on the instance at `host_url`, the queue and timer functions on a second instance.
    """

    host_port: int = 0
    bc_latency_ms: int = 0
    host_json: dict[str, Any] = field(default_factory=lambda: json.loads((ROOT / "host.json").read_text()))
    extra_settings: dict[str, str] = field(default_factory=dict)
    in_process: bool = True
    worker_instance: bool = False
    worker_niceness: int = 0
    """Lower CPU priority of the worker instance: on one machine it then takes only the CPU the HTTP instance leaves,
    as it would on a machine of its own."""
    host_log: Path | None = None
    azurite: Azurite = field(default_factory=on_free_ports)
    bc: BusinessCentralSimulator | None = None
    woocommerce: WooCommerceSimulator | None = None
    shopify: ShopifySimulator | None = None
    mollie: MollieSimulator | None = None
    stripe: StripeSimulator | None = None
    sendcloud: SendcloudSimulator | None = None
    sendcloud_secret: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    """The Sendcloud account's webhook secret: the simulator signs with it, tests may too."""
    shopify_retry_delays_s: tuple[float, ...] = (1.0, 2.0, 4.0)
    _bc_secret: str = ""
    _bc_client_state: str = ""
    _saved_environ: dict[str, str] = field(default_factory=dict)
    _host: Any = None
    _worker: subprocess.Popen[bytes] | None = None
    _host_file: Path | None = None

    @property
    def host_url(self) -> str:
        return f"http://127.0.0.1:{self.host_port}"

    def settings(self) -> dict[str, str]:
        """The app settings function_app.py needs, pointing at this stack's services."""
        assert self.bc is not None
        values = {
            "AzureWebJobsStorage": self.azurite.connection_string,
            "KOPPEL_BC_TENANT_ID": self.bc.config.tenant,
            "KOPPEL_BC_ENVIRONMENT": self.bc.config.environment,
            "KOPPEL_BC_COMPANY_ID": self.bc.company_id,
            "KOPPEL_BC_CLIENT_ID": BC_CLIENT_ID,
            "KOPPEL_BC_CLIENT_SECRET": self._bc_secret,
            "KOPPEL_BC_API_URL": self.bc.url,
            "KOPPEL_BC_TOKEN_URL": self.bc.token_url,
            "KOPPEL_BC_SHIPPING_ACCOUNT": SHIPPING_ACCOUNT_NUMBER,
            "KOPPEL_BC_COMPANY_NAME": self.bc.company_name,
            "KOPPEL_BC_PRICE_LIST_SERVICE": PRICE_LIST_LINES,
            "KOPPEL_BC_CUSTOMER_CARD_SERVICE": CUSTOMER_CARDS,
            "KOPPEL_RECOVERY_SCHEDULE": "0 */5 * * * *",
            "KOPPEL_CATALOG_SCHEDULE": "0 */15 * * * *",
            "KOPPEL_PORTAL_CATALOG_SCHEDULE": "0 */15 * * * *",
            "KOPPEL_PAYMENT_RETRY_SECONDS": "2",
            "KOPPEL_BC_PAYMENT_JOURNAL": "KOPPEL",
            "KOPPEL_PUBLIC_URL": self.host_url,
            "KOPPEL_BOOKING_SCHEDULE": "*/5 * * * * *",
            "KOPPEL_SHIPMENTS_SCHEDULE": "0 */5 * * * *",
        }
        return (
            values
            | self._shop_settings()
            | self._payment_settings()
            | {
                "KOPPEL_SENDCLOUD_ACCOUNTS": SENDCLOUD_ACCOUNT,
                shop_setting("sendcloud", "WEBHOOK_SECRET", SENDCLOUD_ACCOUNT): self.sendcloud_secret,
            }
            | self._bc_webhook_settings()
            | self.extra_settings
        )

    def _bc_webhook_settings(self) -> dict[str, str]:
        """The host keeps a salesInvoices subscription with the BC simulator, which notifies the host's endpoint."""
        return {
            "KOPPEL_BC_NOTIFICATION_URL": f"{self.host_url}/api/webhooks/businesscentral",
            "KOPPEL_BC_WEBHOOK_CLIENT_STATE": self._bc_client_state,
            "KOPPEL_BC_SUBSCRIPTION_SCHEDULE": "0 0 * * * *",
        }

    def _payment_settings(self) -> dict[str, str]:
        """One Mollie and one Stripe account (`main`), both paying the WooCommerce shop's orders."""
        assert self.mollie is not None
        assert self.stripe is not None
        return {
            "KOPPEL_MOLLIE_ACCOUNTS": PAYMENT_ACCOUNT,
            "KOPPEL_MOLLIE_API_URL": self.mollie.url,
            shop_setting("mollie", "API_KEY", PAYMENT_ACCOUNT): self.mollie.api_key,
            shop_setting("mollie", "SHOP", PAYMENT_ACCOUNT): f"woocommerce:{WOOCOMMERCE_SHOP}",
            "KOPPEL_STRIPE_ACCOUNTS": PAYMENT_ACCOUNT,
            "KOPPEL_STRIPE_API_URL": self.stripe.url,
            shop_setting("stripe", "API_KEY", PAYMENT_ACCOUNT): self.stripe.api_key,
            shop_setting("stripe", "SHOP", PAYMENT_ACCOUNT): f"woocommerce:{WOOCOMMERCE_SHOP}",
            shop_setting("stripe", "WEBHOOK_SECRET", PAYMENT_ACCOUNT): self.stripe.webhook_secret or "",
        }

    @property
    def shop_secrets(self) -> dict[str, str]:
        """The webhook secret of each shop, by shop name."""
        assert self.woocommerce is not None
        assert self.shopify is not None
        return {WOOCOMMERCE_SHOP: self.woocommerce.webhook_secret, SHOPIFY_SHOP: self.shopify.client_secret}

    def _shop_settings(self) -> dict[str, str]:
        assert self.woocommerce is not None
        assert self.shopify is not None
        woo = WOOCOMMERCE_SHOP
        return {
            "KOPPEL_WOOCOMMERCE_SHOPS": woo,
            shop_setting("woocommerce", "SECRET", woo): self.shop_secrets[woo],
            shop_setting("woocommerce", "URL", woo): self.woocommerce.url,
            shop_setting("woocommerce", "KEY", woo): self.woocommerce.consumer_key,
            shop_setting("woocommerce", "API_SECRET", woo): self.woocommerce.consumer_secret,
            "KOPPEL_SHOPIFY_SHOPS": SHOPIFY_SHOP,
            shop_setting("shopify", "SECRET", SHOPIFY_SHOP): self.shop_secrets[SHOPIFY_SHOP],
            shop_setting("shopify", "URL", SHOPIFY_SHOP): self.shopify.url,
            shop_setting("shopify", "CLIENT_ID", SHOPIFY_SHOP): self.shopify.client_id,
            shop_setting("shopify", "CLIENT_SECRET", SHOPIFY_SHOP): self.shopify.client_secret,
            "KOPPEL_SHOPIFY_API_VERSION": self.shopify.api_version,
        }

    @property
    def bc_client_secret(self) -> str:
        """The secret of Koppel's client at the BC simulator, for tests that act as a BC user."""
        return self._bc_secret

    def bc_probe(self) -> BcProbe:
        assert self.bc is not None
        return BcProbe(self.bc, BC_CLIENT_ID, self._bc_secret)

    def start(self) -> LocalStack:
        self._bc_secret = secrets.token_urlsafe(24)
        self._bc_client_state = secrets.token_urlsafe(24)
        self.azurite.start()
        self.bc = BusinessCentralSimulator(
            port=0,
            client_id=BC_CLIENT_ID,
            client_secret=self._bc_secret,
            latency_ms=self.bc_latency_ms,
            notification_delay_s=BC_NOTIFICATION_DELAY_S,
        ).start()
        self.host_port = self.host_port or free_port()
        self.woocommerce = WooCommerceSimulator(
            webhook_url=f"{self.host_url}/api/webhooks/woocommerce/{WOOCOMMERCE_SHOP}"
        ).start()
        self.shopify = ShopifySimulator(
            api_version=SHOPIFY_DEFAULT_VERSION,
            access_token="",
            webhook_url=f"{self.host_url}/api/webhooks/shopify/{SHOPIFY_SHOP}",
            retry_delays_s=self.shopify_retry_delays_s,
        ).start()
        self.mollie = MollieSimulator(time_scale=PAYMENT_RETRY_SCALE).start()
        self.stripe = StripeSimulator(
            webhook_url=f"{self.host_url}/api/webhooks/stripe/{PAYMENT_ACCOUNT}", time_scale=PAYMENT_RETRY_SCALE
        ).start()
        self.sendcloud = SendcloudSimulator(
            webhook_url=f"{self.host_url}/api/webhooks/sendcloud/{SENDCLOUD_ACCOUNT}",
            secret=self.sendcloud_secret,
            time_scale=PAYMENT_RETRY_SCALE,
        ).start()
        if self.in_process:
            self._start_host_in_process()
        else:
            self._start_host_process()
        return self

    @property
    def host_pids(self) -> dict[str, int]:
        """Process ids of the host processes: 'host', and 'worker' when the worker runs on its own instance."""
        processes = {"host": self._host, "worker": self._worker}
        return {name: p.pid for name, p in processes.items() if isinstance(p, subprocess.Popen)}

    def _instance_settings(self) -> tuple[dict[str, str], dict[str, str]]:
        """App settings of the HTTP instance and the worker instance: each disables the other's functions."""
        if not self.worker_instance:
            return {}, {}
        functions = read_functions(app, {**os.environ, **self.settings()})
        http = {f"AzureWebJobs.{f.name}.Disabled": "true" for f in functions if isinstance(f, HttpFunction)}
        other = {f"AzureWebJobs.{f.name}.Disabled": "true" for f in functions if not isinstance(f, HttpFunction)}
        return other, http

    def stop(self) -> None:
        if self._host is not None:
            if isinstance(self._host, subprocess.Popen):
                for process in (self._host, self._worker):
                    if process is not None:
                        _stop(process)
                self._worker = None
            else:
                self._host.stop()
                os.environ.clear()
                os.environ.update(self._saved_environ)
                settings.cache_clear()
                container.cache_clear()
            self._host = None
        for simulator in (self.sendcloud, self.stripe, self.mollie, self.shopify, self.woocommerce, self.bc):
            if simulator is not None:
                simulator.stop()
        self.azurite.stop()
        if self._host_file is not None:
            self._host_file.unlink(missing_ok=True)

    def kill_host(self) -> None:
        """SIGKILL the host process (in_process=False only): no grace, nothing settled, as a crashed worker."""
        if not isinstance(self._host, subprocess.Popen):
            raise RuntimeError("only a host started with in_process=False can be killed")
        for process in (self._host, self._worker):
            if process is not None:
                process.kill()
                process.wait(timeout=30)
        self._host = self._worker = None

    def start_host(self) -> None:
        """Start the host process again on the same port, after kill_host()."""
        if self._host is not None:
            raise RuntimeError("the local Functions host is running")
        self._start_host_process()

    def restart_azurite(self) -> None:
        """Stop Azurite and start it on the same ports; the data survives only with an Azurite `location`."""
        self.azurite.restart()

    def __enter__(self) -> LocalStack:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    def _start_host_in_process(self) -> None:
        self._saved_environ = dict(os.environ)
        os.environ.update(self.settings())
        settings.cache_clear()
        container.cache_clear()
        self._host = LocalHost(app, self.host_json, port=self.host_port).start()

    def _start_host_process(self) -> None:
        if self.worker_instance and self.in_process:
            raise RuntimeError("a worker instance needs host processes (in_process=False)")
        http_instance, worker_instance = self._instance_settings()
        self._host = self._host_process(self.host_port, http_instance)
        if self.worker_instance:
            self._worker = self._host_process(free_port(), worker_instance, self.worker_niceness)

    def _host_process(self, port: int, instance_settings: dict[str, str], niceness: int = 0) -> subprocess.Popen[bytes]:
        if self._host_file is None:
            with tempfile.NamedTemporaryFile("w", suffix=".host.json", delete=False) as host_file:
                json.dump(self.host_json, host_file)
            self._host_file = Path(host_file.name)
        command = [sys.executable, "-m", "localdev.host", "--port", str(port), "--host-json", str(self._host_file)]
        output = self.host_log.open("ab") if self.host_log else None
        process = subprocess.Popen(  # noqa: S603 - our own module, fixed argv
            command,
            cwd=ROOT,
            env={**os.environ, **self.settings(), **instance_settings},
            stdout=output,
            stderr=output,
            preexec_fn=(lambda: os.nice(niceness)) if niceness else None,  # noqa: PLW1509 - os.nice only
        )
        if not wait_for_port(port, 60) or not _host_running(port):
            process.kill()
            self.stop()
            raise RuntimeError("the local Functions host did not come up")
        return process


def _stop(process: subprocess.Popen[bytes], grace_s: float = 30.0) -> None:
    """SIGTERM, and SIGKILL when the process is still running after `grace_s` (a timer run in progress)."""
    process.terminate()
    try:
        process.wait(timeout=grace_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=grace_s)


def _host_running(port: int) -> bool:
    try:
        status: dict[str, str] = httpx.get(f"http://127.0.0.1:{port}/admin/host/status", timeout=5).json()
    except httpx.HTTPError:
        return False
    return status.get("state") == "Running"
