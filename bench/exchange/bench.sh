#!/usr/bin/env bash
# Side by side: Decide's equal gain model loop (decide-exchange-model 2022.1.28, random ties
# off, best of DECIDE_REPEATS (default 1) runs of model creation + all rounds, parsing
# excluded) against `detente forecast FILE --model exchange --format json` end to end (process
# start, parsing, model, JSON output; best of REPEATS, default 3), 10 rounds, on cop21.csv and on
# synthetic seeded data sets up to 100 actors x 30 issues. Decide is skipped on sizes where one
# run would exceed DECIDE_MAX_SECONDS (default 300; estimated from the previous size).
# Usage: bash bench/exchange/bench.sh            (makes the venv in ${DECIDE_VENV:-/tmp/decide-venv})
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="${DECIDE_VENV:-/tmp/decide-venv}"
repeats="${REPEATS:-3}"
decide_repeats="${DECIDE_REPEATS:-1}"
max="${DECIDE_MAX_SECONDS:-300}"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import decide' 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q decide-exchange-model==2022.1.28
fi
(cd "$root" && cargo build --release -q -p detente-cli)
bin="$root/target/release/detente"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

detente_time() { # best wall time of $repeats runs, seconds
    local best=""
    for _ in $(seq "$repeats"); do
        local t0 t1
        t0=$(date +%s.%N)
        "$bin" forecast "$1" --model exchange --format json --rounds 10 > /dev/null
        t1=$(date +%s.%N)
        best=$(python3 -c "b='$best'; t=$t1-$t0; print(t if not b else min(float(b), t))")
    done
    printf '%.4f' "$best"
}

printf '%-28s %12s %12s %10s\n' "data set" "Decide (s)" "detente (s)" "ratio"
run() { # name file
    local name="$1" file="$2" d="" dt ratio
    if [ "${skip_decide:-0}" = 0 ]; then
        d=$("$venv/bin/python" "$here/decide_reference.py" "$file" --iterations 10 --time "$decide_repeats")
    fi
    dt=$(detente_time "$file")
    if [ -n "$d" ]; then
        ratio=$(python3 -c "print(f'{$d/$dt:.0f}x')")
    else
        d="skipped"; ratio="-"
    fi
    printf '%-28s %12s %12s %10s\n' "$name" "$d" "$dt" "$ratio"
    last_decide="$d"
}
run "cop21 (15 x 13)" "$root/../shared/reference/decide/cop21.csv"
prev_cells=$((15 * 15 * 13 * 13))
for size in "15 13" "30 15" "50 20" "100 30"; do
    set -- $size
    python3 "$here/synth.py" "$1" "$2" 7 "$tmp/s.txt"
    # Decide's time grows about with (actors x issues)^2; skip it when the estimate is too long.
    cells=$(($1 * $1 * $2 * $2))
    if [ "${last_decide:-skipped}" != skipped ] && python3 -c "import sys; sys.exit(0 if $last_decide * $cells / $prev_cells > $max else 1)"; then
        skip_decide=1
    fi
    run "synthetic $1 x $2 (seed 7)" "$tmp/s.txt"
    prev_cells=$cells
done
