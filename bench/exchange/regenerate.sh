#!/usr/bin/env bash
# Regenerate Decide's reference outputs for the exchange model's conformance test
# (tests/data/decide/*.json). Makes a venv with Decide (GPL-3.0; used as a program, nothing of it
# is copied) in ${DECIDE_VENV:-/tmp/decide-venv} when missing.
# Usage: bash bench/exchange/regenerate.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
ref="$root/../shared/reference/decide"
venv="${DECIDE_VENV:-/tmp/decide-venv}"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import decide' 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q decide-exchange-model==2022.1.28
fi
mkdir -p "$root/tests/data/decide"
for f in sample_data.txt copenhagen.csv cop21.csv; do
    "$venv/bin/python" "$here/decide_reference.py" "$ref/$f" "$root/tests/data/decide/${f%.*}.json" --iterations 10
    echo "wrote tests/data/decide/${f%.*}.json"
done
