#!/usr/bin/env bash
# detente deals vs NegMAS (pareto_frontier + nash_points), side by side on the same GENIUS
# folders: AMPOvsCity, parsCat, AgentHp2 and a synthetic 10^7-outcome domain.
#   bench/deals/run.sh            (from the repository root or anywhere)
#   GENIUS_REF=/path/to/genius NEGMAS_TIMEOUT=1800 bench/deals/run.sh
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
REF="${GENIUS_REF:-$ROOT/../shared/reference/genius}"
VENV="$ROOT/bench/.venv"
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
"$VENV/bin/pip" install -q negmas
cargo build --release -p detente-cli
SYN="$ROOT/target/bench-deals/synthetic-1e7"
"$VENV/bin/python" bench/deals/make_synthetic.py "$SYN" 7 10 2 42
echo "machine: $(nproc) cores, $(uname -m), $(date -u +%Y-%m-%d); negmas $("$VENV/bin/python" -c 'import negmas; print(negmas.__version__)')"
"$VENV/bin/python" bench/deals/compare.py "$ROOT/target/release/detente" \
  "$REF/AMPOvsCity" "$REF/parsCat" "$REF/AgentHp2" "$SYN" --timeout "${NEGMAS_TIMEOUT:-1800}"
