#!/usr/bin/env bash
# The one test command: installs what the tests need on a fresh machine, then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."

# Dependencies, exactly as locked.
npm ci --no-audit --no-fund

# Debian's Chromium for the browser tests (never a browser download).
if [ -z "${CHROMIUM_PATH:-}" ] && ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  fi
fi
export CHROMIUM_PATH="${CHROMIUM_PATH:-$(command -v chromium)}"

# Redis and NATS (JetStream) for the broker tests, started only when not already running.
bash scripts/services.sh

npm run build
npx tsc -p tsconfig.json
npm run lint
npm run lint:architecture
npm run format:check
npx vitest run "$@"
