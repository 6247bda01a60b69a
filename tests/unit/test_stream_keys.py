"""The keys of event streams and the work queues' messages: renamed in code, stored and queued as before."""

from domain.models import PaymentKey, StreamKey, WebOrderKey
from domain.records import StreamMessage

QUEUED_BEFORE = (
    '{"order_key":{"source":"woocommerce","shop":"shop-a","order_id":"1001"},'
    '"event_id":"evt-1","body":"{}","recheck":true}'
)
"""A message on the `orders` queue exactly as Koppel wrote it when it was an OrderMessage keyed by a WebOrderKey."""


def test_a_message_queued_before_the_rename_still_reads():
    message = StreamMessage.model_validate_json(QUEUED_BEFORE)

    assert message.stream == StreamKey(source="woocommerce", scope="shop-a", subject="1001")
    assert (message.event_id, message.body, message.recheck) == ("evt-1", "{}", True)


def test_a_message_is_queued_in_the_encoding_older_workers_read():
    stream = WebOrderKey(source="woocommerce", shop="shop-a", order_id="1001").stream

    assert StreamMessage(stream=stream, event_id="evt-1", body="{}", recheck=True).model_dump_json() == QUEUED_BEFORE


def test_a_web_order_and_its_event_stream_have_the_same_text():
    order = WebOrderKey(source="shopify", shop="main", order_id="5001")

    assert str(order.stream) == str(order) == "shopify:main:5001"
    assert WebOrderKey.of_stream(StreamKey.parse("shopify:main:5001")) == order


def test_a_payment_is_logged_under_provider_account_and_payment_id():
    payment = PaymentKey(provider="mollie", account="main", payment_id="tr_WDqYK6vllg")

    assert str(payment.stream) == "mollie:main:tr_WDqYK6vllg"
    assert PaymentKey.of_stream(payment.stream) == payment
