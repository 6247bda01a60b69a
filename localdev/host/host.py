"""LocalHost: runs a FunctionApp's HTTP, queue and timer triggers on a background event loop."""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from collections.abc import Mapping
from typing import Any, Protocol

import azure.functions as func

from localdev.host.host_config import HostConfig
from localdev.host.http_server import HttpServer
from localdev.host.invoker import Invoker
from localdev.host.metadata import FunctionSpec, HttpFunction, QueueFunction, TimerFunction, read_functions
from localdev.host.queue_listener import QueueListener
from localdev.host.settings import connection_string, disabled
from localdev.host.timer_scheduler import TimerScheduler

log = logging.getLogger("koppel.localhost")

STARTUP_TIMEOUT = 60.0


class _Listener(Protocol):
    async def stop(self, grace: float) -> None: ...


class LocalHost:
    """A development stand-in for the Azure Functions host.

    The environment must already hold the app settings: %SETTING% references and storage connections
    are resolved when the host is created, so a missing one fails here, not at the first message.
    """

    def __init__(
        self,
        app: func.FunctionApp,
        host_json: Mapping[str, Any] | None = None,
        port: int = 7071,
        shutdown_timeout: float = 30.0,
    ) -> None:
        indexed = read_functions(app, os.environ)
        self.functions: list[FunctionSpec] = [function for function in indexed if not disabled(function.name)]
        """The functions this host triggers: all of the app's but those disabled by app setting."""
        self.disabled = [function.name for function in indexed if disabled(function.name)]
        self._config = HostConfig.from_json(dict(host_json or {}))
        self._connections = {
            function.name: connection_string(function.connection)
            for function in self.functions
            if isinstance(function, QueueFunction)
        }
        self._requested_port = port
        self._shutdown_timeout = shutdown_timeout
        self._state = "Initialized"
        self.port = 0
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._startup_error: BaseException | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop_requested: asyncio.Event | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def state(self) -> str:
        """As /admin/host/status reports it: Initialized, Running, Stopping or Stopped."""
        return self._state

    def start(self) -> LocalHost:
        """Start serving on a background thread; return once HTTP, queue listeners and timers are up."""
        self._thread = threading.Thread(target=asyncio.run, args=(self._serve(),), name="koppel-localhost")
        self._thread.start()
        if not self._ready.wait(STARTUP_TIMEOUT):
            raise TimeoutError(f"local host did not start within {STARTUP_TIMEOUT} s")
        if self._startup_error is not None:
            self._thread.join()
            raise self._startup_error
        return self

    def stop(self) -> None:
        """Stop polling and scheduling, let running invocations finish (bounded), close the server."""
        if self._loop is not None and self._stop_requested is not None:
            self._loop.call_soon_threadsafe(self._stop_requested.set)
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def __enter__(self) -> LocalHost:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    async def _serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop_requested = asyncio.Event()
        invoker = Invoker()
        listeners: list[_Listener] = []
        http = HttpServer(
            [function for function in self.functions if isinstance(function, HttpFunction)],
            self._config.route_prefix,
            invoker,
            lambda: self._state,
            self._shutdown_timeout,
        )
        try:
            await self._start_listeners(invoker, listeners)
            await http.start(self._requested_port)
            self.port = http.port
            self._state = "Running"
            self._ready.set()
            await self._stop_requested.wait()
        except Exception as error:
            self._startup_error = error
        finally:
            self._state = "Stopping"
            await asyncio.gather(http.stop(), *(listener.stop(self._shutdown_timeout) for listener in listeners))
            invoker.shutdown()
            self._state = "Stopped"
            self._ready.set()

    async def _start_listeners(self, invoker: Invoker, listeners: list[_Listener]) -> None:
        for function in self.functions:
            if isinstance(function, QueueFunction):
                queue = QueueListener(function, self._config.queues, invoker, self._connections[function.name])
                listeners.append(queue)
                await queue.start()
            elif isinstance(function, TimerFunction):
                timer = TimerScheduler(function, invoker)
                listeners.append(timer)
                await timer.start()
