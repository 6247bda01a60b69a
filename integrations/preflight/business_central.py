"""Preflight of BC, read-only: the app registration's token, the company, each API v2.0 entity set and published
page Koppel reads (with the fields it selects, `$top=1`), the payment journal batch and Koppel's own API pages."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from domain.errors import BusinessCentralRejected, RetryableError
from domain.preflight import Check, failed, passed
from integrations.businesscentral import api, catalog, customer_terms, odata, shipments, vat
from integrations.businesscentral.client import BusinessCentralClient
from integrations.businesscentral.credit_memos import CREDIT_MEMO_FIELDS
from integrations.businesscentral.invoices import INVOICE_FIELDS
from integrations.businesscentral.payment_journal import LINE_FIELDS
from integrations.businesscentral.posted_credit_memos import POSTED_CREDIT_MEMO_FIELDS
from integrations.businesscentral.price_lists import PRICE_LINE_FIELDS
from integrations.businesscentral.refund_journal import REFUND_FIELDS
from integrations.businesscentral.return_orders import RETURN_ORDER_FIELDS
from integrations.businesscentral.stock import UNIT_FIELDS
from integrations.businesscentral.token import TokenRejected
from integrations.settings import Settings

BcError = BusinessCentralRejected | RetryableError
PERMISSIONS = (
    "give the app registration's entry on BC page 'Microsoft Entra Applications' the permission sets Koppel needs"
    " (README, Business Central set-up)"
)


@dataclass(frozen=True)
class Read:
    """One collection Koppel reads: where, the fields it selects, and what to do when BC does not answer it."""

    name: str
    url: str
    fields: str
    fix: str


def merged(*field_lists: str) -> str:
    """The fields of several reads of one entity set, each once, in the order first read."""
    return ",".join(dict.fromkeys(name for fields in field_lists for name in fields.split(",")))


def entity_sets(company_url: str) -> list[Read]:
    """The API v2.0 entity sets Koppel reads, with every field any adapter selects."""
    sets = {
        "salesOrders": api.SALES_ORDER_FIELDS,
        "customers": api.CUSTOMER_FIELDS,
        "items": merged(api.ITEM_FIELDS, catalog.ITEM_FIELDS),
        "itemVariants": merged(api.VARIANT_FIELDS, catalog.VARIANT_FIELDS),
        "salesInvoices": INVOICE_FIELDS,
        "salesCreditMemos": CREDIT_MEMO_FIELDS,
        "salesShipments": shipments.SHIPMENT_FIELDS,
    }
    return [
        Read(f"BC API v2.0 {name}", f"{company_url}/{name}", fields, f"{PERMISSIONS}; BC must serve {name}")
        for name, fields in sets.items()
    ]


def custom_pages(config: Settings) -> list[Read]:
    """Koppel's own API pages (bc-extension/), those whose setting is set."""
    pages = (
        ("release", "KOPPEL_BC_RELEASE_API", config.bc_release_url, "salesOrders", "id"),
        ("refund", "KOPPEL_BC_REFUND_API", config.bc_refund_url, "customerRefunds", REFUND_FIELDS),
        (
            "posted credit memo",
            "KOPPEL_BC_REFUND_API",
            config.bc_refund_url,
            "postedSalesCreditMemos",
            POSTED_CREDIT_MEMO_FIELDS,
        ),
        ("shipping", "KOPPEL_BC_SHIPPING_API", config.bc_shipping_url, "salesShipments", shipments.TRACKING_FIELDS),
        ("return order", "KOPPEL_BC_RETURNS_API", config.bc_returns_url, "salesReturnOrders", RETURN_ORDER_FIELDS),
    )
    return [
        Read(
            f"BC {what} API ({setting})",
            f"{url}/{entity_set}",
            fields,
            f"install the Koppel extension (bc-extension/) or clear {setting}",
        )
        for what, setting, url, entity_set, fields in pages
        if url is not None
    ]


def published_pages(config: Settings) -> list[Read]:
    """The pages and the query Koppel reads as OData v4 web services, those whose service name is set."""
    pages = (
        ("bc_price_list_service", 'page 7005 "Price List Line Review"', ",".join(PRICE_LINE_FIELDS)),
        ("bc_customer_service", 'page 22 "Customer List"', customer_terms.CUSTOMER_FIELDS),
        ("bc_customer_card_service", 'page 21 "Customer Card"', api.CUSTOMER_CARD_FIELDS),
        ("bc_substitution_service", 'page 5716 "Item Substitution Entry"', customer_terms.SUBSTITUTION_FIELDS),
        ("bc_item_list_service", 'page 31 "Item List"', vat.ITEM_FIELDS),
        ("bc_vat_setup_service", 'page 472 "VAT Posting Setup"', vat.SETUP_FIELDS),
        ("bc_stock_service", 'query 5756 "Grouped Item Ledger Entries"', ""),
        ("bc_item_units_service", 'page 5404 "Item Units of Measure"', UNIT_FIELDS),
    )
    reads = []
    for field, page, fields in pages:
        service, setting = getattr(config, field), Settings.model_fields[field].validation_alias
        url = config.bc_web_service_url(service)
        if url is not None:
            shown = f" with the fields {fields}" if fields else ""
            fix = (
                f"publish {page} as web service {service} (BC page 'Web Services'){shown}, or set {setting} to its name"
            )
            reads.append(Read(f"BC web service {service} ({setting})", url, fields, fix))
    return reads


class BusinessCentralPreflight:
    what = "Business Central"

    def __init__(self, client: BusinessCentralClient, config: Settings) -> None:
        self._client = client
        self._config = config

    def checks(self) -> Iterator[Check]:
        """The token and the company first: without them nothing else can be read."""
        company = self._company()
        yield from company
        if not all(check.passed for check in company):
            return
        yield from self._collections()
        if self._config.bc_payment_journal:
            yield self._payment_journal(self._config.bc_payment_journal)

    def _company(self) -> list[Check]:
        token, found = "BC token (app registration)", "BC company"
        try:
            answer = self._client.get_url(self._client.company_url, {"$select": "id,name"})
        except TokenRejected as error:
            fix = "check KOPPEL_BC_TENANT_ID, KOPPEL_BC_CLIENT_ID and KOPPEL_BC_CLIENT_SECRET (a new secret in Entra)"
            return [failed(token, str(error), fix)]
        except BusinessCentralRejected as error:
            detail = f"BC answered {error.status} {error.code}"
            fix = "set KOPPEL_BC_COMPANY_ID to the id of GET api/v2.0/companies, and KOPPEL_BC_ENVIRONMENT"
            return [passed(token, "token obtained"), failed(found, detail, fix)]
        except RetryableError as error:
            # a company id BC does not know is answered 404, which the client takes as a settings problem
            fix = (
                "check KOPPEL_BC_COMPANY_ID (the id of GET api/v2.0/companies), KOPPEL_BC_API_URL, KOPPEL_BC_TOKEN_URL "
                f"and KOPPEL_BC_ENVIRONMENT; {PERMISSIONS}"
            )
            return [failed(f"{token} and {found}", str(error), fix)]
        return [passed(token, "token obtained"), self._company_named(str(answer.get("name", "")))]

    def _company_named(self, name: str) -> Check:
        """The company the id names is the one the published pages are read in (KOPPEL_BC_COMPANY_NAME)."""
        expected = self._config.bc_company_name
        if expected and name != expected:
            detail = f"KOPPEL_BC_COMPANY_ID names company '{name}', KOPPEL_BC_COMPANY_NAME says '{expected}'"
            fix = "set both to the same company: the published pages would be read in another company's data"
            return failed("BC company", detail, fix)
        return passed("BC company", f"company {name} found")

    def _collections(self) -> Iterator[Check]:
        if not self._config.bc_company_name:
            fix = "set KOPPEL_BC_COMPANY_NAME to the company's name (as on the Web Services page's OData V4 URLs)"
            yield failed("BC company name", "no company name: no published page can be read", fix)
        reads = [*entity_sets(self._client.company_url), *published_pages(self._config), *custom_pages(self._config)]
        for read in reads:
            yield self._read(read)

    def _read(self, read: Read) -> Check:
        params = {"$top": "1", **({"$select": read.fields} if read.fields else {})}
        try:
            self._client.get_url(read.url, params)
        except (BusinessCentralRejected, RetryableError) as error:
            return failed(read.name, str(error), read.fix)
        selected = f" with the {len(read.fields.split(','))} fields Koppel reads" if read.fields else ""
        return passed(read.name, f"answers{selected}")

    def _payment_journal(self, code: str) -> Check:
        """The batch Koppel books in: present, with a balancing account (Koppel's lines name none), its lines readable.
        API v2.0 shows no number series of a batch: that is not checked."""
        name = f"BC payment journal {code} (KOPPEL_BC_PAYMENT_JOURNAL)"
        query = {"$filter": f"code eq {odata.literal(code)}", "$select": "id,code,balancingAccountNumber"}
        try:
            rows = self._client.get("customerPaymentJournals", query).get("value", [])
            if not rows:
                fix = f"create batch {code} on BC page 'Cash Receipt Journals' or set KOPPEL_BC_PAYMENT_JOURNAL to one"
                return failed(name, "no customer payment journal with this code", fix)
            self._client.get(
                f"customerPaymentJournals({rows[0]['id']})/customerPayments", {"$top": "1", "$select": LINE_FIELDS}
            )
        except (BusinessCentralRejected, RetryableError) as error:
            return failed(name, str(error), f"{PERMISSIONS}; BC must serve customerPaymentJournals")
        account = str(rows[0].get("balancingAccountNumber") or "")
        if not account:
            fix = f"set a Bal. Account No. (the bank account) on batch {code}: Koppel's payment lines name none"
            return failed(name, "the batch has no balancing account", fix)
        return passed(name, f"present, balancing account {account}")
