#!/usr/bin/env python3
"""Driver of infra/bench/run.sh: creates the gateway fixtures, warms the targets up, measures them interleaved round by
round, runs the open-streams memory test, prints the table and writes the results file.

run.sh starts the processes and hands this script a JSON config (ports, PIDs, paths, settings); this script never
starts or stops the servers itself, so run.sh's trap owns their lifetime. Only the Python standard library is used.
"""

import argparse
import datetime
import json
import os
import platform
import re
import resource
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024

CHAT_BODY = {
    "model": None,
    "messages": [
        {"role": "system", "content": "You are a helpful assistant. Answer briefly."},
        {"role": "user", "content": "Write one sentence about measuring the overhead of an HTTP relay."},
    ],
}

MODELS = {
    # public model -> (upstream model, simulator headers the channel adds / direct and nginx clients send)
    "bench-model": ("sim-gpt-4o", {}),
    "bench-paced": ("sim-gpt-4o", {"x-sim-chunk-delay-ms": None}),  # filled from the config
    "bench-hold": ("sim-gpt-4o", {"x-sim-chunk-delay-ms": None, "x-sim-chunks": None}),
}


def log(msg):
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


# ------------------------------------------------------------------------------------------------ /proc readings


def children_of(pid):
    out = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                s = f.read()
            ppid = int(s[s.rindex(")") + 2:].split()[1])
            if ppid == pid:
                out.append(int(d))
        except (OSError, ValueError):
            pass
    return out


def cpu_ticks(pids):
    total = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/stat") as f:
                s = f.read()
            fields = s[s.rindex(")") + 2:].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
        except (OSError, ValueError, IndexError):
            pass
    return total


def rss_kb(pids):
    total = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/statm") as f:
                total += int(f.read().split()[1]) * PAGE_KB
        except (OSError, ValueError, IndexError):
            pass
    return total


def proc_status(pid, field):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def fd_count(pid):
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return None


def system_busy_ticks():
    with open("/proc/stat") as f:
        parts = f.readline().split()[1:]
    v = [int(x) for x in parts]
    idle = v[3] + (v[4] if len(v) > 4 else 0)
    return sum(v[:8]) - idle


def established_to(port):
    """Established TCP connections whose remote port is `port` (the proxies' upstream connections)."""
    try:
        out = subprocess.run(
            ["ss", "-Htn", "state", "established", f"( dport = :{port} )"],
            capture_output=True, text=True, timeout=20).stdout
        return sum(1 for line in out.splitlines() if line.strip())
    except (OSError, subprocess.SubprocessError):
        return None


class Sampler:
    """Samples the RSS of a set of PIDs every `interval` seconds; keeps the peak."""

    def __init__(self, pid_sets, interval=0.2):
        self.pid_sets = pid_sets
        self.interval = interval
        self.peak = {k: 0 for k in pid_sets}
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            for k, pids in self.pid_sets.items():
                self.peak[k] = max(self.peak[k], rss_kb(pids))
            self._stop.wait(self.interval)

    def __enter__(self):
        self._t.start()
        return self

    def __exit__(self, *a):
        self._stop.set()
        self._t.join()
        for k, pids in self.pid_sets.items():
            self.peak[k] = max(self.peak[k], rss_kb(pids))


# ------------------------------------------------------------------------------------------------ admin fixtures


class Admin:
    def __init__(self, base, token):
        self.base = base
        self.token = token

    def call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + "/admin/v1" + path, data=data, method=method)
        req.add_header("Authorization", "Bearer " + self.token)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                raw = r.read()
                return json.loads(raw) if raw else {}
        except urllib.error.HTTPError as e:
            raise RuntimeError(f"{method} {path} -> {e.code}: {e.read().decode(errors='replace')}") from None


def create_fixtures(cfg, admin, run_id):
    """A group allowing the bench models, a client key in it and one channel per model, all to the simulator, with
    model mapping on (bench-* -> sim-gpt-4o), so the rewrite path of the request and of the response runs."""
    tag = {"managedBy": "relay-bench", "externalRef": run_id}
    group = admin.call("POST", "/groups", {"name": f"relay-bench {run_id}", "models": list(MODELS), **tag})
    key_body = {"name": f"relay-bench {run_id}", "groupId": group["id"], **tag}
    if cfg.get("key_rate_limit"):
        key_body["rateLimitPerMinute"] = int(cfg["key_rate_limit"])
    key = admin.call("POST", "/keys", key_body)
    channels = []
    for model, (upstream, headers) in model_headers(cfg).items():
        ch = admin.call("POST", "/channels", {
            "name": f"relay-bench {model} {run_id}",
            "protocol": "OPENAI",
            "baseUrl": f"http://127.0.0.1:{cfg['sim_port']}",
            "credential": "sk-bench-upstream",
            "models": [model],
            "modelMapping": {model: upstream},
            "priority": 0,
            "weight": 1,
            "extraHeaders": headers,
            "capabilities": {"chat": True, "streaming": True, "tools": True, "vision": True,
                             "embeddings": False, "responses": False},
            # managedBy + externalRef is the admin API's idempotency key: one per channel
            "managedBy": "relay-bench", "externalRef": f"{run_id}/{model}",
        })
        channels.append(ch["id"])
    return {"group": group["id"], "key_id": key["id"], "key": key["key"], "channels": channels}


def delete_fixtures(admin, run_id=None):
    """Deletes this run's fixtures (run_id) or, without it, relay-bench leftovers of runs whose run.sh is gone
    (externalRef = bench-<timestamp>-<pid of run.sh>[/model])."""
    n = 0
    for kind in ("channels", "keys", "groups"):
        try:
            items = admin.call("GET", f"/{kind}?managedBy=relay-bench")
        except Exception as e:  # noqa: BLE001 - best effort
            log(f"cannot list {kind}: {e}")
            continue
        items = items.get("data", items) if isinstance(items, dict) else items
        for it in items or []:
            ref = it.get("externalRef") or ""
            if run_id is not None:
                if ref != run_id and not ref.startswith(run_id + "/"):
                    continue
            else:
                m = re.match(r"bench-\d+-(\d+)", ref)
                if not m or os.path.exists(f"/proc/{m.group(1)}"):
                    continue
            try:
                admin.call("DELETE", f"/{kind}/{it['id']}")
                n += 1
            except Exception as e:  # noqa: BLE001
                log(f"cannot delete {kind} {it.get('id')}: {e}")
    return n


def model_headers(cfg):
    out = {}
    for model, (upstream, headers) in MODELS.items():
        h = {}
        for k in headers:
            h[k] = str(cfg["stream_delay_ms"] if model == "bench-paced" else
                       cfg["hold_delay_ms"] if k == "x-sim-chunk-delay-ms" else cfg["hold_chunks"])
        out[model] = (upstream, h)
    return out


def wait_model_visible(base, key, model, timeout=30):
    end = time.time() + timeout
    while time.time() < end:
        try:
            req = urllib.request.Request(base + "/v1/models", headers={"Authorization": "Bearer " + key})
            with urllib.request.urlopen(req, timeout=5) as r:
                if f'"{model}"' in r.read().decode():
                    return True
        except Exception:  # noqa: BLE001
            pass
        time.sleep(0.2)
    return False


# ------------------------------------------------------------------------------------------------ targets and load


class Target:
    def __init__(self, name, port, auth, pid=None, pid_with_children=False, sim_headers=True):
        self.name = name
        self.port = port
        self.auth = auth
        self.pid = pid
        self.pid_with_children = pid_with_children
        self.sim_headers = sim_headers  # direct and nginx: the client sends the simulator headers itself

    def pids(self):
        if self.pid is None:
            return []
        return [self.pid] + (children_of(self.pid) if self.pid_with_children else [])

    def headers(self, cfg, model):
        h = [f"Authorization: Bearer {self.auth}"]
        if self.sim_headers:
            h += [f"{k}: {v}" for k, v in model_headers(cfg)[model][1].items()]
        return h


def body_file(cfg, model, stream):
    path = os.path.join(cfg["tmp"], f"body-{model}-{'stream' if stream else 'chat'}.json")
    if not os.path.exists(path):
        b = dict(CHAT_BODY, model=model)
        if stream:
            b["stream"] = True
            # Every target's client asks for the usage chunk: the gateway always asks the upstream for it (metering)
            # and strips it for clients that did not ask, which against a paced simulator would delay the end of the
            # gateway's streams by one extra upstream event. With it, upstream work and client bytes are identical.
            b["stream_options"] = {"include_usage": True}
        with open(path, "w") as f:
            json.dump(b, f, separators=(",", ":"))
    return path


def run_wrk(cfg, target, conc, seconds):
    env = dict(os.environ, BENCH_BODY_FILE=body_file(cfg, "bench-model", False),
               BENCH_HEADERS="|".join(target.headers(cfg, "bench-model")))
    threads = 1 if conc == 1 else 2
    cmd = ["wrk", f"-t{threads}", f"-c{conc}", f"-d{seconds}s", "--timeout", "10s", "-s", cfg["post_lua"],
           f"http://127.0.0.1:{target.port}/v1/chat/completions"]
    p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=seconds + 60)
    m = re.search(r"^BENCH_JSON (.*)$", p.stdout, re.M)
    if not m:
        raise RuntimeError(f"wrk failed: {p.stdout}\n{p.stderr}")
    r = json.loads(m.group(1))
    errs = sum(r["errors"].values())
    secs = r["duration_us"] / 1e6
    return {
        "requests": r["requests"], "errors": errs, "error_detail": r["errors"], "seconds": secs,
        "rps": r["requests"] / secs,
        "p50_ms": r["latency_us"]["p50"] / 1000, "p90_ms": r["latency_us"]["p90"] / 1000,
        "p99_ms": r["latency_us"]["p99"] / 1000, "max_ms": r["latency_us"]["max"] / 1000,
        "mean_ms": r["latency_us"]["mean"] / 1000,
    }


def run_streams(cfg, target, conc, seconds, model="bench-paced"):
    cmd = [cfg["streamc"], "-p", str(target.port), "-b", body_file(cfg, model, True), "-c", str(conc),
           "-d", str(seconds), "--drain", "30"]
    for h in target.headers(cfg, model):
        cmd += ["-H", h]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 90)
    try:
        r = json.loads(p.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        raise RuntimeError(f"streamc failed: {p.stdout}\n{p.stderr}") from None
    return {
        "requests": r["completed"], "errors": r["errors"],
        "error_detail": {k: r[k] for k in ("err_status", "err_incomplete", "err_io", "unfinished")},
        "seconds": r["elapsed_s"], "rps": r["completed"] / r["elapsed_s"],
        "events_per_stream": r["events"] / max(1, r["completed"]),
        "ttfe_p50_ms": r["ttfe_ms"]["p50"], "ttfe_p99_ms": r["ttfe_ms"]["p99"],
        "total_p50_ms": r["total_ms"]["p50"], "total_p99_ms": r["total_ms"]["p99"],
        "p50_ms": r["ttfe_ms"]["p50"], "p99_ms": r["ttfe_ms"]["p99"],
    }


def measure(cfg, target, kind, conc, seconds):
    proxy = target.pids()
    sim = [cfg["sim_pid"]]
    jvm = target.name == "gateway"
    c0p, c0s, b0 = cpu_ticks(proxy), cpu_ticks(sim), system_busy_ticks()
    j0 = compiler_ticks(target.pid) if jvm else 0
    ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.time()
    with Sampler({"proxy": proxy, "sim": sim}) as s:
        r = run_wrk(cfg, target, conc, seconds) if kind == "chat" else run_streams(cfg, target, conc, seconds)
    wall = time.time() - t0
    c1p, c1s, b1 = cpu_ticks(proxy), cpu_ticks(sim), system_busy_ticks()
    jit_ms = (compiler_ticks(target.pid) - j0) * 1000 / CLK_TCK if jvm else 0.0
    ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    client_ms = ((ru1.ru_utime - ru0.ru_utime) + (ru1.ru_stime - ru0.ru_stime)) * 1000
    proxy_ms = (c1p - c0p) * 1000 / CLK_TCK
    sim_ms = (c1s - c0s) * 1000 / CLK_TCK
    busy_ms = (b1 - b0) * 1000 / CLK_TCK
    n = max(1, r["requests"])
    r.update({
        "target": target.name, "kind": kind, "concurrency": conc, "wall_s": wall,
        "proxy_cpu_ms_per_req": proxy_ms / n if proxy else None,
        "proxy_cpu_cores": proxy_ms / 1000 / wall if proxy else None,
        # the JVM's JIT compiler threads' share of that CPU, and the figure without them (steady-state estimate)
        "proxy_jit_share": jit_ms / proxy_ms if jvm and proxy_ms else None,
        "proxy_cpu_ms_per_req_ex_jit": (proxy_ms - jit_ms) / n if jvm else None,
        "sim_cpu_ms_per_req": sim_ms / n,
        "client_cpu_ms_per_req": client_ms / n,
        "other_cpu_cores": max(0.0, busy_ms - proxy_ms - sim_ms - client_ms) / 1000 / wall,
        "proxy_peak_rss_mb": s.peak["proxy"] / 1024 if proxy else None,
        "sim_peak_rss_mb": s.peak["sim"] / 1024,
    })
    return r


def compiler_ticks(pid):
    """CPU ticks of the JIT compiler threads of a JVM."""
    total = 0
    try:
        for t in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{t}/stat") as f:
                    s = f.read()
            except OSError:
                continue
            if "Compiler" in s[s.index("(") + 1:s.rindex(")")]:
                f = s[s.rindex(")") + 2:].split()
                total += int(f[11]) + int(f[12])
    except OSError:
        pass
    return total


def warm_up(cfg, targets, secs):
    """direct and nginx: one short pass (the simulator warms up with all of it). The gateway: passes over every
    kind of load it is measured with, until its JIT compiler threads use < 5 % of its CPU in a pass (at least
    warm_min, at most warm_max seconds): on a busy 2-core machine C2 keeps compiling for a minute or more, and
    measuring before that would charge compilation to the requests."""
    info = {}
    for t in targets:
        log(f"warm-up {t.name}")
        if t.name != "gateway":
            run_wrk(cfg, t, 64, secs["warm_chat"])
            run_streams(cfg, t, 64, secs["warm_stream"], model="bench-model")
            run_streams(cfg, t, 64, secs["warm_stream"], model="bench-paced")
            continue
        t0 = time.time()
        passes = []
        while True:
            c0, p0 = compiler_ticks(t.pid), cpu_ticks([t.pid])
            run_wrk(cfg, t, 64, secs["warm_chat"])
            run_wrk(cfg, t, 1, max(1, secs["warm_stream"] // 2))
            run_streams(cfg, t, 64, secs["warm_stream"], model="bench-model")
            run_streams(cfg, t, 256, secs["warm_stream"], model="bench-paced")
            c1, p1 = compiler_ticks(t.pid), cpu_ticks([t.pid])
            share = (c1 - c0) / max(1, p1 - p0)
            passes.append(round(share, 3))
            elapsed = time.time() - t0
            log(f"  gateway warm-up pass {len(passes)}: JIT compiler {100 * share:.1f}% of its CPU "
                f"({elapsed:.0f}s so far)")
            if (share < 0.05 and elapsed >= secs["warm_min"]) or elapsed >= secs["warm_max"]:
                break
        info = {"seconds": round(time.time() - t0, 1), "compiler_share_per_pass": passes}
    return info


# ------------------------------------------------------------------------------------------------ open streams


def live_heap_mb(cfg, pid):
    """Heap in use right after a full GC (jcmd GC.run, then GC.heap_info): the live set."""
    jcmd = os.path.join(cfg["java_home"], "bin", "jcmd")
    try:
        subprocess.run([jcmd, str(pid), "GC.run"], capture_output=True, timeout=60)
        out = subprocess.run([jcmd, str(pid), "GC.heap_info"], capture_output=True, text=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    # G1: one "garbage-first heap total reserved …K, committed …K, used …K" line; Parallel and Serial: one such line
    # per generation (PSYoungGen + ParOldGen, def new + tenured), summed
    used = [int(m.group(1)) for m in re.finditer(r"total (?:reserved )?\d+K, (?:committed \d+K, )?used (\d+)K", out)]
    return sum(used) / 1024 if used else None


def class_histogram(cfg, pid, top=20):
    """The classes holding the most heap (jcmd GC.class_histogram, which runs a full GC first): what an open stream
    is made of."""
    jcmd = os.path.join(cfg["java_home"], "bin", "jcmd")
    try:
        out = subprocess.run([jcmd, str(pid), "GC.class_histogram"], capture_output=True, text=True,
                             timeout=120).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    rows = []
    for line in out.splitlines():
        m = re.match(r"\s*\d+:\s+(\d+)\s+(\d+)\s+(\S+)", line)
        if m:
            rows.append({"class": m.group(3), "instances": int(m.group(1)), "bytes": int(m.group(2))})
        m = re.match(r"\s*Total\s+(\d+)\s+(\d+)", line)
        if m:
            rows.insert(0, {"class": "(total)", "instances": int(m.group(1)), "bytes": int(m.group(2))})
    return rows[:top + 1]


def native_memory(cfg, pid):
    """Committed memory by JVM area (jcmd VM.native_memory summary) when the gateway runs with
    -XX:NativeMemoryTracking=summary (BENCH_GW_JVM_OPTS); empty otherwise."""
    jcmd = os.path.join(cfg["java_home"], "bin", "jcmd")
    try:
        out = subprocess.run([jcmd, str(pid), "VM.native_memory", "summary", "scale=MB"], capture_output=True,
                             text=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return {}
    areas = {}
    for m in re.finditer(r"^(?:-\s+)?([A-Za-z][A-Za-z /]+?) \(reserved=\d+MB, committed=(\d+)MB\)", out, re.M):
        areas[m.group(1).strip()] = int(m.group(2))
    return areas


def hold_test(cfg, gw, n, hold_s):
    """Opens n slow streams through the gateway and samples its RSS while they are all open."""
    pid = gw.pid
    live_before = live_heap_mb(cfg, pid)
    histogram_before = class_histogram(cfg, pid, top=100000)
    base_rss = rss_kb([pid]) / 1024
    base_threads = proc_status(pid, "Threads")
    cmd = [cfg["streamc"], "--hold", "-p", str(gw.port), "-b", body_file(cfg, "bench-hold", True), "-c", str(n),
           "-d", "600", "--ramp", str(cfg["hold_ramp"])]
    for h in gw.headers(cfg, "bench-hold"):
        cmd += ["-H", h]
    log(f"opening {n} streams through the gateway (ramp {cfg['hold_ramp']}/s)")
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, bufsize=1)
    last = {}
    lines = []

    def reader():
        for line in p.stdout:
            try:
                lines.append(json.loads(line))
            except ValueError:
                pass

    th = threading.Thread(target=reader, daemon=True)
    th.start()
    peak = 0
    t0 = time.time()
    all_open_at = None
    deadline = t0 + n / cfg["hold_ramp"] + 60
    samples = []
    while time.time() < deadline:
        time.sleep(0.25)
        cur = rss_kb([pid]) / 1024
        peak = max(peak, cur)
        last = lines[-1] if lines else {}
        if last.get("first", 0) >= n and all_open_at is None:
            all_open_at = time.time()
            log(f"all {n} streams have their first event after {all_open_at - t0:.1f}s; holding {hold_s}s")
        if all_open_at is not None:
            samples.append(cur)
            if time.time() - all_open_at >= hold_s:
                break
        if p.poll() is not None:
            break
    upstream_conns = established_to(cfg["sim_port"])
    live_open = live_heap_mb(cfg, pid) if all_open_at is not None else None
    histogram = class_histogram(cfg, pid, top=100000) if all_open_at is not None else []
    before = {r["class"]: r for r in histogram_before}
    per_stream = sorted(({"class": r["class"],
                          "bytes_per_stream": (r["bytes"] - before.get(r["class"], {}).get("bytes", 0)) / n,
                          "instances_per_stream": (r["instances"] - before.get(r["class"], {}).get("instances", 0)) / n}
                         for r in histogram), key=lambda r: -r["bytes_per_stream"])[:25]
    histogram = histogram[:21]
    nmt = native_memory(cfg, pid) if all_open_at is not None else {}
    threads = proc_status(pid, "Threads")
    fds = fd_count(pid)
    sim_rss = rss_kb([cfg["sim_pid"]]) / 1024
    last = lines[-1] if lines else {}
    p.send_signal(signal.SIGTERM)
    try:
        p.wait(timeout=30)
    except subprocess.TimeoutExpired:
        p.kill()
    th.join(timeout=5)
    final = lines[-1] if lines else {}
    time.sleep(2)
    res = {
        "streams": n, "hold_s": hold_s, "chunk_delay_ms": cfg["hold_delay_ms"], "chunks": cfg["hold_chunks"],
        "opened": last.get("opened"), "open": last.get("open"), "with_head": last.get("head"),
        "with_first_event": last.get("first"), "finished_early": last.get("done"), "errors": final.get("errors"),
        "events_received": final.get("events"),
        "all_open": all_open_at is not None, "seconds_to_all_open": (all_open_at - t0) if all_open_at else None,
        "gateway_rss_before_mb": base_rss, "gateway_rss_peak_mb": peak,
        "gateway_rss_median_while_open_mb": statistics.median(samples) if samples else None,
        "gateway_threads_before": base_threads, "gateway_threads_while_open": threads,
        "gateway_fds_while_open": fds, "gateway_upstream_connections_while_open": upstream_conns,
        "gateway_rss_after_close_mb": rss_kb([pid]) / 1024,
        "gateway_rss_per_open_stream_kb": (peak - base_rss) * 1024 / n if n else None,
        "gateway_vmhwm_mb": int((proc_status(pid, "VmHWM") or "0 kB").split()[0]) / 1024,
        "sim_rss_while_open_mb": sim_rss,
        "gateway_live_heap_before_mb": live_before,
        "gateway_live_heap_open_mb": live_open,
        "gateway_live_heap_per_stream_kb": (live_open - live_before) * 1024 / n
        if live_open is not None and live_before is not None else None,
        "ulimit_n": resource.getrlimit(resource.RLIMIT_NOFILE)[0],
        "gateway_heap_histogram_while_open": histogram,
        "gateway_heap_per_stream_by_class": per_stream,
        "gateway_native_memory_committed_mb_while_open": nmt,
    }
    return res


# ------------------------------------------------------------------------------------------------ profile (optional)


def profile(cfg, gw, secs):
    """JFR execution samples of the gateway under chat c=256 then paced streams c=256; top frames."""
    jfr_file = os.path.join(cfg["tmp"], "gateway.jfr")
    jcmd = os.path.join(cfg["java_home"], "bin", "jcmd")
    jfr = os.path.join(cfg["java_home"], "bin", "jfr")
    subprocess.run([jcmd, str(gw.pid), "JFR.start", "name=bench", "settings=profile", f"filename={jfr_file}"],
                   capture_output=True, check=True)
    run_wrk(cfg, gw, 256, secs)
    run_streams(cfg, gw, 256, secs)
    subprocess.run([jcmd, str(gw.pid), "JFR.stop", "name=bench"], capture_output=True, check=True)
    out = subprocess.run([jfr, "print", "--events", "jdk.ExecutionSample", "--stack-depth", "64", jfr_file],
                         capture_output=True, text=True).stdout
    stacks = []
    cur = None
    for line in out.splitlines():
        s = line.strip()
        if s.startswith("stackTrace = ["):
            cur = []
        elif cur is not None:
            if s == "]" or s.startswith("]"):
                stacks.append(cur)
                cur = None
            elif s and s != "...":
                cur.append(re.sub(r"\s+line:.*$", "", s))
    total = len(stacks)
    self_counts, incl_counts, pkg_counts = {}, {}, {}
    groups = [
        ("relay (dev.relay.*)", "dev.relay."), ("Kafka client", "org.apache.kafka."), ("Micrometer", "io.micrometer."),
        ("Jackson", "tools.jackson."), ("Spring", "org.springframework."), ("Reactor core", "reactor.core."),
        ("Reactor Netty", "reactor.netty."), ("Netty", "io.netty."), ("JDK crypto (SHA-256 etc.)", "sun.security."),
        ("Logging (logback/slf4j)", "ch.qos.logback."),
    ]
    for st in stacks:
        if not st:
            continue
        self_counts[st[0]] = self_counts.get(st[0], 0) + 1
        seen = set()
        for fr in st:
            if fr.startswith("dev.relay.") and fr not in seen:
                seen.add(fr)
                incl_counts[fr] = incl_counts.get(fr, 0) + 1
        for label, prefix in groups:
            if any(fr.startswith(prefix) for fr in st):
                pkg_counts[label] = pkg_counts.get(label, 0) + 1
    top = lambda d, k: [{"frame": f, "samples": c, "pct": round(100 * c / max(1, total), 1)}  # noqa: E731
                        for f, c in sorted(d.items(), key=lambda x: -x[1])[:k]]
    return {"samples": total, "jfr_file": jfr_file, "top_self": top(self_counts, 25),
            "top_relay_inclusive": top(incl_counts, 25),
            "stacks_containing": top(pkg_counts, len(groups))}


# ------------------------------------------------------------------------------------------------ statistics, output


def agg(values):
    v = [x for x in values if x is not None]
    if not v:
        return None
    return {"median": statistics.median(v), "min": min(v), "max": max(v), "n": len(v)}


def fmt(a, digits=1, width=0):
    if a is None:
        return "—".rjust(width)
    if a["n"] == 1 or a["min"] == a["max"]:
        s = f"{a['median']:.{digits}f}"
    else:
        s = f"{a['median']:.{digits}f} ({a['min']:.{digits}f}–{a['max']:.{digits}f})"
    return s.rjust(width)


def summarise(raw, rounds):
    """Per point and target: median/min/max over rounds; per round deltas vs direct and gateway/nginx ratios."""
    points = []
    for kind, conc in sorted({(r["kind"], r["concurrency"]) for r in raw}, key=lambda x: (x[0] != "chat", x[1])):
        p = {"kind": kind, "concurrency": conc, "targets": {}, "ratios": {}}
        by = lambda t: [r for r in raw if r["kind"] == kind and r["concurrency"] == conc and r["target"] == t]  # noqa
        keys = ["rps", "p50_ms", "p99_ms", "proxy_cpu_ms_per_req", "sim_cpu_ms_per_req", "client_cpu_ms_per_req",
                "proxy_jit_share", "proxy_cpu_ms_per_req_ex_jit",
                "proxy_peak_rss_mb", "proxy_cpu_cores", "other_cpu_cores", "errors"]
        if kind == "stream":
            keys += ["ttfe_p50_ms", "ttfe_p99_ms", "total_p50_ms", "total_p99_ms", "events_per_stream"]
        for t in ("direct", "nginx", "gateway"):
            rs = by(t)
            if not rs:
                continue
            p["targets"][t] = {k: agg([r.get(k) for r in rs]) for k in keys}
            p["targets"][t]["errors_total"] = sum(r["errors"] for r in rs)
            p["targets"][t]["requests_total"] = sum(r["requests"] for r in rs)
        lat = "ttfe_p50_ms" if kind == "stream" else "p50_ms"
        for t in ("nginx", "gateway"):
            d = []
            for rd in range(rounds):
                a = [r for r in by(t) if r["round"] == rd]
                b = [r for r in by("direct") if r["round"] == rd]
                if a and b:
                    d.append(a[0][lat] - b[0][lat])
            p["targets"].setdefault(t, {})["added_p50_ms"] = agg(d)
            if kind == "stream":
                d2 = []
                for rd in range(rounds):
                    a = [r for r in by(t) if r["round"] == rd]
                    b = [r for r in by("direct") if r["round"] == rd]
                    if a and b:
                        d2.append(a[0]["total_p50_ms"] - b[0]["total_p50_ms"])
                p["targets"][t]["added_total_p50_ms"] = agg(d2)
        cpu_ratio, rps_ratio, cpu_ratio_ex = [], [], []
        for rd in range(rounds):
            g = [r for r in by("gateway") if r["round"] == rd]
            n = [r for r in by("nginx") if r["round"] == rd]
            if g and n and n[0]["proxy_cpu_ms_per_req"]:
                cpu_ratio.append(g[0]["proxy_cpu_ms_per_req"] / n[0]["proxy_cpu_ms_per_req"])
                cpu_ratio_ex.append(g[0]["proxy_cpu_ms_per_req_ex_jit"] / n[0]["proxy_cpu_ms_per_req"])
            if g and n and n[0]["rps"]:
                rps_ratio.append(g[0]["rps"] / n[0]["rps"])
        p["ratios"] = {"gateway_over_nginx_cpu_per_req": agg(cpu_ratio),
                       "gateway_ex_jit_over_nginx_cpu_per_req": agg(cpu_ratio_ex),
                       "gateway_over_nginx_throughput": agg(rps_ratio)}
        points.append(p)
    return points


def targets_check(points, hold, issue):
    """The edge issue's targets: CPU per request ÷ nginx at each concurrency, CPU per stream ÷ nginx, the RSS of the
    open streams, no errors at c=256 (limits from run.sh's issue_targets)."""
    def point(kind, conc):
        return next((p for p in points if p["kind"] == kind and p["concurrency"] == conc), None)

    def ratio_check(label, p, key, limit, at_most=True):
        r = p["ratios"][key]
        ok = bool(r and (r["median"] <= limit if at_most else r["median"] >= limit))
        out.append({"target": f"{label} {'≤' if at_most else '≥'} {limit}×", "value": r and r["median"],
                    "range": r and [r["min"], r["max"]], "met": ok})

    out = []
    for conc, limit in sorted(issue["cpu_per_request_ratio_max"].items(), key=lambda x: int(x[0])):
        p = point("chat", int(conc))
        if p:
            ratio_check(f"CPU/request gateway ÷ nginx at c={conc} (non-stream)", p,
                        "gateway_over_nginx_cpu_per_req", limit)
            r = p["ratios"]["gateway_ex_jit_over_nginx_cpu_per_req"]
            out.append({"target": f"(info) the same without the gateway's JIT compiler threads ≤ {limit}×",
                        "value": r and r["median"], "range": r and [r["min"], r["max"]],
                        "met": bool(r and r["median"] <= limit)})
    for conc in (32, 256):
        p = point("stream", conc)
        if p:
            ratio_check(f"CPU/stream gateway ÷ nginx at c={conc} (stream)", p, "gateway_over_nginx_cpu_per_req",
                        issue["cpu_per_stream_ratio_max"])
    p = point("chat", 256)
    if p:
        errors = p["targets"].get("gateway", {}).get("errors_total")
        out.append({"target": "no errors at c=256 (non-stream, every round)", "value": errors, "range": None,
                    "met": errors == 0})
    p = point("stream", 32)
    if p:
        a = p["targets"]["gateway"].get("added_p50_ms")
        out.append({"target": f"(kept) added time to first event, median, c=32 (stream) ≤ {issue['added_ttfe_ms_max']} ms",
                    "value": a and a["median"], "range": a and [a["min"], a["max"]],
                    "met": bool(a and a["median"] <= issue["added_ttfe_ms_max"])})
    if hold:
        out.append({"target": f"{hold['streams']} concurrent open streams: gateway peak RSS ≤ {issue['hold_rss_mb_max']} MiB",
                    "value": hold["gateway_rss_peak_mb"], "range": None,
                    "met": bool(hold["all_open"] and hold["gateway_rss_peak_mb"] <= issue["hold_rss_mb_max"])})
    sim_ok = []
    for p in points:
        g = p["targets"].get("gateway", {})
        if g.get("sim_cpu_ms_per_req") and g.get("proxy_cpu_ms_per_req"):
            sim_ok.append(g["sim_cpu_ms_per_req"]["median"] / g["proxy_cpu_ms_per_req"]["median"])
    if sim_ok:
        out.append({"target": "simulator CPU/request < gateway CPU/request (every point; worst ratio shown)",
                    "value": max(sim_ok), "range": None, "met": max(sim_ok) < 1})
    return out


def pct_fmt(a):
    if a is None:
        return "—"
    return fmt({k: (v * 100 if k != "n" else v) for k, v in a.items()}, 0)


def gateway_log_summary(path):
    """WARN/ERROR lines of the gateway's log during the run, by logger (snapshot reload noise counted apart)."""
    out = {"warn": 0, "error": 0, "snapshot_left_out": 0, "top": {}}
    try:
        with open(path, errors="replace") as f:
            for line in f:
                m = re.search(r"\s(WARN|ERROR)\s+\d+\s+---\s+\[[^]]*\]\s+\[[^]]*\]\s+(\S+)\s*:", line)
                if not m:
                    continue
                out[m.group(1).lower()] += 1
                if "left out of the routing snapshot" in line:
                    out["snapshot_left_out"] += 1
                    continue
                out["top"][m.group(2)] = out["top"].get(m.group(2), 0) + 1
    except OSError:
        pass
    out["top"] = dict(sorted(out["top"].items(), key=lambda x: -x[1])[:10])
    return out


def print_table(points, hold, checks, meta):
    w = sys.stdout.write
    w("\n")
    w(f"Relay edge benchmark — {meta['date']} — {meta['mode']} mode, {meta['rounds']} round(s), "
      f"{meta['cpus']} CPUs ({meta['cpu_model']}), load average before {meta['loadavg_before']}, "
      f"after {meta.get('loadavg_after')}\n")
    w("Cells: median (min–max) over rounds. CPU ms/req = the proxy process's utime+stime delta ÷ requests (nginx: "
      "master + workers); 'JIT' = share of it spent in the gateway JVM's compiler threads; for 'direct' there is no "
      "proxy and 'sim' is the simulator's own CPU per request; 'other CPUs' = cores busy with other people's work "
      "during the point (median).\n")
    for kind in ("chat", "stream"):
        ps = [p for p in points if p["kind"] == kind]
        if not ps:
            continue
        if kind == "chat":
            w("\nNon-streaming POST /v1/chat/completions (wrk, keep-alive)\n")
            spec = [("req/s", "rps", 0), ("p50 ms", "p50_ms", 2), ("p99 ms", "p99_ms", 1),
                    ("+p50 vs direct", "added_p50_ms", 2), ("proxy CPU ms/req", "proxy_cpu_ms_per_req", 3),
                    ("JIT %", "proxy_jit_share", None), ("sim CPU ms/req", "sim_cpu_ms_per_req", 3),
                    ("proxy peak RSS MB", "proxy_peak_rss_mb", 0), ("other CPUs", "other_cpu_cores", -2)]
        else:
            w(f"\nStreaming POST /v1/chat/completions, {meta['stream_delay_ms']} ms before each event, "
              f"~{meta.get('events_per_stream')} events per stream (streamc, keep-alive)\n")
            spec = [("streams/s", "rps", 0), ("TTFE p50 ms", "ttfe_p50_ms", 2), ("TTFE p99 ms", "ttfe_p99_ms", 1),
                    ("+TTFE p50 vs direct", "added_p50_ms", 2), ("total p50 ms", "total_p50_ms", 1),
                    ("+total p50", "added_total_p50_ms", 2), ("proxy CPU ms/stream", "proxy_cpu_ms_per_req", 3),
                    ("JIT %", "proxy_jit_share", None), ("sim CPU ms/stream", "sim_cpu_ms_per_req", 3),
                    ("proxy peak RSS MB", "proxy_peak_rss_mb", 0), ("other CPUs", "other_cpu_cores", -2)]
        hdr = ["c", "target"] + [h for h, _, _ in spec] + ["errors"]
        rows = [hdr]
        for p in ps:
            for t in ("direct", "nginx", "gateway"):
                d = p["targets"].get(t)
                if not d or "rps" not in d:
                    continue
                cells = []
                for _, key, dg in spec:
                    a = d.get(key)
                    if dg is None:
                        cells.append(pct_fmt(a))
                    elif dg < 0:  # median only
                        cells.append("—" if a is None else f"{a['median']:.{-dg}f}")
                    else:
                        cells.append(fmt(a, dg))
                rows.append([str(p["concurrency"]), t] + cells + [str(d.get("errors_total", 0))])
            r = p["ratios"]
            ratio = [""] * len(hdr)
            ratio[1] = "gateway÷nginx"
            ratio[2] = fmt(r["gateway_over_nginx_throughput"], 2) + "×"
            ci = 2 + [k for _, k, _ in spec].index("proxy_cpu_ms_per_req")
            ratio[ci] = fmt(r["gateway_over_nginx_cpu_per_req"], 1) + "×"
            ratio[ci + 1] = "ex-JIT " + fmt(r["gateway_ex_jit_over_nginx_cpu_per_req"], 1) + "×"
            rows.append(ratio)
        widths = [max(len(r[i]) for r in rows) for i in range(len(hdr))]
        for r in rows:
            w("  " + "  ".join(c.rjust(widths[i]) if i > 1 else c.ljust(widths[i]) for i, c in enumerate(r)) + "\n")
    if hold:
        w(f"\n{hold['streams']} concurrent open streams through the gateway "
          f"({hold['chunk_delay_ms']} ms between events, held {hold['hold_s']} s after all were open, "
          f"ulimit -n {hold['ulimit_n']}):\n")
        w(f"  all open with a first event: {hold['all_open']} ({hold['with_first_event']}/{hold['streams']}"
          f"{', in %.1f s' % hold['seconds_to_all_open'] if hold['seconds_to_all_open'] else ''}); "
          f"gateway upstream connections {hold['gateway_upstream_connections_while_open']}; "
          f"client errors {hold['errors']}\n")
        w(f"  gateway RSS: before {hold['gateway_rss_before_mb']:.0f} MB, peak while open "
          f"{hold['gateway_rss_peak_mb']:.0f} MB, after close {hold['gateway_rss_after_close_mb']:.0f} MB; "
          f"threads {hold['gateway_threads_while_open']}, fds {hold['gateway_fds_while_open']}\n")
        if hold.get("gateway_live_heap_before_mb") is not None:
            w(f"  gateway live heap (after a full GC): before {hold['gateway_live_heap_before_mb']:.0f} MB, "
              f"with the streams open {hold['gateway_live_heap_open_mb']:.0f} MB "
              f"(≈ {hold['gateway_live_heap_per_stream_kb']:.1f} KB per open stream); "
              f"simulator RSS {hold['sim_rss_while_open_mb']:.0f} MB\n")
        if hold.get("gateway_heap_per_stream_by_class"):
            w("  heap per open stream by class (bytes, after a full GC, open − before): " + ", ".join(
                f"{r['class'].rsplit('.', 1)[-1]} {r['bytes_per_stream']:.0f}"
                for r in hold["gateway_heap_per_stream_by_class"][:12]) + "\n")
        if hold.get("gateway_native_memory_committed_mb_while_open"):
            w("  gateway committed memory by JVM area while open (MB): " + ", ".join(
                f"{k} {v}" for k, v in sorted(hold["gateway_native_memory_committed_mb_while_open"].items(),
                                             key=lambda x: -x[1])[:10]) + "\n")
    w("\nTargets (issue):\n")
    for c in checks:
        v = c["value"]
        rng = f" (rounds: {c['range'][0]:.2f}–{c['range'][1]:.2f})" if c.get("range") else ""
        w(f"  [{'MET ' if c['met'] else 'MISS'}] {c['target']}: {'n/a' if v is None else f'{v:.2f}'}{rng}\n")
    w("\n")
    sys.stdout.flush()


# ------------------------------------------------------------------------------------------------ main


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", required=True)
    args = ap.parse_args()
    with open(args.config) as f:
        cfg = json.load(f)
    quick = cfg["mode"] == "quick"
    secs = cfg["seconds"]
    run_id = cfg["run_id"]
    gw_base = f"http://127.0.0.1:{cfg['gw_port']}"
    admin = Admin(gw_base, cfg["admin_token"])
    meta = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "mode": cfg["mode"], "rounds": cfg["rounds"], "cpus": os.cpu_count(),
        "cpu_model": next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")),
                          platform.processor()),
        "kernel": platform.release(), "mem_total_mb": int(open("/proc/meminfo").readline().split()[1]) // 1024,
        "loadavg_before": " ".join(open("/proc/loadavg").read().split()[:3]),
        "stream_delay_ms": cfg["stream_delay_ms"], "seconds": secs, "versions": cfg.get("versions", {}),
        "jvm": {"gateway": cfg["gw_jvm_opts"], "simulator": cfg["sim_jvm_opts"]},
        "gateway_args": cfg.get("gw_args_public"), "git": cfg.get("git"), "ulimit_n": resource.getrlimit(
            resource.RLIMIT_NOFILE)[0],
        "key_rate_limit_per_minute": cfg.get("key_rate_limit") or None,
    }
    stale = delete_fixtures(admin)
    if stale:
        log(f"deleted {stale} relay-bench fixtures left over by earlier runs")
    results = {"meta": meta, "raw": []}
    try:
        fx = create_fixtures(cfg, admin, run_id)
        for m in MODELS:
            if not wait_model_visible(gw_base, fx["key"], m):
                raise RuntimeError(f"the gateway does not route model {m} 30 s after creating it")
        targets = [
            Target("direct", cfg["sim_port"], "sk-bench-client"),
            Target("nginx", cfg["nginx_port"], "sk-bench-client", pid=cfg["nginx_pid"], pid_with_children=True),
            Target("gateway", cfg["gw_port"], fx["key"], pid=cfg["gw_pid"], sim_headers=False),
        ]
        # sanity: one request of each kind through each target
        for t in targets:
            r = run_wrk(cfg, t, 1, 1)
            s = run_streams(cfg, t, 1, 1)
            if r["errors"] or s["errors"] or not r["requests"] or not s["requests"]:
                raise RuntimeError(f"{t.name} does not answer correctly: chat {r}, stream {s}")
        meta["gateway_warm_up"] = warm_up(cfg, targets, secs)
        points = [("chat", 1), ("chat", 32), ("chat", 256), ("stream", 32), ("stream", 256)]
        rounds = cfg["rounds"]
        for rd in range(rounds):
            for i, (kind, conc) in enumerate(points):
                order = targets[(rd + i) % 3:] + targets[:(rd + i) % 3]
                for t in order:
                    r = measure(cfg, t, kind, conc, secs["chat"] if kind == "chat" else secs["stream"])
                    r["round"] = rd
                    results["raw"].append(r)
                    extra = f" TTFE p50 {r['ttfe_p50_ms']:.2f}" if kind == "stream" else ""
                    cpu = r["proxy_cpu_ms_per_req"]
                    log(f"round {rd + 1}/{rounds} {kind:6} c={conc:<3} {t.name:7} {r['rps']:8.0f}/s "
                        f"p50 {r['p50_ms']:.2f} ms{extra} cpu/req {'-' if cpu is None else f'{cpu:.3f}'} ms "
                        f"sim {r['sim_cpu_ms_per_req']:.3f} client {r['client_cpu_ms_per_req']:.3f} "
                        f"other {r['other_cpu_cores']:.2f} cores err {r['errors']}")
                    time.sleep(0.3)
        points_summary = summarise(results["raw"], rounds)
        eps = [r.get("events_per_stream") for r in results["raw"] if r.get("events_per_stream")]
        meta["events_per_stream"] = round(statistics.median(eps), 1) if eps else None
        hold = None
        if cfg["hold_streams"] > 0:
            hold = hold_test(cfg, targets[2], cfg["hold_streams"], secs["hold"])
        if cfg.get("profile"):
            log("profiling the gateway with JFR")
            results["profile"] = profile(cfg, targets[2], secs["profile"])
        meta["loadavg_after"] = " ".join(open("/proc/loadavg").read().split()[:3])
        meta["gateway_log"] = gateway_log_summary(os.path.join(cfg["tmp"], "gateway.log"))
        checks = targets_check(points_summary, hold, cfg["issue_targets"])
        results.update({"points": points_summary, "open_streams": hold, "targets": checks})
        print_table(points_summary, hold, checks, meta)
        if results.get("profile"):
            pr = results["profile"]
            print(f"JFR execution samples of the gateway: {pr['samples']} ({pr['jfr_file']})")
            print("  stacks containing:", ", ".join(f"{x['frame']} {x['pct']}%" for x in pr["stacks_containing"]))
            print("  top self frames:")
            for x in pr["top_self"][:15]:
                print(f"    {x['pct']:5.1f}%  {x['frame']}")
            print("  top relay frames (inclusive):")
            for x in pr["top_relay_inclusive"][:15]:
                print(f"    {x['pct']:5.1f}%  {x['frame']}")
    finally:
        n = delete_fixtures(admin, run_id=run_id)
        log(f"deleted {n} fixtures of this run")
        os.makedirs(os.path.dirname(cfg["out"]), exist_ok=True)
        with open(cfg["out"], "w") as f:
            json.dump(results, f, indent=1)
        log(f"results written to {cfg['out']}")


if __name__ == "__main__":
    main()
