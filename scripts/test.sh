#!/usr/bin/env bash
# The project's test command (npm test): static checks, unit tests, integration tests against a real
# engine (which it provides where it can), then the editor tests in a real VS Code. Ends with one
# "N passed, N failed" line.
set -uo pipefail
cd "$(dirname "$0")/.."

log=$(mktemp)
started_engine=0
[ -f "${LAMBDA_DOCK_DOCKERD_PIDFILE:-/tmp/lambda-dock-dockerd.pid}" ] || [ -f "${LAMBDA_DOCK_PODMAN_PIDFILE:-/tmp/lambda-dock-podman.pid}" ] || started_engine=1
finish() {
  if [ "$started_engine" = 1 ]; then bash scripts/stop-engine.sh; fi
  passed=$(grep -aoE '^ +[0-9]+ passing' "$log" | awk '{s+=$1} END {print s+0}')
  failed=$(grep -aoE '^ +[0-9]+ failing' "$log" | awk '{s+=$1} END {print s+0}')
  rm -f "$log"
  echo "lambda-dock tests: $passed passed, $failed failed"
}
trap finish EXIT

run() { echo "== $*"; "$@" 2>&1 | tee -a "$log"; return "${PIPESTATUS[0]}"; }

status=0
run npm run build || exit 1
run npm run typecheck || exit 1
run npm run lint || exit 1
run npm run test:unit || status=1
if ! bash scripts/ensure-engine.sh; then
  echo "lambda-dock tests: the integration tests need a Docker engine (see above); they fail rather than skip." >&2
  exit 1
fi
if ! bash scripts/ensure-podman.sh; then
  echo "lambda-dock tests: the Podman tests need Podman's API (see above); they fail rather than skip." >&2
  exit 1
fi
run npm run test:integration || status=1
# The editor tests: the extension in a real VS Code (code-server in Chromium), installed on first use.
run npm run test:e2e || status=1
exit $status
