// The Koppel workbook (infra/workbooks/koppel.workbook.json) on the Application Insights resource: in the portal,
// Application Insights > Workbooks > Koppel. Its queries run against that resource (fallbackResourceIds).
param location string
param tags object
param appInsightsName string

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource workbook 'Microsoft.Insights/workbooks@2023-06-01' = {
  name: guid(appInsights.id, 'koppel-workbook')
  location: location
  tags: tags
  kind: 'shared'
  properties: {
    displayName: 'Koppel'
    category: 'workbook'
    sourceId: appInsights.id
    version: 'Notebook/1.0'
    serializedData: replace(loadTextContent('../workbooks/koppel.workbook.json'), '__KOPPEL_APP_INSIGHTS_ID__', appInsights.id)
  }
}

output name string = workbook.name
