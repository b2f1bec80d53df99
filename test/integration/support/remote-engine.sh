#!/usr/bin/env bash
# A remote Docker engine made on this machine, for the remote-engine tests: a second dockerd in a network
# namespace of its own, reached from here over a veth pair, whose containers cannot open connections to this
# machine (a firewall rule in the namespace drops new connections leaving through the veth), as an engine on
# another machine behind a firewall is. Needs root; installs iptables and openssh-server with apt if missing.
#
#   remote-engine.sh up NAME          start it; prints ADDRESS= HOST_ADDRESS= SOCKET= DIR= lines
#   remote-engine.sh tls NAME CERTS   restart its dockerd with TLS on ADDRESS:2376 (CERTS: ca.pem, server-cert.pem, server-key.pem)
#   remote-engine.sh ssh NAME         start sshd on ADDRESS:22 with a key made here; prints SSH_COMMAND= (for LAMBDA_DOCK_SSH_COMMAND)
#   remote-engine.sh down NAME        stop and remove everything it made (idempotent)
#
# NAME: up to 8 letters or digits. Everything lives in /tmp/lambda-dock-remote-NAME, the namespace ld-NAME
# and the veth pair ldh-NAME / ldr-NAME; addresses come from 10.213.0.0/16 (the first free /30).
set -euo pipefail

command=${1:-}
name=${2:-}
if [[ ! "$name" =~ ^[a-z0-9]{1,8}$ ]]; then echo "usage: $0 up|tls|ssh|down NAME (NAME: 1-8 lowercase letters or digits)" >&2; exit 2; fi
if [ "$(id -u)" != 0 ]; then echo "remote-engine.sh: needs root (network namespaces, a second dockerd)" >&2; exit 1; fi

ns=ld-$name
host_if=ldh-$name
remote_if=ldr-$name
dir=/tmp/lambda-dock-remote-$name
state=$dir/state

need() { # need COMMAND PACKAGE
  command -v "$1" >/dev/null 2>&1 && return 0
  echo "remote-engine.sh: installing $2" >&2
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
}

in_ns() { ip netns exec "$ns" "$@"; }

wait_for() { # wait_for SECONDS DESCRIPTION COMMAND...
  local limit=$1 what=$2; shift 2
  for _ in $(seq 1 $((limit * 10))); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  echo "remote-engine.sh: $what did not come up within ${limit}s" >&2
  return 1
}

start_dockerd() { # start_dockerd [extra dockerd arguments]
  # Only the network namespace: containerd must see the overlay mounts dockerd makes.
  nsenter --net="/var/run/netns/$ns" -- dockerd \
    --data-root "$dir/data" --exec-root "$dir/exec" --pidfile "$dir/dockerd.pid" \
    -H "unix://$dir/docker.sock" "$@" \
    --bip "10.214.$index.1/24" --default-address-pool "base=10.215.$index.0/24,size=28" \
    --cgroup-parent "lambda-dock-remote-$name" --userland-proxy=false \
    >>"$dir/dockerd.log" 2>&1 &
  wait_for 30 "the remote dockerd" docker -H "unix://$dir/docker.sock" version || { tail -n 20 "$dir/dockerd.log" >&2; return 1; }
}

stop_pid() { # stop_pid PIDFILE
  [ -f "$1" ] || return 0
  local pid; pid=$(cat "$1")
  kill "$pid" 2>/dev/null || { rm -f "$1"; return 0; }
  for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || { rm -f "$1"; return 0; }; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$1"
}

case "$command" in
up)
  need iptables iptables
  need nsenter util-linux
  if [ -e "/var/run/netns/$ns" ]; then echo "remote-engine.sh: $ns exists; run '$0 down $name' first" >&2; exit 1; fi
  index=
  for n in $(seq 1 250); do
    if ! ip -4 -o addr | grep -q " 10\.213\.$n\."; then index=$n; break; fi
  done
  [ -n "$index" ] || { echo "remote-engine.sh: no free /30 in 10.213.0.0/16" >&2; exit 1; }
  mkdir -p "$dir"
  printf 'index=%s\n' "$index" >"$state"
  host_address=10.213.$index.1
  address=10.213.$index.2
  ip netns add "$ns"
  ip link add "$host_if" type veth peer name "$remote_if"
  ip link set "$remote_if" netns "$ns"
  ip addr add "$host_address/30" dev "$host_if"
  ip link set "$host_if" up
  in_ns ip addr add "$address/30" dev "$remote_if"
  in_ns ip link set "$remote_if" up
  in_ns ip link set lo up
  # In mangle, which dockerd leaves alone, so its own rules cannot come first: nothing in the namespace (its
  # containers included) may open a connection through the veth; replies to connections from here still pass.
  for chain in FORWARD OUTPUT; do
    in_ns iptables -t mangle -A "$chain" -o "$remote_if" -m conntrack --ctstate NEW,INVALID -j DROP
  done
  start_dockerd -H "tcp://$address:2375"
  printf 'ADDRESS=%s\nHOST_ADDRESS=%s\nSOCKET=%s\nDIR=%s\n' "$address" "$host_address" "$dir/docker.sock" "$dir"
  ;;
tls)
  certs=${3:?the folder with ca.pem, server-cert.pem and server-key.pem}
  # shellcheck source=/dev/null
  . "$state"
  stop_pid "$dir/dockerd.pid"
  start_dockerd --tlsverify --tlscacert "$certs/ca.pem" --tlscert "$certs/server-cert.pem" --tlskey "$certs/server-key.pem" \
    -H "tcp://10.213.$index.2:2376"
  ;;
ssh)
  need sshd openssh-server
  need ssh-keygen openssh-client
  # shellcheck source=/dev/null
  . "$state"
  address=10.213.$index.2
  ssh_dir=$dir/ssh
  rm -rf "$ssh_dir" && mkdir -m 700 -p "$ssh_dir" /run/sshd
  ssh-keygen -q -t ed25519 -N '' -C "lambda-dock-remote-$name-host" -f "$ssh_dir/host_key"
  ssh-keygen -q -t ed25519 -N '' -C "lambda-dock-remote-$name-client" -f "$ssh_dir/client_key"
  cp "$ssh_dir/client_key.pub" "$ssh_dir/authorized_keys"
  cat >"$ssh_dir/sshd_config" <<EOF
ListenAddress $address:22
HostKey $ssh_dir/host_key
PidFile $ssh_dir/sshd.pid
AuthorizedKeysFile $ssh_dir/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
# The docker client that answers dial-stdio talks to this engine, not to the machine's own.
SetEnv DOCKER_HOST=unix://$dir/docker.sock
EOF
  printf '%s %s\n' "$address" "$(cut -d' ' -f1,2 "$ssh_dir/host_key.pub")" >"$ssh_dir/known_hosts"
  cat >"$ssh_dir/ssh_config" <<EOF
Host $address
  IdentityFile $ssh_dir/client_key
  IdentitiesOnly yes
  UserKnownHostsFile $ssh_dir/known_hosts
  StrictHostKeyChecking yes
EOF
  stop_pid "$ssh_dir/sshd.pid"
  nsenter --net="/var/run/netns/$ns" -- "$(command -v sshd)" -f "$ssh_dir/sshd_config" -E "$ssh_dir/sshd.log"
  wait_for 10 "sshd" ssh -F "$ssh_dir/ssh_config" -o BatchMode=yes "root@$address" true || { cat "$ssh_dir/sshd.log" >&2; exit 1; }
  printf 'SSH_COMMAND=ssh -F %s\nSSH_HOST=ssh://root@%s\n' "$ssh_dir/ssh_config" "$address"
  ;;
down)
  [ -d "$dir" ] && [ -f "$dir/ssh/sshd.pid" ] && stop_pid "$dir/ssh/sshd.pid"
  [ -d "$dir" ] && stop_pid "$dir/dockerd.pid"
  if [ -e "/var/run/netns/$ns" ]; then
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
  fi
  # What dockerd and containerd mounted under their roots (overlays, shm, netns files), deepest first.
  if [ -d "$dir" ]; then
    { grep -F " $dir/" /proc/mounts || true; } | awk '{print $2}' | sort -r | while read -r mount; do umount -l "$mount" 2>/dev/null || true; done
  fi
  for cgroup in /sys/fs/cgroup/*/lambda-dock-remote-"$name" /sys/fs/cgroup/lambda-dock-remote-"$name"; do
    [ -d "$cgroup" ] && find "$cgroup" -depth -type d -exec rmdir {} \; 2>/dev/null || true
  done
  ip link del "$host_if" 2>/dev/null || true
  ip netns del "$ns" 2>/dev/null || true
  rm -rf "$dir"
  ;;
*)
  echo "usage: $0 up|tls|ssh|down NAME" >&2
  exit 2
  ;;
esac
