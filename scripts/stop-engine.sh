#!/usr/bin/env bash
# Stops the dockerd that scripts/ensure-engine.sh started, if any; leaves an engine it found running alone.
set -u
PIDFILE=${LAMBDA_DOCK_DOCKERD_PIDFILE:-/tmp/lambda-dock-dockerd.pid}
[ -f "$PIDFILE" ] || exit 0
pid=$(cat "$PIDFILE")
rm -f "$PIDFILE"
kill "$pid" 2>/dev/null || exit 0
for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || exit 0; sleep 0.1; done
kill -9 "$pid" 2>/dev/null || true
