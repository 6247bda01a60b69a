"""Free loopback ports, so that two runs on one machine never collide.

A port found free is free only until its user binds it, moments later. The kernel picks it by default (a bind to
port 0), and may meanwhile hand it to another process on the machine. With `LOCALDEV_FREE_PORTS` set ("20000-25999"),
a process hands out its own range instead, port after port from a random start: the test suite gives each
pytest-xdist worker a range of its own, below the kernel's ephemeral ports, so no other worker or connection takes
a port between its finding and its binding (tests/conftest.py)."""

import os
import random
import socket
import threading
import time
from functools import cache

FREE_PORTS_SETTING = "LOCALDEV_FREE_PORTS"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    ports = os.environ.get(FREE_PORTS_SETTING)
    if ports:
        return _range(ports).next_free()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class _PortRange:
    """The ports `first`..`last`, handed out in turn from a random start, each only while it can be bound."""

    def __init__(self, first: int, last: int) -> None:
        self._first, self._size = first, last - first + 1
        self._offset = random.randrange(self._size)
        self._lock = threading.Lock()

    def next_free(self) -> int:
        with self._lock:
            for _ in range(self._size):
                port = self._first + self._offset
                self._offset = (self._offset + 1) % self._size
                if _bindable(port):
                    return port
        raise RuntimeError(f"no free port in {FREE_PORTS_SETTING}={self._first}-{self._first + self._size - 1}")


@cache
def _range(ports: str) -> _PortRange:
    first, _, last = ports.partition("-")
    return _PortRange(int(first), int(last))


def _bindable(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def wait_for_port(port: int, timeout: float) -> bool:
    """True once something accepts connections on 127.0.0.1:port, False after timeout seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.05)
    return False
