#!/usr/bin/env bash
# Runs the editor suite once per scenario (test/e2e/scenarios.ts): the default run, no engine, an untrusted
# workspace, step-through debugging. Every scenario runs even when one fails; the exit status is the worst of them.
set -uo pipefail
cd "$(dirname "$0")/.."
vsix="$1"
shift
status=0
for scenario in ${LAMBDA_DOCK_E2E_SCENARIOS:-default no-engine untrusted debug}; do
  echo "== e2e scenario: $scenario"
  npx tsx test/e2e/run.ts --vsix="$vsix" --scenario="$scenario" "$@" || status=1
done
exit $status
