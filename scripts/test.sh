#!/usr/bin/env bash
# Every test: type-check, lint, unit, the store and demo builds for both browsers, web-ext lint of
# the Firefox package, end-to-end in Chromium and Firefox, and every benchmark at a smoke size.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npm test
