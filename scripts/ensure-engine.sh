#!/usr/bin/env bash
# Makes sure a Docker engine answers for the integration tests. Where none runs and this is Debian as root,
# it installs Debian's docker.io and starts dockerd, recording the pid so scripts/stop-engine.sh stops only
# what was started here. Anywhere else it fails with what to start.
set -euo pipefail

PIDFILE=${LAMBDA_DOCK_DOCKERD_PIDFILE:-/tmp/lambda-dock-dockerd.pid}

engine_answers() {
  if [ -n "${DOCKER_HOST:-}" ]; then docker version >/dev/null 2>&1; return; fi
  [ -S /var/run/docker.sock ] && docker version >/dev/null 2>&1
}

if command -v docker >/dev/null 2>&1 && engine_answers; then
  exit 0
fi

if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "lambda-dock tests: no Docker engine answers${DOCKER_HOST:+ at $DOCKER_HOST}." >&2
  echo "Start Docker (or 'podman system service' with DOCKER_HOST set to its socket) and run the tests again." >&2
  exit 1
fi

if ! command -v dockerd >/dev/null 2>&1; then
  echo "lambda-dock tests: installing Debian's docker.io" >&2
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null
fi

echo "lambda-dock tests: starting dockerd" >&2
# From /, so removing the checkout that started it (a CI clone) leaves it a working directory.
(cd / && exec nohup dockerd >/tmp/lambda-dock-dockerd.log 2>&1) &
echo $! >"$PIDFILE"
for _ in $(seq 1 150); do
  if docker version >/dev/null 2>&1; then exit 0; fi
  if ! kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then break; fi
  sleep 0.2
done
echo "lambda-dock tests: dockerd did not come up; its log follows" >&2
tail -n 30 /tmp/lambda-dock-dockerd.log >&2 || true
exit 1
