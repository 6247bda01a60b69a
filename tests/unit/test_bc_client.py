"""How the BC client reads a refused write: a stale ETag means nothing was written, so it is retried after a new
read, never parked as BC's refusal of the content.

BC answers a stale If-Match with 409 and code `Request_EntityChanged` ("Another user has already changed the
record"; the OData error table in MicrosoftDocs/dynamics365smb-devitpro-pb, dev-itpro/webservices); 412 is how other
OData services say the same, taken alike."""

import httpx
import pytest

from domain.errors import BusinessCentralRejected, RetryableError
from integrations.businesscentral.client import BusinessCentralClient
from integrations.businesscentral.throttle import RequestThrottle
from integrations.businesscentral.token import ClientCredentialsToken

COMPANY = "https://bc.test/v2.0/tenant/production/api/v2.0/companies(c1)"


def _client(status: int, code: str) -> BusinessCentralClient:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/token"):
            return httpx.Response(200, json={"access_token": "t", "expires_in": 3600, "token_type": "Bearer"})
        return httpx.Response(status, json={"error": {"code": code, "message": "Another user has already changed"}})

    http = httpx.Client(transport=httpx.MockTransport(answer))
    token = ClientCredentialsToken(http, "https://login.test/tenant/token", "id", "secret", "scope")
    return BusinessCentralClient(http, COMPANY, token, RequestThrottle(5, 5800), max_attempts=6)


@pytest.mark.parametrize("status", [409, 412])
def test_a_stale_etag_is_retried_not_taken_for_a_refusal(status: int) -> None:
    with pytest.raises(RetryableError, match=f"BC answered {status}"):
        _client(status, "Request_EntityChanged").patch("salesOrders(o1)", {"externalDocumentNumber": "1001"}, 'W/"1"')


def test_a_refusal_of_the_content_is_bcs_word() -> None:
    with pytest.raises(BusinessCentralRejected):
        _client(400, "BadRequest_PropertyNotFound").post("salesOrders", {"nope": 1})
