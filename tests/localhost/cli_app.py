"""Sample function_app-like module the CLI test serves: settings come from local.settings.json."""

from __future__ import annotations

import json
import os

import azure.functions as func

functions = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@functions.route(route="settings", methods=["GET"])
def settings(req: func.HttpRequest) -> func.HttpResponse:
    names = ("KOPPEL_GREETING", "KOPPEL_OVERRIDDEN")
    return func.HttpResponse(json.dumps({name: os.environ.get(name) for name in names}), mimetype="application/json")


@functions.queue_trigger(arg_name="msg", queue_name="%KOPPEL_CLI_QUEUE%", connection="AzureWebJobsStorage")
def consume(msg: func.QueueMessage) -> None:
    """Succeeds, so the host deletes the message."""
