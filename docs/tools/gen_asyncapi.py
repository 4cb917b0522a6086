import json
msgs = [
 ("host.registered","HostRegistered","relay.host","An operator registered a host (an edge) the control plane provisions into; its admin token travels sealed. Key: host id.",
  {"hostId":"string","name":"string","adminUrl":"string","adminToken":"SealedSecret","clientUrl":"string","occurredAt":"date-time"}),
 ("host.updated","HostUpdated","relay.host","A host's addresses or admin token changed. Key: host id.",
  {"hostId":"string","name":"string","adminUrl":"string","adminToken":"SealedSecret","clientUrl":"string","occurredAt":"date-time"}),
 ("item.submitted","ItemSubmitted","relay.import-item","An operator submitted an item; the API key and the run's client key travel sealed (AES-GCM), never plain; keyHmac (keyed HMAC-SHA-256 of the full key) finds duplicates.",
  {"runId":"uuid","itemId":"uuid","index":"integer","attempt":"integer","hostId":"string","baseUrl":"string","apiKey":"SealedSecret","keyHmac":"string","protocolHint":"ProtocolHint","requestedModels":"string[]","aliases":"map","priority":"integer","connectTimeoutMs":"integer?","firstByteTimeoutMs":"integer?","totalTimeoutMs":"integer?","extraHeaders":"map","smokeModel":"string?","access":"AccessOptions","occurredAt":"date-time"}),
 ("item.stage-started","ItemStageStarted","relay.import-item","A stage of the item started (probing, provisioning, confirming).",
  {"runId":"uuid","itemId":"uuid","attempt":"integer","stage":"ItemStage","occurredAt":"date-time"}),
 ("item.duplicate","ItemDuplicate","relay.import-item","The item repeats one Relay already has (same normalised API base and key): terminal DUPLICATE.",
  {"runId":"uuid","itemId":"uuid","duplicateOfRunId":"uuid","duplicateOfItemId":"uuid","reason":"string","occurredAt":"date-time"}),
 ("item.cancelled","ItemCancelled","relay.import-item","The item was cancelled before reaching a terminal state.",
  {"runId":"uuid","itemId":"uuid","reason":"string","occurredAt":"date-time"}),
 ("item.probed","ItemProbed","relay.import-item","Probing succeeded.",
  {"runId":"uuid","itemId":"uuid","attempt":"integer","result":"ProbeResult","occurredAt":"date-time"}),
 ("item.probe-failed","ItemProbeFailed","relay.import-item","Probing failed; nextAttemptAt set when a retry is scheduled, null when final.",
  {"runId":"uuid","itemId":"uuid","attempt":"integer","classification":"FailureClass","detail":"string","upstreamStatus":"integer?","evidence":"ProbeCall[]","candidates":"string[]","resolvedAddress":"string?","nextAttemptAt":"date-time?","occurredAt":"date-time"}),
 ("item.provisioned","ItemProvisioned","relay.import-item","Channel, group and client access exist in the edge; every created resource listed.",
  {"runId":"uuid","itemId":"uuid","attempt":"integer","channelId":"string","groupId":"string","clientKeyId":"string","smokeModel":"string","resources":"ManagedResource[]","occurredAt":"date-time"}),
 ("item.provision-failed","ItemProvisionFailed","relay.import-item","Provisioning failed; nextAttemptAt null when final.",
  {"runId":"uuid","itemId":"uuid","attempt":"integer","classification":"FailureClass","detail":"string","nextAttemptAt":"date-time?","occurredAt":"date-time"}),
 ("item.confirmed","ItemConfirmed","relay.import-item","Confirmed through the edge with the run's key: /v1/models lists the smoke model AND a minimal chat completion succeeded.",
  {"runId":"uuid","itemId":"uuid","attempt":"integer","smokeModel":"string","accessStatus":"AccessStatus","evidence":"ProbeCall[]","modelsLatencyMillis":"integer","chatLatencyMillis":"integer","occurredAt":"date-time"}),
 ("item.confirmation-failed","ItemConfirmationFailed","relay.import-item","The confirmation window closed without success; edge and direct-upstream evidence.",
  {"runId":"uuid","itemId":"uuid","attempt":"integer","classification":"FailureClass","detail":"string","edgeStatus":"integer?","edgeEvidence":"ProbeCall[]","directEvidence":"ProbeCall[]","occurredAt":"date-time"}),
 ("item.rolled-back","ItemRolledBack","relay.import-item","The item's recorded resources were removed from the edge.",
  {"runId":"uuid","itemId":"uuid","removed":"ManagedResource[]","reason":"string","occurredAt":"date-time"}),
 ("item.retry-requested","ItemRetryRequested","relay.import-item","Command: retry a failed item.",
  {"runId":"uuid","itemId":"uuid","requestedBy":"string","occurredAt":"date-time"}),
 ("item.cancel-requested","ItemCancelRequested","relay.import-item","Command: cancel an item not yet terminal.",
  {"runId":"uuid","itemId":"uuid","requestedBy":"string","occurredAt":"date-time"}),
 ("item.rollback-requested","ItemRollbackRequested","relay.import-item","Command: remove the item's recorded resources (access-service).",
  {"runId":"uuid","itemId":"uuid","requestedBy":"string","occurredAt":"date-time"}),
 ("item.reprobe-requested","ItemReprobeRequested","relay.import-item","Command from reconcile-service: probe the item's upstream again.",
  {"runId":"uuid","itemId":"uuid","reconcileId":"uuid","occurredAt":"date-time"}),
 ("item.reprobed","ItemReprobed","relay.import-item","Answer to item.reprobe-requested; consumed by reconcile-service, never by provisioning.",
  {"runId":"uuid","itemId":"uuid","reconcileId":"uuid","passed":"boolean","result":"ProbeResult?","classification":"FailureClass?","detail":"string","occurredAt":"date-time"}),
 ("run.completed","RunCompleted","relay.import-run","Every item of a run reached a terminal state.",
  {"runId":"uuid","status":"RunStatus","total":"integer","ready":"integer","failed":"integer","duplicate":"integer","cancelled":"integer","rolledBack":"integer","occurredAt":"date-time"}),
 ("run.rollback-requested","RunRollbackRequested","relay.import-run","Command: roll the run back by its recorded resources (access-service).",
  {"runId":"uuid","requestedBy":"string","occurredAt":"date-time"}),
 ("reconcile.drift-detected","DriftDetected","relay.reconcile","The live host differs from the ledger for one resource, or access stopped working.",
  {"reconcileId":"uuid","runId":"uuid?","itemId":"uuid?","resource":"ManagedResource","kind":"DriftKind","detail":"string","repaired":"boolean","occurredAt":"date-time"}),
 ("reconcile.completed","ReconcileCompleted","relay.reconcile","One reconciliation pass finished (runId null: all runs).",
  {"reconcileId":"uuid","runId":"uuid?","status":"ReconcileStatus","checked":"integer","drifted":"integer","repaired":"integer","startedAt":"date-time","occurredAt":"date-time"}),
 ("reconcile.requested","ReconcileRequested","relay.reconcile","Command: run a reconciliation pass now.",
  {"reconcileId":"uuid","runId":"uuid?","repair":"boolean","requestedBy":"string","occurredAt":"date-time"}),
 ("resource.repair-requested","ResourceRepairRequested","relay.resource","Command from reconcile-service to access-service (the only writer of managed resources). Key: host/kind/externalRef.",
  {"reconcileId":"uuid","runId":"uuid?","itemId":"uuid?","resource":"ManagedResource","kind":"DriftKind","occurredAt":"date-time"}),
 ("resource.repaired","ResourceRepaired","relay.resource","A resource was repaired; current carries the new host id and spec hash.",
  {"reconcileId":"uuid","runId":"uuid?","itemId":"uuid?","resource":"ManagedResource","current":"ManagedResource","occurredAt":"date-time"}),
 ("resource.repair-failed","ResourceRepairFailed","relay.resource","A repair failed.",
  {"reconcileId":"uuid","runId":"uuid?","itemId":"uuid?","resource":"ManagedResource","classification":"FailureClass","detail":"string","occurredAt":"date-time"}),
 ("gateway.config-changed","GatewayConfigChanged","relay.gateway-config","The edge configuration changed; replicas reload up to configVersion. Key: constant gateway-config.",
  {"configVersion":"integer","resourceKind":"string","resourceId":"string","change":"ChangeKind","occurredAt":"date-time"}),
 ("gateway.channel-cooled-down","ChannelCooledDown","relay.gateway-channel","A replica cooled a channel down; all replicas honour it until `until`. Key: channel id.",
  {"channelId":"string","cause":"CooldownCause","until":"date-time","consecutiveFailures":"integer","replicaId":"string","occurredAt":"date-time"}),
 ("gateway.channel-auto-disabled","ChannelAutoDisabled","relay.gateway-channel","A channel was disabled automatically (quota exhausted, repeated auth failures). Key: channel id.",
  {"channelId":"string","cause":"FailureClass","detail":"string","replicaId":"string","occurredAt":"date-time"}),
 ("usage.recorded","UsageRecorded","relay.usage","One metered client request (sent directly by the gateway with an idempotent producer; id = request id). purpose is client unless the control plane proved a confirmation/verification call with the admin token. Key: request id.",
  {"requestId":"string","edgeId":"string","purpose":"Purpose","clientKeyId":"string","groupId":"string?","clientApi":"string","publicModel":"string","upstreamModel":"string?","channelId":"string?","channelsTried":"string[]","stream":"boolean","usage":"TokenUsage","status":"integer","outcome":"Outcome","latencyMillis":"integer","timeToFirstTokenMillis":"integer?","attempts":"integer","occurredAt":"date-time"}),
]
enums = {
 "FailureClass":["AUTH_INVALID","QUOTA_EXHAUSTED","RATE_LIMITED","UNREACHABLE","TIMEOUT","INCOMPATIBLE","MODEL_NOT_FOUND","HOST_COMPATIBILITY_GAP","UPSTREAM_KEY_QUOTA_ISSUE","UPSTREAM_ERROR","URL_NOT_ALLOWED","INVALID_INPUT","INTERNAL"],
 "DriftKind":["MISSING","MODIFIED","DISABLED","ORPHANED","ACCESS_BROKEN"],
 "ReconcileStatus":["IN_SYNC","DRIFTED","REPAIRED","FAILED"],
 "RunStatus":["RUNNING","SUCCEEDED","PARTIALLY_SUCCEEDED","FAILED","ROLLED_BACK"],
 "ItemStage":["PROBING","PROVISIONING","CONFIRMING"],
 "AccessMode":["SELF_SERVICE","SUBSCRIPTION"],
 "AccessStatus":["SELF_SERVICE_READY","SUBSCRIPTION_READY","BROKEN"],
 "ProtocolHint":["OPENAI","ANTHROPIC","AUTO"],
 "ModelKind":["CHAT","EMBEDDING"],
 "ChangeKind":["CREATED","UPDATED","DISABLED","ENABLED","DELETED"],
 "CooldownCause":["RATE_LIMITED","UPSTREAM_ERROR","TIMEOUT","UNREACHABLE"],
 "Outcome":["OK","INCOMPLETE","CLIENT_ABORTED","FAILED"],
 "Purpose":["CLIENT","CONFIRMATION","VERIFICATION"],
 "Protocol":["OPENAI","ANTHROPIC"],
 "ResourceKind":["CHANNEL","GROUP","CLIENT_KEY","SUBSCRIPTION","CONSUMER"],
}
objects = {
 "SealedSecret":{"keyId":"string","ciphertext":"string","fingerprint":"string"},
 "AccessOptions":{"mode":"AccessMode","consumer":"string?","balanceTokens":"integer?","allowanceTokens":"integer?","period":"string?","expiresAt":"date-time?","clientKey":"SealedSecret"},
 "ProbeResult":{"apiBases":"ApiBase[]","vendor":"string","models":"ModelEntry[]","corrections":"ModelCorrection[]","capabilities":"CapabilityProfile","smokeModel":"string","evidence":"ProbeCall[]","warnings":"Warning[]","latencyMillis":"integer","dialect":"ChannelDialect?"},
 "ApiBase":{"protocol":"Protocol","baseUrl":"string"},
 "ModelEntry":{"publicName":"string","upstreamName":"string","kind":"ModelKind","tested":"boolean"},
 "ModelCorrection":{"requested":"string","corrected":"string","reason":"string"},
 "ProbeCall":{"method":"string","path":"string","status":"integer?","latencyMillis":"integer","preview":"string"},
 "Warning":{"code":"string","message":"string"},
 "ChannelDialect":{"reasoning":"string","systemMessages":"string"},
 "CapabilityProfile":{"chat":"boolean","streaming":"boolean","nativeTools":"boolean","vision":"boolean","embeddings":"boolean","responses":"boolean","anthropicMessages":"boolean","countTokens":"boolean"},
 "ManagedResource":{"hostId":"string","kind":"ResourceKind","id":"string","externalRef":"string","specHash":"string"},
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
 "host":("relay.host","Hosts (edges) the control plane provisions into, so services other than import-service know a host without reading its tables. Key: host id."),
 "importItem":("relay.import-item","Stage events of import items. Key: item id (one item's stages stay ordered). Written through the import/probe/access outboxes, relayed by Debezium."),
 "importRun":("relay.import-run","Run-level events. Key: run id."),
 "reconcile":("relay.reconcile","Reconciliation findings, passes and pass requests. Key: reconcile pass id."),
 "resource":("relay.resource","Repair commands to access-service and their results. Key: host/kind/externalRef of the resource."),
 "gatewayConfig":("relay.gateway-config","Edge configuration versions. Key: constant `gateway-config` (one ordered stream)."),
 "gatewayChannel":("relay.gateway-channel","Channel health decisions shared by all gateway replicas. Key: channel id."),
 "usage":("relay.usage","Per-request usage metering from the edge (direct, idempotent producer, local journal while Kafka is down). Key: request id."),
}
out = []
out.append("""asyncapi: 3.0.0
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
          enum: [host, import-item, import-run, reconcile, resource, gateway-config, gateway-channel, usage]
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
head = ("# Relay event catalogue. AsyncApiCatalogueTests (common-contracts/contracts) fails the build when an event type,\n"
        "# a topic or a payload field exists in code but not here. Generated by docs/tools/gen_asyncapi.py: edit that file.\n")
open("events.asyncapi.yaml","w").write(head + "".join(out))
