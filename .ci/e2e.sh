#!/usr/bin/env bash
# Browser end-to-end test of the workbench (`detente serve`): installs Debian's chromium and the
# pinned npm packages of tests/e2e when missing, builds detente, runs tests/e2e/workbench.test.mjs.
# Idempotent; each step is skipped when already done. Called by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/chromium ]; then
  echo "e2e: installing chromium (Debian package)"
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq chromium >/dev/null
fi
/usr/bin/chromium --version 2>/dev/null || true

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "e2e: installing nodejs and npm (Debian packages)"
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq nodejs npm >/dev/null
fi

# npm ci only when the installed packages do not match the lock file.
if ! cmp -s tests/e2e/package-lock.json tests/e2e/node_modules/.package-lock-ci 2>/dev/null; then
  echo "e2e: npm ci"
  (cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error)
  cp tests/e2e/package-lock.json tests/e2e/node_modules/.package-lock-ci
fi

echo "e2e: building detente"
cargo build -p detente-cli --quiet
DETENTE_BIN="$PWD/target/debug/detente" node --test tests/e2e/workbench.test.mjs
