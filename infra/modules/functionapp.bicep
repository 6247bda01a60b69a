// Flex Consumption plan (FC1) and the Python 3.11 Function App, as Microsoft's Flex Consumption samples build them:
// deployment from a blob container with the user-assigned identity, identity-based AzureWebJobsStorage, and
// Application Insights with Entra ID auth. Secrets are Key Vault references resolved with the same identity.
param name string
param location string
param tags object
param identityId string
param identityClientId string
param storageAccountName string
param deploymentContainerName string
param appInsightsConnectionString string
param keyVaultUri string
param instanceMemoryMB int
param maximumInstanceCount int
param alwaysReady array
param httpPerInstanceConcurrency int
param bcTenantId string
param bcCompanyId string
param bcClientId string
param bcShippingAccount string
@secure()
param koppelSettings object
param shops object
param unusedSecrets array
param secretSettings array

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

// The shops and payment accounts, by source ({ woocommerce: ['shop-a'], mollie: ['main'] }): each name goes into
// its list setting, and each of its secret settings (integrations/shop_settings.py PER_SHOP_SETTINGS, secret=True)
// becomes a Key Vault reference to the secret named like the setting with '_' as '-' (KOPPEL_WOOCOMMERCE_SECRET_SHOP_A
// -> KOPPEL-WOOCOMMERCE-SECRET-SHOP-A). One loop per source and secret kind: checkov's Bicep parser reads no lambdas.
var shopNames = union({ woocommerce: [], shopify: [], mollie: [], stripe: [], sendcloud: [] }, shops)
var shopLists = {
  KOPPEL_WOOCOMMERCE_SHOPS: join(shopNames.woocommerce, ',')
  KOPPEL_SHOPIFY_SHOPS: join(shopNames.shopify, ',')
  KOPPEL_MOLLIE_ACCOUNTS: join(shopNames.mollie, ',')
  KOPPEL_STRIPE_ACCOUNTS: join(shopNames.stripe, ',')
  KOPPEL_SENDCLOUD_ACCOUNTS: join(shopNames.sendcloud, ',')
}
var woocommerceSecret = [for shop in shopNames.woocommerce: {
  name: 'KOPPEL_WOOCOMMERCE_SECRET_${toUpper(replace(shop, '-', '_'))}'
  value: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/KOPPEL-WOOCOMMERCE-SECRET-${toUpper(replace(shop, '_', '-'))}/)'
}]
var woocommerceApiSecret = [for shop in shopNames.woocommerce: {
  name: 'KOPPEL_WOOCOMMERCE_API_SECRET_${toUpper(replace(shop, '-', '_'))}'
  value: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/KOPPEL-WOOCOMMERCE-API-SECRET-${toUpper(replace(shop, '_', '-'))}/)'
}]
var shopifySecret = [for shop in shopNames.shopify: {
  name: 'KOPPEL_SHOPIFY_SECRET_${toUpper(replace(shop, '-', '_'))}'
  value: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/KOPPEL-SHOPIFY-SECRET-${toUpper(replace(shop, '_', '-'))}/)'
}]
var shopifyClientSecret = [for shop in shopNames.shopify: {
  name: 'KOPPEL_SHOPIFY_CLIENT_SECRET_${toUpper(replace(shop, '-', '_'))}'
  value: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/KOPPEL-SHOPIFY-CLIENT-SECRET-${toUpper(replace(shop, '_', '-'))}/)'
}]
var shopifyToken = [for shop in shopNames.shopify: {
  name: 'KOPPEL_SHOPIFY_TOKEN_${toUpper(replace(shop, '-', '_'))}'
  value: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/KOPPEL-SHOPIFY-TOKEN-${toUpper(replace(shop, '_', '-'))}/)'
}]
var mollieWebhookSecret = [for shop in shopNames.mollie: {
  name: 'KOPPEL_MOLLIE_WEBHOOK_SECRET_${toUpper(replace(shop, '-', '_'))}'
  value: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/KOPPEL-MOLLIE-WEBHOOK-SECRET-${toUpper(replace(shop, '_', '-'))}/)'
}]
var mollieApiKey = [for shop in shopNames.mollie: {
  name: 'KOPPEL_MOLLIE_API_KEY_${toUpper(replace(shop, '-', '_'))}'
  value: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/KOPPEL-MOLLIE-API-KEY-${toUpper(replace(shop, '_', '-'))}/)'
}]
var stripeWebhookSecret = [for shop in shopNames.stripe: {
  name: 'KOPPEL_STRIPE_WEBHOOK_SECRET_${toUpper(replace(shop, '-', '_'))}'
  value: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/KOPPEL-STRIPE-WEBHOOK-SECRET-${toUpper(replace(shop, '_', '-'))}/)'
}]
var stripeApiKey = [for shop in shopNames.stripe: {
  name: 'KOPPEL_STRIPE_API_KEY_${toUpper(replace(shop, '-', '_'))}'
  value: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/KOPPEL-STRIPE-API-KEY-${toUpper(replace(shop, '_', '-'))}/)'
}]
var sendcloudWebhookSecret = [for shop in shopNames.sendcloud: {
  name: 'KOPPEL_SENDCLOUD_WEBHOOK_SECRET_${toUpper(replace(shop, '-', '_'))}'
  value: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/KOPPEL-SENDCLOUD-WEBHOOK-SECRET-${toUpper(replace(shop, '_', '-'))}/)'
}]
var optionalSecrets = [for setting in secretSettings: {
  name: setting
  value: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/${replace(setting, '_', '-')}/)'
}]
var perShopReferences = concat(woocommerceSecret, woocommerceApiSecret, shopifySecret, shopifyClientSecret, shopifyToken, mollieWebhookSecret, mollieApiKey, stripeWebhookSecret, stripeApiKey, sendcloudWebhookSecret)
// A per-shop secret the shop does not use (listed in unusedSecrets, e.g. a Shopify shop's TOKEN beside its client
// credentials) is set empty instead: Koppel reads an empty per-shop setting as unset, and refuses to start with an
// unresolved reference (integrations/shop_settings.py). A listed name no shop has changes nothing.
var perShopSecrets = [for setting in perShopReferences: {
  name: setting.name
  value: contains(unusedSecrets, setting.name) ? '' : setting.value
}]

// The timers' NCRONTAB schedules (integrations/settings.py TIMER_SCHEDULES): the host cannot index a timer whose
// %SETTING% is missing. koppelSettings overrides them.
var timerSchedules = {
  KOPPEL_RECOVERY_SCHEDULE: '0 */5 * * * *'
  KOPPEL_CATALOG_SCHEDULE: '0 */15 * * * *'
  KOPPEL_PORTAL_CATALOG_SCHEDULE: '0 */15 * * * *'
  KOPPEL_BOOKING_SCHEDULE: '0 */5 * * * *'
  KOPPEL_BC_SUBSCRIPTION_SCHEDULE: '0 0 * * * *'
  KOPPEL_SHIPMENTS_SCHEDULE: '0 */5 * * * *'
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  //checkov:skip=CKV_AZURE_225:zone redundancy on Flex Consumption is offered in some regions only; a choice per installation, not a default
  name: 'plan-${name}'
  location: location
  tags: tags
  kind: 'functionapp'
  sku: { name: 'FC1', tier: 'FlexConsumption' }
  properties: { reserved: true }
}

// BC's limits hold per app registration across every process (docs/operations.md, "BC throttling and outages"). Up
// to maximumInstanceCount processes run each function group that calls BC (the http group and the orders, payments
// and bc-notifications queue functions), one runs each timer that calls BC (catalog_sync, portal_catalog,
// payment_booking, bc_subscriptions, shipments: timers are singletons); each process gets an equal share of BC's 5 requests
// processed at once (at least 1; BC queues the rest, up to 100 in all) and of 5,800 of its 6,000 per 5 minutes.
var bcScalingGroups = 4
var bcSingletonTimers = 5
var bcProcesses = (maximumInstanceCount * bcScalingGroups) + bcSingletonTimers
var bcMaxInFlight = max(1, 5 / bcProcesses)
var bcRequestsPer5Minutes = 5800 / bcProcesses

var appSettings = {
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  AzureWebJobsStorage__blobServiceUri: 'https://${storageAccountName}.blob.${environment().suffixes.storage}/'
  AzureWebJobsStorage__queueServiceUri: 'https://${storageAccountName}.queue.${environment().suffixes.storage}/'
  AzureWebJobsStorage__tableServiceUri: 'https://${storageAccountName}.table.${environment().suffixes.storage}/'
  APPLICATIONINSIGHTS_CONNECTION_STRING: appInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
  // With host.json's telemetryMode OpenTelemetry: the Python worker exports its own logs and spans to Application
  // Insights and the host stops forwarding them, so none arrives twice (integrations/telemetry/setup.py).
  PYTHON_APPLICATIONINSIGHTS_ENABLE_TELEMETRY: 'true'
  KOPPEL_BC_TENANT_ID: bcTenantId
  KOPPEL_BC_COMPANY_ID: bcCompanyId
  KOPPEL_BC_CLIENT_ID: bcClientId
  KOPPEL_BC_SHIPPING_ACCOUNT: bcShippingAccount
  KOPPEL_BC_CLIENT_SECRET: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/KOPPEL-BC-CLIENT-SECRET/)'
  KOPPEL_BC_MAX_IN_FLIGHT: string(bcMaxInFlight)
  KOPPEL_BC_REQUESTS_PER_5_MINUTES: string(bcRequestsPer5Minutes)
}

// Koppel's named settings (koppelSettings overrides the schedules; the settings above override koppelSettings),
// then the secret settings (Key Vault references; empty for unusedSecrets). A variable's for-body takes only values
// known when the deployment starts (Bicep BCP182): hence the storage URIs from the account name (standard endpoints,
// storage.bicep), not primaryEndpoints.
var namedSettings = [for setting in items(union(timerSchedules, koppelSettings, shopLists, appSettings)): {
  name: setting.key
  value: setting.value
}]

resource app 'Microsoft.Web/sites@2024-04-01' = {
  //checkov:skip=CKV_AZURE_222:shops, payment providers, the portal and BC post webhooks to the app from the internet
  //checkov:skip=CKV_AZURE_17:those webhook senders present no client certificates; every webhook is signed and checked instead
  //checkov:skip=CKV_AZURE_212:a consumption plan scales instances on demand; alwaysReady (a parameter) keeps warm ones if wanted
  //checkov:skip=CKV_AZURE_213:App Service health check (instance replacement) is not a Flex Consumption feature; the preflight endpoint checks the installation
  name: name
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      appSettings: concat(namedSettings, optionalSecrets, perShopSecrets)
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
        alwaysReady: alwaysReady
        triggers: {
          http: { perInstanceConcurrency: httpPerInstanceConcurrency }
        }
      }
      runtime: { name: 'python', version: '3.11' }
    }
  }
}

output name string = app.name
