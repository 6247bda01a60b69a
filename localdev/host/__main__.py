"""python -m localdev.host: run function_app.py locally, in the foreground, until SIGINT or SIGTERM."""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
from pathlib import Path
from types import FrameType
from typing import Any

from localdev.host.host import LocalHost
from localdev.host.metadata import MetadataError, TimerFunction, load_app
from localdev.host.quiet_log import QuietTimers
from localdev.host.routes import RouteError
from localdev.host.settings import SettingError, load_local_settings

log = logging.getLogger("koppel.localhost")


def main(argv: list[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("azure").setLevel(logging.WARNING)
    sys.path.insert(0, str(Path.cwd()))
    try:
        load_local_settings(Path(arguments.settings))
        host = LocalHost(load_app(arguments.app), _read_json(Path(arguments.host_json)), port=arguments.port)
        host.start()
    except (MetadataError, SettingError, RouteError, ValueError, OSError) as error:
        log.error("local host cannot start: %s", error)
        return 1
    if not arguments.verbose:
        timers = [function.name for function in host.functions if isinstance(function, TimerFunction)]
        for handler in logging.getLogger().handlers:
            handler.addFilter(QuietTimers(timers))
    stop = threading.Event()

    def request_stop(signum: int, _frame: FrameType | None) -> None:
        log.info("%s received, stopping", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    print(f"Koppel local host: {host.url}", flush=True)
    for function in host.functions:
        print(f"  {function.name}: {function.describe()}", flush=True)
    for name in host.disabled:
        print(f"  {name}: disabled (AzureWebJobs.{name}.Disabled)", flush=True)
    stop.wait()
    host.stop()
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m localdev.host", description=__doc__)
    parser.add_argument("--app", default="function_app", help="module holding the FunctionApp")
    parser.add_argument("--port", type=int, default=7071, help="0 picks a free port")
    parser.add_argument("--settings", default="local.settings.json")
    parser.add_argument("--host-json", default="host.json")
    parser.add_argument(
        "--verbose",
        action="store_true",
        help="log every timer run, also those that did nothing (localdev/host/quiet_log.py)",
    )
    return parser


def _read_json(path: Path) -> dict[str, Any]:
    """host.json as a dict; a missing file means all defaults, as with the real host."""
    if not path.exists():
        return {}
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


if __name__ == "__main__":
    sys.exit(main())
