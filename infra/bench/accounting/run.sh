#!/usr/bin/env bash
# Usage-accounting benchmark (issue 9; outside .ci/run): at a fixed offered rate the edge sustains, does the usage
# ledger keep up (events/s ingested, lag over the run), does the edge's CPU per request move with accounting on vs
# off (interleaved rounds), and how far does a balance overshoot before the edge refuses the key.
# See infra/bench/README.md and docs/performance.md ("Usage accounting").
#
#   infra/bench/accounting/run.sh [--rate N] [--no-ramp] [--rounds N] [--round-seconds S] [--spend-seconds S]
#                                 [--connections N] [--out FILE] [--keep-fixtures] [--keep-tmp]
#
#   --rate N            the offered rate to try, requests/s (default 2000, the issue's); when the warm edge does not
#                       sustain it, a short ramp (1500, 1000, 750, 500, 250) picks the highest that it does
#   --no-ramp           measure at --rate whatever happens
#   --rounds N          pairs of rounds, accounting on then off (default 5)
#   --round-seconds S   load per round (default 20)
#   --spend-seconds S   the overshoot test's balance lasts about this long at the rate (default 5)
#   --connections N     wrk connections (default 64; the rate is a schedule, connections only bound what is in flight)
#   --out FILE          results file (default infra/bench/results/accounting-latest.json)
#   --keep-fixtures     do not roll back the benchmark's two import runs at the end
#   --keep-tmp          keep the temp dir (replica log, launcher log)
#
# Uses the running system (`infra/relay up`; started here when it is not running, and then stopped again at the end
# with `infra/relay down`). Starts one extra edge replica of host "edge" on a free loopback port (same secrets and
# database as the launcher's edge, so it serves what import runs provision and learns accounting's verdicts through
# the normal config propagation) and stops it by PID on exit. Stops and restarts the launcher's access-service between
# rounds (`infra/relay stop|restart access-service`) and always leaves it running. About 8-10 minutes.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT_DIR="$(cd "$BENCH_DIR/../../.." && pwd)"
RUN_DIR="$ROOT_DIR/infra/.run"
RELAY="$ROOT_DIR/infra/relay"

RATE=2000; RAMP=true; ROUNDS=5; ROUND_S=20; SPEND_S=5; CONNS=64; KEEP_FIX=false; KEEP_TMP=0
OUT="$ROOT_DIR/infra/bench/results/accounting-latest.json"
while [ $# -gt 0 ]; do
  case "$1" in
    --rate) RATE="$2"; shift ;;
    --no-ramp) RAMP=false ;;
    --rounds) ROUNDS="$2"; shift ;;
    --round-seconds) ROUND_S="$2"; shift ;;
    --spend-seconds) SPEND_S="$2"; shift ;;
    --connections) CONNS="$2"; shift ;;
    --out) OUT="$(cd "$(dirname "$2")" 2>/dev/null && pwd || dirname "$2")/$(basename "$2")"; shift ;;
    --keep-fixtures) KEEP_FIX=true ;;
    --keep-tmp) KEEP_TMP=1 ;;
    -h|--help) sed -n '2,25p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
for n in "$RATE" "$ROUNDS" "$ROUND_S" "$SPEND_S" "$CONNS"; do
  [[ "$n" =~ ^[0-9]+$ ]] && [ "$n" -gt 0 ] || { echo "not a positive number: $n" >&2; exit 2; }
done

log() { printf '\033[1;34m[accounting]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[accounting] error:\033[0m %s\n' "$*" >&2; exit 1; }

# ------------------------------------------------------------------------------------------------ tools
need=()
for t in wrk curl psql python3; do command -v "$t" >/dev/null 2>&1 || need+=("$t"); done
if [ ${#need[@]} -gt 0 ]; then
  pkgs=()
  for t in "${need[@]}"; do case "$t" in psql) pkgs+=(postgresql-client) ;; *) pkgs+=("$t") ;; esac; done
  [ "$(id -u)" = 0 ] || die "missing ${need[*]}; install ${pkgs[*]}"
  log "installing ${pkgs[*]}"
  apt-get install -y "${pkgs[@]}" >/dev/null 2>&1 || { apt-get update >/dev/null 2>&1; apt-get install -y "${pkgs[@]}" >/dev/null; }
fi
if [ -z "${JAVA_HOME:-}" ] || [ ! -x "$JAVA_HOME/bin/java" ]; then
  if [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]; then JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
  else JAVA_HOME="$(ls -d /usr/lib/jvm/* 2>/dev/null | sort -rV | head -1)"; fi
fi
[ -x "$JAVA_HOME/bin/java" ] || die "no JDK found; set JAVA_HOME"
export JAVA_HOME
JAVA="$JAVA_HOME/bin/java"
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

# ------------------------------------------------------------------------------------------------ the system
ready() { curl -sf -o /dev/null --max-time 5 "http://127.0.0.1:$1/actuator/health/readiness"; }
STARTED_SYSTEM=false
INFRA_WAS_UP=false
if ready 8080 && ready 8181 && ready 8182 && ready 8190; then
  log "the system is up (infra/relay); using it"
  if ! ready 8183; then
    log "access-service is not running; starting it (infra/relay restart access-service)"
    "$RELAY" restart access-service >&2
  fi
else
  if curl -s -o /dev/null --max-time 3 http://127.0.0.1:8080/ || curl -s -o /dev/null --max-time 3 http://127.0.0.1:8181/; then
    die "the system is partly up; run 'infra/relay up' (or 'infra/relay down') first"
  fi
  log "the system is not running: infra/relay up (stopped again at the end)"
  STARTED_SYSTEM=true
  # what already ran (e.g. Kafka for a test suite) is left running at the end
  "$RELAY" status 2>/dev/null | grep -qE '^kafka +[0-9]+ .*running' && INFRA_WAS_UP=true
  flock /tmp/relay-mvn.lock "$RELAY" up >&2
fi
[ -f "$RUN_DIR/secrets.env" ] || die "no $RUN_DIR/secrets.env"
[ -f "$RUN_DIR/kafka-lib/.complete" ] || die "no Kafka runtime under $RUN_DIR/kafka-lib (infra/relay up fetches it)"

RUN_ID="$(date +%Y%m%d%H%M%S)-$$"
TMP="$(mktemp -d /tmp/relay-acct-bench.XXXXXX)"
GW_PID=""
cleanup() {
  local rc=$?
  set +e
  trap - EXIT INT TERM
  if [ -n "$GW_PID" ] && kill -0 "$GW_PID" 2>/dev/null; then
    log "stopping the edge replica (pid $GW_PID)"
    kill -TERM "$GW_PID"
    for _ in $(seq 150); do kill -0 "$GW_PID" 2>/dev/null || break; sleep 0.2; done
    kill -0 "$GW_PID" 2>/dev/null && { log "replica did not stop; killing pid $GW_PID"; kill -KILL "$GW_PID"; }
  fi
  if [ "$STARTED_SYSTEM" = true ] && [ "$INFRA_WAS_UP" = true ]; then
    log "infra/relay stop services (this benchmark started them; the infrastructure ran before)"
    "$RELAY" stop services >&2
  elif [ "$STARTED_SYSTEM" = true ]; then
    log "infra/relay down (this benchmark started the system)"
    "$RELAY" down >&2
  elif ! ready 8183; then
    log "access-service is not running; starting it again"
    "$RELAY" restart access-service >&2
  fi
  if [ "$KEEP_TMP" = 1 ] || [ "$rc" != 0 ]; then log "logs kept in $TMP"; else rm -rf "$TMP"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ------------------------------------------------------------------------------------------------ the edge replica
GW_JAR="$ROOT_DIR/gateway-service/target/gateway-service-0.1.0-SNAPSHOT.jar"
ACCESS_JAR="$ROOT_DIR/access-service/target/access-service-0.1.0-SNAPSHOT.jar"
[ -f "$GW_JAR" ] || die "no $GW_JAR (build: ./mvnw -pl gateway-service -am package -DskipTests)"
cp "$GW_JAR" "$TMP/gateway.jar"
GW_PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
# The same JVM flags as the edge benchmark (infra/bench/run.sh): a fixed 512 MiB heap and the JVM's defaults.
GW_JVM_OPTS=(-Xms512m -Xmx512m -XX:+UseG1GC)
log "starting an edge replica of host 'edge' on :$GW_PORT (${GW_JVM_OPTS[*]})"
(
  set -a; . "$RUN_DIR/secrets.env"; set +a
  exec "$JAVA" "${GW_JVM_OPTS[@]}" -jar "$TMP/gateway.jar" --server.port="$GW_PORT" \
    --relay.gateway.metering.journal-dir="$TMP/usage-journal" --relay.gateway.proxy.replica-id="acct-bench-$$"
) >"$TMP/replica.log" 2>&1 &
GW_PID=$!
for i in $(seq 720); do
  curl -sf -o /dev/null "http://127.0.0.1:$GW_PORT/actuator/health/readiness" && break
  kill -0 "$GW_PID" 2>/dev/null || { tail -40 "$TMP/replica.log" >&2; die "the replica exited during start-up"; }
  [ "$i" -lt 720 ] || die "the replica is not ready after 180 s (log: $TMP/replica.log)"
  sleep 0.25
done
log "replica ready (pid $GW_PID)"

cat >"$TMP/cli-log4j2.properties" <<'EOF'
status = error
appender.console.type = Console
appender.console.name = STDERR
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %p %m%n
rootLogger.level = error
rootLogger.appenderRef.console.ref = STDERR
EOF

git_rev="$(cd "$ROOT_DIR" && git rev-parse --short HEAD 2>/dev/null || echo unknown)"
git_dirty="$(cd "$ROOT_DIR" && git status --porcelain 2>/dev/null | grep -c . || true)"
python3 - "$TMP/config.json" <<EOF
import json, sys
json.dump({
  "run_id": "$RUN_ID", "tmp": "$TMP", "out": "$OUT", "rate": $RATE, "ramp": $( [ "$RAMP" = true ] && echo True || echo False ),
  "rounds": $ROUNDS, "round_seconds": $ROUND_S, "spend_seconds": $SPEND_S, "overshoot_tail_seconds": 6,
  "connections": $CONNS, "p99_max_ms": 250, "settle_seconds": 2, "warm_min": 30, "warm_max": 90,
  "group": "${RELAY_ACCOUNTING_USAGE_CONSUMER_GROUP:-access-usage}", "kafka": "${RELAY_KAFKA_BOOTSTRAP:-127.0.0.1:9092}",
  "edge_admin": "http://127.0.0.1:8080/admin/v1", "admin_token": "$(grep '^RELAY_ADMIN_TOKEN=' "$RUN_DIR/secrets.env" | cut -d= -f2-)",
  "gw_port": $GW_PORT, "gw_pid": $GW_PID, "java_home": "$JAVA_HOME", "cli_log4j": "$TMP/cli-log4j2.properties",
  "keep_fixtures": $( [ "$KEEP_FIX" = true ] && echo True || echo False ),
  "started_system": $( [ "$STARTED_SYSTEM" = true ] && echo True || echo False ),
  "gw_jvm_opts": "${GW_JVM_OPTS[*]}",
  "gw_jar_built": "$(date -u -r "$GW_JAR" '+%F %T UTC')", "access_jar_built": "$(date -u -r "$ACCESS_JAR" '+%F %T UTC' 2>/dev/null)",
  "git": {"rev": "$git_rev", "uncommitted_files": int("${git_dirty:-0}" or 0)},
  "java_version": """$("$JAVA" -version 2>&1 | head -1)""", "wrk_version": """$(wrk --version 2>&1 | head -1 | cut -c1-40)""",
}, open(sys.argv[1], "w"), indent=1)
EOF
python3 "$BENCH_DIR/accounting.py" --config "$TMP/config.json"
