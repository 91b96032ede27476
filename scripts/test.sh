#!/usr/bin/env bash
# Every test: type-check, lint, unit, both browser builds, web-ext lint of the Firefox package,
# end-to-end in Chromium and Firefox.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npm test
