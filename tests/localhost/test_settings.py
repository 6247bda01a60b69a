"""local.settings.json loading, %SETTING% resolution, TimeSpans and host.json options."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from localdev.host.host_config import HostConfig, QueueOptions
from localdev.host.settings import SettingError, load_local_settings, resolve
from localdev.host.timespan import parse_timespan


def test_local_settings_fill_environment_but_environment_wins(tmp_path: Path) -> None:
    path = tmp_path / "local.settings.json"
    path.write_text(json.dumps({"IsEncrypted": False, "Values": {"A": "file", "B": "file", "N": 5}}))
    environ = {"B": "env"}
    assert load_local_settings(path, environ) == ["A", "N"]
    assert environ == {"A": "file", "B": "env", "N": "5"}


def test_missing_local_settings_is_fine(tmp_path: Path) -> None:
    environ: dict[str, str] = {}
    assert load_local_settings(tmp_path / "absent.json", environ) == []
    assert environ == {}


def test_resolve_references() -> None:
    environ = {"QUEUE": "orders", "ENV": "dev"}
    assert resolve("%QUEUE%-%ENV%", environ) == "orders-dev"
    assert resolve("plain", environ) == "plain"
    with pytest.raises(SettingError, match="MISSING"):
        resolve("%MISSING%", environ)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("00:01:00", timedelta(minutes=1)),
        ("00:00:00.250", timedelta(milliseconds=250)),
        ("1.02:00:00", timedelta(days=1, hours=2)),
    ],
)
def test_timespan(text: str, expected: timedelta) -> None:
    assert parse_timespan(text) == expected


def test_host_json_defaults_and_overrides() -> None:
    assert HostConfig.from_json({}) == HostConfig(route_prefix="api", queues=QueueOptions())
    project = json.loads((Path(__file__).resolve().parents[2] / "host.json").read_text())
    config = HostConfig.from_json(project)
    assert config.queues.max_polling_interval == timedelta(seconds=2)
    assert config.queues.visibility_timeout == timedelta(seconds=5)
    assert config.queues.message_encoding == "base64"
    assert HostConfig.from_json({"extensions": {"http": {"routePrefix": "/"}}}).route_prefix == ""
