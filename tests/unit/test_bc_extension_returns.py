"""The return order pages of the AL extension (bc-extension/src/KoppelSalesReturnOrders.Page.al and its lines part
KoppelSalesReturnOrdLines.Page.al) declare every field Koppel's return order adapter sends, selects and filters on,
and exactly the fields, editability, lines part and messages of the BC simulator's page; read as
tests/unit/test_bc_extension.py reads the other pages."""

from __future__ import annotations

import json
from decimal import Decimal
from urllib.parse import parse_qs

import httpx
import pytest

from domain.refunds.return_ports import NewReturnOrder, ReturnLine
from integrations.businesscentral.return_orders import BusinessCentralReturnOrders
from localdev.demo import DEMO_SETTINGS
from localdev.simulators.businesscentral.return_orders import CUSTOMER_NOT_PROVIDED, ITEM_LINES_ONLY
from localdev.simulators.businesscentral.return_orders_schema import (
    KOPPEL_SALES_RETURN_ORDER,
    KOPPEL_SALES_RETURN_ORDER_LINE,
)
from localdev.simulators.businesscentral.schema import EntityType
from tests.unit.test_bc_extension import (
    BASE,
    COMPANY,
    EXTENSION,
    ApiPage,
    Recorded,
    _block,
    entity_path,
    parse_api_page,
    served_field_problems,
    simulator_pages,
)

RETURNS_API = DEMO_SETTINGS["KOPPEL_BC_RETURNS_API"]
"""KOPPEL_BC_RETURNS_API as Koppel is configured in the demo."""
HEADER_PAGE = EXTENSION / "src" / "KoppelSalesReturnOrders.Page.al"
LINES_PAGE = EXTENSION / "src" / "KoppelSalesReturnOrdLines.Page.al"
LINES = "salesReturnOrderLines"


class RecordedReturns(Recorded):
    """As Recorded, answering a created return order as BC does."""

    def handle(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and request.url.path.endswith("/salesReturnOrders"):
            self.requests.append(request)
            return httpx.Response(201, json={"id": "40000000-0000-0000-0000-000000000004", "number": "S-RO1001"})
        return super().handle(request)


def return_order_calls(page: str) -> list[httpx.Request]:
    """Koppel finds a return order, then makes one with a line of each kind (integrations/.../return_orders.py)."""
    recorded = RecordedReturns()
    orders = BusinessCentralReturnOrders(recorded.client(), f"{BASE}/{page}/{COMPANY}")
    orders.find("web-1", "ret-1")
    line = ReturnLine(item_number="1000", variant_code="RED", quantity=Decimal(1), return_reason="DEFECT")
    orders.create(
        NewReturnOrder(
            customer_number="10000",
            external_document_number="WEB-1",
            your_reference="ret-1",
            lines=(line, ReturnLine(item_number="1001", quantity=Decimal(2))),
        )
    )
    return recorded.to(page)


def request_problems(header: ApiPage, lines: ApiPage, request: httpx.Request) -> list[str]:
    problems: list[str] = []
    if entity_path(request, header.path) != [header.entity_set]:
        problems.append(f"Koppel calls {entity_path(request, header.path)}, the page is {header.entity_set}")
    query = {name: values[0] for name, values in parse_qs(request.url.query.decode()).items()}
    selected = query["$select"].split(",") if "$select" in query else []
    problems.extend(f"Koppel selects {n}, the page does not declare it" for n in selected if n not in header.fields)
    for name in [part.split(" eq ")[0].strip() for part in query.get("$filter", "").split(" and ") if part]:
        if name not in header.fields or not header.fields[name].is_table_field:
            problems.append(f"Koppel filters on {name}, not a table field of the page")
    sent = json.loads(request.content) if request.method == "POST" else {}
    for name, value in sent.items():
        if name in header.parts:
            problems.extend(problem for line in value for problem in sent_problems(lines, line))
        elif name not in header.fields or not header.fields[name].editable:
            problems.append(f"Koppel sends {name}, not an editable field of the header page")
    return problems


def sent_problems(page: ApiPage, line: dict[str, object]) -> list[str]:
    return [
        f"Koppel sends {name} in a line, not an editable field of the lines page"
        for name in line
        if name not in page.fields or not page.fields[name].editable
    ]


def simulated_problems(header: ApiPage, lines: ApiPage) -> list[str]:
    problems: list[str] = []
    routes = simulator_pages().get(header.path, [])
    if not routes or any(not route.startswith(f"companies({{company}})/{header.entity_set}") for route in routes):
        problems.append(f"the simulator serves {routes} under {header.path}, not {header.entity_set}")
    if KOPPEL_SALES_RETURN_ORDER.navigation != frozenset(header.parts):
        problems.append(f"the simulator expands {sorted(KOPPEL_SALES_RETURN_ORDER.navigation)}, not {header.parts}")
    for page, entity in ((header, KOPPEL_SALES_RETURN_ORDER), (lines, KOPPEL_SALES_RETURN_ORDER_LINE)):
        problems.extend(served_field_problems(page, entity))
        problems.extend(editable_problems(page, entity))
    problems.extend(
        f"the simulator answers {message!r}, the page has no such label"
        for page, message in ((header, CUSTOMER_NOT_PROVIDED), (lines, ITEM_LINES_ONLY))
        if message not in page.labels
    )
    return problems


def editable_problems(page: ApiPage, entity: EntityType) -> list[str]:
    return [
        f"{prop.name}: editable {prop.editable} in the simulator, not in the page"
        for prop in entity.props
        if prop.name in page.fields and prop.editable != page.fields[prop.name].editable
    ]


def return_order_problems(header_source: str, lines_source: str) -> list[str]:
    header, lines = parse_api_page(header_source), parse_api_page(lines_source)
    problems: list[str] = []
    if (header.path, lines.path) != (RETURNS_API, RETURNS_API):
        problems.append(f"the pages are at {header.path} and {lines.path}, Koppel is configured for {RETURNS_API}")
    if header.parts.get(lines.entity_set) != "Koppel Sales Return Ord. Lines" or lines.entity_set != LINES:
        problems.append(f"the header's parts {header.parts} do not show the lines page as {LINES}")
    if not (header.insert_allowed and lines.insert_allowed):
        problems.append("Koppel makes return orders with their lines: both pages must allow inserting")
    calls = return_order_calls(header.path)
    if [r.method for r in calls] != ["GET", "POST"]:
        problems.append(f"expected a GET and a POST of the return order page, got {[r.method for r in calls]}")
    problems.extend(problem for request in calls for problem in request_problems(header, lines, request))
    return problems + simulated_problems(header, lines)


def test_the_return_order_pages_declare_what_koppel_sends_and_the_simulator_serves() -> None:
    assert return_order_problems(HEADER_PAGE.read_text(), LINES_PAGE.read_text()) == []


def _without(source: str, control: str) -> str:
    start = source.index(control)
    opening = source.index("{", start)
    return source[:start] + source[opening + len(_block(source, opening)) + 2 :]


@pytest.mark.parametrize("removed", ["externalDocumentNumber", "customerNumber", "status"])
def test_a_field_missing_from_the_return_order_page_is_found(removed: str) -> None:
    header = _without(HEADER_PAGE.read_text(), f"field({removed};")

    assert any(removed in problem for problem in return_order_problems(header, LINES_PAGE.read_text()))


@pytest.mark.parametrize("removed", ["returnReasonCode", "variantCode", "documentId"])
def test_a_field_missing_from_the_lines_page_is_found(removed: str) -> None:
    lines = _without(LINES_PAGE.read_text(), f"field({removed};")

    assert any(removed in problem for problem in return_order_problems(HEADER_PAGE.read_text(), lines))


def test_a_return_order_page_without_its_lines_part_is_found() -> None:
    header = _without(HEADER_PAGE.read_text(), f"part({LINES};")

    assert any("parts" in problem for problem in return_order_problems(header, LINES_PAGE.read_text()))


def test_a_read_only_field_koppel_writes_is_found() -> None:
    source = HEADER_PAGE.read_text()
    header = source.replace("Caption = 'Your Reference';", "Caption = 'Your Reference';\n Editable = false;")

    assert any("yourReference" in problem for problem in return_order_problems(header, LINES_PAGE.read_text()))
