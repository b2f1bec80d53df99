#!/usr/bin/env bash
# Installs the real VS Code that the end-to-end tests run in: code-server (a full VS Code whose Node
# extension host runs extensions as the desktop does) and Debian's Chromium to open it. Microsoft's
# download servers and GitHub are unreachable here, so @vscode/test-electron cannot fetch VS Code and
# code-server's own install steps that download binaries are replaced (see shared notes, "A real VS Code").
#
# Idempotent: a marker file in the cache makes a second run instant. Prints the code-server folder on the
# last line of stdout. Fails loudly with the step that broke and the tail of its log.
#
#   LAMBDA_DOCK_VSCODE_CACHE   where to install (default: $HOME/.cache/lambda-dock-vscode)
#   LAMBDA_DOCK_CODE_SERVER    code-server version (default: 4.100.3, which carries VS Code 1.100.3)
set -euo pipefail

VERSION=${LAMBDA_DOCK_CODE_SERVER:-4.100.3}
# ~ rather than $HOME: bash falls back to the passwd entry when HOME is unset, as node's os.homedir() does.
CACHE=${LAMBDA_DOCK_VSCODE_CACHE:-~/.cache/lambda-dock-vscode}
TARGET="$CACHE/code-server-$VERSION"
MARKER="$TARGET/.lambda-dock-installed"
CHROMIUM=${LAMBDA_DOCK_CHROMIUM:-/usr/bin/chromium}
# Debian packages: the browser, ripgrep in place of @vscode/ripgrep's GitHub download, and what the
# native modules (kerberos, native-keymap, @vscode/spdlog, node-pty, argon2...) need to build.
APT_PACKAGES=(chromium ripgrep libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config python3 make g++)

say() { echo "install-vscode: $*" >&2; }
fail() { say "FAILED: $*"; exit 1; }

step_log=""
# Runs one step with its output in a log; on failure shows the log's tail and stops.
step() {
  local name=$1; shift
  step_log="$CACHE/logs/$(echo "$name" | tr ' /' '__').log"
  local t0=$SECONDS
  say "$name..."
  if ! "$@" >"$step_log" 2>&1; then
    say "step '$name' failed; the end of $step_log follows"
    tail -n 40 "$step_log" >&2 || true
    fail "$name"
  fi
  say "$name done in $((SECONDS - t0)) s"
}

ensure_apt_packages() {
  local missing=()
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
    fail "missing system packages: ${missing[*]}. Install them (Debian/Ubuntu: apt-get install ${missing[*]}) and run again."
  fi
  mkdir -p "$CACHE/logs"
  step "apt-get update" apt-get update -qq
  step "apt-get install ${missing[*]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

marker_ok() {
  [ -f "$MARKER" ] && [ -x "$TARGET/node_modules/.bin/code-server" ] && [ -x "$CHROMIUM" ]
}

if marker_ok; then
  say "code-server $VERSION and Chromium are installed ($TARGET)"
  echo "$TARGET"
  exit 0
fi

t_start=$SECONDS
command -v node >/dev/null || fail "node is not on PATH"
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" = 20 ] || say "warning: code-server $VERSION is built for Node.js 20; this is $(node --version)"

ensure_apt_packages
[ -x "$CHROMIUM" ] || fail "Chromium is not at $CHROMIUM (set LAMBDA_DOCK_CHROMIUM)"
RG=$(command -v rg) || fail "ripgrep (rg) is not on PATH"

# Build in a staging folder and move it into place at the end, so an interrupted run leaves no half
# install behind a marker.
mkdir -p "$CACHE/logs"
STAGE="$CACHE/.staging-$VERSION-$$"
rm -rf "$STAGE"
mkdir -p "$STAGE"
[ -n "${LAMBDA_DOCK_KEEP_STAGING:-}" ] || trap 'rm -rf "$STAGE"' EXIT
echo '{"name":"lambda-dock-vscode-cache","private":true}' >"$STAGE/package.json"

export npm_config_unsafe_perm=true npm_config_yes=true npm_config_audit=false npm_config_fund=false \
  npm_config_update_notifier=false

step "npm install code-server@$VERSION" \
  npm install --prefix "$STAGE" --no-save --ignore-scripts "code-server@$VERSION"

VSCODE="$STAGE/node_modules/code-server/lib/vscode"
[ -d "$VSCODE" ] || fail "code-server's package has no lib/vscode"

step "install VS Code's dependencies" \
  npm install --prefix "$VSCODE" --omit=dev --ignore-scripts

mkdir -p "$VSCODE/node_modules/@vscode/ripgrep/bin"
ln -sf "$RG" "$VSCODE/node_modules/@vscode/ripgrep/bin/rg"

step "rebuild VS Code's native modules" bash -c "cd '$VSCODE' && npm rebuild"
ln -sfn node_modules "$VSCODE/node_modules.asar"

step "install the built-in extensions' dependencies" \
  npm install --prefix "$VSCODE/extensions" --omit=dev --ignore-scripts
step "rebuild argon2" bash -c "cd '$STAGE' && npm rebuild argon2"

# Native modules the workbench and extension host load: a skipped rebuild shows up here, not at run time.
for mod in @vscode/spdlog node-pty native-watchdog; do
  ls "$VSCODE/node_modules/$mod/build/Release/"*.node >/dev/null 2>&1 || fail "the native module $mod was not built"
done
step "check code-server starts" env XDG_CONFIG_HOME="$STAGE/.config" "$STAGE/node_modules/.bin/code-server" --version
grep -q "^$VERSION " "$step_log" || { cat "$step_log" >&2; fail "code-server --version did not print $VERSION"; }

date -u +%FT%TZ >"$STAGE/.lambda-dock-installed"
rm -rf "$TARGET"
mv "$STAGE" "$TARGET"
trap - EXIT
say "installed code-server $VERSION in $TARGET in $((SECONDS - t_start)) s"
echo "$TARGET"
