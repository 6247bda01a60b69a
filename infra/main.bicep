// Koppel on Azure Functions Flex Consumption, modelled on Azure-Samples/functions-quickstart-python-http-azd
// (infra/main.bicep, app/api.bicep, app/rbac.bicep) with plain resources instead of AVM modules.
targetScope = 'resourceGroup'

@description('azd environment name; resource names derive from it.')
param environmentName string

@description('Azure region of every resource.')
param location string = resourceGroup().location

@description('Flex Consumption instance memory in MB (512, 2048 or 4096).')
@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

@description('Most on-demand instances of each function group (http, and each queue function on its own). BC\'s limits hold per app registration across all of them: the BC limits of each process follow from it (modules/functionapp.bicep), and above 23 the worst case passes BC\'s 100 requests processed and queued. Values below 40 need a region that accepts them (docs/operations.md, "BC throttling and outages").')
@minValue(1)
@maxValue(23)
param maximumInstanceCount int = 3

@description('Always-ready instances per function group or function, e.g. [{ name: \'http\', instanceCount: 1 }].')
param alwaysReady array = []

@description('Concurrent HTTP requests per instance (the http function group).')
param httpPerInstanceConcurrency int = 16

@description('KOPPEL_BC_TENANT_ID: the BC tenant (directory) id.')
@minLength(1)
param bcTenantId string

@description('KOPPEL_BC_COMPANY_ID: the BC company id.')
@minLength(1)
param bcCompanyId string

@description('KOPPEL_BC_CLIENT_ID: the app registration Koppel signs in to BC with.')
@minLength(1)
param bcClientId string

@description('KOPPEL_BC_SHIPPING_ACCOUNT: the G/L account shipping lines are booked on.')
@minLength(1)
param bcShippingAccount string

@description('Every other Koppel setting (docs/settings.md) that is not a secret, per-shop ones included, as name: value. Secrets come from the Key Vault: `shops` and `secretSettings` make their references.')
@secure()
param koppelSettings object = {}

@description('The shops and payment accounts by source, e.g. { woocommerce: [\'shop-a\'], mollie: [\'main\'] } (sources woocommerce, shopify, mollie, stripe, sendcloud): each goes into KOPPEL_<SOURCE>_SHOPS / _ACCOUNTS and its secret settings become Key Vault references (infra/README.md, "Adding a shop").')
param shops object = {}

@description('The per-shop secret settings of `shops` a shop or account does not use, e.g. [\'KOPPEL_SHOPIFY_TOKEN_B2C\'] (a Shopify shop with client credentials): each is set empty instead of a Key Vault reference, which Koppel reads as unset. A name `shops` does not make changes nothing (infra/README.md, "Adding a shop").')
param unusedSecrets array = []

@description('The optional secret settings this installation uses; each becomes a Key Vault reference to the secret named like it with \'_\' as \'-\'.')
@allowed(['KOPPEL_PORTAL_SECRET', 'KOPPEL_BC_NOTIFICATION_URL', 'KOPPEL_BC_WEBHOOK_CLIENT_STATE'])
param secretSettings array = []

@description('E-mail address the alerts go to; empty: the alerts show in the portal only.')
param opsEmail string = ''

@description('Minutes the oldest message of a queue may wait before it alerts.')
param queueAgeMinutes int = 15

@description('How much the attention list may grow in an hour before it alerts.')
param attentionGrowth int = 5

@description('Percentage of BC requests answered 429 within 15 minutes above which it alerts.')
param bcThrottledPercent int = 5

var token = toLower(uniqueString(subscription().id, resourceGroup().id, environmentName))
var tags = { 'azd-env-name': environmentName }
var functionAppName = 'func-koppel-${token}'
var deploymentContainerName = 'app-package-${take(token, 8)}'

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-koppel-${token}'
  location: location
  tags: tags
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: 'stkoppel${take(token, 14)}'
    location: location
    tags: tags
    deploymentContainerName: deploymentContainerName
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    name: 'koppel-${token}'
    location: location
    tags: tags
  }
}

module alerts 'modules/alerts.bicep' = {
  name: 'alerts'
  params: {
    name: 'koppel-${token}'
    location: location
    tags: tags
    appInsightsName: monitoring.outputs.appInsightsName
    workspaceName: monitoring.outputs.workspaceName
    opsEmail: opsEmail
    queueAgeMinutes: queueAgeMinutes
    attentionGrowth: attentionGrowth
    bcThrottledPercent: bcThrottledPercent
  }
}

module workbook 'modules/workbook.bicep' = {
  name: 'workbook'
  params: {
    location: location
    tags: tags
    appInsightsName: monitoring.outputs.appInsightsName
  }
}

module vault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    name: 'kv-koppel-${take(token, 12)}'
    location: location
    tags: tags
  }
}

module roles 'modules/roles.bicep' = {
  name: 'roles'
  params: {
    principalId: identity.properties.principalId
    storageAccountName: storage.outputs.name
    appInsightsName: monitoring.outputs.appInsightsName
    keyVaultName: vault.outputs.name
  }
}

module app 'modules/functionapp.bicep' = {
  name: 'functionapp'
  dependsOn: [roles]
  params: {
    name: functionAppName
    location: location
    tags: union(tags, { 'azd-service-name': 'api' })
    identityId: identity.id
    identityClientId: identity.properties.clientId
    storageAccountName: storage.outputs.name
    deploymentContainerName: deploymentContainerName
    appInsightsConnectionString: monitoring.outputs.connectionString
    keyVaultUri: vault.outputs.uri
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    alwaysReady: alwaysReady
    httpPerInstanceConcurrency: httpPerInstanceConcurrency
    bcTenantId: bcTenantId
    bcCompanyId: bcCompanyId
    bcClientId: bcClientId
    bcShippingAccount: bcShippingAccount
    koppelSettings: koppelSettings
    shops: shops
    unusedSecrets: unusedSecrets
    secretSettings: secretSettings
  }
}

output AZURE_FUNCTION_APP_NAME string = app.outputs.name
output AZURE_KEY_VAULT_NAME string = vault.outputs.name
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
