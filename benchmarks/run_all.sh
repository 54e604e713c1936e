#!/usr/bin/env bash
# Benchmarks of the foundation issue, on demand (not in CI). Starts its own platform
# (captcha off, SQLite, separate var dir and port), measures, prints setup and figures.
set -euo pipefail
cd "$(dirname "$0")/.."
export VAR_DIR="${VAR_DIR:-$PWD/var/bench}" PORT="${BENCH_PORT:-8100}" AUTH_CAPTCHA=off
export AMQP_URI="${AMQP_URI:-amqp://guest:guest@localhost:5672/}"
BASE="http://127.0.0.1:$PORT"
DURATION="${BENCH_DURATION:-20s}"
rm -rf "$VAR_DIR"; mkdir -p "$VAR_DIR"

# shellcheck source=benchmarks/platform.sh
source benchmarks/platform.sh
trap stop_platform EXIT
start_platform
PY=.venv/bin/python
export PYTHONPATH="$PWD"

cpu_share() { # run a load generator under time(1); print its CPU share and everyone's
  ( sleep 3; $PY benchmarks/cpu_share.py 10 ) &
  /usr/bin/time -f "    load generator CPU: %P of one core (2 cores in all)" "$@"
  wait
}

echo "== setup"
echo "  machine: $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB; everything on this machine"
echo "  database: SQLite (WAL) per service; broker: RabbitMQ $(rabbitmqctl version 2>/dev/null)"
echo "  gateway: gunicorn, ${GATEWAY_WORKERS:-1} uvicorn worker(s), Flask on ${GATEWAY_THREADS:-16} threads each, one RPC proxy per thread"
echo "  RPC publishes: transient, unconfirmed (RPC_FAST_PUBLISH=${RPC_FAST_PUBLISH:-on}); events: persistent, confirmed"
echo "  KDF: $($PY -c 'from services.identity.service import HASHER; print(HASHER.parameters)' 2>/dev/null)"
echo "  captcha: off (AUTH_CAPTCHA=off, load tests only)"
echo

echo "== 1. gateway -> identity RPC round trip (sequential, no HTTP)"
$PY -W ignore benchmarks/rpc_roundtrip.py 3000
echo

TOKEN=$($PY benchmarks/login_token.py "$BASE")

echo "== 2. GET /api/v1/me from the token's claims (no RPC): wrk, 32 connections, $DURATION"
cpu_share wrk -t2 -c32 -d"$DURATION" --latency -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/me" \
  | grep -E "Requests/sec|Latency|99%|Non-2xx|cpu " || true
echo

for route in "/api/v1/auth/vocabularies" "/api/v1/orgs/tree" "/api/v1/me/profile"; do
  echo "== 3. one-RPC route GET $route: saturated, wrk 32 connections, $DURATION"
  cpu_share wrk -t2 -c32 -d"$DURATION" --latency -H "Authorization: Bearer $TOKEN" "$BASE$route" \
    | grep -E "Requests/sec|Latency|99%|Non-2xx|cpu " || true
  # hey starts its workers in phase: -c N at N*q = 400 req/s sends bursts of N requests
  # every N/400 s, so the burst size, not only the rate, sets the tail.
  for c in 8 16 32; do
    q=$(python3 -c "print(400 / $c)")
    echo "== 3b. GET $route at a constant 400 req/s: hey -c $c -q $q (bursts of $c), $DURATION"
    hey -z "$DURATION" -c "$c" -q "$q" -H "Authorization: Bearer $TOKEN" "$BASE$route" \
      | grep -E "Requests/sec|99% in|50% in|responses|cpu " || true
  done
  echo
done

echo "== 4. login rate (Argon2id verify + audit + refresh token): hey -c 8, $DURATION"
BODY="$VAR_DIR/login.json"
echo '{"username": "zhangwei", "password": "Learner@2026"}' >"$BODY"
cpu_share hey -z "$DURATION" -c 8 -m POST -T application/json -D "$BODY" "$BASE/api/v1/auth/login" \
  | grep -E "Requests/sec|99% in|50% in|responses|cpu " || true

echo
echo "== 5. batch import of 50,000 learners (service-side: read, check, create, report)"
$PY -W ignore benchmarks/import_50k.py 50000

echo
echo "== 6. web client first load, cold cache, headless Chromium (Performance API)"
$PY -W ignore benchmarks/web_first_load.py "$BASE" "${BENCH_WEB_RUNS:-5}"
