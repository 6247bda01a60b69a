"""The catalog as BC knows it: items, prices and availability, resolved for a channel or a customer."""
