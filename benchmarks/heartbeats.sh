#!/usr/bin/env bash
# Heartbeats at a constant rate through the gateway (issue 8), on demand (not in CI):
#   benchmarks/heartbeats.sh [rate] [seconds] [interval]     (default 2500 300 10)
# Starts its own platform (var/bench-heartbeats, port 8100, SQLite unless
# LEARNING_DATABASE_URL is set), runs benchmarks/heartbeat_load.py, and prints where the
# CPU went (cpu_share.py) in the middle of the run, and how late reporting applied the
# events learning published meanwhile (reporting_lag.py; REPORTING_DATABASE_URL for
# PostgreSQL).
set -euo pipefail
cd "$(dirname "$0")/.."
export VAR_DIR="${VAR_DIR:-$PWD/var/bench-heartbeats}" PORT="${BENCH_PORT:-8100}" AUTH_CAPTCHA=off
RATE="${1:-2500}" SECONDS_="${2:-300}" INTERVAL="${3:-10}"
rm -rf "$VAR_DIR"; mkdir -p "$VAR_DIR"
# shellcheck source=benchmarks/platform.sh
source benchmarks/platform.sh
trap stop_platform EXIT
start_platform
export PYTHONPATH="$PWD"

echo "== setup"
echo "  machine: $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB; everything on this machine"
echo "  learning database: ${LEARNING_DATABASE_URL:-SQLite (WAL)}; broker: RabbitMQ $(rabbitmqctl version 2>/dev/null)"
echo "  gateway: gunicorn, ${GATEWAY_WORKERS:-1} uvicorn worker(s) (heartbeats on the event loop; Flask on ${GATEWAY_THREADS:-16} threads each)"
echo "  heartbeat batches: ${HEARTBEAT_BATCH_SIZE:-500} messages or ${HEARTBEAT_BATCH_MS:-200} ms, one commit each"
echo
echo "== heartbeats: $RATE/s for ${SECONDS_} s, a tick every ${INTERVAL} s per learner"
.venv/bin/python -W ignore benchmarks/reporting_lag.py snapshot "$VAR_DIR/lag_before.json"
( sleep $(( SECONDS_ / 2 )); .venv/bin/python benchmarks/cpu_share.py 10 ) &
CPU_SHARE=$!
.venv/bin/python -W ignore benchmarks/heartbeat_load.py "http://127.0.0.1:$PORT" "$RATE" "$SECONDS_" "$INTERVAL"
wait "$CPU_SHARE"  # not a bare wait: that would wait for the platform too
echo "== reporting's read models meanwhile (the events learning published under this load)"
.venv/bin/python -W ignore benchmarks/reporting_lag.py report "$VAR_DIR/lag_before.json"
