#!/usr/bin/env bash
# reporting at scale (issue 11), on demand:
#   benchmarks/reporting_scale.sh [learners]     (default 1000000: ~5.4M events)
# A PostgreSQL cluster of its own (port 55438, fsync on); the history of `learners` in the
# province-like tree of issue 3 written into orgtree's, identity's and learning's outboxes
# as their relays leave them (benchmarks/reporting_history.py); those three services
# running against them on a vhost of their own; then
#   1. the rebuild: `python -m services.reporting.rebuild` replays the three histories
#      through their replay_events into a fresh database (target: 5M events ≤ 15 min);
#   2. 参训情况统计表 for city-level admins on the rebuilt read models while new events
#      keep being applied to them (benchmarks/reporting_scale.py; target p95 ≤ 100 ms).
set -euo pipefail
cd "$(dirname "$0")/.."
LEARNERS="${1:-1000000}"
PY=.venv/bin/python
export PYTHONPATH="$PWD" PYTHONWARNINGS=ignore
export TEST_POSTGRES_PORT=55438 TEST_POSTGRES_DIR=/tmp/cpe-bench-reporting-scale-pg PG_FSYNC=on
export PG_EXTRA_OPTS="-c shared_buffers=2GB -c work_mem=32MB -c max_wal_size=8GB"
eval "$(./scripts/test_postgres.sh start)"
BASE="${TEST_POSTGRES_URL%/*}"
VHOST=cpe-bench-reporting
rabbitmqctl add_vhost "$VHOST" >/dev/null 2>&1 || true
rabbitmqctl set_permissions -p "$VHOST" guest ".*" ".*" ".*" >/dev/null
export AMQP_URI="amqp://guest:guest@localhost:5672/$VHOST"
fresh_db() {
  psql "$TEST_POSTGRES_URL" -qc "DROP DATABASE IF EXISTS $1 WITH (FORCE)" >/dev/null 2>&1
  psql "$TEST_POSTGRES_URL" -qc "CREATE DATABASE $1" >/dev/null
}
echo "== setup"
echo "  machine: $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB, load $(cut -d' ' -f1-3 /proc/loadavg); PostgreSQL $(psql "$TEST_POSTGRES_URL" -Atc 'SHOW server_version') (fsync on, shared_buffers 2GB); RabbitMQ $(rabbitmqctl version 2>/dev/null)"
for p in orgtree identity learning; do
  fresh_db "bench_$p"
  $PY -c "from services.common.migrations import upgrade; upgrade('$p', '$BASE/bench_$p')"
done
$PY -u benchmarks/reporting_history.py "$TEST_POSTGRES_URL" "$LEARNERS"
mkdir -p var/bench-reporting-scale
pids=()
for p in orgtree identity learning; do
  upper=$(echo "$p" | tr '[:lower:]' '[:upper:]')
  env "${upper}_DATABASE_URL=$BASE/bench_$p" VAR_DIR="$PWD/var/bench-reporting-scale" \
    .venv/bin/nameko run --config "services/$p/config.yaml" "services.$p.service" \
    >"var/bench-reporting-scale/$p.log" 2>&1 &
  pids+=($!)
done
trap 'kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null || true; ./scripts/test_postgres.sh stop' EXIT
sleep 8
echo "== 1. rebuild from the producers' histories (replay_events, pages of 5,000)"
fresh_db bench_rebuilt
started=$(date +%s)
$PY -m services.reporting.rebuild --target "$BASE/bench_rebuilt" \
  --producers orgtree,identity,learning 2>&1 | grep "^rebuilt" | sed 's/^/  /'
echo "  wall time $(( $(date +%s) - started )) s including the migration (target: 5M events ≤ 900 s)"
psql "$BASE/bench_rebuilt" -qc "VACUUM ANALYZE" >/dev/null
echo "== 2. 参训情况统计表 for city-level admins while events keep flowing"
$PY -u benchmarks/reporting_scale.py "$BASE/bench_rebuilt" "${BENCH_CALLS:-200}" "${BENCH_FLOW:-1000}"
