#!/usr/bin/env bash
# Sets up and runs the whole platform on this machine: broker, migrations, every
# service, demo data, the gateway. Ctrl-C stops everything it started.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh

export PYTHONWARNINGS="${PYTHONWARNINGS:-ignore::DeprecationWarning}"
PY=.venv/bin/python
SERVICES=(identity orgtree)
PORT="${PORT:-8000}"
pids=()

stop_all() {
  trap - INT TERM EXIT
  echo
  echo "stopping..."
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  echo "stopped."
  exit 0
}
trap stop_all INT TERM EXIT

echo "==> migrating: ${SERVICES[*]}"
$PY -m services.common.migrations "${SERVICES[@]}"

for svc in "${SERVICES[@]}"; do
  .venv/bin/nameko run --config "services/$svc/config.yaml" "services.$svc.service" \
    >"var/log/$svc.log" 2>&1 &
  pids+=($!)
done

.venv/bin/gunicorn -c gateway/gunicorn.conf.py --bind "0.0.0.0:$PORT" "gateway.app:wsgi()" \
  >var/log/gateway.log 2>&1 &
pids+=($!)

echo "==> waiting for the services"
for _ in $(seq 1 120); do
  if curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1; then break; fi
  sleep 0.5
done
curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null || { echo "not ready; see var/log/"; exit 1; }

echo "==> demo data"
$PY -m services.orgtree.seed_demo
$PY -m services.identity.seed_demo

cat <<INFO

  专业技术人员继续教育平台 is running.

  Web            http://127.0.0.1:$PORT/   (单位注册, 注册审核进度查询, 管理首页 for admins)
  API            http://127.0.0.1:$PORT/api/v1/
  API docs       http://127.0.0.1:$PORT/api/v1/docs
  Health         http://127.0.0.1:$PORT/readyz
  Logs           var/log/

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

wait -n "${pids[@]}" || true
echo "a process exited; see var/log/"
