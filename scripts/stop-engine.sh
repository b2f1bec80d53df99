#!/usr/bin/env bash
# Stops the dockerd and the Podman service that scripts/ensure-engine.sh and ensure-podman.sh started, if
# any; leaves engines they found running alone.
set -u
stop() {
  local pidfile=$1
  [ -f "$pidfile" ] || return 0
  local pid
  pid=$(cat "$pidfile")
  rm -f "$pidfile"
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
}
stop "${LAMBDA_DOCK_PODMAN_PIDFILE:-/tmp/lambda-dock-podman.pid}"
stop "${LAMBDA_DOCK_DOCKERD_PIDFILE:-/tmp/lambda-dock-dockerd.pid}"
