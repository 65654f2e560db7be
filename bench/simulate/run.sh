#!/usr/bin/env bash
# Negotiations per second: detente vs NegMAS, side by side in one run, on the same GENIUS
# domains with the same time-based negotiators (Boulware, linear, conceder; every ordered
# pair), 100 rounds each. Usage: bench/simulate/run.sh [REPS_NEGMAS] [REPS_DETENTE]
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
GENIUS=${GENIUS:-$ROOT/../shared/reference/genius}
REPS_PY=${1:-5}
REPS_RS=${2:-500}
ROUNDS=100
VENV=$ROOT/bench/.venv

if [ ! -x "$VENV/bin/python" ]; then python3 -m venv "$VENV"; fi
if ! "$VENV/bin/python" -c "import negmas" 2>/dev/null; then
  "$VENV/bin/pip" install --quiet negmas
fi
cargo build --release --quiet -p detente-simulate --example saop_bench
BIN=$ROOT/target/release/examples/saop_bench

echo "machine: $(nproc) cores, $(uname -sr); negmas $("$VENV/bin/python" -c 'import negmas; print(negmas.__version__)'); $(date -u +%Y-%m-%dT%H:%MZ)"
for domain in ItexvsCypress EnglandZimbabwe LaptopC; do
  dir=$GENIUS/$domain
  py=$("$VENV/bin/python" "$ROOT/bench/simulate/negmas_bench.py" "$dir" $ROUNDS "$REPS_PY" 2>/dev/null | tail -1)
  rs=$("$BIN" "$dir" boulware,linear,conceder $ROUNDS "$REPS_RS")
  python3 - "$domain" "$py" "$rs" <<'PY'
import json, sys
name, py, rs = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
p = py["per_second"]
print(f"{name} ({rs['outcomes']} outcomes)")
print(f"  negmas  : {p:>10.1f} negotiations/s  (agreement {py['agreement_rate']:.2f}, mean steps {py['mean_steps']:.1f}, {py['negotiations']} runs)")
print(f"  detente : {rs['per_second_shared_arena']:>10.1f} negotiations/s, 1 thread, arena shared      ratio {rs['per_second_shared_arena']/p:8.1f}x  (agreement {rs['agreement_rate']:.2f}, mean rounds {rs['mean_rounds']:.1f})")
print(f"  detente : {rs['per_second_arena_per_negotiation']:>10.1f} negotiations/s, 1 thread, arena rebuilt  ratio {rs['per_second_arena_per_negotiation']/p:8.1f}x")
print(f"  detente : {rs['per_second_parallel_tournament']:>10.1f} negotiations/s, {rs['threads']} threads (tournament)  ratio {rs['per_second_parallel_tournament']/p:8.1f}x")
PY
done
