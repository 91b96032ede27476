#!/usr/bin/env bash
# Every test: type-check, lint, unit, both browser builds, end-to-end in Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npm test
