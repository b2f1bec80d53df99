#!/usr/bin/env bash
# npm run bench: makes sure an engine answers (starting one where it can), builds, runs every
# bench/*.bench.ts, renders bench/results/*.json into the README, and stops the engine if it started it.
# Benchmarks report and do not assert: a missed target prints MISSED but does not fail this script;
# a benchmark that crashes does.
set -uo pipefail
cd "$(dirname "$0")/.."

pidfile=${LAMBDA_DOCK_DOCKERD_PIDFILE:-/tmp/lambda-dock-dockerd.pid}
started_engine=0
[ -f "$pidfile" ] || started_engine=1
finish() {
  # ensure-engine.sh writes the pid file only when it starts dockerd itself.
  if [ "$started_engine" = 1 ]; then bash scripts/stop-engine.sh; fi
}
trap finish EXIT

bash scripts/ensure-engine.sh || exit 1
[ -f "$pidfile" ] || started_engine=0
npm run build || exit 1

status=0
shopt -s nullglob
benches=(bench/*.bench.ts)
if [ ${#benches[@]} -eq 0 ]; then echo "lambda-dock bench: no bench/*.bench.ts" >&2; exit 1; fi
for bench in "${benches[@]}"; do
  echo "== $bench"
  npx --no-install tsx "$bench" || { echo "lambda-dock bench: $bench failed" >&2; status=1; }
done
node scripts/update-readme-bench.mjs || status=1
exit $status
