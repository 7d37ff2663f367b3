#!/usr/bin/env bash
# Runs every test suite from a fresh clone: installs what is missing (npm packages, Debian's
# Chromium and code-server's build needs), builds, runs unit, webview, integration (inside a real
# VS Code: code-server) and end-to-end suites, checks types per layer, lint and format (each of the
# three counts as one test), then prints one line: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund || { echo "npm ci failed"; echo "0 passed, 1 failed"; exit 1; }
fi

rm -rf test-results
mkdir -p test-results

if ! npm run --silent build; then
  echo "build failed"; echo "0 passed, 1 failed"; exit 1
fi
npm run --silent typecheck > test-results/typecheck.log 2>&1
typecheck=$?
[ $typecheck -eq 0 ] || { echo "typecheck failed:"; cat test-results/typecheck.log; }
# Lint and format are checks like any other: a finding counts as a failed test.
npm run --silent lint > test-results/lint.log 2>&1
lint=$?
[ $lint -eq 0 ] || { echo "lint failed:"; cat test-results/lint.log; }
npm run --silent format:check > test-results/format.log 2>&1
format=$?
[ $format -eq 0 ] || { echo "format check failed (npm run format fixes it):"; cat test-results/format.log; }

# Suites that need a browser or VS Code set up their system packages first (idempotent, cached).
suites=(unit)
[ -f scripts/code-server/setup.sh ] && { bash scripts/code-server/setup.sh || echo "code-server setup failed"; }
node -e "process.exit(require('./package.json').scripts['test:webview'] ? 0 : 1)" && suites+=(webview)
node -e "process.exit(require('./package.json').scripts['test:integration'] ? 0 : 1)" && suites+=(integration)
node -e "process.exit(require('./package.json').scripts['test:e2e'] ? 0 : 1)" && suites+=(e2e)
# The reproductions' quick slices: each example end to end through the kd command line (a pipeline check).
node -e "process.exit(require('./package.json').scripts['test:reproduce'] ? 0 : 1)" && suites+=(reproduce)

passed=0
failed=0
for suite in "${suites[@]}"; do
  echo "=== suite: $suite"
  results="test-results/$suite.json"
  KD_TEST_RESULTS="$PWD/$results" npm run --silent "test:$suite"
  rc=$?
  if [ -f "$results" ]; then
    p=$(node -p "require('./$results').passed")
    f=$(node -p "require('./$results').failed")
  else
    # A suite that crashed before reporting counts as one failure.
    p=0; f=1
  fi
  if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  echo "=== $suite: $p passed, $f failed"
  passed=$((passed + p))
  failed=$((failed + f))
done
for check in $typecheck $lint $format; do
  if [ "$check" -ne 0 ]; then failed=$((failed + 1)); else passed=$((passed + 1)); fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
