#!/usr/bin/env bash
# The whole suite, as CI runs it: static checks, then unit tests, then the tests on the
# real PC/SC stack (pcscd + vpcd virtual cards).
set -euo pipefail
cd "$(dirname "$0")/.."
npm run -s typecheck
npm run -s lint
bash scripts/pcscd.sh start
npx vitest run
