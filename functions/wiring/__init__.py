"""The composition root's parts: adapters.py builds every adapter once per process; orders.py, payments.py,
invoices.py and catalog.py hand each feature's services the adapters they use; functions/container.py puts them
together for the triggers."""

import logging

log = logging.getLogger("functions.container")
"""The notes written while wiring (what is not run, and why) keep the logger they were always written with."""
