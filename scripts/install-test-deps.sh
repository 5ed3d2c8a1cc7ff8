#!/usr/bin/env bash
# Install the system and npm dependencies of the browser tests (idempotent, quiet).
#
#   - Debian's Chromium (/usr/bin/chromium) and the Noto CJK fonts (without them
#     Chinese renders as empty boxes), via apt, only when one of them is missing;
#   - rsync and OpenSSH's server for the publish tests (tests/publish_servers.py starts its
#     own sshd on a free port; the system's ssh service is never started or changed here);
#   - a Java runtime for the Nu HTML Checker, via apt, only when `java` is missing;
#   - axe-core, vnu-jar and lighthouse from npm (node_modules/), via `npm ci` against
#     package-lock.json, only when one is missing.
#
# Python packages (playwright, pagefind[extended], ...) are not installed here.
# Playwright's own browser download (`playwright install`) is never used.
#
# Run as root, on Debian 12, from anywhere (it moves to the project root itself).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

log="$(mktemp -t install-test-deps.XXXXXX)"
trap 'rm -f "$log"' EXIT

run_quiet() {
  if ! "$@" >>"$log" 2>&1; then
    echo "install-test-deps: failed: $*" >&2
    tail -n 40 "$log" >&2
    exit 1
  fi
}

have_cjk_font() {
  [ "$(dpkg-query -W -f='${db:Status-Status}' fonts-noto-cjk 2>/dev/null || true)" = installed ]
}

# --- apt: Chromium + CJK fonts (and npm only if there is none at all) ---------
apt_pkgs=()
[ -x /usr/bin/chromium ] || apt_pkgs+=(chromium)
have_cjk_font || apt_pkgs+=(fonts-noto-cjk)
command -v npm >/dev/null 2>&1 || apt_pkgs+=(nodejs npm)
command -v rsync >/dev/null 2>&1 || apt_pkgs+=(rsync)
[ -x /usr/sbin/sshd ] || apt_pkgs+=(openssh-server)
command -v ssh-keygen >/dev/null 2>&1 || apt_pkgs+=(openssh-client)
command -v java >/dev/null 2>&1 || apt_pkgs+=(default-jre-headless)  # the Nu HTML Checker (vnu.jar)

if [ "${#apt_pkgs[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "install-test-deps: need root to apt-get install: ${apt_pkgs[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  echo "install-test-deps: apt-get install ${apt_pkgs[*]}"
  # openssh-server would start the machine's own sshd on port 22: keep services from starting
  # while installing (the standard policy-rc.d hook), unless the machine already says so.
  made_policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d
    made_policy=1
    trap 'rm -f "$log"; [ -n "$made_policy" ] && rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  run_quiet apt-get update -q
  run_quiet apt-get install -y -q "${apt_pkgs[@]}"
  if [ -n "$made_policy" ]; then rm -f /usr/sbin/policy-rc.d; made_policy=""; fi
fi

# --- npm: axe-core ---------------------------------------------------------------
if [ ! -f node_modules/axe-core/axe.min.js ] || [ ! -f node_modules/vnu-jar/build/dist/vnu.jar ] \
   || [ ! -x node_modules/.bin/lighthouse ]; then
  echo "install-test-deps: installing npm devDependencies (axe-core, vnu-jar, lighthouse)"
  if [ -f package-lock.json ]; then
    run_quiet npm ci --no-audit --no-fund --loglevel=error
  else
    run_quiet npm install --no-audit --no-fund --loglevel=error
  fi
  [ -f node_modules/axe-core/axe.min.js ] || {
    echo "install-test-deps: node_modules/axe-core/axe.min.js still missing" >&2
    exit 1
  }
fi
