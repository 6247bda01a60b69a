"""The hostile corpus runs against the same local stack as the integration tests: one per module.

The fixtures are the integration tests' own (imported, not copied), so both suites run Koppel the same way.
"""

from tests.integration.conftest import no_faults, stack

__all__ = ["no_faults", "stack"]
