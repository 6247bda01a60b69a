"""Koppel's BC client and settings pointed at an in-process BC simulator, as the container points them at BC."""

from __future__ import annotations

from typing import Any

import httpx
from pydantic import SecretStr

from integrations.businesscentral.client import BusinessCentralClient
from integrations.businesscentral.throttle import RequestThrottle
from integrations.businesscentral.token import ClientCredentialsToken
from integrations.settings import BC_DEFAULT_SCOPE, Settings
from localdev.simulators.businesscentral import BusinessCentralSimulator


def bc_client(bc: BusinessCentralSimulator) -> BusinessCentralClient:
    http = httpx.Client(timeout=30)
    token = ClientCredentialsToken(http, bc.token_url, bc.client_id, bc.client_secret, BC_DEFAULT_SCOPE)
    return BusinessCentralClient(
        http, f"{bc.api_base}/companies({bc.company_id})", token, RequestThrottle(5, 100), max_attempts=6
    )


def bc_settings(bc: BusinessCentralSimulator, **fields: Any) -> Settings:
    """Settings for the simulator's company; `fields` adds what a test needs (a published page's service name)."""
    return Settings(
        storage_connection=SecretStr("UseDevelopmentStorage=true"),
        bc_tenant_id=bc.config.tenant,
        bc_environment=bc.config.environment,
        bc_company_id=bc.company_id,
        bc_client_id=bc.client_id,
        bc_client_secret=SecretStr(bc.client_secret),
        bc_api_url=bc.url,
        bc_company_name=bc.company_name,
        shipping_account="8090",
        **fields,
    )
