"""A Sendcloud simulator on 127.0.0.1: parcels with statuses from Sendcloud's status list, signed
`parcel_status_changed` webhooks with retries, duplicate and out-of-order deliveries on demand. See CATALOG.md."""

from localdev.simulators.sendcloud.server import SendcloudSimulator
from localdev.simulators.sendcloud.webhooks import SendcloudDelivery, sendcloud_signature

__all__ = ["SendcloudDelivery", "SendcloudSimulator", "sendcloud_signature"]
