// Log search alert rules over Koppel's telemetry in Application Insights (customMetrics, see docs/operations.md
// "Alerts"), and the action group they notify. Each rule queries with its own user-assigned identity, which holds
// Reader on the workspace and the component: with an identity the rule does not borrow the rights of whoever last
// deployed it (learn.microsoft.com/azure/azure-monitor/alerts/alerts-create-log-alert-rule, "Identity").
param name string
param location string
param tags object
param appInsightsName string
param workspaceName string

@description('Where alerts are e-mailed; empty: the action group has no receivers (alerts still show in the portal).')
param opsEmail string

@description('Minutes the oldest message of a queue may wait before it alerts.')
param queueAgeMinutes int

@description('How much the attention list may grow in an hour before it alerts.')
param attentionGrowth int

@description('Percentage of BC requests answered 429 in 15 minutes above which it alerts.')
param bcThrottledPercent int

var reader = 'acdd72a7-3385-48ef-bd42-f606fba81ae7'

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' existing = {
  name: workspaceName
}

resource alertIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-${name}-alerts'
  location: location
  tags: tags
}

resource readsWorkspace 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(workspace.id, alertIdentity.id, reader)
  scope: workspace
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', reader)
    principalId: alertIdentity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource readsAppInsights 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, alertIdentity.id, reader)
  scope: appInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', reader)
    principalId: alertIdentity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource ops 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: 'ag-${name}'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'koppel-ops'
    enabled: true
    emailReceivers: empty(opsEmail) ? [] : [{ name: 'ops', emailAddress: opsEmail, useCommonAlertSchema: true }]
  }
}

// The poison functions take a message off its poison queue at once (marking it failed, logging "... gave up"):
// a message counts from its log line, and while it still waits on the queue (its poison function failing too).
var poisonQueueQuery = '''
let waiting = customMetrics
| where name == "koppel.queue.length"
| extend queue = tostring(customDimensions["koppel.queue"])
| where queue endswith "-poison"
| summarize arg_max(timestamp, value) by queue
| project queue, messages = value;
let givenUp = traces
| where severityLevel >= 3 and message has "gave up"
| extend queue = case(message startswith "order ", "orders-poison", message startswith "payment ", "payments-poison", message startswith "carrier event ", "carrier-events-poison", "bc-notifications-poison")
| summarize messages = todouble(count()) by queue;
union waiting, givenUp
| summarize messages = sum(messages) by queue
'''

var oldestMessageQuery = '''
customMetrics
| where name == "koppel.queue.oldest_age"
| extend queue = tostring(customDimensions["koppel.queue"])
| where not(queue endswith "-poison")
| summarize arg_max(timestamp, value) by queue
| project queue, ageMinutes = value / 60
'''

var attentionGrowingQuery = '''
customMetrics
| where timestamp > ago(1h) and name == "koppel.attention.size"
| summarize (firstAt, sizeBefore) = arg_min(timestamp, value), (lastAt, sizeNow) = arg_max(timestamp, value)
| project growth = sizeNow - sizeBefore
'''

// Runs seen in the last two days whose latest completion is more than an hour ago (or that never completed).
var runsNotCompletingQuery = '''
customMetrics
| where timestamp > ago(2d) and name == "koppel.runs"
| extend run = tostring(customDimensions["koppel.run"]), outcome = tostring(customDimensions["koppel.outcome"])
| where run == "payments-bc" or run == "portal-catalog" or run startswith "catalog-" or run == "bc-shipments"
    or run == "shop-shipments" or run == "shop-carrier-events" or run == "credit-memo-refunds" or run == "shop-refunds"
    or run == "portal-returns"
| summarize lastCompleted = maxif(timestamp, outcome == "completed") by run
| project run, minutesSinceCompleted = datetime_diff("minute", now(), coalesce(lastCompleted, ago(2d)))
'''

// The keeper renews BC's webhook subscriptions (hourly by default; BC drops a subscription after three days).
var subscriptionKeeperQuery = '''
customMetrics
| where timestamp > ago(2d) and name == "koppel.runs"
| extend run = tostring(customDimensions["koppel.run"]), outcome = tostring(customDimensions["koppel.outcome"])
| where run == "bc-subscriptions"
| summarize lastCompleted = maxif(timestamp, outcome == "completed"), lastFailed = maxif(timestamp, outcome == "failed") by run
| project run, failing = iff(isnull(lastCompleted) or lastCompleted < ago(3h) or lastFailed > lastCompleted, 1, 0)
'''

// A few 429s are retried and harmless: at least 5 in the 15 minutes before the share counts.
var bcThrottledQuery = '''
customMetrics
| where timestamp > ago(15m) and name in ("koppel.bc.requests", "koppel.bc.throttled")
| summarize requests = sumif(value, name == "koppel.bc.requests"), throttled = sumif(value, name == "koppel.bc.throttled")
| where throttled >= 5
| project throttledPercent = 100.0 * throttled / requests
'''

var reconciliationQuery = '''
customMetrics
| where timestamp > ago(2d) and name == "koppel.reconciliation.differences"
| summarize arg_max(timestamp, value)
| project differences = value
'''

// One entry per alert: docs/operations.md "Alerts" says what each means and what to do.
var alertRules = [
  {
    key: 'poison-queue'
    title: 'Koppel: a message went to a poison queue'
    severity: 2
    frequency: 'PT5M'
    window: 'PT15M'
    lookback: 'PT15M'
    query: poisonQueueQuery
    measure: 'messages'
    splitBy: 'queue'
    threshold: 0
  }
  {
    key: 'oldest-message'
    title: 'Koppel: a queue message waits too long'
    severity: 2
    frequency: 'PT5M'
    window: 'PT15M'
    lookback: 'PT15M'
    query: oldestMessageQuery
    measure: 'ageMinutes'
    splitBy: 'queue'
    threshold: queueAgeMinutes
  }
  {
    key: 'attention-growing'
    title: 'Koppel: the attention list is growing'
    severity: 3
    frequency: 'PT15M'
    window: 'PT1H'
    lookback: 'PT1H'
    query: attentionGrowingQuery
    measure: 'growth'
    splitBy: ''
    threshold: attentionGrowth
  }
  {
    key: 'run-not-completed'
    title: 'Koppel: the booking or a catalog run has not completed for an hour'
    severity: 2
    frequency: 'PT15M'
    window: 'PT1H'
    lookback: 'P2D'
    query: runsNotCompletingQuery
    measure: 'minutesSinceCompleted'
    splitBy: 'run'
    threshold: 60
  }
  {
    key: 'subscription-keeper'
    title: 'Koppel: the BC subscription keeper is failing'
    severity: 2
    frequency: 'PT15M'
    window: 'PT1H'
    lookback: 'P2D'
    query: subscriptionKeeperQuery
    measure: 'failing'
    splitBy: ''
    threshold: 0
  }
  {
    key: 'bc-throttled'
    title: 'Koppel: BC answers 429 (throttled) too often'
    severity: 3
    frequency: 'PT5M'
    window: 'PT15M'
    lookback: 'PT15M'
    query: bcThrottledQuery
    measure: 'throttledPercent'
    splitBy: ''
    threshold: bcThrottledPercent
  }
  {
    key: 'reconciliation-differences'
    title: 'Koppel: the reconciliation found differences'
    severity: 3
    frequency: 'PT1H'
    window: 'PT1H'
    lookback: 'P2D'
    query: reconciliationQuery
    measure: 'differences'
    splitBy: ''
    threshold: 0
  }
]

resource rules 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = [
  for rule in alertRules: {
    name: '${name}-${rule.key}'
    location: location
    tags: tags
    kind: 'LogAlert'
    identity: {
      type: 'UserAssigned'
      userAssignedIdentities: { '${alertIdentity.id}': {} }
    }
    dependsOn: [readsWorkspace, readsAppInsights]
    properties: {
      displayName: rule.title
      description: 'See docs/operations.md, Alerts: ${rule.key}.'
      severity: rule.severity
      enabled: true
      scopes: [appInsights.id]
      evaluationFrequency: rule.frequency
      windowSize: rule.window
      overrideQueryTimeRange: rule.lookback
      autoMitigate: true
      criteria: {
        allOf: [
          {
            query: rule.query
            timeAggregation: 'Maximum'
            metricMeasureColumn: rule.measure
            dimensions: empty(rule.splitBy) ? [] : [{ name: rule.splitBy, operator: 'Include', values: ['*'] }]
            operator: 'GreaterThan'
            threshold: rule.threshold
            failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 }
          }
        ]
      }
      actions: { actionGroups: [ops.id] }
    }
  }
]

output actionGroupName string = ops.name
