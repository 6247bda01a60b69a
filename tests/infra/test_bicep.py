"""infra/*.bicep parsed with pycep-parser: the security properties and every app setting Koppel requires."""

import json
from pathlib import Path
from typing import Any, cast

import pytest
from pycep import BicepParser
from pydantic import SecretStr

from integrations.per_shop_settings import PER_SHOP_SETTINGS, shop_setting
from integrations.settings import TIMER_SCHEDULES, Settings
from integrations.shop_settings import ShopSettings

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
SHOP_LISTS = {"woocommerce": "woocommerce_shops", "shopify": "shopify_shops", "mollie": "mollie_accounts"}
SHOP_LISTS |= {"stripe": "stripe_accounts", "sendcloud": "sendcloud_accounts"}
SETTING_SUFFIX = "${toUpper(replace(shop, '-', '_'))}"
SECRET_SUFFIX = "${toUpper(replace(shop, '_', '-'))}"
SECRETISH = ("secret", "password", "token", "key", "connectionstring")
NOT_SECRETS = ("Name", "Uri", "Id", "secretSettings", "unusedSecrets", "appInsightsConnectionString")
"""Parameters named like a secret that are none: a name, an address, an id, setting names (secretSettings,
unusedSecrets), and Application Insights' connection string ("isn't considered a security token or key",
learn.microsoft.com azure-monitor/app/connection-strings; with local auth off ingestion needs Entra ID besides)."""


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
    assert settings["PYTHON_APPLICATIONINSIGHTS_ENABLE_TELEMETRY"] == "true"  # the worker exports its own logs


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


def per_shop_secrets() -> set[tuple[str, str]]:
    """(source, kind) of every per-shop setting marked secret in PER_SHOP_SETTINGS."""
    return {(source, kind) for kind, listed in PER_SHOP_SETTINGS.items() if listed.secret for source in listed.sources}


def generated_secrets(tree: dict[str, Any]) -> dict[tuple[str, str], dict[str, str]]:
    """Per (source, kind): the {name, value} template of the loop over shopNames.<source> that makes its Key Vault
    references, for each loop perShopReferences concatenates."""
    variables = tree["variables"]
    concatenated = variables["perShopReferences"]["value"]["function"]["parameters"].values()
    generated = {}
    for name in concatenated:
        loop = variables[name]["value"]
        source = loop["loop_type"]["detail"]["array_name"]["operator"]["operands"]["operand_2"]
        kind = loop["config"]["name"].removeprefix(f"KOPPEL_{source.upper()}_").removesuffix(f"_{SETTING_SUFFIX}")
        generated[(source, kind)] = loop["config"]
    return generated


def per_shop_secret_problems(tree: dict[str, Any]) -> list[str]:
    """What is wrong with the Key Vault references functionapp.bicep makes per shop (empty when all is well)."""
    generated = generated_secrets(tree)
    problems = [f"{source} {kind} not referenced" for source, kind in sorted(per_shop_secrets() - generated.keys())]
    problems += [f"{source} {kind} is not a secret" for source, kind in sorted(generated.keys() - per_shop_secrets())]
    for (source, kind), template in sorted(generated.items()):
        setting = template["name"].replace(SETTING_SUFFIX, "SHOP_A")
        reference = f"{KEY_VAULT_REFERENCE}SecretUri=${{keyVaultUri}}secrets/{setting.replace('_', '-')}/)"
        if setting != shop_setting(source, kind, "shop-a"):
            problems.append(f"{source} {kind} is named {setting}")
        if template["value"].replace(SECRET_SUFFIX, "SHOP-A") != reference:
            problems.append(f"{source} {kind} refers to {template['value']}")
    return problems


def test_every_per_shop_secret_is_a_key_vault_reference_made_from_the_shops() -> None:
    assert per_shop_secret_problems(parse(INFRA / "modules" / "functionapp.bicep")) == []


def test_a_per_shop_secret_left_out_fails() -> None:
    tree = parse(INFRA / "modules" / "functionapp.bicep")
    del tree["variables"]["perShopReferences"]["value"]["function"]["parameters"]["arg_2"]  # woocommerceApiSecret
    assert per_shop_secret_problems(tree) == ["woocommerce API_SECRET not referenced"]


def test_a_per_shop_secret_referenced_under_another_name_fails() -> None:
    tree = parse(INFRA / "modules" / "functionapp.bicep")
    template = tree["variables"]["shopifyToken"]["value"]["config"]
    template["value"] = template["value"].replace("KOPPEL-SHOPIFY-TOKEN-", "SHOPIFY-TOKEN-")
    assert per_shop_secret_problems(tree) == [f"shopify TOKEN refers to {template['value']}"]


def test_each_source_lists_its_shops_from_the_shops_parameter() -> None:
    tree = parse(INFRA / "modules" / "functionapp.bicep")
    lists = tree["variables"]["shopLists"]["value"]
    aliases = {source: ShopSettings.model_fields[field].validation_alias for source, field in SHOP_LISTS.items()}
    assert set(lists) == set(aliases.values())
    for source, alias in aliases.items():
        joined = lists[alias]["function"]["parameters"]
        assert joined["input_array"]["operator"]["operands"] == {"operand_1": "shopNames", "operand_2": source}
        assert joined["delimiter"] == ","
    assert {source for source, _ in per_shop_secrets()} == set(SHOP_LISTS)


def test_the_optional_secret_settings_are_the_settings_secrets_that_have_a_default() -> None:
    main = parse(INFRA / "main.bicep")
    decorators = main["parameters"]["secretSettings"]["decorators"]
    allowed = next(decorator["argument"] for decorator in decorators if decorator["type"] == "allowed")
    optional = {
        str(field.validation_alias)
        for field in Settings.model_fields.values()
        if field.annotation is SecretStr and not field.is_required()
    }
    assert set(allowed) == optional - {"AzureWebJobsStorage"}  # the host's storage signs in with the identity
    app = parse(INFRA / "modules" / "functionapp.bicep")["variables"]["optionalSecrets"]["value"]["config"]
    assert app["value"] == f"{KEY_VAULT_REFERENCE}SecretUri=${{keyVaultUri}}secrets/${{replace(setting, '_', '-')}}/)"


def test_koppel_settings_and_every_secret_looking_parameter_are_secure() -> None:
    for path in BICEP_FILES:
        for name, parameter in parse(path)["parameters"].items():
            secure = any(decorator["type"] == "secure" for decorator in parameter["decorators"])
            named_like_a_secret = any(word in name.lower() for word in SECRETISH)
            if name == "koppelSettings" or (named_like_a_secret and not name.endswith(NOT_SECRETS)):
                assert secure, f"{path.name}: {name}"


def test_the_app_settings_are_the_named_settings_then_the_secret_settings() -> None:
    tree = parse(INFRA / "modules" / "functionapp.bicep")
    site = tree["resources"]["app"]["config"]["properties"]["siteConfig"]
    concatenated = {"arg_1": "namedSettings", "arg_2": "optionalSecrets", "arg_3": "perShopSecrets"}
    assert site["appSettings"]["function"]["parameters"] == concatenated
    named = tree["variables"]["namedSettings"]["value"]["loop_type"]["detail"]["array_name"]
    merged = named["function"]["parameters"]["arg_1"]["function"]["parameters"]
    assert list(merged.values()) == ["timerSchedules", "koppelSettings", "shopLists", "appSettings"]


def test_every_timer_has_its_schedule() -> None:
    schedules = parse(INFRA / "modules" / "functionapp.bicep")["variables"]["timerSchedules"]["value"]
    assert set(schedules) == set(TIMER_SCHEDULES)


def secret_setting(name: str) -> bool:
    """Whether the setting named holds a secret: a SecretStr field of Settings, or a per-shop secret kind."""
    secret_fields = {
        str(field.validation_alias) for field in Settings.model_fields.values() if field.annotation is SecretStr
    }
    per_shop = {f"KOPPEL_{source.upper()}_{kind}_" for source, kind in per_shop_secrets()}
    return name in secret_fields or name.startswith(tuple(per_shop))


def test_the_parameters_file_gives_no_secret_in_koppel_settings() -> None:
    parameters = json.loads((INFRA / "main.parameters.json").read_text())["parameters"]
    assert [name for name in parameters["koppelSettings"]["value"] if secret_setting(name)] == []
    assert secret_setting("KOPPEL_STRIPE_API_KEY_MAIN")
    assert not secret_setting("KOPPEL_STRIPE_SHOP_MAIN")
