"""An aiohttp application served on 127.0.0.1 from a background thread with its own event loop."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from aiohttp import web

HOST = "127.0.0.1"
T = TypeVar("T")


class BackgroundServer:
    """Runs `make_app()` on its own loop; `call` runs a coroutine on that loop from any other thread."""

    def __init__(self, name: str, port: int) -> None:
        self.name = name
        self.port = port
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self, make_app: Callable[[], web.Application], timeout: float = 10.0) -> None:
        if self._thread is not None:
            raise RuntimeError(f"the {self.name} simulator is already running")
        started = threading.Event()
        failure: list[BaseException] = []
        loop = asyncio.new_event_loop()

        def serve() -> None:
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self._open(make_app()))
            except BaseException as exc:
                failure.append(exc)
                started.set()
                loop.close()
                return
            started.set()
            loop.run_forever()
            loop.run_until_complete(self._close())
            loop.close()

        self._loop = loop
        self._thread = threading.Thread(target=serve, name=f"{self.name}-simulator-{self.port}", daemon=True)
        self._thread.start()
        if not started.wait(timeout):
            raise RuntimeError(f"the {self.name} simulator did not start in time")
        if failure:
            self._thread.join()
            self._thread = None
            self._loop = None
            raise RuntimeError(f"the {self.name} simulator could not start on {HOST}:{self.port}") from failure[0]

    def stop(self, timeout: float = 10.0) -> None:
        if self._thread is None or self._loop is None:
            return
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout)
        self._thread = None
        self._loop = None

    def call(self, coroutine: Coroutine[Any, Any, T], timeout: float) -> T:
        """Run `coroutine` on the server's loop and wait for its result."""
        if self._loop is None:
            coroutine.close()
            raise RuntimeError(f"the {self.name} simulator is not running")
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout)

    async def _open(self, app: web.Application) -> None:
        runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await runner.setup()
        site = web.TCPSite(runner, HOST, self.port, reuse_address=True)
        await site.start()
        self._runner = runner
        self.port = int(runner.addresses[0][1])

    async def _close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
