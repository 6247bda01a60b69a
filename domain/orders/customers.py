"""Which BC customer a web order is sold to."""

from __future__ import annotations

from domain.email_digests import guest_email_digest
from domain.errors import PermanentError
from domain.models import BcCustomer, Order, Party
from domain.orders.ports import BusinessCentral, CustomerBindings


def resolve_customer(
    bc: BusinessCentral, bindings: CustomerBindings, order: Order, default_customer_number: str | None
) -> BcCustomer:
    """The BC customer the channel names (portal), else: binding, BC by VAT number, BC by e-mail, the configured
    default customer, a new BC customer; a buyer with nothing to name a customer by (no e-mail, no billing name)
    and no default customer parks the order."""
    party = order.customer
    if party.bc_customer_number:
        return _usable(_named_customer(bc, party.bc_customer_number))
    source = f"{order.key.source}:{order.key.shop}"
    external_id = _external_id(party.shop_customer_id, party.email, party.is_guest)
    bound_number = bindings.get(source, external_id) if external_id else None
    customer = bc.customer_by_number(bound_number) if bound_number else None
    if customer is None and party.vat_number:
        customer = bc.customer_by_vat_number(party.vat_number)
    if customer is None and party.email:
        customer = bc.customer_by_email(party.email)
    if customer is None and default_customer_number:
        customer = bc.customer_by_number(default_customer_number)
        if customer is None:
            raise PermanentError(f"The default customer {default_customer_number} does not exist in BC")
    if customer is None and _anonymous(party):
        raise PermanentError(
            "The buyer gave no e-mail and no billing name (a guest, a point-of-sale sale): set "
            "KOPPEL_BC_DEFAULT_CUSTOMER to the BC customer such sales go to, or enter the order in BC, then replay"
        )
    if customer is None:
        customer = bc.create_customer(party)
    if external_id and customer.number != bound_number:
        bindings.put(source, external_id, customer.number)
    return _usable(customer)


def _anonymous(party: Party) -> bool:
    """Nothing to name a new BC customer by (business_central.customer): each such buyer would become another
    nameless customer."""
    return not (party.email or party.billing.name or party.billing.company)


def _named_customer(bc: BusinessCentral, number: str) -> BcCustomer:
    customer = bc.customer_by_number(number)
    if customer is None:
        raise PermanentError(f"Customer {number} named by the order does not exist in BC")
    return customer


def _usable(customer: BcCustomer) -> BcCustomer:
    if customer.blocked_for_orders:
        raise PermanentError(
            f"Customer {customer.number} is blocked (All) in BC: "
            "unblock the customer or change the order's customer, then replay"
        )
    return customer


def _external_id(shop_customer_id: str, email: str, is_guest: bool) -> str:
    """A registered shop customer by id; a guest by a hash of the e-mail (no personal data in keys);
    a guest without e-mail by nothing, so two such guests are never taken for one."""
    if not is_guest:
        return f"id-{shop_customer_id}"
    return "email-" + guest_email_digest(email) if email else ""
