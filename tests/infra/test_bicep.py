"""infra/*.bicep parsed with pycep-parser: the security properties and every app setting Koppel requires."""

from pathlib import Path
from typing import Any, cast

import pytest
from pycep import BicepParser
from pydantic import SecretStr

from integrations.settings import Settings

INFRA = Path(__file__).resolve().parents[2] / "infra"
BICEP_FILES = sorted(INFRA.rglob("*.bicep"))
KEY_VAULT_REFERENCE = "@Microsoft.KeyVault("
ROLES = {
    "b7e6dc6d-f1e8-4753-8033-0f276bb0955b": "Storage Blob Data Owner",
    "974c5e8b-45b9-4653-ba55-5f855dd0fb88": "Storage Queue Data Contributor",
    "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3": "Storage Table Data Contributor",
    "3913510d-42f4-4e42-8a64-420c390055eb": "Monitoring Metrics Publisher",
    "4633458b-17de-408a-b874-0445c86b69e6": "Key Vault Secrets User",
}
IDENTITY_SETTINGS = {
    "AzureWebJobsStorage__credential",
    "AzureWebJobsStorage__clientId",
    "AzureWebJobsStorage__blobServiceUri",
    "AzureWebJobsStorage__queueServiceUri",
    "AzureWebJobsStorage__tableServiceUri",
    "APPLICATIONINSIGHTS_CONNECTION_STRING",
    "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
}


def parse(path: Path) -> dict[str, Any]:
    return cast("dict[str, Any]", BicepParser().parse(file_path=path))


def resources(resource_type: str) -> list[dict[str, Any]]:
    """The config of every resource of that type the Bicep creates (not `existing` references)."""
    found = []
    for path in BICEP_FILES:
        for resource in parse(path).get("resources", {}).values():
            if resource["type"] == resource_type and not resource["existing"]:
                found.append(resource["config"])
    return found


def required_settings() -> dict[str, bool]:
    """Each app setting without a default in the Settings model, and whether it is a secret."""
    return {
        str(field.validation_alias): field.annotation is SecretStr
        for field in Settings.model_fields.values()
        if field.is_required()
    }


def app_settings_problems(tree: dict[str, Any]) -> list[str]:
    """What is wrong with the app settings of functionapp.bicep's parsed tree (empty when all is well)."""
    settings = tree["variables"]["appSettings"]["value"]
    problems = [f"{name} missing" for name in sorted(IDENTITY_SETTINGS - settings.keys())]
    for name, secret in required_settings().items():
        if name not in settings:
            problems.append(f"{name} missing")
        elif secret and not str(settings[name]).startswith(KEY_VAULT_REFERENCE):
            problems.append(f"{name} is a secret but not a Key Vault reference")
    return problems


def test_every_bicep_file_parses() -> None:
    assert {path.name for path in BICEP_FILES} >= {"main.bicep", "functionapp.bicep", "roles.bicep"}
    for path in BICEP_FILES:
        assert parse(path)["resources"] or parse(path).get("modules")


def test_storage_has_no_shared_keys_no_public_blobs_and_tls_1_2() -> None:
    accounts = resources("Microsoft.Storage/storageAccounts")
    assert accounts
    for account in accounts:
        properties = account["properties"]
        assert properties["allowSharedKeyAccess"] is False
        assert properties["allowBlobPublicAccess"] is False
        assert properties["minimumTlsVersion"] == "TLS1_2"


def test_application_insights_has_local_auth_off() -> None:
    components = resources("Microsoft.Insights/components")
    assert components
    assert all(component["properties"]["DisableLocalAuth"] is True for component in components)


def test_key_vault_uses_rbac() -> None:
    vaults = resources("Microsoft.KeyVault/vaults")
    assert vaults
    assert all(vault["properties"]["enableRbacAuthorization"] is True for vault in vaults)


def test_the_identity_gets_the_five_roles() -> None:
    tree = parse(INFRA / "modules" / "roles.bicep")
    guids = {name: variable["value"] for name, variable in tree["variables"].items()}
    granted = set()
    for resource in tree["resources"].values():
        if resource["type"] == "Microsoft.Authorization/roleAssignments":
            properties = resource["config"]["properties"]
            role = properties["roleDefinitionId"]["function"]["parameters"]["resource_name_1"]
            assert properties["principalId"] == "principalId"
            granted.add(guids[role])
    assert granted == set(ROLES)
    main = parse(INFRA / "main.bicep")
    principal = main["modules"]["roles"]["config"]["params"]["principalId"]
    assert principal["operator"]["operands"]["operand_1"] == "identity"


def test_the_app_runs_python_3_11_on_flex_consumption_with_the_identity() -> None:
    tree = parse(INFRA / "modules" / "functionapp.bicep")
    plan = tree["resources"]["plan"]["config"]
    assert plan["sku"] == {"name": "FC1", "tier": "FlexConsumption"}
    app = tree["resources"]["app"]["config"]["properties"]
    assert app["keyVaultReferenceIdentity"] == "identityId"
    config = app["functionAppConfig"]
    assert config["runtime"] == {"name": "python", "version": "3.11"}
    assert config["deployment"]["storage"]["authentication"]["type"] == "UserAssignedIdentity"
    settings = tree["variables"]["appSettings"]["value"]
    assert settings["AzureWebJobsStorage__credential"] == "managedidentity"
    assert settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"] == "ClientId=${identityClientId};Authorization=AAD"


def test_every_setting_koppel_requires_is_set() -> None:
    assert app_settings_problems(parse(INFRA / "modules" / "functionapp.bicep")) == []


@pytest.mark.parametrize("name", sorted(required_settings()))
def test_a_missing_required_setting_fails(name: str) -> None:
    tree = parse(INFRA / "modules" / "functionapp.bicep")
    del tree["variables"]["appSettings"]["value"][name]
    assert app_settings_problems(tree) == [f"{name} missing"]


def test_a_secret_given_as_plain_text_fails() -> None:
    tree = parse(INFRA / "modules" / "functionapp.bicep")
    tree["variables"]["appSettings"]["value"]["KOPPEL_BC_CLIENT_SECRET"] = "bicepSecretParameter"
    assert app_settings_problems(tree) == ["KOPPEL_BC_CLIENT_SECRET is a secret but not a Key Vault reference"]
