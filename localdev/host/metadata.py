"""Trigger metadata read from the FunctionApp object itself, with %SETTING% references resolved."""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import azure.functions as func

from localdev.host.schedule import CronSchedule, IntervalSchedule, parse_schedule
from localdev.host.settings import resolve

DEFAULT_CONNECTION = "AzureWebJobsStorage"


class MetadataError(RuntimeError):
    """The app declares something the local host cannot run."""


@dataclass(frozen=True)
class HttpFunction:
    name: str
    parameter: str
    user_function: Callable[..., Any]
    route: str
    methods: frozenset[str] | None
    """Upper-case methods allowed; None allows every method."""
    auth_level: str

    def describe(self) -> str:
        methods = ",".join(sorted(self.methods)) if self.methods else "ANY"
        return f"http [{methods}] {self.route}"


@dataclass(frozen=True)
class QueueFunction:
    name: str
    parameter: str
    user_function: Callable[..., Any]
    queue_name: str
    connection: str
    """Name of the app setting that holds the storage connection string."""

    def describe(self) -> str:
        return f"queue {self.queue_name}"


@dataclass(frozen=True)
class TimerFunction:
    name: str
    parameter: str
    user_function: Callable[..., Any]
    schedule: CronSchedule | IntervalSchedule
    schedule_text: str
    run_on_startup: bool

    def describe(self) -> str:
        return f"timer {self.schedule_text}" + (" (runOnStartup)" if self.run_on_startup else "")


FunctionSpec = HttpFunction | QueueFunction | TimerFunction

_SUPPORTED_OUTPUTS = {"http"}


def load_app(module_name: str) -> func.FunctionApp:
    """Import module_name and return its FunctionApp: attribute `app`, else the first FunctionApp found."""
    return find_app(importlib.import_module(module_name))


def find_app(module: ModuleType) -> func.FunctionApp:
    candidate = getattr(module, "app", None)
    if isinstance(candidate, func.FunctionApp):
        return candidate
    for value in vars(module).values():
        if isinstance(value, func.FunctionApp):
            return value
    raise MetadataError(f"module {module.__name__!r} holds no azure.functions.FunctionApp")


def read_functions(app: func.FunctionApp, environ: Mapping[str, str]) -> list[FunctionSpec]:
    """Index the app's functions. Each call indexes afresh, so several hosts may serve one app object."""
    app.functions_bindings = None
    return [_read_function(function, environ) for function in app.get_functions()]


def _read_function(function: func.Function, environ: Mapping[str, str]) -> FunctionSpec:
    name = function.get_function_name() or function.get_user_function().__name__
    trigger = function.get_trigger()
    if trigger is None:
        raise MetadataError(f"function {name!r} has no trigger")
    for binding in function.get_bindings():
        if binding is not trigger and binding.type not in _SUPPORTED_OUTPUTS:
            raise MetadataError(f"function {name!r}: the local host does not support {binding.type!r} bindings")
    spec = trigger.get_dict_repr()
    kind = spec["type"]
    user_function = function.get_user_function()
    if spec["name"] not in inspect.signature(user_function).parameters:
        raise MetadataError(f"function {name!r} has no parameter {spec['name']!r} for its {kind}")
    if kind == "httpTrigger":
        methods = spec.get("methods")
        return HttpFunction(
            name=name,
            parameter=spec["name"],
            user_function=user_function,
            route=str(spec.get("route") or name).strip("/"),
            methods=frozenset(str(_plain(m)).upper() for m in methods) if methods else None,
            auth_level=str(_plain(spec.get("authLevel", "function"))).lower(),
        )
    if kind == "queueTrigger":
        return QueueFunction(
            name=name,
            parameter=spec["name"],
            user_function=user_function,
            queue_name=resolve(spec["queueName"], environ),
            connection=resolve(spec.get("connection") or DEFAULT_CONNECTION, environ),
        )
    if kind == "timerTrigger":
        schedule_text = resolve(spec["schedule"], environ)
        try:
            schedule = parse_schedule(schedule_text)
        except ValueError as error:
            raise MetadataError(f"function {name!r}: {error}") from error
        return TimerFunction(
            name=name,
            parameter=spec["name"],
            user_function=user_function,
            schedule=schedule,
            schedule_text=schedule_text,
            run_on_startup=bool(spec.get("runOnStartup", False)),
        )
    raise MetadataError(f"function {name!r}: the local host does not support {kind!r} triggers")


def _plain(value: object) -> object:
    """An enum member's value, or the value itself (decorators accept both)."""
    return getattr(value, "value", value)
