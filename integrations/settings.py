"""Koppel's configuration: one typed object, read once from the environment (app settings in Azure).

Each field's docstring is its description in docs/settings.md (`make settings-doc` writes it; a test keeps it so)."""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, PrivateAttr, SecretStr, field_validator, model_validator

from domain.catalog.availability import DisplayMode
from domain.orders.mapping.business_central import ChargeAccounts
from domain.orders.web_statuses import WEB_STATUSES
from domain.portal.catalog import PortalPolicy
from integrations.per_shop_settings import names, shop_setting, true_or_false
from integrations.shop_settings import ShopSettings
from integrations.storage.connection import StorageConnection, read_storage_connection
from integrations.telemetry.settings import TelemetrySettings

__all__ = ["Settings", "names", "settings", "shop_setting"]

BC_DEFAULT_API_URL = "https://api.businesscentral.dynamics.com"
BC_DEFAULT_SCOPE = "https://api.businesscentral.dynamics.com/.default"
ENTRA_TOKEN_URL = "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token"  # noqa: S105 - a URL
SHOPIFY_OLDEST_VERSION = "2026-01"
SHOPIFY_DEFAULT_VERSION = "2026-10"
"""Raise it each quarter: a stable version is supported at least 12 months (shopify.dev/docs/api/usage/versioning)."""

TIMER_SCHEDULES = {
    "KOPPEL_RECOVERY_SCHEDULE": "The recovery timer (orders whose webhook went missing), e.g. `0 */5 * * * *`.",
    "KOPPEL_CATALOG_SCHEDULE": "The catalog timer (BC's catalog to each shop), e.g. `0 */15 * * * *`.",
    "KOPPEL_PORTAL_CATALOG_SCHEDULE": "The portal's catalog timer, e.g. `0 */15 * * * *`.",
    "KOPPEL_BOOKING_SCHEDULE": "The booking timer (files BC's new invoices on their orders, books matched payments "
    "against them), e.g. `0 */5 * * * *`.",
    "KOPPEL_BC_SUBSCRIPTION_SCHEDULE": "The timer that keeps BC's webhook subscriptions alive, e.g. `0 0 * * * *`.",
    "KOPPEL_SHIPMENTS_SCHEDULE": "The shipment timer (records the shipments BC posted or changed since the last run on "
    "their web orders), e.g. `0 */5 * * * *`.",
}
"""The NCRONTAB schedules of the timers: read by the Functions host (`%NAME%` in functions/), not by Settings."""


class Settings(ShopSettings, TelemetrySettings):
    """Every setting Koppel reads; names are the environment variables (see docs/settings.md)."""

    storage_connection: SecretStr = Field(SecretStr(""), validation_alias="AzureWebJobsStorage")
    """The storage account's connection string (Azurite: `UseDevelopmentStorage=true`): event and order tables, raw
    bodies, the work queues; the Functions host uses it too. Required unless the identity-based settings below are
    set; when both are, this one is used (as by the host)."""
    storage_account_name: str = Field("", validation_alias="AzureWebJobsStorage__accountName")
    """Without a connection string: the account's name, standing for its three service URIs in global Azure."""
    storage_blob_uri: str = Field("", validation_alias="AzureWebJobsStorage__blobServiceUri")
    """Without a connection string: the blob service's URI, `https://<account>.blob.core.windows.net`."""
    storage_queue_uri: str = Field("", validation_alias="AzureWebJobsStorage__queueServiceUri")
    """Without a connection string: the queue service's URI, `https://<account>.queue.core.windows.net`."""
    storage_table_uri: str = Field("", validation_alias="AzureWebJobsStorage__tableServiceUri")
    """Without a connection string: the table service's URI, `https://<account>.table.core.windows.net`."""
    storage_credential: str = Field("", validation_alias="AzureWebJobsStorage__credential")
    """Without a connection string: `managedidentity` in Azure (tokens from the app's managed identity); empty, the
    first identity DefaultAzureCredential finds (a developer's sign-in locally)."""
    storage_client_id: str = Field("", validation_alias="AzureWebJobsStorage__clientId")
    """With `managedidentity`: the client id of the user-assigned identity; empty, the system-assigned one."""
    _storage: StorageConnection = PrivateAttr()

    bc_tenant_id: str = Field(validation_alias="KOPPEL_BC_TENANT_ID")
    """Entra tenant of the BC environment."""
    bc_environment: str = Field("production", validation_alias="KOPPEL_BC_ENVIRONMENT")
    """BC environment name."""
    bc_company_id: str = Field(validation_alias="KOPPEL_BC_COMPANY_ID")
    """BC company id (GUID)."""
    bc_client_id: str = Field(validation_alias="KOPPEL_BC_CLIENT_ID")
    """The app registration Koppel signs in with (OAuth2 client credentials; BC's `API.ReadWrite.All`)."""
    bc_client_secret: SecretStr = Field(validation_alias="KOPPEL_BC_CLIENT_SECRET")
    """Its client secret (a Key Vault reference in Azure)."""
    bc_api_url: str = Field(BC_DEFAULT_API_URL, validation_alias="KOPPEL_BC_API_URL")
    """BC API host (the simulator's URL locally)."""
    bc_token_url: str = Field("", validation_alias="KOPPEL_BC_TOKEN_URL")
    """Token endpoint; empty: Entra's for the tenant, `https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token`."""
    bc_scope: str = Field(BC_DEFAULT_SCOPE, validation_alias="KOPPEL_BC_SCOPE")
    """Token scope."""
    bc_max_in_flight: int = Field(5, ge=1, validation_alias="KOPPEL_BC_MAX_IN_FLIGHT")
    """Concurrent BC requests per worker process (BC online allows 5 per user)."""
    bc_requests_per_5_minutes: int = Field(5800, ge=1, validation_alias="KOPPEL_BC_REQUESTS_PER_5_MINUTES")
    """Client-side rate limit per worker process, under BC's 6,000."""
    bc_timeout_seconds: float = Field(120.0, gt=0, validation_alias="KOPPEL_BC_TIMEOUT_SECONDS")
    """HTTP timeout of one BC request."""
    bc_max_attempts: int = Field(6, ge=1, validation_alias="KOPPEL_BC_MAX_ATTEMPTS")
    """Attempts per BC request on 429 / 503 / connection errors before the queue retries the message."""
    bc_release_api: str = Field("", validation_alias="KOPPEL_BC_RELEASE_API")
    """`publisher/group/version` of a custom API page with a `Microsoft.NAV.release` action on salesOrders (e.g.
    `koppel/sales/v1.0`, bc-extension/); empty: an order that passes every control waits for a person to release it."""
    bc_company_name: str = Field("", validation_alias="KOPPEL_BC_COMPANY_NAME")
    """The company's name, as published OData v4 web services address it (`Company('<name>')`); empty: no published
    page or query is read."""
    bc_price_list_service: str = Field("", validation_alias="KOPPEL_BC_PRICE_LIST_SERVICE")
    """Page 7005 "Price List Line Review" published as a web service (e.g. `KoppelPriceListLines`): with page 22 the
    price control uses BC's price lists (else the item card's price); the catalog runs need it."""
    bc_customer_service: str = Field("KoppelCustomers", validation_alias="KOPPEL_BC_CUSTOMER_SERVICE")
    """Page 22 "Customer List" published: customers' price and discount groups, which API v2.0 does not show."""
    bc_customer_card_service: str = Field("", validation_alias="KOPPEL_BC_CUSTOMER_CARD_SERVICE")
    """Page 21 "Customer Card" published (e.g. `KoppelCustomerCards`): customers found by VAT number (its
    VAT_Registration_No; page 22 and API v2.0 cannot be filtered on it). Empty: no look-up by VAT number."""
    bc_stock_service: str = Field("KoppelItemLocationStock", validation_alias="KOPPEL_BC_STOCK_SERVICE")
    """Query 5756 "Grouped Item Ledger Entries" published: stock per location (the catalog runs)."""
    bc_item_units_service: str = Field("KoppelItemUnitsOfMeasure", validation_alias="KOPPEL_BC_ITEM_UNITS_SERVICE")
    """Page 5404 "Item Units of Measure" published: base units per unit of open sales and purchase lines."""
    bc_substitution_service: str = Field(
        "KoppelItemSubstitutions", validation_alias="KOPPEL_BC_ITEM_SUBSTITUTION_SERVICE"
    )
    """Page 5716 "Item Substitution Entry" published: the alternatives the portal offers for an item out of stock."""
    bc_item_list_service: str = Field("KoppelItems", validation_alias="KOPPEL_BC_ITEM_LIST_SERVICE")
    """Page 31 "Item List" published: each item's VAT Prod. Posting Group (not on API v2.0 items)."""
    bc_vat_setup_service: str = Field("KoppelVatPostingSetup", validation_alias="KOPPEL_BC_VAT_SETUP_SERVICE")
    """Page 472 "VAT Posting Setup" published: the VAT % of each VAT business and product posting group."""
    bc_vat_business_group: str = Field("BINNENLAND", validation_alias="KOPPEL_BC_VAT_BUSINESS_GROUP")
    """The VAT Bus. Posting Group of the company's domestic customers: shop and portal prices include its VAT."""
    company_country: str = Field("NL", pattern=r"^[A-Z]{2}$", validation_alias="KOPPEL_COMPANY_COUNTRY")
    """The company's own country (ISO 3166 alpha-2), for the VAT control."""
    price_tolerance_percent: Decimal = Field(Decimal(1), ge=0, validation_alias="KOPPEL_PRICE_TOLERANCE_PERCENT")
    """How far (in %) a web line's price excluding VAT may be from BC's price for the customer."""
    prepayment_channels: str = Field("woocommerce,shopify", validation_alias="KOPPEL_PREPAYMENT_CHANNELS")
    """Comma-separated channels whose orders must be paid before release."""
    on_account_methods: str = Field("cod,invoice,on_account", validation_alias="KOPPEL_ON_ACCOUNT_PAYMENT_METHODS")
    """Comma-separated payment methods that need no prepayment."""

    shipping_account: str = Field(validation_alias="KOPPEL_BC_SHIPPING_ACCOUNT")
    """G/L account number of shipping lines."""
    fee_account: str = Field("", validation_alias="KOPPEL_BC_FEE_ACCOUNT")
    """G/L account number of fee lines, also of a fee-only order (a WooCommerce POS "simple payment"); empty: the
    shipping account."""
    rounding_account: str = Field("", validation_alias="KOPPEL_BC_ROUNDING_ACCOUNT")
    """G/L account, 0 % VAT for web customers: a line on it brings a shop refund's credit memo, a cent a line or less
    apart after BC's VAT rounding, to the refund. Empty: the last line's price is moved; still apart: a person."""
    refunded_not_returned_account: str = Field("", validation_alias="KOPPEL_BC_REFUNDED_NOT_RETURNED_ACCOUNT")
    """G/L account (a sales allowance) of units a shop refunded without taking them back, credited at the invoice
    line's price, discount and VAT (taxCode). Empty: such a refund goes to a person."""
    local_currency: str = Field("EUR", validation_alias="KOPPEL_BC_LOCAL_CURRENCY")
    """The company's local currency: orders in it are sent without `currencyCode`."""
    time_zone: str = Field("Europe/Amsterdam", validation_alias="KOPPEL_TIME_ZONE")
    """The company's IANA time zone: the day on which BC's price lines and campaigns are valid."""
    default_customer_number: str = Field("", validation_alias="KOPPEL_BC_DEFAULT_CUSTOMER")
    """BC customer of buyers not found by binding, VAT number or e-mail; empty: a new customer is made, and a buyer
    with neither e-mail nor billing name (guest, point of sale) parks the order. Set it for such shops."""
    new_customer_fields: dict[str, Any] = Field(default_factory=dict, validation_alias="KOPPEL_BC_NEW_CUSTOMER_FIELDS")
    """JSON object of customer fields every new customer gets (e.g. `{"paymentTermsId": "..."}`); posting groups
    come from BC's Config. Template selection rule (README, Business Central set-up)."""

    woocommerce_import_statuses: str = Field(
        ",".join(WEB_STATUSES["woocommerce"].imported), validation_alias="KOPPEL_WOOCOMMERCE_IMPORT_STATUSES"
    )
    """Comma-separated WooCommerce statuses that are imported; an order in another waits for an update."""
    mollie_api_url: str = Field("https://api.mollie.com", validation_alias="KOPPEL_MOLLIE_API_URL")
    """Mollie's API base URL (the simulator's locally)."""
    stripe_api_url: str = Field("https://api.stripe.com", validation_alias="KOPPEL_STRIPE_API_URL")
    """Stripe's API base URL (the simulator's locally)."""
    payment_retry_seconds: int = Field(900, ge=1, validation_alias="KOPPEL_PAYMENT_RETRY_SECONDS")
    """How often a payment whose order has not arrived is looked at again."""
    payment_wait_hours: int = Field(24, ge=1, validation_alias="KOPPEL_PAYMENT_WAIT_HOURS")
    """How long a payment waits for its order before a person is asked."""
    payment_match_window_hours: int = Field(72, ge=1, le=24 * 31, validation_alias="KOPPEL_PAYMENT_MATCH_WINDOW_HOURS")
    """A payment that names no order is matched to the one unpaid order of its amount (and payer) placed within
    this many hours of it."""
    bc_payment_journal: str = Field("", max_length=10, validation_alias="KOPPEL_BC_PAYMENT_JOURNAL")
    """The code of the customer payment journal (a Cash Receipt batch) Koppel books payments in, used by Koppel
    alone: its post posts every line in it. Blank: payments are matched but not booked."""
    booking_batch: int = Field(500, ge=1, le=5000, validation_alias="KOPPEL_BOOKING_BATCH")
    """At most this many journal lines are made and posted per booking run (the rest in the next)."""
    bc_refund_api: str = Field("", validation_alias="KOPPEL_BC_REFUND_API")
    """`publisher/group/version` of Koppel's own API page `customerRefunds` (e.g. `koppel/payments/v1.0`): refunds
    after booking are then booked against the order's credit memo. Blank: they go to a person."""
    refund_credit_memo_wait_days: int = Field(14, ge=1, le=90, validation_alias="KOPPEL_REFUND_CREDIT_MEMO_WAIT_DAYS")
    """How long a refund after booking waits for BC's credit memo before a person is asked (with the refund API)."""
    bc_returns_api: str = Field("", validation_alias="KOPPEL_BC_RETURNS_API")
    """`publisher/group/version` of Koppel's own API page `salesReturnOrders` (e.g. `koppel/returns/v1.0`): returns
    asked on the portal become BC sales return orders. Blank: a person makes each one."""
    bc_shipping_api: str = Field("", validation_alias="KOPPEL_BC_SHIPPING_API")
    """`publisher/group/version` of Koppel's own API page `salesShipments` (e.g. `koppel/shipping/v1.0`): each posted
    shipment's shipping agent, service, package tracking number and tracking link. Blank: shipments are read from API
    v2.0 alone, without them."""
    shopify_api_version: str = Field(
        SHOPIFY_DEFAULT_VERSION, pattern=r"^\d{4}-(01|04|07|10)$", validation_alias="KOPPEL_SHOPIFY_API_VERSION"
    )
    """The Admin API version of every Shopify call (order recovery and the catalog): 2026-01 or later, where the
    catalog's `@idempotent` keys and `changeFromQuantity` exist. Shopify serves an unsupported version as its oldest
    supported one (Koppel then logs a warning): raise it every quarter (docs/operations.md)."""
    shopify_import_statuses: str = Field(
        ",".join(WEB_STATUSES["shopify"].imported), validation_alias="KOPPEL_SHOPIFY_IMPORT_STATUSES"
    )
    """Comma-separated Shopify financial statuses that are imported (a cancelled order never is); keep
    `partially_refunded`: an order that arrives so never becomes `paid`."""
    portal_stock_display: str = Field(
        DisplayMode.QUANTITY_WITH_DATE.value, validation_alias="KOPPEL_PORTAL_STOCK_DISPLAY"
    )
    """How the portal shows stock: `hidden`, `in_stock_or_not`, `exact_quantity` or `quantity_with_date`. An
    invalid portal setting leaves out the portal's catalog (logged), nothing else."""
    portal_safety_stock: str = Field("0", validation_alias="KOPPEL_PORTAL_SAFETY_STOCK")
    """Quantity held back from the portal per item."""
    portal_locations: str = Field("", validation_alias="KOPPEL_PORTAL_LOCATIONS")
    """Comma-separated BC location codes the portal sells from; empty: every location."""
    portal_campaigns: str = Field("", validation_alias="KOPPEL_PORTAL_CAMPAIGNS")
    """BC campaigns whose prices every portal customer gets."""
    portal_prices_include_vat: str = Field("false", validation_alias="KOPPEL_PORTAL_PRICES_INCLUDE_VAT")
    """`true` or `false`: whether the portal's prices include VAT."""
    recovery_first_lookback_hours: float = Field(24.0, gt=0, validation_alias="KOPPEL_RECOVERY_FIRST_LOOKBACK_HOURS")
    """How far back the very first recovery run looks."""
    max_webhook_bytes: int = Field(1_048_576, ge=1024, validation_alias="KOPPEL_MAX_WEBHOOK_BYTES")
    """Larger webhook bodies are refused with 413 (BC's notifications with 503, so BC keeps its subscription)."""
    totals_tolerance: Decimal = Field(Decimal("0.02"), ge=0, validation_alias="KOPPEL_TOTALS_TOLERANCE")
    """How far the web total may be from BC's `totalAmountIncludingTax` and still agree (VAT: plus a cent a line)."""

    bc_notification_url: SecretStr = Field(SecretStr(""), validation_alias="KOPPEL_BC_NOTIFICATION_URL")
    """Koppel's public URL of /api/webhooks/businesscentral, function key included; without it no BC subscription is
    kept and invoices are learned by polling alone."""
    public_url: str = Field("", validation_alias="KOPPEL_PUBLIC_URL")
    """This app's public base URL, e.g. `https://koppel.example.com`, where the shops' webhooks point (the preflight
    checks them against it); without it `https://` + `WEBSITE_HOSTNAME`, which Azure sets."""
    bc_webhook_client_state: SecretStr = Field(SecretStr(""), validation_alias="KOPPEL_BC_WEBHOOK_CLIENT_STATE")
    """The clientState Koppel gives its subscriptions and requires in every notification (a long random string);
    without it notifications are refused and no subscription is kept."""
    bc_subscription_resources: str = Field(
        "salesInvoices,salesCreditMemos", validation_alias="KOPPEL_BC_SUBSCRIPTION_RESOURCES"
    )
    """Comma-separated entity sets of the company Koppel subscribes to."""
    bc_subscription_renew_hours: float = Field(24.0, gt=0, lt=72, validation_alias="KOPPEL_BC_SUBSCRIPTION_RENEW_HOURS")
    """A subscription expiring within this many hours is renewed (BC's last 3 days)."""

    @model_validator(mode="after")
    def _storage_connection_complete(self) -> Settings:
        identity = {
            "accountName": self.storage_account_name,
            "blobServiceUri": self.storage_blob_uri,
            "queueServiceUri": self.storage_queue_uri,
            "tableServiceUri": self.storage_table_uri,
            "credential": self.storage_credential,
            "clientId": self.storage_client_id,
        }
        self._storage = read_storage_connection(self.storage_connection, identity)
        return self

    def charge_accounts(self) -> ChargeAccounts:
        """The G/L accounts of shipping and fee lines, on orders and on the credit memos of shop refunds, and of those
        credit memos' rounding and units not returned."""
        return ChargeAccounts(
            shipping=self.shipping_account,
            fee=self.fee_account or self.shipping_account,
            rounding=self.rounding_account,
            refunded_not_returned=self.refunded_not_returned_account,
        )

    @property
    def storage(self) -> StorageConnection:
        """The storage account's connection, as read once from the settings above."""
        return self._storage

    @field_validator("time_zone")
    @classmethod
    def _known_time_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"KOPPEL_TIME_ZONE {value!r} is no IANA time zone (e.g. Europe/Amsterdam)") from None
        return value

    @field_validator("shopify_api_version")
    @classmethod
    def _shopify_version_koppel_speaks(cls, value: str) -> str:
        if value < SHOPIFY_OLDEST_VERSION:
            raise ValueError(f"KOPPEL_SHOPIFY_API_VERSION {value} is older than {SHOPIFY_OLDEST_VERSION}")
        return value

    @property
    def resolved_token_url(self) -> str:
        return self.bc_token_url or ENTRA_TOKEN_URL.format(tenant=self.bc_tenant_id)

    @property
    def bc_environment_url(self) -> str:
        """`<API host>/v2.0/<tenant>/<environment>`: where every BC URL of Koppel's starts."""
        return f"{self.bc_api_url.rstrip('/')}/v2.0/{self.bc_tenant_id}/{self.bc_environment}"

    @property
    def bc_company_url(self) -> str:
        return f"{self.bc_environment_url}/api/v2.0/companies({self.bc_company_id})"

    @property
    def bc_release_url(self) -> str | None:
        """Company URL of the custom API page with the release action (KOPPEL_BC_RELEASE_API=koppel/sales/v1.0)."""
        return self._custom_api_company_url(self.bc_release_api)

    @property
    def bc_refund_url(self) -> str | None:
        """Company URL of Koppel's own refund API page (KOPPEL_BC_REFUND_API=koppel/payments/v1.0)."""
        return self._custom_api_company_url(self.bc_refund_api)

    @property
    def bc_returns_url(self) -> str | None:
        """Company URL of Koppel's own return order page (KOPPEL_BC_RETURNS_API=koppel/returns/v1.0)."""
        return self._custom_api_company_url(self.bc_returns_api)

    @property
    def bc_shipping_url(self) -> str | None:
        """Company URL of Koppel's own shipment page (KOPPEL_BC_SHIPPING_API=koppel/shipping/v1.0)."""
        return self._custom_api_company_url(self.bc_shipping_api)

    def _custom_api_company_url(self, api: str) -> str | None:
        if not api:
            return None
        return f"{self.bc_environment_url}/api/{api.strip('/')}/companies({self.bc_company_id})"

    def bc_web_service_url(self, service: str) -> str | None:
        """URL of a page published as an OData v4 web service; None without KOPPEL_BC_COMPANY_NAME or a service."""
        if not (self.bc_company_name and service):
            return None
        company = quote(self.bc_company_name.replace("'", "''"), safe="")
        return f"{self.bc_environment_url}/ODataV4/Company('{company}')/{quote(service)}"

    def portal_policy(self) -> PortalPolicy:
        """The portal's catalog choices, from KOPPEL_PORTAL_STOCK_DISPLAY, _SAFETY_STOCK, _LOCATIONS, _CAMPAIGNS and
        _PRICES_INCLUDE_VAT; ValueError when one is invalid (checked here, so that it keeps only the portal out)."""
        return PortalPolicy.model_validate(
            {
                "stock": {
                    "display": self.portal_stock_display.strip(),
                    "safety_stock": self.portal_safety_stock.strip(),
                    "locations": names(self.portal_locations),
                },
                "prices_include_vat": true_or_false("KOPPEL_PORTAL_PRICES_INCLUDE_VAT", self.portal_prices_include_vat),
                "campaigns": names(self.portal_campaigns),
                "local_currency": self.local_currency,
            }
        )

    def import_statuses(self) -> dict[str, frozenset[str]]:
        """The channels whose imported statuses are set here; the portal's are its own (web_statuses.py)."""
        return {
            "woocommerce": frozenset(names(self.woocommerce_import_statuses)),
            "shopify": frozenset(names(self.shopify_import_statuses)),
        }


@cache
def settings() -> Settings:
    return Settings()
