"""`make preflight`: the installation's read-only checks (GET /api/ops/preflight) from a shell, with the Values of
local.settings.json (or the file named) where the environment does not set them. Prints the answer as JSON; exits 1
when a check failed, 2 when the settings themselves are invalid."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from pydantic import ValidationError

from domain.preflight import answer as preflight_answer
from functions.wiring.adapters import Adapters
from functions.wiring.preflight import preflight_checks
from integrations.preflight.deadline import checks_within
from integrations.settings import Settings
from localdev.azurite import ROOT


def settings_values(path: Path) -> dict[str, str]:
    """The Values of a local.settings.json; none when there is no such file."""
    if not path.is_file():
        return {}
    values = json.loads(path.read_text(encoding="utf-8")).get("Values", {})
    return {str(name): str(value) for name, value in values.items()}


def main(argv: list[str]) -> int:
    path = Path(argv[0]) if argv else ROOT / "local.settings.json"
    for name, value in settings_values(path).items():
        os.environ.setdefault(name, value)
    try:
        config = Settings()
    except ValidationError as error:
        print(f"the settings are invalid: {error}", file=sys.stderr)
        return 2
    answer = preflight_answer(checks_within(preflight_checks(Adapters(config))))
    print(json.dumps(answer, indent=2))
    return 0 if answer["passed"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
