"""The two e-mail digests are stored (binding keys, payers on payments and unpaid orders): they stay as they are."""

from __future__ import annotations

from domain.email_digests import guest_email_digest, payer_email_digest


def test_a_guest_binding_digest_is_of_the_address_as_given_and_stays_byte_identical():
    assert guest_email_digest("Anna@Example.nl") == "a2e23f9513378e21569ca8c313ed30fbb663e4fd"
    assert guest_email_digest("anna@example.nl") != guest_email_digest("Anna@Example.nl")


def test_a_payer_digest_is_the_same_however_the_address_is_written_and_stays_byte_identical():
    assert payer_email_digest(" Anna@Example.nl ") == payer_email_digest("anna@example.nl")
    assert payer_email_digest("anna@example.nl") == "cedddd168210ff632b3e814afa4cd7db"


def test_no_address_has_no_payer_digest():
    assert payer_email_digest("") == payer_email_digest("  ") == payer_email_digest(None) == ""
