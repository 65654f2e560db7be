#!/usr/bin/env bash
# Side-by-side: detente's EUM (Rust, release) against the plain-Python reference of the same
# presets (bench/forecast/eum_reference.py). Checks that both give the same medians and means
# in every round, and prints the speed ratio.
#
# Usage: bench/forecast/compare.sh        (from the repository root; needs ../shared)
set -euo pipefail
cd "$(dirname "$0")/../.."
KTAB=../shared/reference/ktab
cargo build -q --release -p detente-forecast --example eum_run
RUST=target/release/examples/eum_run
PY=bench/forecast/eum_reference.py
printf '%-34s %-11s %6s %7s %14s %14s %9s %s\n' input preset actors rounds "python s/run" "rust s/run" ratio agree
run() { # csv preset rounds py_repeats rust_repeats
  local py rs
  py=$(python3 "$PY" "$1" "$2" "$3" "$4")
  rs=$("$RUST" "$1" "$2" "$3" "$5")
  python3 - "$py" "$rs" "$1" "$2" "$3" <<'PYEOF'
import json, sys
py, rs = json.loads(sys.argv[1]), json.loads(sys.argv[2])
agree = all(abs(a - b) <= 1e-9 * max(1.0, abs(a)) for k in ("median", "mean") for a, b in zip(py[k], rs[k])) \
    and len(py["median"]) == len(rs["median"])
ratio = py["seconds_per_run"] / rs["seconds_per_run"]
name = sys.argv[3].split("/")[-1]
print(f"{name:34s} {sys.argv[4]:11s} {py['actors']:6d} {int(sys.argv[5]):7d} {py['seconds_per_run']:14.6f} {rs['seconds_per_run']:14.8f} {ratio:8.0f}x {'yes' if agree else 'NO'}")
PYEOF
}
run crates/detente-forecast/data/bdm1994.csv scholz2011 8 20 2000
run crates/detente-forecast/data/bdm1994.csv textbook 8 20 2000
run "$KTAB/dummyData-a040.csv" textbook 10 2 200
run "$KTAB/dummyData-a040.csv" scholz2011 10 1 50
run "$KTAB/dummyData-a160.csv" textbook 2 1 20
