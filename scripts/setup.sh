#!/usr/bin/env bash
# Sets up a machine to run or test the platform: a virtualenv with the pinned
# dependencies, and RabbitMQ from the OS packages, started and awaited.
# Idempotent: a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p var/log

say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }

# --- Python ------------------------------------------------------------------
if [ ! -x .venv/bin/python ]; then
  say "creating virtualenv .venv"
  python3 -m venv .venv
fi
if ! cmp -s requirements-dev.txt .venv/.installed-dev 2>/dev/null || \
   ! cmp -s requirements.txt .venv/.installed 2>/dev/null; then
  say "installing Python dependencies"
  .venv/bin/pip install -q --upgrade pip
  .venv/bin/pip install -q -r requirements-dev.txt
  cp requirements.txt .venv/.installed
  cp requirements-dev.txt .venv/.installed-dev
fi

# --- RabbitMQ ------------------------------------------------------------------
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi

if ! command -v rabbitmq-server >/dev/null 2>&1; then
  say "installing RabbitMQ (apt)"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq rabbitmq-server >/dev/null
fi

if ! $SUDO rabbitmq-diagnostics -q ping >/dev/null 2>&1; then
  say "starting RabbitMQ"
  # The management API is used by the tests to give each test its own vhost.
  $SUDO rabbitmq-plugins enable --offline rabbitmq_management >/dev/null 2>&1 || true
  if command -v systemctl >/dev/null 2>&1 && systemctl is-system-running >/dev/null 2>&1; then
    $SUDO systemctl start rabbitmq-server
  else
    $SUDO rabbitmq-server -detached >/dev/null 2>&1 || true
  fi
  # `rabbitmq-server -detached` returns before the Erlang node exists, and `await_startup`
  # gives up at once (exit 69) when there is no node yet: poll until the node answers.
  for _ in $(seq 1 120); do
    $SUDO rabbitmq-diagnostics -q ping >/dev/null 2>&1 && break
    sleep 1
  done
  $SUDO timeout 120 rabbitmqctl await_startup >/dev/null
fi
if ! $SUDO rabbitmq-plugins is_enabled rabbitmq_management >/dev/null 2>&1; then
  $SUDO rabbitmq-plugins enable rabbitmq_management >/dev/null
fi
say "RabbitMQ is up"

# --- Fonts: certificates and archives are PDFs in Chinese with the font embedded
# (fpdf2 embeds Debian's Noto CJK; services/learning/certificate_pdf.py).
# poppler-utils: the tests read the PDFs back (pdftotext, pdftoppm) as a reader would.
if ! dpkg -s fonts-noto-cjk >/dev/null 2>&1 || ! command -v pdftotext >/dev/null 2>&1; then
  say "installing fonts-noto-cjk and poppler-utils (apt) for certificate PDFs"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq fonts-noto-cjk poppler-utils >/dev/null
fi

# The common characters cut out of those faces once (~1 minute): a certificate then renders
# in about half a second instead of two (services/learning/certificate_pdf.py).
# Quick when they exist.
.venv/bin/python -W ignore -m services.learning.certificate_pdf >/dev/null

# --- The web client (web/): npm packages from the committed lockfile, then the build the
# gateway serves at /. Rebuilt only when its sources or lockfile changed.
if ! command -v npm >/dev/null 2>&1; then
  echo "npm is missing: install Node.js 20 (with npm) to build the web client" >&2
  exit 1
fi
if ! cmp -s web/package-lock.json web/node_modules/.installed-lock 2>/dev/null; then
  say "installing the web client's packages (npm ci)"
  (cd web && npm ci --no-audit --no-fund --loglevel=error)
  cp web/package-lock.json web/node_modules/.installed-lock
fi
if [ "${SETUP_WEB_BUILD:-1}" = "1" ]; then
  stamp=$(cd web && find src index.html vite.config.ts package-lock.json -type f -newer dist/index.html 2>/dev/null | head -1 || true)
  if [ ! -f web/dist/index.html ] || [ -n "$stamp" ]; then
    say "building the web client (vite build)"
    (cd web && npx vite build --logLevel warn)
  fi
  say "web client built in web/dist"
fi

# --- Browser for the end-to-end tests (only with SETUP_BROWSER=1, as scripts/test.sh sets)
# Debian's chromium, driven by Playwright's Python package (never `playwright install`: it
# downloads a browser build); the CJK fonts above make pages and screenshots show Chinese.
if [ "${SETUP_BROWSER:-0}" = "1" ]; then
  BROWSER_PACKAGES=""
  [ -x /usr/bin/chromium ] || BROWSER_PACKAGES="chromium"
  if [ -n "$BROWSER_PACKAGES" ]; then
    say "installing ${BROWSER_PACKAGES# } (apt) for the end-to-end tests"
    $SUDO apt-get update -qq
    # shellcheck disable=SC2086  # a list of package names
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $BROWSER_PACKAGES >/dev/null
  fi
  say "browser for the end-to-end tests: $(/usr/bin/chromium --version 2>/dev/null || echo missing)"
fi
