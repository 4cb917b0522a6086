#!/usr/bin/env python3
"""Control-plane benchmark: N items (default 1,000) from POST /api/import-runs to all probed (--until probed) or to all
READY: probed, provisioned into the edge and confirmed through it (--until ready, the default), against a running
system (`infra/relay up`: import-, probe- and access-service, the edge, Kafka, Connect + Debezium, the simulator as
every item's upstream).

Measured in the same run:
  1. baseline: the calls a probe makes per item (list models, a smoke completion, stream, tools, vision, responses),
     sent by this script straight to the simulator with the same concurrency probe-service uses: the floor that the
     upstream and the HTTP work cost by themselves;
  2. pipeline: POST the batch, then poll the run until every item is PROBED or FAILED.

Prints items/s, the wall times and their ratio, and p50/p99 per stage hop, from the items' timelines:
  accept   item.submitted      -> item.stage-started (outbox -> Debezium -> Kafka -> probe-service -> timer pickup,
                                                      including the wait for a free probe slot)
  probe    item.stage-started  -> item.probed        (the probe's calls)
  provision item.probed        -> item.provisioned   (relay to access-service, the admin API calls, the ledger)
  confirm  item.provisioned    -> item.confirmed     (replicas caught up, /v1/models and a minimal call via the edge)
and submitted -> probed / ready. With --until ready it also prints how many routing-snapshot reloads the edge made
during the run (relay_gateway_config_reloads_total, before and after), against the admin changes provisioning made. The wall time runs until the run shows every item probed, so it includes the relay of the
results back into import-service's projection. Standard library only. Sends traffic to 127.0.0.1 only.
"""

import argparse
import concurrent.futures
import datetime
import json
import os
import statistics
import sys
import time
import urllib.request
import uuid

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))


def secrets():
    out = {}
    with open(os.path.join(ROOT, "infra", ".run", "secrets.env")) as f:
        for line in f:
            if "=" in line:
                k, v = line.rstrip("\n").split("=", 1)
                out[k] = v
    return out


def call(method, url, token=None, body=None, ctype="application/json", headers=None, timeout=60):
    h = {"Content-Type": ctype}
    if token:
        h["Authorization"] = "Bearer " + token
    if headers:
        h.update(headers)
    data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    req = urllib.request.Request(url, data=data, method=method, headers=h)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def ts(s):
    return datetime.datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()


def pct(values, p):
    if not values:
        return float("nan")
    v = sorted(values)
    k = min(len(v) - 1, max(0, int(round(p / 100.0 * (len(v) - 1)))))
    return v[k]


def baseline(sim, n, concurrency):
    """The probe's calls for n items, straight to the simulator."""
    key = "sk-sim-models=sim-gpt-4o_run=baseline"
    auth = {"Authorization": "Bearer " + key}
    chat = {"model": "sim-gpt-4o", "max_tokens": 8, "messages": [{"role": "user", "content": "Reply with one word: ok"}]}
    tools = dict(chat, tools=[{"type": "function", "function": {"name": "get_weather", "parameters": {
        "type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}], tool_choice="required")
    vision = dict(chat, messages=[{"role": "user", "content": [{"type": "text", "text": "colour?"}, {
        "type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="}}]}])

    def one(_):
        call("GET", sim + "/v1/models", headers=auth)
        call("POST", sim + "/v1/chat/completions", body=chat, headers=auth)
        call("POST", sim + "/v1/chat/completions", body=dict(chat, stream=True), headers=auth)
        call("POST", sim + "/v1/chat/completions", body=tools, headers=auth)
        call("POST", sim + "/v1/chat/completions", body=vision, headers=auth)
        call("POST", sim + "/v1/responses", body={"model": "sim-gpt-4o", "input": "ok", "max_output_tokens": 16,
                                                  "store": False}, headers=auth)

    t0 = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(one, range(n)))
    return time.monotonic() - t0


def reloads(edge):
    """The edge's reload counter (all results), or None when the edge does not expose it."""
    try:
        _, body = call("GET", edge + "/actuator/prometheus", timeout=10)
    except Exception:
        return None
    total = 0.0
    seen = False
    for line in body.decode().splitlines():
        if line.startswith("relay_gateway_config_reloads_total"):
            total += float(line.rsplit(" ", 1)[1])
            seen = True
    return total if seen else None


def config_version(edge, admin_token):
    try:
        _, body = call("GET", edge + "/admin/v1/config/version", admin_token, timeout=10)
        return json.loads(body)["version"]
    except Exception:
        return None


def pipeline(front, token, sim, n, until):
    run_tag = uuid.uuid4().hex[:8]
    items = [{"baseUrl": sim, "apiKey": "sk-sim-models=sim-gpt-4o_run=%s-%d" % (run_tag, i), "models": ["sim-gpt-4o"]}
             for i in range(n)]
    t0 = time.monotonic()
    status, body = call("POST", front + "/api/import-runs", token, {"name": "bench " + run_tag, "items": items})
    if status != 201:
        sys.exit("submission failed: %d %s" % (status, body[:500]))
    t_post = time.monotonic() - t0
    run_id = json.loads(body)["id"]
    done_at = None
    while True:
        _, r = call("GET", front + "/api/import-runs/" + run_id + "?items=false", token)
        counts = json.loads(r)["counts"]
        settled = counts["PROBED"] + counts["FAILED"] if until == "probed" else \
            counts["READY"] + counts["FAILED"] + counts.get("ROLLED_BACK", 0) + counts.get("CANCELLED", 0)
        if settled == n:
            done_at = time.monotonic()
            break
        if time.monotonic() - t0 > 600:
            sys.exit("not all settled after 600 s: %s" % counts)
        time.sleep(0.25)
    wall = done_at - t0
    # the trail of every item, paged
    hops = {"accept": [], "probe": [], "provision": [], "confirm": [], "submitted-to-probed": [],
            "submitted-to-ready": []}
    cursor = None
    failed = 0
    while True:
        q = "?limit=500" + ("&cursor=" + cursor if cursor else "")
        _, page = call("GET", front + "/api/import-runs/%s/items%s" % (run_id, q), token)
        page = json.loads(page)
        for it in page["data"]:
            if it["state"] != ("PROBED" if until == "probed" else "READY"):
                failed += 1
                continue
            ev = {}
            for t in it["timeline"]:
                ev.setdefault(t["event"], ts(t["at"]))
            visible = ts(it["updatedAt"])
            sub, start, probed = ev.get("item.submitted"), ev.get("item.stage-started"), ev.get("item.probed")
            if sub and start and probed:
                hops["accept"].append(start - sub)
                hops["probe"].append(probed - start)
                hops["submitted-to-probed"].append(probed - sub)
            prov, conf = ev.get("item.provisioned"), ev.get("item.confirmed")
            if probed and prov and conf:
                hops["provision"].append(prov - probed)
                hops["confirm"].append(conf - prov)
                hops["submitted-to-ready"].append(conf - sub)
        if not page["hasMore"]:
            break
        cursor = page["nextCursor"]
    return run_id, t_post, wall, hops, failed


def rollback(front, token, run_id, n):
    """Rolls the run back (after the measurement, outside it) and waits until no item of it is left in the edge."""
    t0 = time.monotonic()
    status, body = call("POST", front + "/api/import-runs/" + run_id + "/rollback", token)
    if status >= 300:
        print("  rollback refused: %d %s" % (status, body[:300]))
        return
    while time.monotonic() - t0 < 600:
        _, r = call("GET", front + "/api/import-runs/" + run_id + "?items=false", token)
        counts = json.loads(r)["counts"]
        if counts.get("ROLLED_BACK", 0) + counts.get("FAILED", 0) + counts.get("CANCELLED", 0) == n:
            print("  rolled the run back (outside the measurement) in %.1f s" % (time.monotonic() - t0))
            return
        time.sleep(1)
    print("  rollback not finished after 600 s: %s" % counts)


PROCESSES = ["gateway-service", "import-service", "probe-service", "access-service", "reconcile-service",
             "upstream-simulator", "kafka", "connect"]


def cpu_seconds():
    """CPU seconds (user + system) used so far by each process the launcher started, and by PostgreSQL in all."""
    tick = os.sysconf("SC_CLK_TCK")
    out = {}
    for name in PROCESSES:
        try:
            with open(os.path.join(ROOT, "infra", ".run", name, "pid")) as f:
                pid = f.read().strip()
            with open("/proc/%s/stat" % pid) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            out[name] = (int(fields[11]) + int(fields[12])) / tick
        except (OSError, ValueError, IndexError):
            pass
    pg = 0.0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % pid) as f:
                raw = f.read()
            if "(postgres)" not in raw:
                continue
            fields = raw.rsplit(")", 1)[1].split()
            # utime + stime + the reaped children's (backends that exited during the run count on the postmaster)
            pg += (int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])) / tick
        except (OSError, ValueError, IndexError):
            pass
    out["postgresql"] = pg
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--items", type=int, default=1000)
    ap.add_argument("--concurrency", type=int, default=64, help="the baseline's; probe-service's relay.probe.concurrency")
    ap.add_argument("--front", default="http://127.0.0.1:8181")
    ap.add_argument("--sim", default="http://127.0.0.1:8190")
    ap.add_argument("--edge", default="http://127.0.0.1:8080")
    ap.add_argument("--until", choices=["probed", "ready"], default="ready")
    ap.add_argument("--keep", action="store_true",
                    help="leave the run's channels, group and key in the edge (default: roll the run back afterwards,"
                         " so runs do not pile thousands of channels into the edge and slow the next run down)")
    ap.add_argument("--out", default=os.path.join(ROOT, "infra", "bench", "results", "control-plane-latest.json"))
    a = ap.parse_args()
    token = secrets()["RELAY_OPERATOR_TOKEN"]

    base = baseline(a.sim, a.items, a.concurrency)
    admin_token = secrets().get("RELAY_ADMIN_TOKEN")
    before = reloads(a.edge)
    v_before = config_version(a.edge, admin_token)
    cpu_before = cpu_seconds()
    run_id, t_post, wall, hops, failed = pipeline(a.front, token, a.sim, a.items, a.until)
    cpu_after = cpu_seconds()
    after = reloads(a.edge)
    v_after = config_version(a.edge, admin_token)
    changes = None if v_before is None or v_after is None else v_after - v_before
    target = 30 if a.until == "probed" else 60

    print("control plane: %d items, POST -> all %s" % (a.items, a.until))
    print("  POST /api/import-runs answered in   %7.2f s" % t_post)
    print("  all %-6s (wall)                   %7.2f s   %7.1f items/s   target <= %d s: %s"
          % (a.until, wall, a.items / wall, target, "met" if wall <= target else "NOT met"))
    if before is not None and after is not None:
        print("  edge snapshot reloads during the run %7d   for %s admin changes (config versions); without coalescing"
              " every change is one reload on every replica" % (after - before, changes))
    print("  baseline: the same calls direct      %7.2f s   (ratio pipeline/baseline %.2f)" % (base, wall / base))
    print("  failed items                         %7d" % failed)
    print("  hop                      p50 ms     p99 ms")
    for name, v in hops.items():
        print("  %-20s %10.0f %10.0f" % (name, pct(v, 50) * 1000, pct(v, 99) * 1000))
    cpu = {k: cpu_after[k] - cpu_before[k] for k in cpu_after if k in cpu_before}
    total = sum(cpu.values())
    cores = os.cpu_count() or 1
    print("  CPU during the run: %.0f s of the %.0f s the machine's %d cores had (%.0f %%), %.0f ms per item"
          % (total, wall * cores, cores, 100 * total / (wall * cores), 1000 * total / a.items))
    for name, sec in sorted(cpu.items(), key=lambda kv: -kv[1]):
        print("    %-20s %7.1f s  %5.1f ms/item" % (name, sec, 1000 * sec / a.items))
    if not a.keep:
        rollback(a.front, token, run_id, a.items)
    os.makedirs(os.path.dirname(a.out), exist_ok=True)
    with open(a.out, "w") as f:
        json.dump({"items": a.items, "run": run_id, "postSeconds": t_post, "wallSeconds": wall,
                   "itemsPerSecond": a.items / wall, "baselineSeconds": base, "failed": failed, "until": a.until,
                   "adminChanges": changes, "cpuSeconds": cpu,
                   "edgeReloads": None if before is None or after is None else after - before,
                   "hops": {k: {"p50ms": pct(v, 50) * 1000, "p99ms": pct(v, 99) * 1000, "n": len(v)}
                            for k, v in hops.items()},
                   "at": datetime.datetime.now(datetime.timezone.utc).isoformat()}, f, indent=1)


if __name__ == "__main__":
    main()
