#!/usr/bin/env bash
# 我的课程 for a learner with 10 plans, 1,000,000 activations in the table, on PostgreSQL
# (issue 8), on demand:   benchmarks/my_courses.sh [activations]
# A PostgreSQL cluster of its own (port 55433, fsync on), generation, learning running
# against it on a vhost of its own, then sequential RPC calls as the gateway makes them.
set -euo pipefail
cd "$(dirname "$0")/.."
ACTIVATIONS="${1:-1000000}"
PY=.venv/bin/python
export PYTHONPATH="$PWD" PYTHONWARNINGS=ignore
export TEST_POSTGRES_PORT=55433 TEST_POSTGRES_DIR=/tmp/cpe-bench-pg PG_FSYNC=on
export PG_EXTRA_OPTS="-c shared_buffers=2GB -c work_mem=32MB -c max_wal_size=8GB"
eval "$(./scripts/test_postgres.sh start)"
BASE="$TEST_POSTGRES_URL"
psql "$BASE" -qc "CREATE DATABASE bench_learning" 2>/dev/null || true
export LEARNING_DATABASE_URL="${BASE%/*}/bench_learning"
VHOST=cpe-bench-learning
rabbitmqctl add_vhost "$VHOST" >/dev/null 2>&1 || true
rabbitmqctl set_permissions -p "$VHOST" guest ".*" ".*" ".*" >/dev/null
export AMQP_URI="amqp://guest:guest@localhost:5672/$VHOST"

echo "== setup: PostgreSQL $(psql "$BASE" -Atc 'SHOW server_version'), $(nproc) cores"
echo "== generating $ACTIVATIONS activations"
$PY benchmarks/my_courses.py "$LEARNING_DATABASE_URL" "$ACTIVATIONS"
mkdir -p var/bench
.venv/bin/nameko run --config services/learning/config.yaml services.learning.service \
  >var/bench/learning-my-courses.log 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait 2>/dev/null || true' EXIT
echo "== 我的课程 (my_plans)"
$PY -u benchmarks/my_courses.py --measure "${BENCH_CALLS:-500}"
