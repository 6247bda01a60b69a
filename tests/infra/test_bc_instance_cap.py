"""The instance cap in infra/ and the BC limits per process it sets: together within BC's limits per app registration.

BC online (per user, so per app registration, over every process): 5 requests processed at once, the rest queued up
to 100 processed and queued (then 429), 6,000 requests per 5-minute sliding window (then 429). docs/real-services.md.
"""

from pathlib import Path
from typing import Any, cast

import pytest
from pycep import BicepParser

from function_app import app

INFRA = Path(__file__).resolve().parents[2] / "infra"
BC_PROCESSED_AT_ONCE = 5
BC_PROCESSED_AND_QUEUED = 100
BC_REQUESTS_PER_5_MINUTES = 6000
TIMERS_WITHOUT_BC = {"recover_orders", "telemetry_sampler"}
"""Timers that never call BC: recovery polls the shops, the sampler reads storage."""
WORKERS_WITHOUT_BC = {"carrier_event_worker"}
"""Queue functions that never call BC: a carrier event is matched and recorded in storage."""

Tree = dict[str, Any]


def parse(name: str) -> Tree:
    return cast("Tree", BicepParser().parse(file_path=INFRA / name))


def evaluate(expression: Any, variables: Tree, parameters: dict[str, int]) -> int | str:
    """The value of a parsed Bicep expression of integers, names, + - * /, max, min and string()."""
    if isinstance(expression, int | bool):
        return int(expression)
    if isinstance(expression, str):
        if expression in parameters:
            return parameters[expression]
        return evaluate(variables[expression]["value"], variables, parameters)
    if "operator" in expression:
        operator = expression["operator"]
        first, second = (int(evaluate(o, variables, parameters)) for o in operator["operands"].values())
        operations = {"add": first + second, "subtract": first - second, "multiply": first * second}
        return first // second if operator["type"] == "divide" else operations[operator["type"]]
    function = expression["function"]
    arguments = [evaluate(a, variables, parameters) for a in function["parameters"].values()]
    if function["type"] == "string":
        return str(arguments[0])
    return {"max": max, "min": min}[function["type"]](int(a) for a in arguments)


def worst_case(variables: Tree, instances: int) -> tuple[int, int]:
    """Requests in flight and requests per 5 minutes of every BC-calling process at once, for that cap."""
    caps = {"maximumInstanceCount": instances}
    processes = int(evaluate("bcProcesses", variables, caps))
    in_flight = int(evaluate("bcMaxInFlight", variables, caps))
    per_5_minutes = int(evaluate("bcRequestsPer5Minutes", variables, caps))
    return processes * in_flight, processes * per_5_minutes


def bc_limit_problems(variables: Tree, instances: int) -> list[str]:
    in_flight, per_5_minutes = worst_case(variables, instances)
    problems = []
    if in_flight > BC_PROCESSED_AND_QUEUED:
        problems.append(f"{instances} instances: {in_flight} requests at once, BC takes {BC_PROCESSED_AND_QUEUED}")
    if per_5_minutes > BC_REQUESTS_PER_5_MINUTES:
        problems.append(f"{instances} instances: {per_5_minutes} per 5 minutes, BC takes {BC_REQUESTS_PER_5_MINUTES}")
    return problems


def cap_parameter() -> Tree:
    return cast("Tree", parse("main.bicep")["parameters"]["maximumInstanceCount"])


def allowed_caps() -> range:
    bounds = {decorator["type"]: decorator["argument"] for decorator in cap_parameter()["decorators"]}
    return range(bounds["min_value"], bounds["max_value"] + 1)


def test_the_app_settings_carry_the_bc_limits_derived_from_the_instance_cap() -> None:
    tree = parse("modules/functionapp.bicep")
    settings = tree["variables"]["appSettings"]["value"]
    scale = tree["resources"]["app"]["config"]["properties"]["functionAppConfig"]["scaleAndConcurrency"]

    assert scale["maximumInstanceCount"] == "maximumInstanceCount"
    assert parse("main.bicep")["modules"]["app"]["config"]["params"]["maximumInstanceCount"] == "maximumInstanceCount"
    assert evaluate(settings["KOPPEL_BC_MAX_IN_FLIGHT"], tree["variables"], {"maximumInstanceCount": 3}) == "1"
    assert evaluate(settings["KOPPEL_BC_REQUESTS_PER_5_MINUTES"], tree["variables"], {"maximumInstanceCount": 3}) == (
        str(5800 // (3 * 4 + 5))
    )


def test_the_default_cap_keeps_all_processes_together_within_bcs_limits() -> None:
    variables = parse("modules/functionapp.bicep")["variables"]
    default = cap_parameter()["default"]

    in_flight, per_5_minutes = worst_case(variables, default)

    assert default < 40, "the cap must be below Flex Consumption's usual lowest maximum to help BC at all"
    assert in_flight <= BC_PROCESSED_AND_QUEUED
    assert per_5_minutes <= BC_REQUESTS_PER_5_MINUTES
    assert int(evaluate("bcMaxInFlight", variables, {"maximumInstanceCount": default})) <= BC_PROCESSED_AT_ONCE


def test_every_allowed_cap_stays_within_bcs_limits_and_the_next_one_up_does_not() -> None:
    variables = parse("modules/functionapp.bicep")["variables"]
    caps = allowed_caps()

    assert [problem for cap in caps for problem in bc_limit_problems(variables, cap)] == []
    assert bc_limit_problems(variables, caps[-1] + 1), "the parameter's @maxValue is looser than BC needs"


def test_a_share_per_process_above_the_rule_fails() -> None:
    variables = dict(parse("modules/functionapp.bicep")["variables"])
    variables["bcRequestsPer5Minutes"] = {"value": 5800}

    assert bc_limit_problems(variables, cap_parameter()["default"])


def test_the_process_count_matches_the_functions_that_call_bc() -> None:
    """Flex Consumption scales the HTTP functions as one group and each other function on its own; timers run once."""
    variables = parse("modules/functionapp.bicep")["variables"]
    app.functions_bindings = None  # indexed afresh, as localdev/host/metadata.py does
    triggers = [(str(function.get_function_name()), function.get_trigger()) for function in app.get_functions()]
    kinds = [(name, trigger.type if trigger else "") for name, trigger in triggers]
    queues = [name for name, kind in kinds if kind == "queueTrigger"]
    timers = [name for name, kind in kinds if kind == "timerTrigger"]
    has_http = any(kind == "httpTrigger" for _, kind in kinds)

    workers = [name for name in queues if not name.endswith("_poison") and name not in WORKERS_WITHOUT_BC]
    assert variables["bcScalingGroups"]["value"] == int(has_http) + len(workers), workers
    assert variables["bcSingletonTimers"]["value"] == len(set(timers) - TIMERS_WITHOUT_BC), timers


@pytest.mark.parametrize("instances", [1, 3, 23])
def test_each_process_may_send_at_least_one_request_at_a_time(instances: int) -> None:
    variables = parse("modules/functionapp.bicep")["variables"]

    assert int(evaluate("bcMaxInFlight", variables, {"maximumInstanceCount": instances})) >= 1
    assert int(evaluate("bcRequestsPer5Minutes", variables, {"maximumInstanceCount": instances})) >= 1
