#!/usr/bin/env bash
# Run schemathesis against `detente serve` on loopback and fail on any 5xx.
# Usage: tests/schemathesis/run.sh [SECONDS]   (default 60 per pass; two passes)
# Needs target/debug/detente (cargo build -p detente-cli) and Python 3 with venv.
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-60}
tmp=$(mktemp -d)
venv=${SCHEMATHESIS_VENV:-target/schemathesis-venv}
if [ ! -x "$venv/bin/schemathesis" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q 'schemathesis==4.32.5'
fi
port=${PORT:-7917}
target/debug/detente serve scenarios/ukraine-2025.toml tests/data/valid/minimal.toml \
  --db "$tmp/st.db" --addr "127.0.0.1:$port" --workers 1 >"$tmp/serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/api/health" >/dev/null && break; sleep 0.2; done
url="http://127.0.0.1:$port"
# Pass 1: any path parameters. Pass 2: path parameters naming imported data.
"$venv/bin/schemathesis" run "$url/api/openapi.json" -u "$url" \
  --checks not_a_server_error --max-time "$secs" -w 1
"$venv/bin/schemathesis" --config-file tests/schemathesis/schemathesis.toml run \
  "$url/api/openapi.json" -u "$url" --checks not_a_server_error --max-time "$secs" -w 1
kill -0 $pid  # the server is still up
