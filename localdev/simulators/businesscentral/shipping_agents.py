"""Table 291 "Shipping Agent" (Code Code[10], Name Text[50], "Internet Address" Text[250]) with its services, and the
tracking link BC builds from an agent's Internet Address (BaseApp Foundation/Shipping/ShippingAgent.Table.al)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ShippingAgent:
    code: str
    name: str
    internet_address: str
    """`%1` stands for the package tracking number."""
    services: tuple[str, ...] = ()
    """The codes of its Shipping Agent Services (table 5790)."""

    def tracking_address(self, package_tracking_number: str) -> str:
        """GetTrackingInternetAddr: StrSubstNo("Internet Address", number) - every `%1` replaced by the number as it
        is (not URL-encoded), an address without `%1` unchanged - then `http://` put in front when neither
        `http://` nor `https://` occurs anywhere in it (StrPos, not a prefix test)."""
        address = self.internet_address.replace("%1", package_tracking_number)
        if "http://" not in address and "https://" not in address:
            address = "http://" + address
        return address

    def tracking_url(self, package_tracking_number: str) -> str:
        """The link Koppel's page serves: none without a number or an Internet Address (as Microsoft's Shopify
        Connector decides, ShpfyExportShipments.Codeunit.al), else GetTrackingInternetAddr."""
        if not package_tracking_number or not self.internet_address:
            return ""
        return self.tracking_address(package_tracking_number)


DEMO_SHIPPING_AGENTS = (
    ShippingAgent("POSTNL", "PostNL", "https://jouw.postnl.nl/track-and-trace/%1", ("STANDAARD", "AVOND")),
    ShippingAgent("DHL", "DHL Parcel", "https://www.dhl.com/nl-nl/home/tracking.html?tracking-id=%1", ("STANDAARD",)),
    ShippingAgent("DPD", "DPD", "www.dpd.com/nl/nl/ontvangen/track-en-trace/?parcelNumber=%1", ("CLASSIC",)),
    ShippingAgent("EIGEN", "Eigen bezorging", ""),
)
"""Demo agents: DPD's address has no scheme (BC prepends http://), EIGEN none at all (no tracking link)."""


def demo_shipping_agents() -> dict[str, ShippingAgent]:
    return {agent.code: agent for agent in DEMO_SHIPPING_AGENTS}
