#!/usr/bin/env bash
# Sets up and runs the whole test suite: unit tests, then integration tests against the
# real RabbitMQ and a throwaway PostgreSQL cluster (races and uniqueness run there).
set -euo pipefail
cd "$(dirname "$0")/.."
SETUP_BROWSER=1 SETUP_WEB_BUILD=0 ./scripts/setup.sh  # also Debian's chromium for tests/e2e

eval "$(./scripts/test_postgres.sh start)"
trap './scripts/test_postgres.sh stop' EXIT

export PYTHONWARNINGS="ignore::DeprecationWarning"
.venv/bin/ruff check services gateway sandbox tests benchmarks

# The web client: its API types regenerated from the gateway's OpenAPI document (so a
# changed contract fails the type check), type check, lint, unit tests, then the build
# the end-to-end tests drive.
mkdir -p var
.venv/bin/python -m gateway.openapi_dump > var/openapi.json
(
  cd web
  npm run --silent gen:api
  npm run --silent typecheck
  npm run --silent lint
  npm run --silent test
  npx vite build --logLevel warn
)
.venv/bin/python -m pytest "$@"
