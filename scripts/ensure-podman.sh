#!/usr/bin/env bash
# Makes sure Podman's Docker-compatible API answers at /run/podman/podman.sock for the Podman tests.
# On Debian as root it installs Debian's podman and starts `podman system service`, recording the pid so
# scripts/stop-engine.sh stops only what was started here. Anywhere else it fails with what to start.
set -euo pipefail

SOCKET=/run/podman/podman.sock
PIDFILE=${LAMBDA_DOCK_PODMAN_PIDFILE:-/tmp/lambda-dock-podman.pid}

answers() {
  node -e "require('http').get({ socketPath: process.argv[1], path: '/_ping' }, (r) => process.exit(r.statusCode === 200 ? 0 : 1)).on('error', () => process.exit(1))" "$SOCKET"
}
answers && exit 0

if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "lambda-dock tests: Podman's API does not answer at $SOCKET; start it with 'podman system service -t 0 unix://$SOCKET'." >&2
  exit 1
fi
if ! command -v podman >/dev/null 2>&1; then
  echo "lambda-dock tests: installing Debian's podman" >&2
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman >/dev/null
fi
mkdir -p "$(dirname "$SOCKET")"
# From /: conmon inherits the service's working directory and fails ("Failed to get working directory") once
# the checkout it was started from is removed (a CI clone), so every container start would fail.
(cd / && exec nohup podman system service -t 0 "unix://$SOCKET" >/tmp/lambda-dock-podman.log 2>&1) &
echo $! >"$PIDFILE"
for _ in $(seq 1 100); do
  answers && exit 0
  kill -0 "$(cat "$PIDFILE")" 2>/dev/null || break
  sleep 0.2
done
echo "lambda-dock tests: podman system service did not come up; its log follows" >&2
tail -n 30 /tmp/lambda-dock-podman.log >&2 || true
exit 1
