#!/usr/bin/env bash
# Sets up and runs the whole platform on this machine: broker, migrations, every
# service, demo data, the gateway. Each process is supervised: one that exits is started
# again (noted in its log under var/log/, with a growing pause), the others keep running.
# Ctrl-C (or SIGTERM) stops everything it started.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh

export PYTHONWARNINGS="${PYTHONWARNINGS:-ignore::DeprecationWarning}"
PY=.venv/bin/python
QUIET=("$PY" -m services.common.run_quietly)  # no eventlet deprecation notice per process
SERVICES=(identity orgtree learning billing exam reporting)
PORT="${PORT:-8000}"
SANDBOX_PORT="${SANDBOX_PORT:-$((PORT + 90))}"
KEYS="${VAR_DIR:-var}/keys"
LOGS="${VAR_DIR:-var}/log"
# The payment sandbox plays Alipay and UnionPay on this machine (sandbox/README.md); production points
# the same adapter at Alipay by setting these (docs/operations.md).
export GATEWAY_SERVICES="identity,orgtree,learning,billing,exam,reporting"
export PUBLIC_BASE_URL="${PUBLIC_BASE_URL:-http://127.0.0.1:$PORT}"
export ALIPAY_GATEWAY="${ALIPAY_GATEWAY:-http://127.0.0.1:$SANDBOX_PORT/gateway.do}"
export ALIPAY_PRIVATE_KEY_FILE="${ALIPAY_PRIVATE_KEY_FILE:-$KEYS/alipay_merchant_private.pem}"
export ALIPAY_PUBLIC_KEY_FILE="${ALIPAY_PUBLIC_KEY_FILE:-$KEYS/alipay_sandbox_public.pem}"
export SANDBOX_ALIPAY_PRIVATE_KEY_FILE="$KEYS/alipay_sandbox_private.pem"
export SANDBOX_MERCHANT_PUBLIC_KEY_FILE="$KEYS/alipay_merchant_public.pem"
export SANDBOX_DB="${VAR_DIR:-var}/sandbox.db"
# UnionPay (银行卡): the keys and certificates default to the sandbox's under $KEYS.
export UNIONPAY_GATEWAY="${UNIONPAY_GATEWAY:-http://127.0.0.1:$SANDBOX_PORT/unionpay/gateway/api/frontTransReq.do}"
export UNIONPAY_BACK_GATEWAY="${UNIONPAY_BACK_GATEWAY:-http://127.0.0.1:$SANDBOX_PORT/unionpay/gateway/api/queryTrans.do}"
mkdir -p "$LOGS"
STOP_GRACE_SECONDS=10  # then SIGKILL (a service asked to stop while the broker is away)
pids=()

# supervise NAME COMMAND...: runs COMMAND in the background with its output in
# $LOGS/NAME.log, and starts it again whenever it exits: after 1 s, doubling up to 30 s
# while it keeps failing within a minute of its start.
supervise() {
  local name=$1
  shift
  (
    child=""
    stop_child() {
      if [ -n "$child" ] && kill -0 "$child" 2>/dev/null; then
        kill -TERM "$child" 2>/dev/null || true
        for _ in $(seq 1 $((STOP_GRACE_SECONDS * 10))); do
          kill -0 "$child" 2>/dev/null || break
          sleep 0.1
        done
        kill -KILL "$child" 2>/dev/null || true
      fi
      exit 0
    }
    trap stop_child TERM INT
    pause=1
    while true; do
      started=$(date +%s)
      "$@" >>"$LOGS/$name.log" 2>&1 &
      child=$!
      status=0
      wait "$child" || status=$?
      child=""
      if [ $(($(date +%s) - started)) -ge 60 ]; then pause=1; fi
      echo "[$(date '+%F %T')] run.sh: $name exited with status $status; starting it again in ${pause}s" >>"$LOGS/$name.log"
      echo "  $name exited (status $status); starting it again in ${pause}s — see $LOGS/$name.log"
      sleep "$pause" & wait $! || true
      pause=$((pause * 2 > 30 ? 30 : pause * 2))
    done
  ) &
  pids+=($!)
}

stop_all() {  # stop_all EXIT-STATUS
  trap - INT TERM EXIT
  echo
  echo "stopping..."
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  echo "stopped."
  exit "$1"
}
trap 'stop_all 0' INT TERM
trap 'stop_all $?' EXIT

echo "==> migrating: ${SERVICES[*]}"
$PY -m services.common.migrations "${SERVICES[@]}"
echo "==> certificate signing key (kept under ${VAR_DIR:-var}/keys; production mounts its own)"
"$PY" -m services.learning.signing_key >/dev/null
echo "==> payment sandbox keys (Alipay's, UnionPay's and the merchant's, under $KEYS)"
"$PY" -m sandbox.keys "${VAR_DIR:-var}" >/dev/null
echo "==> event queues"
"${QUIET[@]}" services.common.topology "${SERVICES[@]}"

for svc in "${SERVICES[@]}"; do
  : >"$LOGS/$svc.log"
  supervise "$svc" "${QUIET[@]}" nameko run --config "services/$svc/config.yaml" "services.$svc.service"
done
: >"$LOGS/sandbox.log"
supervise sandbox "$PY" -m gunicorn --workers 1 --threads 8 --bind "127.0.0.1:$SANDBOX_PORT" \
  "sandbox.app:wsgi()"
: >"$LOGS/gateway.log"
supervise gateway "${QUIET[@]}" gunicorn -c gateway/gunicorn.conf.py --bind "0.0.0.0:$PORT" \
  "gateway.asgi:asgi()"

services_answer() {  # /readyz?verbose pings every service through the broker
  local body
  body=$(curl -fs "http://127.0.0.1:$PORT/readyz?verbose" 2>/dev/null) || return 1
  [[ $body == *'"services"'* && $body != *false* ]]
}
echo "==> waiting for the services"
for _ in $(seq 1 120); do
  if services_answer; then break; fi
  sleep 0.5
done
services_answer || { echo "not ready; see $LOGS/"; exit 1; }

echo "==> demo data"
"${QUIET[@]}" services.orgtree.seed_demo
"${QUIET[@]}" services.identity.seed_demo
"${QUIET[@]}" services.learning.seed_demo
"${QUIET[@]}" services.billing.seed_demo
"${QUIET[@]}" services.exam.seed_demo

cat <<INFO

  专业技术人员继续教育平台 is running.

  Web            http://127.0.0.1:$PORT/   (单位注册, 注册审核进度查询, 管理首页 for admins;
                 learners: 我的课程, 我的考试, 购物车, 我的订单, 我的档案; operator: 培训计划, 课程,
                 题库, 考试)
  Verify         http://127.0.0.1:$PORT/verify/<证书编号>   (certificate verification, no login)
  API            http://127.0.0.1:$PORT/api/v1/
  API docs       http://127.0.0.1:$PORT/api/v1/docs
  Health         http://127.0.0.1:$PORT/readyz   (?verbose: each service)
  Pay sandbox    http://127.0.0.1:$SANDBOX_PORT/trades   (plays Alipay and UnionPay: cashier, bank pages, notifications)
  Logs           $LOGS/

  Demo logins (POST /api/v1/auth/login, "role" as shown):
    role       username         password        org
    operator   operator         Operator@2026   (platform)
    admin      hrss_admin       Admin@2026      天津市人力资源和社会保障局 (super admin)
    admin      health_admin     Admin@2026      天津市卫生健康委员会 (super admin)
    admin      jiangong_admin   Admin@2026      天津建工集团有限公司 (learner management)
    learner    zhangwei         Learner@2026    天津市第一中心医院 (admits at once)
    learner    liuyang          Learner@2026    天津建工集团有限公司 (pending review)

  Press Ctrl-C to stop.
INFO

# The supervisors never exit by themselves: wait until Ctrl-C or SIGTERM.
wait
