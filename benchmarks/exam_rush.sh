#!/usr/bin/env bash
# The exam deadline rush through the gateway (issue 10), on demand (not in CI):
#   benchmarks/exam_rush.sh [submissions] [seconds]     (default 5000 60)
# Starts its own platform (var/bench-exam, port 8100) with exam on a PostgreSQL cluster of
# its own (port 55435, fsync on), runs benchmarks/exam_rush_load.py — half the submissions
# spread over the run, half in one 10 s burst, the exam service killed in the burst (the
# run command's supervisor starts it again) — and prints where the CPU went.
set -euo pipefail
cd "$(dirname "$0")/.."
export VAR_DIR="${VAR_DIR:-$PWD/var/bench-exam}" PORT="${BENCH_PORT:-8100}" AUTH_CAPTCHA=off
N="${1:-5000}" SECONDS_="${2:-60}"
rm -rf "$VAR_DIR"; mkdir -p "$VAR_DIR"
export TEST_POSTGRES_PORT=55435 TEST_POSTGRES_DIR=/tmp/cpe-bench-exam-pg PG_FSYNC=on
eval "$(./scripts/test_postgres.sh start)"
psql "$TEST_POSTGRES_URL" -qc "DROP DATABASE IF EXISTS bench_exam" >/dev/null
psql "$TEST_POSTGRES_URL" -qc "CREATE DATABASE bench_exam" >/dev/null
export EXAM_DATABASE_URL="${TEST_POSTGRES_URL%/*}/bench_exam"
# shellcheck source=benchmarks/platform.sh
source benchmarks/platform.sh
cleanup() { stop_platform; ./scripts/test_postgres.sh stop; }
trap cleanup EXIT
start_platform
export PYTHONPATH="$PWD"
PID_FILE="$VAR_DIR/exam.pid"
( while sleep 0.2; do pgrep -f "services.exam.service" | head -1 > "$PID_FILE.new" && mv "$PID_FILE.new" "$PID_FILE"; done ) &
WATCH=$!

echo "== setup"
echo "  machine: $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB; everything on this machine"
echo "  exam database: PostgreSQL $(psql "$TEST_POSTGRES_URL" -Atc 'SHOW server_version'), fsync on; broker: RabbitMQ $(rabbitmqctl version 2>/dev/null)"
echo "  gateway: gunicorn, ${GATEWAY_WORKERS:-1} uvicorn worker(s), Flask on ${GATEWAY_THREADS:-16} threads; exam: ${EXAM_MAX_WORKERS:-10} workers"
echo
echo "== submissions: $N in ${SECONDS_} s, half of them in one 10 s burst"
( sleep $(( SECONDS_ / 2 - 5 )); .venv/bin/python benchmarks/cpu_share.py 10 ) &
CPU_SHARE=$!
.venv/bin/python -W ignore benchmarks/exam_rush_load.py "http://127.0.0.1:$PORT" "$N" "$SECONDS_" "$PID_FILE"
wait "$CPU_SHARE"
kill "$WATCH" 2>/dev/null || true
