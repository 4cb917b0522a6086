#!/usr/bin/env bash
# Control-plane benchmark (outside .ci/run): 1,000 items from POST to all READY (or --until probed), against the whole system.
# Starts the system with `infra/relay up` when it is not running (and leaves it running: `infra/relay down` stops it).
#   infra/bench/control-plane/run.sh [--items N]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
if ! curl -sf -o /dev/null http://127.0.0.1:8181/actuator/health/readiness \
  || ! curl -sf -o /dev/null http://127.0.0.1:8182/actuator/health/readiness; then
  "$ROOT/infra/relay" up
fi
exec python3 "$ROOT/infra/bench/control-plane/import_probe.py" "$@"
