"""The AL extension in bc-extension/ is the one source of Koppel's custom BC API pages: every entity set, field and
bound action that Koppel's client uses, and that the BC simulator serves, must be declared there.

The AL cannot be compiled here, so it is read with regular expressions: a page's APIPublisher / APIGroup /
APIVersion / EntitySetName, its `field(<name>; <source>)` controls (with `Editable = false`, on the field or the
page), and its `[ServiceEnabled]` procedures, which BC serves as `Microsoft.NAV.<procedure name, first letter
lower case>` (as "APIV2 - Sales Orders" serves ShipAndInvoice as Microsoft.NAV.shipAndInvoice: microsoft/BCApps
src/Apps/W1/APIV2/app/src/pages/APIV2SalesOrders.Page.al). What the client uses is taken from its requests, made
through the real BusinessCentralClient over a recording transport; what the simulator serves from its routes and
its entity type.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import httpx
import pytest

from domain.payments.refund import RefundLine
from integrations.businesscentral.api import BusinessCentralApi
from integrations.businesscentral.client import BusinessCentralClient
from integrations.businesscentral.credit_memos import credit_memo
from integrations.businesscentral.payment_journal import BusinessCentralPaymentJournal
from integrations.businesscentral.posted_credit_memos import BusinessCentralPostedCreditMemos
from integrations.businesscentral.refund_journal import BusinessCentralRefundJournal
from integrations.businesscentral.shipments import BusinessCentralShipments
from integrations.businesscentral.throttle import RequestThrottle
from integrations.businesscentral.token import ClientCredentialsToken
from localdev.demo import DEMO_SETTINGS
from localdev.simulators.businesscentral import refunds as simulated_refunds
from localdev.simulators.businesscentral.payments_schema import CUSTOMER_REFUND, KOPPEL_POSTED_SALES_CREDIT_MEMO
from localdev.simulators.businesscentral.release_page import RELEASE_SALES_ORDER
from localdev.simulators.businesscentral.schema import EntityType
from localdev.simulators.businesscentral.server import BusinessCentralSimulator
from localdev.simulators.businesscentral.shipments_schema import KOPPEL_SALES_SHIPMENT

EXTENSION = Path(__file__).resolve().parents[2] / "bc-extension"
RELEASE_PAGE = EXTENSION / "src" / "KoppelSalesOrderRelease.Page.al"
REFUND_PAGE = EXTENSION / "src" / "KoppelCustomerRefunds.Page.al"
SHIPMENT_PAGE = EXTENSION / "src" / "KoppelSalesShipments.Page.al"
POSTED_CREDIT_MEMO_PAGE = EXTENSION / "src" / "KoppelPostedSalesCreditMemos.Page.al"
BASE = "https://bc.test/v2.0/tenant/production/api"
COMPANY = "companies(c0ffee00-0000-0000-0000-000000000001)"
JOURNAL_ID = "10000000-0000-0000-0000-000000000001"
LINE_ID = "20000000-0000-0000-0000-000000000002"
SHIPMENT_ROW = {
    "id": "30000000-0000-0000-0000-000000000003",
    "number": "S-SHPT1",
    "postingDate": "2026-12-07",
    "lastModifiedDateTime": "2026-12-07T10:00:00Z",
    "salesShipmentLines": [],
}

_PAGE = re.compile(r"^page\s+(\d+)\s+\"([^\"]+)\"", re.MULTILINE)
_PROPERTY = re.compile(r"^\s*(\w+)\s*=\s*'?([^';]*)'?;", re.MULTILINE)
_FIELD = re.compile(r"\bfield\((\w+);\s*([^)]+)\)\s*\{")
_PART = re.compile(r"\bpart\((\w+);\s*\"([^\"]+)\"\)")
_ACTION = re.compile(r"\[ServiceEnabled\](?:\s*\[[^\]]*\])*\s*procedure\s+(\w+)\s*\(")
_LABEL = re.compile(r"\bLabel\s+'((?:[^']|'')*)'")
_OBJECT_ID = re.compile(r"^(page|permissionset|codeunit|table|query)\s+(\d+)\s", re.MULTILINE)
_FILTER_FIELD = re.compile(r"(\w+)\s+eq\s")


@dataclass(frozen=True)
class AlField:
    name: str
    source: str
    editable: bool

    @property
    def is_table_field(self) -> bool:
        """Bound to the source table (`Rec."..."`), so BC can filter on it; a page variable cannot be filtered."""
        return self.source.startswith("Rec.")


@dataclass(frozen=True)
class ApiPage:
    path: str
    """`publisher/group/version`, as KOPPEL_BC_*_API names it."""
    entity_set: str
    fields: dict[str, AlField]
    actions: frozenset[str]
    labels: frozenset[str]
    insert_allowed: bool
    modify_allowed: bool
    delete_allowed: bool
    parts: dict[str, str] = field(default_factory=dict)
    """Navigation name (`part(<name>; ...)`) -> the name of the page it shows."""


def parse_api_page(source: str) -> ApiPage:
    header = source.split("layout", 1)[0]
    properties = {name: value.strip() for name, value in _PROPERTY.findall(header)}
    page_editable = properties.get("Editable", "true").lower() != "false"
    fields: dict[str, AlField] = {}
    for found in _FIELD.finditer(source):
        body = _block(source, found.end() - 1)
        editable = page_editable and re.search(r"^\s*Editable\s*=\s*false;", body, re.MULTILINE) is None
        fields[found.group(1)] = AlField(found.group(1), found.group(2).strip(), editable)
    return ApiPage(
        path=f"{properties['APIPublisher']}/{properties['APIGroup']}/{properties['APIVersion']}",
        entity_set=properties["EntitySetName"],
        fields=fields,
        actions=frozenset(name[0].lower() + name[1:] for name in _ACTION.findall(source)),
        labels=frozenset(text.replace("''", "'") for text in _LABEL.findall(source)),
        insert_allowed=properties.get("InsertAllowed", "true").lower() != "false",
        modify_allowed=properties.get("ModifyAllowed", "true").lower() != "false",
        delete_allowed=properties.get("DeleteAllowed", "true").lower() != "false",
        parts=dict(_PART.findall(source)),
    )


def _block(source: str, opening: int) -> str:
    """The text of the `{ ... }` block that opens at `opening` (AL code inside uses begin/end, not braces)."""
    depth = 0
    for index in range(opening, len(source)):
        depth += {"{": 1, "}": -1}.get(source[index], 0)
        if depth == 0:
            return source[opening + 1 : index]
    raise AssertionError(f"unbalanced braces after {source[opening - 40 : opening]!r}")


@dataclass
class Recorded:
    """What Koppel's client sent to a custom page: the page's path, entity set, and the names it used."""

    requests: list[httpx.Request] = field(default_factory=list)

    def handle(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/token"):
            return httpx.Response(200, json={"access_token": "t", "expires_in": 3600})
        self.requests.append(request)
        path = request.url.path
        if path.endswith("/customerPaymentJournals"):
            return httpx.Response(200, json={"value": [{"id": JOURNAL_ID}]})
        if path.endswith(f"/api/v2.0/{COMPANY}/salesShipments"):
            return httpx.Response(200, json={"value": [SHIPMENT_ROW]})
        if request.method == "POST" and path.endswith("/customerRefunds"):
            return httpx.Response(201, json={"id": LINE_ID, **json.loads(request.content)})
        if request.method == "GET":
            return httpx.Response(200, json={"value": []})
        return httpx.Response(204)

    def client(self) -> BusinessCentralClient:
        http = httpx.Client(transport=httpx.MockTransport(self.handle))
        token = ClientCredentialsToken(http, "https://login.test/tenant/token", "id", "secret", "scope")
        return BusinessCentralClient(http, f"{BASE}/v2.0/{COMPANY}", token, RequestThrottle(5, 100), max_attempts=1)

    def to(self, page: str) -> list[httpx.Request]:
        """The requests sent to the custom page at `publisher/group/version`."""
        return [r for r in self.requests if unquote(r.url.path).startswith(f"{urlsplit(BASE).path}/{page}/")]


def entity_path(request: httpx.Request, page: str) -> list[str]:
    """`customerRefunds(<id>)/...` after the company, split into segments without keys."""
    tail = unquote(request.url.path).split(f"/{page}/{COMPANY}/", 1)[1]
    return [re.sub(r"\(.*\)$", "", segment) for segment in tail.split("/")]


def release_calls() -> tuple[Recorded, str]:
    """Koppel releases an order through the page KOPPEL_BC_RELEASE_API names (the demo's setting)."""
    page = DEMO_SETTINGS["KOPPEL_BC_RELEASE_API"]
    recorded = Recorded()
    api = BusinessCentralApi(recorded.client(), release_api_url=f"{BASE}/{page}/{COMPANY}")
    assert api.release_sales_order(str(uuid.uuid4()))
    return recorded, page


def refund_calls(page: str) -> Recorded:
    """Koppel reads, adds and removes refund lines (integrations/businesscentral/refund_journal.py)."""
    recorded = Recorded()
    client = recorded.client()
    journal = BusinessCentralRefundJournal(
        client, f"{BASE}/{page}/{COMPANY}", BusinessCentralPaymentJournal(client, "KOPPEL")
    )
    journal.lines("R1-TR_ABC")
    line = journal.add(
        RefundLine(
            customer_number="10000",
            external_document_number="R1-TR_ABC",
            amount=Decimal("12.50"),
            applies_to_credit_memo_id=str(uuid.uuid4()),
            description="mollie tr_abc",
        )
    )
    journal.remove(line.model_copy(update={"etag": 'W/"1"'}))
    return recorded


def simulator_pages() -> dict[str, list[str]]:
    """`publisher/group/version` -> the routes the BC simulator serves under /api/ for it (custom pages only)."""
    app = BusinessCentralSimulator(seed=False).simulation.application()
    served: dict[str, list[str]] = {}
    for resource in app.router.resources():
        found = re.search(r"/api/(\w+/\w+/v\d+\.\d+)/(.*)$", resource.canonical)
        if found is not None and not found.group(1).startswith("v2.0"):
            served.setdefault(found.group(1), []).append(found.group(2))
    return served


def release_problems(page: ApiPage) -> list[str]:
    """What Koppel's release call and the simulator's release route use that the AL page does not declare."""
    problems: list[str] = []
    recorded, configured = release_calls()
    if configured != page.path:
        problems.append(f"Koppel is configured for {configured}, the page is {page.path}")
    calls = recorded.to(configured)
    if len(calls) != 1 or calls[0].method != "POST":
        problems.append(f"expected one POST to the release page, got {[(r.method, r.url) for r in calls]}")
    for request in calls:
        entity_set, *action = entity_path(request, configured)
        if entity_set != page.entity_set:
            problems.append(f"Koppel calls entity set {entity_set}, the page declares {page.entity_set}")
        if [a.removeprefix("Microsoft.NAV.") for a in action] != ["release"] or "release" not in page.actions:
            problems.append(f"Koppel calls {action}, the page declares actions {sorted(page.actions)}")
    routes = simulator_pages().get(page.path, [])
    action_route = rf"companies\(\{{\w+\}}\)/{page.entity_set}\(\{{\w+\}}\)/Microsoft\.NAV\.(\w+)"
    collection_route = rf"companies\(\{{\w+\}}\)/{page.entity_set}"
    route = next((route for route in routes if re.fullmatch(action_route, route)), None)
    if not routes:
        problems.append(f"the simulator serves no page {page.path}")
    elif any(not re.fullmatch(f"{action_route}|{collection_route}", served) for served in routes):
        problems.append(f"the simulator's routes {routes} are not {page.entity_set} or an action of it")
    elif route is None:
        problems.append(f"the simulator serves no action of {page.entity_set}")
    elif route.rsplit(".", 1)[1] not in page.actions:
        problems.append(f"the simulator serves action {route.rsplit('.', 1)[1]}, the page does not declare it")
    problems.extend(
        f"the simulator serves {prop.name}, the page does not declare it"
        for prop in RELEASE_SALES_ORDER.props
        if prop.name not in page.fields
    )
    return problems


def refund_problems(page: ApiPage) -> list[str]:
    """What Koppel's refund journal and the simulator's customerRefunds use that the AL page does not declare."""
    calls = refund_calls(page.path).to(page.path)
    problems = [problem for request in calls for problem in refund_request_problems(page, request)]
    methods = sorted({r.method for r in calls})
    if methods != ["DELETE", "GET", "POST"]:
        problems.append(f"expected GET, POST and DELETE on the refund page, got {methods}")
    if not page.insert_allowed:
        problems.append("Koppel adds lines: the page must allow inserting")
    return problems + simulated_refund_problems(page)


def refund_request_problems(page: ApiPage, request: httpx.Request) -> list[str]:
    problems: list[str] = []
    entity_set = entity_path(request, page.path)[0]
    if entity_set != page.entity_set:
        problems.append(f"Koppel calls {entity_set}, the page declares {page.entity_set}")
    query = {name: values[0] for name, values in parse_qs(request.url.query.decode()).items()}
    selected = query["$select"].split(",") if "$select" in query else []
    problems.extend(
        f"Koppel selects {name}, the page does not declare it" for name in selected if name not in page.fields
    )
    for name in _FILTER_FIELD.findall(query.get("$filter", "")):
        if name not in page.fields or not page.fields[name].is_table_field:
            problems.append(f"Koppel filters on {name}, not a table field of the page")
    sent = json.loads(request.content) if request.method == "POST" else {}
    for name in sent:
        if name not in page.fields or not page.fields[name].editable:
            problems.append(f"Koppel sends {name}, not an editable field of the page")
    if request.method == "DELETE" and (not page.delete_allowed or "If-Match" not in request.headers):
        problems.append("Koppel deletes a line with If-Match: the page must allow deleting")
    return problems


def simulated_refund_problems(page: ApiPage) -> list[str]:
    """The simulator's customerRefunds serves exactly the page's fields, as editable, and the page's messages."""
    problems: list[str] = []
    served = {prop.name: prop for prop in CUSTOMER_REFUND.props}
    if CUSTOMER_REFUND.set_name != page.entity_set or page.path not in simulator_pages():
        problems.append(f"the simulator serves {CUSTOMER_REFUND.set_name} elsewhere than {page.path}")
    problems.extend(
        f"the simulator serves {n}, the page does not declare it" for n in sorted(served - page.fields.keys())
    )
    problems.extend(
        f"the page declares {n}, the simulator does not serve it" for n in sorted(page.fields - served.keys())
    )
    for name in sorted(served.keys() & page.fields.keys()):
        if served[name].editable != page.fields[name].editable:
            problems.append(f"{name}: editable {served[name].editable} in the simulator, not in the page")
    messages = (
        simulated_refunds.JOURNAL_UNKNOWN,
        simulated_refunds.CUSTOMER_NUMBER_UNKNOWN,
        simulated_refunds.CUSTOMER_ID_UNKNOWN,
        simulated_refunds.CREDIT_MEMO_UNKNOWN,
    )
    problems.extend(
        f"the simulator answers {m!r}, the page has no such label" for m in messages if m not in page.labels
    )
    return problems


def shipment_problems(page: ApiPage) -> list[str]:
    """What Koppel's shipment poll and the simulator's shipment page use that the AL page does not declare; the page
    is read-only and the demo is configured for it."""
    problems: list[str] = []
    configured = DEMO_SETTINGS["KOPPEL_BC_SHIPPING_API"]
    if configured != page.path:
        problems.append(f"Koppel is configured for {configured}, the page is {page.path}")
    recorded = Recorded()
    list(BusinessCentralShipments(recorded.client(), f"{BASE}/{page.path}/{COMPANY}").changed_since(None))
    calls = recorded.to(page.path)
    if [r.method for r in calls] != ["GET"]:
        problems.append(f"expected one GET of the shipment page, got {[(r.method, r.url) for r in calls]}")
    problems.extend(problem for request in calls for problem in refund_request_problems(page, request))
    if page.insert_allowed or page.modify_allowed or page.delete_allowed:
        problems.append("the shipment page must be read-only")
    return problems + simulated_shipment_problems(page)


def simulated_shipment_problems(page: ApiPage) -> list[str]:
    """The simulator's page serves exactly the page's fields, a page variable where the page has one."""
    problems: list[str] = []
    routes = simulator_pages().get(page.path, [])
    if KOPPEL_SALES_SHIPMENT.set_name != page.entity_set or not routes:
        problems.append(f"the simulator serves {KOPPEL_SALES_SHIPMENT.set_name} elsewhere than {page.path}")
    if any(page.entity_set not in route for route in routes):
        problems.append(f"the simulator's routes {routes} are not {page.entity_set}")
    return problems + served_field_problems(page, KOPPEL_SALES_SHIPMENT)


def served_field_problems(page: ApiPage, entity: EntityType) -> list[str]:
    """The simulator's entity type serves exactly the page's fields, a page variable where the page has one."""
    problems: list[str] = []
    served = {prop.name: prop for prop in entity.props}
    problems.extend(
        f"the simulator serves {n}, the page does not declare it" for n in sorted(served - page.fields.keys())
    )
    problems.extend(
        f"the page declares {n}, the simulator does not serve it" for n in sorted(page.fields - served.keys())
    )
    problems.extend(
        f"{name}: a page variable in one of the simulator and the page only"
        for name in sorted(served.keys() & page.fields.keys())
        if served[name].page_variable == page.fields[name].is_table_field
    )
    return problems


def posted_credit_memo_problems(page: ApiPage) -> list[str]:
    """What Koppel's posted credit memo question and the simulator's page use that the AL page does not declare;
    the page is read-only and lives where KOPPEL_BC_REFUND_API points (the refund page's group)."""
    problems: list[str] = []
    configured = DEMO_SETTINGS["KOPPEL_BC_REFUND_API"]
    if configured != page.path:
        problems.append(f"Koppel is configured for {configured}, the page is {page.path}")
    memo = credit_memo({"id": str(uuid.uuid4()), "number": "S-CR1", "status": "Open"})
    recorded = Recorded()
    BusinessCentralPostedCreditMemos(recorded.client(), f"{BASE}/{page.path}/{COMPANY}").is_posted(memo)
    calls = recorded.to(page.path)
    if [r.method for r in calls] != ["GET"]:
        problems.append(f"expected one GET of the posted credit memo page, got {[(r.method, r.url) for r in calls]}")
    problems.extend(problem for request in calls for problem in refund_request_problems(page, request))
    if page.insert_allowed or page.modify_allowed or page.delete_allowed:
        problems.append("the posted credit memo page must be read-only")
    routes = [route for route in simulator_pages().get(page.path, []) if page.entity_set in route]
    if KOPPEL_POSTED_SALES_CREDIT_MEMO.set_name != page.entity_set or not routes:
        problems.append(f"the simulator serves {KOPPEL_POSTED_SALES_CREDIT_MEMO.set_name} elsewhere than {page.path}")
    return problems + served_field_problems(page, KOPPEL_POSTED_SALES_CREDIT_MEMO)


def test_the_posted_credit_memo_page_declares_what_koppel_reads_and_the_simulator_serves() -> None:
    assert posted_credit_memo_problems(parse_api_page(POSTED_CREDIT_MEMO_PAGE.read_text())) == []


@pytest.mark.parametrize("removed", ["draftCreditMemoId", "number", "postingDate"])
def test_a_field_missing_from_the_posted_credit_memo_page_is_found(removed: str) -> None:
    source = POSTED_CREDIT_MEMO_PAGE.read_text()
    start = source.index(f"field({removed};")
    without = source[:start] + source[_block_end(source, source.index("{", start)) :]
    assert any(removed in problem for problem in posted_credit_memo_problems(parse_api_page(without)))


def test_a_posted_credit_memo_page_that_allows_writes_is_found() -> None:
    source = POSTED_CREDIT_MEMO_PAGE.read_text().replace("InsertAllowed = false;", "")
    assert "the posted credit memo page must be read-only" in posted_credit_memo_problems(parse_api_page(source))


def test_the_shipment_page_declares_what_koppel_reads_and_the_simulator_serves() -> None:
    assert shipment_problems(parse_api_page(SHIPMENT_PAGE.read_text())) == []


@pytest.mark.parametrize("removed", ["packageTrackingNumber", "trackingUrl"])
def test_a_field_missing_from_the_shipment_page_is_found(removed: str) -> None:
    source = SHIPMENT_PAGE.read_text()
    start = source.index(f"field({removed};")
    without = source[:start] + source[_block_end(source, source.index("{", start)) :]
    assert any(removed in problem for problem in shipment_problems(parse_api_page(without)))


def test_the_release_page_declares_what_koppel_calls_and_the_simulator_serves() -> None:
    assert release_problems(parse_api_page(RELEASE_PAGE.read_text())) == []


def test_the_refund_page_declares_what_koppel_calls_and_the_simulator_serves() -> None:
    assert refund_problems(parse_api_page(REFUND_PAGE.read_text())) == []


@pytest.mark.parametrize("removed", ["externalDocumentNumber", "appliesToCreditMemoNumber"])
def test_a_field_missing_from_the_refund_page_is_found(removed: str) -> None:
    source = REFUND_PAGE.read_text()
    start = source.index(f"field({removed};")
    without = source[:start] + source[_block_end(source, source.index("{", start)) :]
    assert any(removed in problem for problem in refund_problems(parse_api_page(without)))


def test_a_missing_release_action_is_found() -> None:
    source = RELEASE_PAGE.read_text().replace("[ServiceEnabled]", "")
    assert any("actions []" in problem for problem in release_problems(parse_api_page(source)))


def _block_end(source: str, opening: int) -> int:
    return opening + len(_block(source, opening)) + 2


def test_the_manifest_is_an_extension_that_covers_its_objects() -> None:
    manifest = json.loads((EXTENSION / "app.json").read_text())
    assert manifest["publisher"] == "Koppel"
    uuid.UUID(manifest["id"])
    for key in ("name", "version", "platform", "application", "runtime", "idRanges", "target"):
        assert manifest[key], key
    objects = [found for path in (EXTENSION / "src").glob("*.al") for found in _OBJECT_ID.findall(path.read_text())]
    assert len(objects) == len(set(objects)) >= 3
    ranges = [(r["from"], r["to"]) for r in manifest["idRanges"]]
    assert all(any(low <= int(number) <= high for low, high in ranges) for _, number in objects)
    permissions = (EXTENSION / "src" / "KoppelAPI.PermissionSet.al").read_text()
    pages = "".join(path.read_text() for path in sorted((EXTENSION / "src").glob("*.Page.al")))
    assert len(_PAGE.findall(pages)) == 6
    for found in _PAGE.finditer(pages):
        assert f'page "{found.group(2)}" = X' in permissions
