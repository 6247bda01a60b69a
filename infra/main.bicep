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

@description('Most instances each function group scales out to (http, and each queue function on its own): BC limits are per app registration across all of them, so keep it low.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

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

@description('Every other Koppel setting (docs/settings.md), per-shop ones included, as name: value; a secret as a Key Vault reference, @Microsoft.KeyVault(VaultName=<vault>;SecretName=<name>).')
param koppelSettings object = {}

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
  }
}

output AZURE_FUNCTION_APP_NAME string = app.outputs.name
output AZURE_KEY_VAULT_NAME string = vault.outputs.name
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
