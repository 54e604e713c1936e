#!/usr/bin/env bash
# Sets up and runs the whole test suite: unit tests, then integration tests against the
# real RabbitMQ and a throwaway PostgreSQL cluster (races and uniqueness run there).
set -euo pipefail
cd "$(dirname "$0")/.."
SETUP_BROWSER=1 ./scripts/setup.sh  # also Debian's chromium for tests/e2e

eval "$(./scripts/test_postgres.sh start)"
trap './scripts/test_postgres.sh stop' EXIT

export PYTHONWARNINGS="ignore::DeprecationWarning"
.venv/bin/ruff check services gateway tests benchmarks
.venv/bin/python -m pytest "$@"
