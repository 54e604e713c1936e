#!/usr/bin/env bash
# reporting's projection throughput through the broker (issue 11), on demand:
#   benchmarks/reporting_feed.sh [learners]      (default 20000: 100,101 events)
# Starts its own platform (var/bench-reporting, port 8100) with reporting on a PostgreSQL
# cluster of its own (port 55436, fsync on) and its feed off, publishes the history (the
# producers' envelopes) straight into reporting's queue, then starts a reporting replica with the
# feed on and measures how fast it drains the backlog (a publisher in Python is slower
# than the consumer, so publishing while consuming would measure the publisher).
set -euo pipefail
cd "$(dirname "$0")/.."
export VAR_DIR="${VAR_DIR:-$PWD/var/bench-reporting}" PORT="${BENCH_PORT:-8100}" AUTH_CAPTCHA=off
N="${1:-20000}"
rm -rf "$VAR_DIR"; mkdir -p "$VAR_DIR"
export TEST_POSTGRES_PORT=55436 TEST_POSTGRES_DIR=/tmp/cpe-bench-reporting-pg PG_FSYNC=on
eval "$(./scripts/test_postgres.sh start)"
psql "$TEST_POSTGRES_URL" -qc "DROP DATABASE IF EXISTS bench_reporting" >/dev/null 2>&1
psql "$TEST_POSTGRES_URL" -qc "CREATE DATABASE bench_reporting" >/dev/null
export REPORTING_DATABASE_URL="${TEST_POSTGRES_URL%/*}/bench_reporting"
# A vhost of its own, new each run: the history also reaches the other services' queues,
# and what an interrupted run left there would hold up the next one's demo data.
VHOST=cpe-bench-feed
rabbitmqctl delete_vhost "$VHOST" >/dev/null 2>&1 || true
rabbitmqctl add_vhost "$VHOST" >/dev/null
rabbitmqctl set_permissions -p "$VHOST" guest ".*" ".*" ".*" >/dev/null
export AMQP_URI="amqp://guest:guest@localhost:5672/$VHOST"
# shellcheck source=benchmarks/platform.sh
source benchmarks/platform.sh
REPLICA=""
cleanup() {
  [ -n "$REPLICA" ] && kill -TERM "$REPLICA" 2>/dev/null && wait "$REPLICA" 2>/dev/null
  stop_platform; ./scripts/test_postgres.sh stop
}
trap cleanup EXIT
PROJECTION_CONSUMER=off start_platform
export PYTHONPATH="$PWD"
echo "== setup"
echo "  machine: $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB; reporting on PostgreSQL $(psql "$TEST_POSTGRES_URL" -Atc 'SHOW server_version') (fsync on); RabbitMQ $(rabbitmqctl version 2>/dev/null)"
echo "== projection throughput (a backlog drained by one reporting replica)"
.venv/bin/python -W ignore benchmarks/reporting_feed_load.py "$N" publish
PROJECTION_CONSUMER=on .venv/bin/nameko run --config services/reporting/config.yaml \
  services.reporting.service >"$VAR_DIR/replica.log" 2>&1 &
REPLICA=$!
.venv/bin/python -W ignore benchmarks/reporting_feed_load.py "$N" drain
