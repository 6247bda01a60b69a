"""The alert rules (infra/modules/alerts.bicep, parsed with pycep-parser) and the workbook (infra/workbooks/): each
alert of issue 12 exists and queries the metric it is about, and every query names only Koppel's metrics and
dimensions (the telemetry contract: integrations/telemetry/metrics.py and dimensions.py)."""

import json
import re
from typing import Any

from domain.booking import booking_run
from domain.invoices import keep_subscriptions
from domain.shipments import push_carrier_events, push_shipments, track_shipments
from functions.wiring.catalog import PORTAL_CATALOG_RUN
from tests.infra.test_bicep import INFRA, parse

METRICS = {
    "koppel.orders",
    "koppel.payments",
    "koppel.bc.requests",
    "koppel.bc.throttled",
    "koppel.runs",
    "koppel.queue.length",
    "koppel.queue.oldest_age",
    "koppel.attention.size",
    "koppel.reconciliation.differences",
}
DIMENSIONS = {
    "koppel.web_order",
    "koppel.bc_document",
    "koppel.payment",
    "koppel.run",
    "koppel.outcome",
    "koppel.source",
    "koppel.provider",
    "koppel.queue",
}
ALERTS = {
    "poison-queue": ({"koppel.queue.length"}, ('"-poison"', 'message has "gave up"')),
    "oldest-message": ({"koppel.queue.oldest_age"}, ("value / 60",)),
    "attention-growing": ({"koppel.attention.size"}, ("ago(1h)",)),
    "run-not-completed": (
        {"koppel.runs"},
        (
            f'run == "{booking_run.RUN_NAME}"',
            f'run == "{PORTAL_CATALOG_RUN}"',
            'run startswith "catalog-"',
            f'run == "{track_shipments.RUN_NAME}"',
            f'run == "{push_shipments.RUN_NAME}"',
            f'run == "{push_carrier_events.RUN_NAME}"',
        ),
    ),
    "subscription-keeper": ({"koppel.runs"}, (f'run == "{keep_subscriptions.RUN_NAME}"', 'outcome == "failed"')),
    "bc-throttled": ({"koppel.bc.requests", "koppel.bc.throttled"}, ("100.0 * throttled / requests",)),
    "reconciliation-differences": ({"koppel.reconciliation.differences"}, ("arg_max(timestamp, value)",)),
}
"""Each alert of issue 12: the metrics its query must name, and what else it must say (the runs by the names the
code gives them)."""
READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7"
WORKBOOK = INFRA / "workbooks" / "koppel.workbook.json"
KOPPEL_NAME = re.compile(r'"(koppel\.[a-z_.]+)"')


def alert_rules() -> dict[str, dict[str, Any]]:
    """Each rule of alerts.bicep by key, its query resolved from the variable it names."""
    variables = parse(INFRA / "modules" / "alerts.bicep")["variables"]
    rules = {}
    for rule in variables["alertRules"]["value"]:
        rules[rule["key"]] = {**rule, "query": variables[rule["query"]]["value"]}
    return rules


def unknown_names(query: str) -> set[str]:
    return set(KOPPEL_NAME.findall(query)) - METRICS - DIMENSIONS


def workbook_queries() -> dict[str, str]:
    items = json.loads(WORKBOOK.read_text())["items"]
    return {item["name"]: item["content"]["query"] for item in items if item["type"] == 3}


def test_every_alert_of_the_issue_queries_its_metric() -> None:
    rules = alert_rules()
    assert set(rules) == set(ALERTS)
    for key, (metrics, said) in ALERTS.items():
        query = rules[key]["query"]
        assert "customMetrics\n| where " in query, key
        assert metrics <= set(KOPPEL_NAME.findall(query)), key
        assert [fragment for fragment in said if fragment not in query] == [], key
        assert unknown_names(query) == set(), key


def test_every_alert_measures_a_column_its_query_makes() -> None:
    for key, rule in alert_rules().items():
        assert f"{rule['measure']} = " in rule["query"], key
        if rule["splitBy"]:
            assert f"{rule['splitBy']} = " in rule["query"] or f"by {rule['splitBy']}" in rule["query"], key


def test_the_rules_query_application_insights_with_their_own_reader_identity() -> None:
    tree = parse(INFRA / "modules" / "alerts.bicep")
    resources = tree["resources"]
    rule = resources["rules"]["config"]["config"]
    assert resources["rules"]["api_version"] == "2023-12-01"
    assert rule["identity"]["type"] == "UserAssigned"
    assert rule["dependsOn"] == ["readsWorkspace", "readsAppInsights"]
    assert rule["properties"]["scopes"][0]["operator"]["operands"] == {"operand_1": "appInsights", "operand_2": "id"}
    assert rule["properties"]["actions"]["actionGroups"][0]["operator"]["operands"]["operand_1"] == "ops"
    assert tree["variables"]["reader"]["value"] == READER
    for name, scope in (("readsWorkspace", "workspace"), ("readsAppInsights", "appInsights")):
        assignment = resources[name]["config"]
        assert assignment["scope"] == scope
        assert assignment["properties"]["principalId"]["operator"]["operands"]["operand_1"] == "alertIdentity"


def test_the_action_group_mails_ops_only_when_an_address_is_given() -> None:
    group = parse(INFRA / "modules" / "alerts.bicep")["resources"]["ops"]["config"]["properties"]
    receivers = group["emailReceivers"]["operator"]["operands"]
    assert receivers["condition"]["function"] == {"type": "empty", "parameters": {"item_to_test": "opsEmail"}}
    assert receivers["true_value"] == []
    assert parse(INFRA / "main.bicep")["parameters"]["opsEmail"]["default"] == ""


def test_main_deploys_the_alerts_and_the_workbook() -> None:
    modules = parse(INFRA / "main.bicep")["modules"]
    assert modules["alerts"]["detail"]["path"] == "modules/alerts.bicep"
    assert modules["workbook"]["detail"]["path"] == "modules/workbook.bicep"


def test_the_workbook_is_the_json_file_with_the_application_insights_id_put_in() -> None:
    workbook = parse(INFRA / "modules" / "workbook.bicep")["resources"]["workbook"]["config"]["properties"]
    replaced = workbook["serializedData"]["function"]["parameters"]
    loaded = replaced["original_string"]["function"]["parameters"]["file_path"]
    assert (INFRA / "modules" / loaded).resolve() == WORKBOOK
    content = json.loads(WORKBOOK.read_text())
    assert content["version"] == workbook["version"] == "Notebook/1.0"
    assert content["fallbackResourceIds"] == [replaced["old_string"]]


def test_the_workbook_shows_every_metric_and_names_no_other() -> None:
    queries = workbook_queries()
    named = set()
    for name, query in queries.items():
        assert unknown_names(query) == set(), name
        named |= set(KOPPEL_NAME.findall(query))
    assert named >= METRICS


def test_the_workbook_finds_everything_about_one_web_order() -> None:
    query = workbook_queries()["web-order"]
    assert query.startswith("union traces, dependencies, exceptions")
    assert 'tostring(customDimensions["koppel.web_order"]) == "{WebOrder}"' in query


def test_an_unknown_metric_name_is_caught() -> None:
    assert unknown_names('customMetrics | where name == "koppel.order"') == {"koppel.order"}


def test_the_infra_readme_names_the_alert_and_workbook_files() -> None:
    readme = (INFRA / "README.md").read_text()
    for path in ("modules/alerts.bicep", "modules/workbook.bicep", "workbooks/koppel.workbook.json"):
        assert path in readme
