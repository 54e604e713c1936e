#!/usr/bin/env bash
# Alipay's notifications replayed 3x each, at once and out of order, through the gateway
# (issue 9), on demand (not in CI):
#   benchmarks/alipay_notify.sh [orders_per_second] [seconds]     (default 100 120)
# Starts its own platform (var/bench-notify, port 8100) with billing and learning on a
# PostgreSQL cluster of its own (port 55434, fsync on: production's database; BENCH_SQLITE=1
# for SQLite), runs benchmarks/alipay_notify_load.py, and prints where the CPU went.
set -euo pipefail
cd "$(dirname "$0")/.."
export VAR_DIR="${VAR_DIR:-$PWD/var/bench-notify}" PORT="${BENCH_PORT:-8100}" AUTH_CAPTCHA=off
RATE="${1:-100}" SECONDS_="${2:-120}"
rm -rf "$VAR_DIR"; mkdir -p "$VAR_DIR"
if [ -z "${BENCH_SQLITE:-}" ]; then
  export TEST_POSTGRES_PORT=55434 TEST_POSTGRES_DIR=/tmp/cpe-bench-notify-pg PG_FSYNC=on
  eval "$(./scripts/test_postgres.sh start)"
  for db in bench_billing bench_learning; do
    psql "$TEST_POSTGRES_URL" -qc "DROP DATABASE IF EXISTS $db" >/dev/null
    psql "$TEST_POSTGRES_URL" -qc "CREATE DATABASE $db" >/dev/null
  done
  export BILLING_DATABASE_URL="${TEST_POSTGRES_URL%/*}/bench_billing"
  export LEARNING_DATABASE_URL="${TEST_POSTGRES_URL%/*}/bench_learning"
fi
# shellcheck source=benchmarks/platform.sh
source benchmarks/platform.sh
cleanup() { stop_platform; [ -n "${BENCH_SQLITE:-}" ] || ./scripts/test_postgres.sh stop; }
trap cleanup EXIT
start_platform
export PYTHONPATH="$PWD"

echo "== setup"
echo "  machine: $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB; everything on this machine"
echo "  billing and learning databases: ${BILLING_DATABASE_URL:+PostgreSQL $(psql "$TEST_POSTGRES_URL" -Atc 'SHOW server_version'), fsync on}${BILLING_DATABASE_URL:-SQLite (WAL)}; broker: RabbitMQ $(rabbitmqctl version 2>/dev/null)"
echo "  gateway: gunicorn, ${GATEWAY_WORKERS:-1} uvicorn worker(s), Flask on ${GATEWAY_THREADS:-16} threads; billing: ${BILLING_MAX_WORKERS:-10} workers"
echo
echo "== notifications: $RATE orders/s, each notified 3x at once, for ${SECONDS_} s"
( sleep $(( SECONDS_ / 2 )); .venv/bin/python benchmarks/cpu_share.py 10 ) &
CPU_SHARE=$!
.venv/bin/python -W ignore benchmarks/alipay_notify_load.py "http://127.0.0.1:$PORT" "$RATE" "$SECONDS_"
wait "$CPU_SHARE"
