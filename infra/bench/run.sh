#!/usr/bin/env bash
# Relay edge benchmark: direct -> simulator, nginx -> simulator and the Relay gateway -> simulator, measured in the
# same run, interleaved round by round, against one upstream simulator. See infra/bench/README.md.
#
#   infra/bench/run.sh [--quick] [--build] [--profile] [--out FILE] [--keep-tmp]
#
#   --quick      1 round, short points (about 3 minutes; a smoke test, the gateway is not warm); the default full mode is 3 rounds (under 10 minutes)
#   --build      rebuild the simulator and gateway jars first (default: build only the ones that are missing)
#   --profile    afterwards, record a JFR profile of the gateway under load and print its top frames
#   --out FILE   results file (default infra/bench/results/latest.json)
#   --keep-tmp   keep the temp dir (logs, nginx config, JFR file)
#
# Environment: JAVA_HOME (default Temurin 25), BENCH_ROUNDS, BENCH_CHAT_SECONDS, BENCH_STREAM_SECONDS,
# BENCH_STREAM_DELAY_MS (pacing of the measured streams, default 20), BENCH_HOLD_STREAMS (default 5000),
# BENCH_GW_HEAP (default 256m), BENCH_GW_MALLOC_ARENA_MAX (default 2), BENCH_GW_JVM_OPTS (the gateway's JVM flags, replacing the default ones),
# BENCH_GW_JAR (another gateway jar, e.g. an earlier build to compare against), BENCH_WARM_MAX_SECONDS (the gateway's longest warm-up; default 100, quick 30), BENCH_KEY_RATE_LIMIT (per-minute limit on the client key; default none, so the
# Redis rate limiter is not on the path), BENCH_GW_EXTRA_ARGS (more --key=value arguments for the gateway).
#
# Starts its own simulator, nginx and gateway on free loopback ports (the gateway uses the running PostgreSQL, Kafka
# and Redis), and stops exactly those processes by PID on exit.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT_DIR="$(cd "$BENCH_DIR/../.." && pwd)"

MODE=full
BUILD=missing
PROFILE=0
KEEP_TMP=0
OUT="$BENCH_DIR/results/latest.json"
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) MODE=quick ;;
    --build) BUILD=always ;;
    --profile) PROFILE=1 ;;
    --keep-tmp) KEEP_TMP=1 ;;
    --out) OUT="$(cd "$(dirname "$2")" 2>/dev/null && pwd || dirname "$2")/$(basename "$2")"; shift ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

log() { printf '\033[1;34m[bench]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[bench] error:\033[0m %s\n' "$*" >&2; exit 1; }

# ------------------------------------------------------------------------------------------------ tools
need_tools=()
for t in wrk nginx gcc python3 curl ss; do command -v "$t" >/dev/null 2>&1 || need_tools+=("$t"); done
if [ ${#need_tools[@]} -gt 0 ]; then
  pkgs=()
  for t in "${need_tools[@]}"; do
    case "$t" in ss) pkgs+=(iproute2) ;; python3) pkgs+=(python3) ;; *) pkgs+=("$t") ;; esac
  done
  [ "$(id -u)" = 0 ] || die "missing ${need_tools[*]}; install ${pkgs[*]}"
  log "installing ${pkgs[*]}"
  apt-get install -y "${pkgs[@]}" >/dev/null 2>&1 || { apt-get update >/dev/null 2>&1; apt-get install -y "${pkgs[@]}" >/dev/null; }
fi

if [ -z "${JAVA_HOME:-}" ] || [ ! -x "$JAVA_HOME/bin/java" ]; then
  if [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]; then
    JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
  else
    JAVA_HOME="$(ls -d /usr/lib/jvm/* 2>/dev/null | sort -rV | head -1)"
  fi
fi
[ -x "$JAVA_HOME/bin/java" ] || die "no JDK found; set JAVA_HOME"
export JAVA_HOME
JAVA="$JAVA_HOME/bin/java"

# Open files: every stream of the 5,000-stream test is a client socket, a gateway socket in, one out, and one in the
# simulator; raise the soft limit to the hard limit for everything started from here.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
NOFILE="$(ulimit -n)"
if [ "$NOFILE" != unlimited ] && [ "$NOFILE" -lt 12000 ]; then
  log "warning: ulimit -n is $NOFILE (hard limit); the open-streams test needs about 2 x streams + slack per process"
fi

# ------------------------------------------------------------------------------------------------ settings
if [ "$MODE" = quick ]; then
  ROUNDS="${BENCH_ROUNDS:-1}"; CHAT_S="${BENCH_CHAT_SECONDS:-4}"; STREAM_S="${BENCH_STREAM_SECONDS:-4}"
  WARM_CHAT_S=4; WARM_STREAM_S=2; WARM_MIN_S=8; WARM_MAX_S="${BENCH_WARM_MAX_SECONDS:-30}"; HOLD_S=5; PROFILE_S=10
else
  ROUNDS="${BENCH_ROUNDS:-3}"; CHAT_S="${BENCH_CHAT_SECONDS:-10}"; STREAM_S="${BENCH_STREAM_SECONDS:-6}"
  WARM_CHAT_S=6; WARM_STREAM_S=3; WARM_MIN_S=30; WARM_MAX_S="${BENCH_WARM_MAX_SECONDS:-100}"; HOLD_S=10; PROFILE_S=15
fi
STREAM_DELAY_MS="${BENCH_STREAM_DELAY_MS:-20}"
HOLD_STREAMS="${BENCH_HOLD_STREAMS:-5000}"
GW_HEAP="${BENCH_GW_HEAP:-256m}"
# Gateway: the flags the edge is meant to run with (docs/performance.md, "Edge, fourth round"): a fixed 256 MiB heap
# (Xms = Xmx, so heap resizing does not move the figures; the live set is ~65 MB idle, ~180 MB with 5,000 open
# streams), the parallel collector (cheaper per request than G1 on 2 cores; pauses of a few ms on this heap), compact
# object headers (JDK 25: 8-byte headers, less heap and cache per object), as many Netty event loops as cores (Reactor
# Netty's default is at least 4, i.e. twice the cores here), and glibc limited to 2 malloc arenas (MALLOC_ARENA_MAX,
# set in the gateway's environment below); a 64 MiB young generation (requests' garbage dies young; the streams' live
# set of ~180 MB sits in the old generation, so eden plus old stays inside the heap instead of all of it being touched)
# and glibc's free memory handed back every 2 s (TrimNativeHeapInterval). BENCH_GW_JVM_OPTS replaces these flags
# altogether (then BENCH_GW_HEAP is not used); the 2026-12-01 reference ran with "-Xms512m -Xmx512m -XX:+UseG1GC".
if [ -n "${BENCH_GW_JVM_OPTS:-}" ]; then
  read -r -a GW_JVM_OPTS <<< "$BENCH_GW_JVM_OPTS"
else
  GW_JVM_OPTS=(-Xms"$GW_HEAP" -Xmx"$GW_HEAP" -Xmn64m -XX:+UseParallelGC -XX:+UseCompactObjectHeaders
    -XX:TrimNativeHeapInterval=2000 -Dreactor.netty.ioWorkerCount="$(nproc)")
fi
GW_MALLOC_ARENA_MAX="${BENCH_GW_MALLOC_ARENA_MAX:-2}"
# Simulator: enough heap that it never GCs itself into the bottleneck, and a parallel collector for throughput.
SIM_JVM_OPTS=(-Xms512m -Xmx1g -XX:+UseParallelGC)

RUN_ID="bench-$(date +%Y%m%d%H%M%S)-$$"
TMP="$(mktemp -d /tmp/relay-bench.XXXXXX)"
PIDS=()

cleanup() {
  local rc=$?
  set +e
  trap - EXIT INT TERM
  # stop in reverse start order, by PID only
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
    local pid="${PIDS[$i]}"
    kill -0 "$pid" 2>/dev/null && kill -TERM "$pid" 2>/dev/null
  done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && { log "pid $pid did not stop, killing it"; kill -KILL "$pid" 2>/dev/null; }
  done
  if [ -n "${USAGE_TOPIC:-}" ] && [ -d "$ROOT_DIR/infra/.run/kafka-lib" ]; then
    "$JAVA" -cp "$ROOT_DIR/infra/.run/kafka-lib/*" org.apache.kafka.tools.TopicCommand \
      --bootstrap-server 127.0.0.1:9092 --delete --if-exists --topic "$USAGE_TOPIC" >/dev/null 2>&1 \
      && log "deleted the bench's usage topic $USAGE_TOPIC"
  fi
  if [ "$KEEP_TMP" = 1 ] || [ "$rc" != 0 ]; then
    log "logs kept in $TMP"
  else
    rm -rf "$TMP"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

wait_http() { # url pid name seconds
  local i
  for i in $(seq $(( $4 * 4 ))); do
    curl -sf -o /dev/null "$1" && return 0
    kill -0 "$2" 2>/dev/null || { tail -40 "$TMP/$3.log" >&2; die "$3 exited during start-up (log: $TMP/$3.log)"; }
    sleep 0.25
  done
  tail -40 "$TMP/$3.log" >&2
  die "$3 not ready after $4 s (log: $TMP/$3.log)"
}

# ------------------------------------------------------------------------------------------------ build
SIM_JAR="$ROOT_DIR/infra/upstream-simulator/target/relay-upstream-simulator-0.1.0-SNAPSHOT.jar"
GW_JAR="${BENCH_GW_JAR:-$ROOT_DIR/gateway-service/target/gateway-service-0.1.0-SNAPSHOT.jar}"
mvn_locked() { (cd "$ROOT_DIR" && flock /tmp/relay-mvn.lock ./mvnw -q -B "$@"); }
if [ "$BUILD" = always ] || [ ! -f "$SIM_JAR" ]; then
  log "building the upstream simulator"
  mvn_locked -f infra/upstream-simulator/pom.xml package -DskipTests || die "simulator build failed"
fi
if [ "$BUILD" = always ] || [ ! -f "$GW_JAR" ]; then
  log "building the gateway"
  if ! mvn_locked package -pl gateway-service -am -DskipTests -Dspotless.check.skip=true; then
    [ -f "$GW_JAR" ] || die "gateway build failed and there is no earlier jar"
    log "warning: gateway build failed; using the existing jar from $(date -r "$GW_JAR" '+%F %T')"
  fi
fi
# Private copies: a concurrent rebuild must not rewrite a jar under a running JVM.
cp "$SIM_JAR" "$TMP/simulator.jar"
cp "$GW_JAR" "$TMP/gateway.jar"
GW_JAR_DATE="$(date -u -r "$GW_JAR" '+%F %T UTC')"
gcc -O2 -o "$TMP/streamc" "$BENCH_DIR/streamc.c" || die "cannot compile streamc.c"

SIM_PORT="$(free_port)"; NGINX_PORT="$(free_port)"; GW_PORT="$(free_port)"
while [ "$NGINX_PORT" = "$SIM_PORT" ]; do NGINX_PORT="$(free_port)"; done
while [ "$GW_PORT" = "$SIM_PORT" ] || [ "$GW_PORT" = "$NGINX_PORT" ]; do GW_PORT="$(free_port)"; done

# ------------------------------------------------------------------------------------------------ simulator
log "starting the simulator on :$SIM_PORT"
"$JAVA" "${SIM_JVM_OPTS[@]}" -jar "$TMP/simulator.jar" --server.port="$SIM_PORT" \
  --logging.level.root=WARN >"$TMP/simulator.log" 2>&1 &
SIM_PID=$!; PIDS+=("$SIM_PID")

# ------------------------------------------------------------------------------------------------ nginx
NGX="$TMP/nginx"
mkdir -p "$NGX/logs" "$NGX/tmp"
cat >"$NGX/nginx.conf" <<EOF
# generated by infra/bench/run.sh: a plain reverse proxy in front of the simulator
worker_processes auto;
worker_rlimit_nofile $( [ "$NOFILE" = unlimited ] && echo 65536 || echo "$NOFILE" );
pid $NGX/nginx.pid;
error_log $NGX/logs/error.log warn;
events {
  worker_connections 16384;
  multi_accept on;
}
http {
  access_log off;
  client_body_temp_path $NGX/tmp/body;
  proxy_temp_path $NGX/tmp/proxy;
  fastcgi_temp_path $NGX/tmp/fastcgi;
  uwsgi_temp_path $NGX/tmp/uwsgi;
  scgi_temp_path $NGX/tmp/scgi;
  keepalive_requests 1000000;
  keepalive_timeout 75s;
  upstream sim {
    server 127.0.0.1:$SIM_PORT;
    keepalive 512;
    keepalive_requests 1000000;
    keepalive_timeout 60s;
  }
  server {
    listen 127.0.0.1:$NGINX_PORT backlog=4096;
    location / {
      proxy_pass http://sim;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
      proxy_request_buffering off;
      proxy_read_timeout 300s;
    }
  }
}
EOF
log "starting nginx on :$NGINX_PORT"
nginx -p "$NGX" -c "$NGX/nginx.conf" -g 'daemon off;' >"$TMP/nginx.log" 2>&1 &
NGINX_PID=$!; PIDS+=("$NGINX_PID")

# ------------------------------------------------------------------------------------------------ gateway
ADMIN_TOKEN="bench-admin-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
MASTER_KEY="$(head -c 32 /dev/urandom | base64 | tr -d '\n')"
# An own master key id: channels of other gateways in the shared database do not open under it and are left out of
# this gateway's routing snapshot (it logs that), which keeps this instance to the benchmark's own channels.
# Everything else is the gateway's default configuration (upstream pool: 10,000 connections per address, enough for
# the 5,000 open streams; debug ring on).
# Metering stays on (it is on the hot path being measured) but goes to a topic of the bench's own, deleted at exit:
# on relay.usage, access-service's ledger would later store a million benchmark requests (and a control-plane benchmark
# run after this one would spend its CPU consuming them).
USAGE_TOPIC="relay.bench-usage-$$"
GW_ARGS=(--server.port="$GW_PORT" --relay.gateway.master-key-id=bench
  --relay.gateway.metering.journal-dir="$TMP/usage-journal" --relay.gateway.metering.topic="$USAGE_TOPIC")
# shellcheck disable=SC2206
GW_EXTRA=(${BENCH_GW_EXTRA_ARGS:-})
log "starting the gateway on :$GW_PORT (${GW_JVM_OPTS[*]}; jar of $GW_JAR_DATE)"
MALLOC_ARENA_MAX="$GW_MALLOC_ARENA_MAX" "$JAVA" "${GW_JVM_OPTS[@]}" -jar "$TMP/gateway.jar" "${GW_ARGS[@]}" "${GW_EXTRA[@]}" \
  --relay.gateway.admin-token="$ADMIN_TOKEN" --relay.gateway.master-key="$MASTER_KEY" >"$TMP/gateway.log" 2>&1 &
GW_PID=$!; PIDS+=("$GW_PID")

wait_http "http://127.0.0.1:$SIM_PORT/actuator/health" "$SIM_PID" simulator 90
wait_http "http://127.0.0.1:$NGINX_PORT/actuator/health" "$NGINX_PID" nginx 30
wait_http "http://127.0.0.1:$GW_PORT/actuator/health/readiness" "$GW_PID" gateway 180
log "all three up: simulator pid $SIM_PID, nginx pid $NGINX_PID, gateway pid $GW_PID"

# ------------------------------------------------------------------------------------------------ measure
git_rev="$(cd "$ROOT_DIR" && git rev-parse --short HEAD 2>/dev/null || echo unknown)"
git_dirty="$(cd "$ROOT_DIR" && git status --porcelain 2>/dev/null | grep -c . || true)"
python3 - "$TMP/config.json" <<EOF
import json, sys
cfg = {
  "mode": "$MODE", "run_id": "$RUN_ID", "tmp": "$TMP", "out": "$OUT", "rounds": $ROUNDS,
  "seconds": {"chat": $CHAT_S, "stream": $STREAM_S, "warm_chat": $WARM_CHAT_S, "warm_stream": $WARM_STREAM_S,
              "warm_min": $WARM_MIN_S, "warm_max": $WARM_MAX_S,
              "hold": $HOLD_S, "profile": $PROFILE_S},
  "stream_delay_ms": $STREAM_DELAY_MS, "hold_streams": $HOLD_STREAMS, "hold_delay_ms": 2000, "hold_chunks": 30,
  "hold_ramp": 1000, "key_rate_limit": "${BENCH_KEY_RATE_LIMIT:-}",
  "sim_port": $SIM_PORT, "sim_pid": $SIM_PID, "nginx_port": $NGINX_PORT, "nginx_pid": $NGINX_PID,
  "gw_port": $GW_PORT, "gw_pid": $GW_PID, "admin_token": "$ADMIN_TOKEN",
  "streamc": "$TMP/streamc", "post_lua": "$BENCH_DIR/post.lua", "java_home": "$JAVA_HOME", "profile": $PROFILE == 1,
  "gw_jvm_opts": "${GW_JVM_OPTS[*]}", "gw_malloc_arena_max": "$GW_MALLOC_ARENA_MAX", "sim_jvm_opts": "${SIM_JVM_OPTS[*]}",
  "gw_args_public": "${GW_ARGS[*]} ${GW_EXTRA[*]:-}",
  "git": {"rev": "$git_rev", "uncommitted_files": int("${git_dirty:-0}" or 0), "gateway_jar_built": "$GW_JAR_DATE"},
  "versions": {"java": """$("$JAVA" -version 2>&1 | head -1)""", "nginx": """$(nginx -v 2>&1)""",
               "wrk": """$(wrk --version 2>&1 | head -1 | cut -c1-40)"""},
  "issue_targets": {"cpu_per_request_ratio_max": {"1": 6, "32": 5, "256": 4}, "cpu_per_stream_ratio_max": 2.5, "added_ttfe_ms_max": 2, "hold_rss_mb_max": 512},
}
json.dump(cfg, open(sys.argv[1], "w"), indent=1)
EOF
python3 "$BENCH_DIR/bench.py" --config "$TMP/config.json"
