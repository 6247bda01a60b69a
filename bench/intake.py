"""Webhook intake: latency and rate of POST /api/webhooks/woocommerce/{shop} against Azurite, as a ratio of
what Azurite alone sustains for the same two writes (the events row carrying the raw body, the queue message).
With KOPPEL_BENCH_INTAKE=sendcloud, of POST /api/webhooks/sendcloud/{account} instead (its queue: carrier-events).

The orders are 'pending', so the worker only files them; the parcels match no order. Three deployments, each on a
fresh stack: one instance running every function (one host process); per-function instances as the Flex Consumption
plan scales them (the HTTP functions in one host process, the order worker and timers in another at nice 19), both on
this machine's cores; and the HTTP instance measured alone, as it runs in Azure where the worker instance has a
machine of its own: the worker process is stopped (SIGSTOP) during the runs and then drains the queue. Load comes
from this process over loopback, in bounded loops.
"""

from __future__ import annotations

import json
import os
import signal
import statistics
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import httpx

from bench import sendcloud_intake
from integrations.storage.account import CARRIER_EVENTS_QUEUE, ORDERS_QUEUE, StorageAccount
from localdev.azurite import ROOT
from localdev.stack import WOOCOMMERCE_SHOP, LocalStack
from tests.support.woocommerce import ShopCustomer, ShopLine, ShopOrder, order_payload, signed_delivery

WARMUP = 50
REQUESTS = 1200
CONCURRENCY = 8
PACED_RATE = 150.0
PACED_SECONDS = 8.0
HOST_LOG = ROOT / ".localdev" / "bench-host.log"
Deliveries = Callable[[LocalStack, int, int], list[tuple[bytes, dict[str, str]]]]
"""(stack, count, first id) -> that many signed webhook bodies with their headers, each a new event."""


@dataclass(frozen=True)
class Endpoint:
    """The webhook intake a run measures: its route, its deliveries, the queue it writes to and its events' topic."""

    label: str
    path: str
    deliveries: Deliveries
    queue: str
    topic: str


@dataclass(frozen=True)
class CpuUse:
    """CPU seconds used during a run, read from /proc (Linux): the host process serving HTTP, the worker
    instance's process (0 when one process runs everything), Azurite, this process (the load) and the whole
    machine, which shows whether anything else was running."""

    host: float
    worker: float
    azurite: float
    load: float
    machine: float

    def line(self, seconds: float, requests: int) -> str:
        cores = os.cpu_count() or 1
        others = self.machine - self.host - self.worker - self.azurite - self.load
        return (
            f"{'':<34} cpu in cores: host {self.host / seconds:4.2f} ({self.host / requests * 1000:4.1f} ms/request), "
            f"worker instance {self.worker / seconds:4.2f}, Azurite {self.azurite / seconds:4.2f}, "
            f"load {self.load / seconds:4.2f}; machine busy {self.machine / seconds / cores:4.0%} of {cores} "
            f"(other processes {others / seconds:4.2f})"
        )


@dataclass(frozen=True)
class Run:
    name: str
    latencies: list[float]
    seconds: float
    cpu: CpuUse | None = field(default=None, compare=False)

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000

    def line(self) -> str:
        return (
            f"{self.name:<34} n={len(self.latencies):>5}  rate={self.rate:7.1f}/s  "
            f"p50={self.percentile(50):6.1f} ms  p99={self.percentile(99):6.1f} ms  "
            f"mean={statistics.fmean(self.latencies) * 1000:6.1f} ms"
        ) + (f"\n{self.cpu.line(self.seconds, len(self.latencies))}" if self.cpu else "")


class CpuMeter:
    """CPU time of the host processes, Azurite (this process's node child) and the machine, between two reads."""

    def __init__(self, host_pids: dict[str, int]) -> None:
        self._ticks = os.sysconf("SC_CLK_TCK") if Path("/proc/stat").exists() else 0
        self._host_pids = host_pids

    def read(self) -> tuple[float, float, float, float, float] | None:
        if not self._ticks:
            return None
        used = {"host": 0.0, "worker": 0.0, "azurite": 0.0}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                name, fields = _stat_fields(stat.read_text())
            except (OSError, ValueError):
                continue
            seconds = (int(fields[11]) + int(fields[12])) / self._ticks
            pid = int(stat.parent.name)
            for role, host_pid in self._host_pids.items():
                if pid == host_pid:
                    used[role] += seconds
            if int(fields[1]) == os.getpid() and name.startswith("node"):
                used["azurite"] += seconds
        machine = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
        busy = sum(int(value) for value in machine) - int(machine[3]) - int(machine[4])  # minus idle, iowait
        own = os.times()
        return used["host"], used["worker"], used["azurite"], own.user + own.system, busy / self._ticks

    @staticmethod
    def used(before: tuple[float, ...] | None, after: tuple[float, ...] | None) -> CpuUse | None:
        if before is None or after is None:
            return None
        return CpuUse(*(end - start for start, end in zip(before, after, strict=True)))


def _stat_fields(text: str) -> tuple[str, list[str]]:
    """/proc/<pid>/stat: (command name, fields after it: state, ppid, ..., utime at [11], stime at [12])."""
    name = text[text.index("(") + 1 : text.rindex(")")]
    return name, text[text.rindex(")") + 2 :].split()


def _deliveries(stack: LocalStack, count: int, first_id: int) -> list[tuple[bytes, dict[str, str]]]:
    customer = ShopCustomer("Bench", "Koper", "bench@example.org")
    lines = (ShopLine("KOF-1001", "Koffiebonen", 2, Decimal("12.50")), ShopLine("MOK-1002", "Mok", 1, Decimal("8.95")))
    created = datetime(2026, 11, 29, 8, 0, tzinfo=UTC)
    return [
        signed_delivery(
            order_payload(ShopOrder(first_id + n, customer, lines, created=created, status="pending")),
            stack.shop_secrets[WOOCOMMERCE_SHOP],
        )
        for n in range(count)
    ]


def _closed_loop(name: str, work: list[Callable[[], None]], meter: CpuMeter) -> Run:
    latencies: list[float] = []
    lock = threading.Lock()

    def timed(call: Callable[[], None]) -> None:
        started = time.perf_counter()
        call()
        elapsed = time.perf_counter() - started
        with lock:
            latencies.append(elapsed)

    cpu = meter.read()
    started = time.perf_counter()
    with ThreadPoolExecutor(CONCURRENCY) as pool:
        list(pool.map(timed, work))
    return Run(name, latencies, time.perf_counter() - started, CpuMeter.used(cpu, meter.read()))


def _paced(name: str, work: list[Callable[[], None]], rate: float, meter: CpuMeter) -> Run:
    """Open loop: start one call every 1/rate seconds, whatever the previous ones do."""
    latencies: list[float] = []
    lock = threading.Lock()

    def timed(call: Callable[[], None]) -> None:
        begun = time.perf_counter()
        call()
        with lock:
            latencies.append(time.perf_counter() - begun)

    cpu = meter.read()
    started = time.perf_counter()
    with ThreadPoolExecutor(64) as pool:
        for n, call in enumerate(work):
            delay = started + n / rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            pool.submit(timed, call)
    return Run(name, latencies, time.perf_counter() - started, CpuMeter.used(cpu, meter.read()))


ENDPOINTS = {
    "woocommerce": Endpoint(
        "webhook intake", f"/api/webhooks/woocommerce/{WOOCOMMERCE_SHOP}", _deliveries, ORDERS_QUEUE, "order.created"
    ),
    "sendcloud": Endpoint(
        "sendcloud intake",
        sendcloud_intake.PATH,
        sendcloud_intake.parcel_webhooks,
        CARRIER_EVENTS_QUEUE,
        "parcel_status_changed",
    ),
}


def _webhook_calls(
    stack: LocalStack, client: httpx.Client, endpoint: Endpoint, count: int, first_id: int
) -> list[Callable[[], None]]:
    url = f"{stack.host_url}{endpoint.path}"

    def post(body: bytes, headers: dict[str, str]) -> Callable[[], None]:
        def call() -> None:
            if client.post(url, content=body, headers=headers).status_code != 202:
                raise RuntimeError("a benchmark webhook was not accepted")

        return call

    return [post(body, headers) for body, headers in endpoint.deliveries(stack, count, first_id)]


def _storage_calls(stack: LocalStack, endpoint: Endpoint, count: int) -> list[Callable[[], None]]:
    """The same two writes intake makes, straight to Azurite with the same SDK clients."""
    account = StorageAccount(stack.azurite.connection_string)
    events, queue = account.table("benchbaseline"), account.queue(endpoint.queue + "-bench")
    body, _ = endpoint.deliveries(stack, 1, 1)[0]

    def call() -> None:
        key = uuid.uuid4().hex
        events.create_entity(
            {"PartitionKey": "bench", "RowKey": key, "topic": endpoint.topic, "status": "received", "body": body}
        )
        queue.send_message(json.dumps({"order_key": "bench", "event_id": key}))

    return [call for _ in range(count)]


@dataclass(frozen=True)
class Deployment:
    name: str
    baseline: Run
    intake: Run
    paced: Run
    backlog: int
    drained_s: float

    def lines(self) -> list[str]:
        return [
            f"## {self.name}",
            *(run.line() for run in (self.baseline, self.intake, self.paced)),
            f"intake rate / Azurite-alone rate = {self.intake.rate / self.baseline.rate:.2f}",
            f"paced p99 = {self.paced.percentile(99):.1f} ms (target < 100 ms at {PACED_RATE:g}/s)",
            f"worker: {self.backlog} messages queued as the paced run ended; queue empty {self.drained_s:.1f} s later",
        ]


def _measure(endpoint: Endpoint, name: str, worker_instance: bool, worker_paused: bool = False) -> Deployment:
    """Run the phases on a fresh stack; a paused worker instance (SIGSTOP) resumes for the drain."""
    with (
        LocalStack(
            in_process=False,
            worker_instance=worker_instance,
            worker_niceness=19 if worker_instance else 0,
            host_log=HOST_LOG,
        ) as stack,
        httpx.Client(timeout=30, limits=httpx.Limits(max_connections=64)) as client,
    ):
        meter = CpuMeter(stack.host_pids)
        if worker_paused:
            os.kill(stack.host_pids["worker"], signal.SIGSTOP)
        warm_up = _webhook_calls(stack, client, endpoint, WARMUP, 1) + _storage_calls(stack, endpoint, WARMUP)
        _closed_loop("warm-up", warm_up, meter)
        baseline = _closed_loop("Azurite alone, same 2 writes", _storage_calls(stack, endpoint, REQUESTS), meter)
        intake = _closed_loop(
            f"{endpoint.label}, closed loop", _webhook_calls(stack, client, endpoint, REQUESTS, 10_000), meter
        )
        paced = _paced(
            f"{endpoint.label}, paced {PACED_RATE:g}/s",
            _webhook_calls(stack, client, endpoint, int(PACED_RATE * PACED_SECONDS), 100_000),
            PACED_RATE,
            meter,
        )
        if worker_paused:
            os.kill(stack.host_pids["worker"], signal.SIGCONT)
        backlog, drained_s = _drain(stack, endpoint.queue)
    return Deployment(name, baseline, intake, paced, backlog, drained_s)


def _drain(stack: LocalStack, queue_name: str, timeout_s: float = 300.0) -> tuple[int, float]:
    """Messages left in the intake's queue, and the seconds until the worker has taken them all (bounded)."""
    queue = StorageAccount(stack.azurite.connection_string).queue(queue_name)
    started = time.perf_counter()
    backlog = left = queue.get_queue_properties().approximate_message_count or 0
    while left and time.perf_counter() - started < timeout_s:
        time.sleep(0.2)
        left = queue.get_queue_properties().approximate_message_count or 0
    if left:
        raise RuntimeError(f"{left} messages still queued {timeout_s:g} s after the paced run")
    return backlog, time.perf_counter() - started


DEPLOYMENTS = (
    ("one instance: every function in one host process", False, False),
    ("per-function instances on one machine: the worker instance (nice 19) shares the CPU", True, False),
    ("per-function instances, the HTTP instance alone: the worker instance paused, then drains", True, True),
)
"""(name, worker instance, worker paused); KOPPEL_BENCH_INTAKE_DEPLOYMENTS picks some by number, e.g. 3."""


def main() -> None:
    chosen = os.environ.get("KOPPEL_BENCH_INTAKE", "woocommerce")
    if chosen not in ENDPOINTS:
        raise SystemExit(f"KOPPEL_BENCH_INTAKE must be one of {', '.join(ENDPOINTS)}, not '{chosen}'")
    endpoint = ENDPOINTS[chosen]
    HOST_LOG.parent.mkdir(exist_ok=True)
    print(
        f"# intake, POST {endpoint.path}: {REQUESTS} requests, {CONCURRENCY} concurrent; "
        f"then paced {PACED_RATE:g}/s for {PACED_SECONDS:g} s"
    )
    picked = os.environ.get("KOPPEL_BENCH_INTAKE_DEPLOYMENTS", "123")
    deployments = [_measure(endpoint, *each) for n, each in enumerate(DEPLOYMENTS, 1) if str(n) in picked]
    for deployment in deployments:
        print("\n".join(deployment.lines()))
