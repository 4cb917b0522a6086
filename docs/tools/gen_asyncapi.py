import json
msgs = [
 ("item.submitted","ItemSubmitted","relay.import-item","An operator submitted an item; the API key travels sealed (AES-GCM), never plain.",
  {"runId":"uuid","itemId":"uuid","attempt":"integer","baseUrl":"string","apiKey":"SealedSecret","vendorHint":"string?","requestedModel":"string?","occurredAt":"date-time"}),
 ("item.probed","ItemProbed","relay.import-item","Probing succeeded.",
  {"runId":"uuid","itemId":"uuid","attempt":"integer","result":"ProbeResult","occurredAt":"date-time"}),
 ("item.probe-failed","ItemProbeFailed","relay.import-item","Probing failed; nextAttemptAt set when a retry is scheduled, null when final.",
  {"runId":"uuid","itemId":"uuid","attempt":"integer","classification":"FailureClass","detail":"string","upstreamStatus":"integer?","nextAttemptAt":"date-time?","occurredAt":"date-time"}),
 ("item.provisioned","ItemProvisioned","relay.import-item","Channel, group and client access exist in the edge; every created resource listed.",
  {"runId":"uuid","itemId":"uuid","attempt":"integer","channelId":"string","groupId":"string","clientKeyId":"string","smokeModel":"string","resources":"ManagedResource[]","occurredAt":"date-time"}),
 ("item.provision-failed","ItemProvisionFailed","relay.import-item","Provisioning failed; nextAttemptAt null when final.",
  {"runId":"uuid","itemId":"uuid","attempt":"integer","classification":"FailureClass","detail":"string","nextAttemptAt":"date-time?","occurredAt":"date-time"}),
 ("item.confirmed","ItemConfirmed","relay.import-item","Confirmed through the edge: /v1/models lists the smoke model AND a minimal chat completion succeeded.",
  {"runId":"uuid","itemId":"uuid","attempt":"integer","smokeModel":"string","modelsLatencyMillis":"integer","chatLatencyMillis":"integer","occurredAt":"date-time"}),
 ("item.confirmation-failed","ItemConfirmationFailed","relay.import-item","The confirmation window closed without success.",
  {"runId":"uuid","itemId":"uuid","attempt":"integer","classification":"FailureClass","detail":"string","edgeStatus":"integer?","occurredAt":"date-time"}),
 ("item.rolled-back","ItemRolledBack","relay.import-item","The item's recorded resources were removed from the edge.",
  {"runId":"uuid","itemId":"uuid","removed":"ManagedResource[]","reason":"string","occurredAt":"date-time"}),
 ("run.completed","RunCompleted","relay.import-run","Every item of a run reached a terminal state.",
  {"runId":"uuid","total":"integer","ready":"integer","failed":"integer","cancelled":"integer","rolledBack":"integer","occurredAt":"date-time"}),
 ("reconcile.drift-detected","DriftDetected","relay.reconcile","The live host differs from the ledger for one resource.",
  {"reconcileId":"uuid","runId":"uuid?","resource":"ManagedResource","kind":"DriftKind","detail":"string","repaired":"boolean","occurredAt":"date-time"}),
 ("reconcile.completed","ReconcileCompleted","relay.reconcile","One reconciliation pass finished.",
  {"reconcileId":"uuid","checked":"integer","drifted":"integer","repaired":"integer","startedAt":"date-time","occurredAt":"date-time"}),
 ("gateway.config-changed","GatewayConfigChanged","relay.gateway-config","The edge configuration changed; replicas reload up to configVersion. Key: constant gateway-config.",
  {"configVersion":"integer","resourceKind":"string","resourceId":"string","change":"ChangeKind","occurredAt":"date-time"}),
 ("gateway.channel-cooled-down","ChannelCooledDown","relay.gateway-channel","A replica cooled a channel down; all replicas honour it until `until`. Key: channel id.",
  {"channelId":"string","cause":"CooldownCause","until":"date-time","consecutiveFailures":"integer","replicaId":"string","occurredAt":"date-time"}),
 ("gateway.channel-auto-disabled","ChannelAutoDisabled","relay.gateway-channel","A channel was disabled automatically (quota exhausted, repeated auth failures). Key: channel id.",
  {"channelId":"string","cause":"FailureClass","detail":"string","replicaId":"string","occurredAt":"date-time"}),
 ("usage.recorded","UsageRecorded","relay.usage","One metered client request (sent directly by the gateway with an idempotent producer; id = request id). Key: request id.",
  {"requestId":"string","clientKeyId":"string","groupId":"string?","clientApi":"string","publicModel":"string","upstreamModel":"string?","channelId":"string?","channelsTried":"string[]","stream":"boolean","usage":"TokenUsage","status":"integer","outcome":"Outcome","latencyMillis":"integer","timeToFirstTokenMillis":"integer?","attempts":"integer","occurredAt":"date-time"}),
]
enums = {
 "FailureClass":["AUTH_INVALID","QUOTA_EXHAUSTED","RATE_LIMITED","UNREACHABLE","TIMEOUT","INCOMPATIBLE","MODEL_NOT_FOUND","HOST_COMPATIBILITY_GAP","UPSTREAM_KEY_QUOTA_ISSUE","UPSTREAM_ERROR","URL_NOT_ALLOWED","INVALID_INPUT","INTERNAL"],
 "DriftKind":["MISSING","MODIFIED","ORPHANED"],
 "ChangeKind":["CREATED","UPDATED","DISABLED","ENABLED","DELETED"],
 "CooldownCause":["RATE_LIMITED","UPSTREAM_ERROR","TIMEOUT","UNREACHABLE"],
 "Outcome":["OK","INCOMPLETE","CLIENT_ABORTED","FAILED"],
 "Protocol":["OPENAI","ANTHROPIC"],
 "ResourceKind":["CHANNEL","GROUP","CLIENT_KEY","SUBSCRIPTION"],
}
objects = {
 "SealedSecret":{"keyId":"string","ciphertext":"string","fingerprint":"string"},
 "ProbeResult":{"normalizedBaseUrl":"string","protocol":"Protocol","vendor":"string?","models":"string[]","smokeModel":"string","modelCorrections":"map","capabilities":"CapabilityProfile","latencyMillis":"integer"},
 "CapabilityProfile":{"streaming":"boolean","nativeTools":"boolean","vision":"boolean","embeddings":"boolean","responses":"boolean"},
 "ManagedResource":{"kind":"ResourceKind","id":"string","externalRef":"string"},
 "TokenUsage":{"promptTokens":"integer","completionTokens":"integer","cacheReadTokens":"integer","cacheWriteTokens":"integer","estimated":"boolean"},
}
Q='"null"'
def typ(t, opt):
    return "[" + t + ", " + Q + "]" if opt else t
def prop(t, ind):
    opt = t.endswith("?"); t = t.rstrip("?")
    p = " "*ind
    if t=="uuid": return f"{p}type: {typ('string',opt)}\n{p}format: uuid\n"
    if t=="date-time": return f"{p}type: {typ('string',opt)}\n{p}format: date-time\n"
    if t in ("string","integer","boolean"): return f"{p}type: {typ(t,opt)}\n"
    if t=="string[]": return f"{p}type: array\n{p}items:\n{p}  type: string\n"
    if t=="map": return f"{p}type: object\n{p}additionalProperties:\n{p}  type: string\n"
    if t.endswith("[]"): return f"{p}type: array\n{p}items:\n{p}  $ref: '#/components/schemas/{t[:-2]}'\n"
    if opt: return f"{p}oneOf:\n{p}  - $ref: '#/components/schemas/{t}'\n{p}  - type: 'null'\n"
    return f"{p}$ref: '#/components/schemas/{t}'\n"
def obj(fields, ind):
    p=" "*ind
    req=[k for k,v in fields.items() if not v.endswith("?")]
    s=f"{p}type: object\n{p}required: [{', '.join(req)}]\n{p}properties:\n"
    for k,v in fields.items():
        s+=f"{p}  {k}:\n"+prop(v, ind+4)
    return s
topics = {
 "importItem":("relay.import-item","Stage events of import items. Key: item id (one item's stages stay ordered). Written through the import/probe/access outboxes, relayed by Debezium."),
 "importRun":("relay.import-run","Run-level events. Key: run id."),
 "reconcile":("relay.reconcile","Reconciliation findings and passes. Key: reconcile pass id."),
 "gatewayConfig":("relay.gateway-config","Edge configuration versions. Key: constant `gateway-config` (one ordered stream)."),
 "gatewayChannel":("relay.gateway-channel","Channel health decisions shared by all gateway replicas. Key: channel id."),
 "usage":("relay.usage","Per-request usage metering from the edge (direct, idempotent producer, local journal while Kafka is down). Key: request id."),
}
out = []
out.append("""# Relay event catalogue. AsyncApiCatalogueTests (common-contracts/contracts) fails the build when an event type or
# topic exists in code but not here. Regenerate the skeleton with docs/tools/gen_asyncapi.py, or edit by hand.
asyncapi: 3.0.0
info:
  title: Relay events
  version: 0.1.0
  description: |
    Every stage hand-off in Relay is a Kafka event. Outbox events (everything but usage.recorded) are written to a
    service's `outbox` table in the same transaction as the state change and relayed by Debezium's Outbox Event
    Router to topic `relay.<aggregatetype>`.

    Kafka record: key = aggregate id; value = the envelope (JSON, UTF-8); headers `id` (event id, the
    de-duplication key), `eventType` (wire type name), `schemaVersion`, `traceparent` (W3C, may be null).
    Consumers de-duplicate on `id` (inbox table) and dead-letter unreadable records to `<topic>.DLT`.
    Within a schema version changes are additive only; consumers ignore unknown fields.
defaultContentType: application/json
servers:
  local:
    host: 127.0.0.1:9092
    protocol: kafka
    description: the broker `infra/relay up` starts
channels:
""")
for cid,(addr,desc) in topics.items():
    out.append(f"  {cid}:\n    address: {addr}\n    description: {json.dumps(desc)}\n    messages:\n")
    for (w,n,a,d,f) in msgs:
        if a==addr: out.append(f"      {n}:\n        $ref: '#/components/messages/{n}'\n")
out.append("operations:\n")
for cid,(addr,desc) in topics.items():
    out.append(f"  consume{cid[0].upper()+cid[1:]}:\n    action: receive\n    channel:\n      $ref: '#/channels/{cid}'\n")
out.append("components:\n  messages:\n")
for (w,n,a,d,f) in msgs:
    out.append(f"    {n}:\n      name: {w}\n      title: {n}\n      summary: {json.dumps(d)}\n      headers:\n        $ref: '#/components/schemas/EventHeaders'\n      payload:\n        allOf:\n          - $ref: '#/components/schemas/Envelope'\n          - type: object\n            properties:\n              type:\n                const: {w}\n              data:\n                $ref: '#/components/schemas/{n}'\n")
out.append("""  schemas:
    EventHeaders:
      type: object
      required: [id, eventType]
      properties:
        id:
          type: string
          format: uuid
        eventType:
          type: string
        schemaVersion:
          type: string
        traceparent:
          type: [string, "null"]
    Envelope:
      type: object
      required: [id, type, schemaVersion, occurredAt, aggregateType, aggregateId, data]
      properties:
        id:
          type: string
          format: uuid
        type:
          type: string
        schemaVersion:
          type: integer
          minimum: 1
        occurredAt:
          type: string
          format: date-time
        aggregateType:
          type: string
          enum: [import-item, import-run, reconcile, gateway-config, gateway-channel, usage]
        aggregateId:
          type: string
        runId:
          type: [string, "null"]
          format: uuid
        itemId:
          type: [string, "null"]
          format: uuid
        traceparent:
          type: [string, "null"]
        data:
          type: object
""")
for (w,n,a,d,f) in msgs:
    out.append(f"    {n}:\n"+obj(f,6))
for n,f in objects.items():
    out.append(f"    {n}:\n"+obj(f,6))
for n,vals in enums.items():
    out.append(f"    {n}:\n      type: string\n      enum: [{', '.join(vals)}]\n")
open("events.asyncapi.yaml","w").write("".join(out))
