#!/usr/bin/env bash
# Issue 3's scale benchmarks, on demand: a PostgreSQL cluster of its own (fsync on), the
# generated tree of ~98,000 units and 5,000,000 people, identity and orgtree running
# against it on a vhost of their own; then the subtree learner query and a subtree move.
#   benchmarks/subtree_scale.sh [people]      BENCH_REUSE=1 keeps an earlier generation
set -euo pipefail
cd "$(dirname "$0")/.."
PEOPLE="${1:-5000000}"
PY=.venv/bin/python
export PYTHONPATH="$PWD" PYTHONWARNINGS=ignore
export TEST_POSTGRES_PORT=55433 TEST_POSTGRES_DIR=/tmp/cpe-bench-pg PG_FSYNC=on
export PG_EXTRA_OPTS="-c shared_buffers=2GB -c work_mem=32MB -c max_wal_size=8GB"
eval "$(./scripts/test_postgres.sh start)"
BASE="$TEST_POSTGRES_URL"
VHOST=cpe-bench
rabbitmqctl add_vhost "$VHOST" >/dev/null 2>&1 || true
rabbitmqctl set_permissions -p "$VHOST" guest ".*" ".*" ".*" >/dev/null
export AMQP_URI="amqp://guest:guest@localhost:5672/$VHOST"

if [ "${BENCH_REUSE:-0}" != "1" ]; then
  $PY benchmarks/generate_scale.py "$BASE" "$PEOPLE"
fi
export ORGTREE_DATABASE_URL="${BASE%/*}/bench_orgtree" IDENTITY_DATABASE_URL="${BASE%/*}/bench_identity"
mkdir -p var/bench
pids=()
for svc in identity orgtree; do
  .venv/bin/nameko run --config "services/$svc/config.yaml" "services.$svc.service" \
    >"var/bench/$svc.log" 2>&1 &
  pids+=($!)
done
trap 'kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null || true' EXIT
$PY -u benchmarks/subtree_scale.py
