#!/usr/bin/env bash
# reporting's projection throughput through the broker (issue 11), on demand:
#   benchmarks/reporting_feed.sh [learners]      (default 20000: 100,000 events)
# Starts its own platform (var/bench-reporting, port 8100) with reporting on a PostgreSQL
# cluster of its own (port 55436, fsync on), publishes the history as the producers'
# relays do, and measures how fast reporting applies it.
set -euo pipefail
cd "$(dirname "$0")/.."
export VAR_DIR="${VAR_DIR:-$PWD/var/bench-reporting}" PORT="${BENCH_PORT:-8100}" AUTH_CAPTCHA=off
N="${1:-20000}"
rm -rf "$VAR_DIR"; mkdir -p "$VAR_DIR"
export TEST_POSTGRES_PORT=55436 TEST_POSTGRES_DIR=/tmp/cpe-bench-reporting-pg PG_FSYNC=on
eval "$(./scripts/test_postgres.sh start)"
psql "$TEST_POSTGRES_URL" -qc "DROP DATABASE IF EXISTS bench_reporting" >/dev/null
psql "$TEST_POSTGRES_URL" -qc "CREATE DATABASE bench_reporting" >/dev/null
export REPORTING_DATABASE_URL="${TEST_POSTGRES_URL%/*}/bench_reporting"
# shellcheck source=benchmarks/platform.sh
source benchmarks/platform.sh
cleanup() { stop_platform; ./scripts/test_postgres.sh stop; }
trap cleanup EXIT
start_platform
export PYTHONPATH="$PWD"
echo "== setup"
echo "  machine: $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB; reporting on PostgreSQL $(psql "$TEST_POSTGRES_URL" -Atc 'SHOW server_version') (fsync on); RabbitMQ $(rabbitmqctl version 2>/dev/null)"
echo "== projection throughput"
.venv/bin/python -W ignore benchmarks/reporting_feed_load.py "$N"
