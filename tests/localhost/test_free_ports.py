"""Free loopback ports from a range of the process's own (localdev/ports.py), as each test worker has one."""

from __future__ import annotations

import os
import socket

import pytest

from localdev.ports import FREE_PORTS_SETTING, free_port


def test_this_test_worker_hands_out_ports_from_its_own_range_below_the_ephemeral_ones():
    first, _, last = os.environ[FREE_PORTS_SETTING].partition("-")

    ports = [free_port() for _ in range(5)]

    assert all(int(first) <= port <= int(last) < 32768 for port in ports)
    assert len(set(ports)) == 5, "a port handed out is not handed out again at once"


def test_a_port_something_listens_on_is_passed_over(monkeypatch: pytest.MonkeyPatch):
    with _listening_next_to_a_free_port() as listening:
        taken = listening.getsockname()[1]
        monkeypatch.setenv(FREE_PORTS_SETTING, f"{taken}-{taken + 1}")

        handed_out = {free_port() for _ in range(3)}

    assert handed_out == {taken + 1}


def _listening_next_to_a_free_port() -> socket.socket:
    """A socket listening on a port whose next port is free."""
    while True:
        listening = socket.socket()
        listening.bind(("127.0.0.1", 0))
        listening.listen()
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", listening.getsockname()[1] + 1))
            except OSError:
                listening.close()
                continue
        return listening
