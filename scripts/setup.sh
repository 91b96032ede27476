#!/usr/bin/env bash
# Installs what a fresh Debian machine lacks for Tattler's demo and tests: npm packages
# (exactly as locked), Debian's Chromium and Firefox ESR (the end-to-end tests run in both), and
# Debian's kubectl (for the fleet's client test).
# Safe to run again: it only installs what is missing or stale.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages (npm ci)"
  npm ci --no-audit --no-fund
fi

if [ -z "${CHROME_PATH:-}" ] && [ ! -x /usr/bin/chromium ]; then
  echo "setup: installing Debian's chromium"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium >/dev/null
fi

if [ -z "${FIREFOX_PATH:-}" ] && [ ! -x /usr/bin/firefox-esr ]; then
  echo "setup: installing Debian's firefox-esr"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq firefox-esr >/dev/null
fi

# The fleet's https listener (for kubectl, which sends tokens only over https) makes its
# self-signed certificate with openssl.
if ! command -v openssl >/dev/null; then
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq openssl >/dev/null
fi

if [ -f scripts/ensure-kubectl.sh ]; then
  bash scripts/ensure-kubectl.sh >/dev/null
fi
