#!/usr/bin/env bash
# The whole suite, as CI runs it: static checks, then unit tests, then the tests on the
# real PC/SC stack (pcscd + vpcd virtual cards). Ends with a plain "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
npm run -s typecheck
npm run -s lint
# The Electron main and preload bundles and the renderer must build (the binary cannot run here).
npm run -s build
bash scripts/pcscd.sh start
mkdir -p test-results
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json || status=$?
node -e '
  const r = require("./test-results/vitest.json");
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed` + (skipped ? `, ${skipped} skipped` : ""));
' || true
exit "$status"
