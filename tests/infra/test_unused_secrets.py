"""functionapp.bicep's `unusedSecrets`: a per-shop secret setting listed there is set empty, every other one stays a
Key Vault reference. The parsed tree is evaluated for given `shops` and `unusedSecrets`, as Azure would.

A name in `unusedSecrets` that no shop makes is ignored (Bicep without lambdas cannot check the list against the
names made): the setting meant keeps its reference, and Koppel refuses to start naming it when its secret is missing.
"""

import json
from typing import Any

from integrations.per_shop_settings import shop_setting
from tests.infra.test_bicep import INFRA, KEY_VAULT_REFERENCE, SECRET_SUFFIX, SETTING_SUFFIX, generated_secrets, parse

SHOPS = {"woocommerce": ["shop-a"], "shopify": ["b2c", "b2b"], "mollie": ["main"], "stripe": ["eu"]}


def evaluate(expression: Any, scope: dict[str, Any]) -> Any:
    """A parsed Bicep expression of the kinds perShopSecrets uses: a name in scope (else a string literal; pycep
    gives both as text), `a.b`, `contains(a, b)` and `c ? x : y`."""
    if isinstance(expression, str):
        return scope.get(expression, expression)
    if "function" in expression:
        function = expression["function"]
        assert function["type"] == "contains"
        container, item = (evaluate(argument, scope) for argument in function["parameters"].values())
        return item in container
    operator = expression["operator"]
    operands = operator["operands"]
    if operator["type"] == "property_accessor":
        return evaluate(operands["operand_1"], scope)[operands["operand_2"]]
    assert operator["type"] == "conditional"
    chosen = "true_value" if evaluate(operands["condition"], scope) else "false_value"
    return evaluate(operands[chosen], scope)


def per_shop_secret_settings(shops: dict[str, list[str]], unused: list[str]) -> dict[str, str]:
    """name: value of each per-shop secret app setting functionapp.bicep makes for these parameters; the Key Vault
    address stays `${keyVaultUri}`."""
    tree = parse(INFRA / "modules" / "functionapp.bicep")
    references = [
        {
            "name": template["name"].replace(SETTING_SUFFIX, shop.upper().replace("-", "_")),
            "value": template["value"].replace(SECRET_SUFFIX, shop.upper().replace("_", "-")),
        }
        for (source, _), template in generated_secrets(tree).items()
        for shop in shops.get(source, [])
    ]
    loop = tree["variables"]["perShopSecrets"]["value"]
    assert loop["loop_type"]["detail"]["array_name"] == "perShopReferences"
    item = loop["loop_type"]["detail"]["item_name"]
    settings = [
        {
            key: evaluate(expression, {item: reference, "unusedSecrets": unused})
            for key, expression in loop["config"].items()
        }
        for reference in references
    ]
    return {setting["name"]: setting["value"] for setting in settings}


def test_without_unused_secrets_every_per_shop_secret_is_a_key_vault_reference() -> None:
    settings = per_shop_secret_settings(SHOPS, [])
    assert len(settings) == 2 + 3 * 2 + 2 + 2
    assert all(value.startswith(KEY_VAULT_REFERENCE) for value in settings.values())


def test_a_listed_unused_secret_is_empty_and_the_others_stay_references() -> None:
    unused = [shop_setting("shopify", "TOKEN", "b2c"), shop_setting("mollie", "WEBHOOK_SECRET", "main")]
    settings = per_shop_secret_settings(SHOPS, unused)
    assert {name for name, value in settings.items() if value == ""} == set(unused)
    others = [value for name, value in settings.items() if name not in unused]
    assert all(value.startswith(KEY_VAULT_REFERENCE) for value in others)
    b2b_token = settings[shop_setting("shopify", "TOKEN", "b2b")]
    assert b2b_token == f"{KEY_VAULT_REFERENCE}SecretUri=${{keyVaultUri}}secrets/KOPPEL-SHOPIFY-TOKEN-B2B/)"


def test_an_unused_secret_no_shop_makes_changes_nothing() -> None:
    settings = per_shop_secret_settings(SHOPS, [shop_setting("shopify", "TOKEN", "other"), "KOPPEL_PORTAL_SECRET"])
    assert settings == per_shop_secret_settings(SHOPS, [])


def test_unused_secrets_comes_from_the_azd_environment_through_main_bicep() -> None:
    main = parse(INFRA / "main.bicep")
    assert main["parameters"]["unusedSecrets"]["default"] == []
    assert main["modules"]["app"]["config"]["params"]["unusedSecrets"] == "unusedSecrets"
    parameters = json.loads((INFRA / "main.parameters.json").read_text())["parameters"]
    assert parameters["unusedSecrets"] == {"value": "${KOPPEL_UNUSED_SECRETS}"}
