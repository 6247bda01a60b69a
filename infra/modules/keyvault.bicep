// Key Vault holding every Koppel secret; access by Azure RBAC only (Key Vault Secrets User for the identity).
// Secrets are set by the operator (`az keyvault secret set`), never passed through a deployment.
param name string
param location string
param tags object

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  //checkov:skip=CKV_AZURE_109:the app resolves Key Vault references over the public endpoint (no VNet integration); access is RBAC only
  //checkov:skip=CKV_AZURE_189:same reason: without private endpoints the Functions platform needs the public endpoint
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
  }
}

output name string = vault.name
output uri string = vault.properties.vaultUri
