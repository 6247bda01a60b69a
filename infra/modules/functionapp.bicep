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
param koppelSettings object

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
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

var appSettings = {
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  AzureWebJobsStorage__blobServiceUri: storage.properties.primaryEndpoints.blob
  AzureWebJobsStorage__queueServiceUri: storage.properties.primaryEndpoints.queue
  AzureWebJobsStorage__tableServiceUri: storage.properties.primaryEndpoints.table
  APPLICATIONINSIGHTS_CONNECTION_STRING: appInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
  KOPPEL_BC_TENANT_ID: bcTenantId
  KOPPEL_BC_COMPANY_ID: bcCompanyId
  KOPPEL_BC_CLIENT_ID: bcClientId
  KOPPEL_BC_SHIPPING_ACCOUNT: bcShippingAccount
  KOPPEL_BC_CLIENT_SECRET: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/KOPPEL-BC-CLIENT-SECRET/)'
}

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
      appSettings: [for setting in items(union(koppelSettings, appSettings)): { name: setting.key, value: setting.value }]
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
