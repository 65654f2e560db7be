#!/usr/bin/env bash
# Time the flagship's full `detente forecast` (all issues, all models, default draws: the
# headline with its Monte Carlo band) in release, N times after one warm-up run. Prints the wall
# time (min / median / mean) and the mean CPU time (user + sys), plus the load average, since the
# wall time on a shared machine depends on it.
#   bash bench/forecast/headline.sh [N] [extra forecast args…]
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-10}
shift || true
cargo build --release -q -p detente-cli
bin=target/release/detente
"$bin" forecast scenarios/ukraine-2025.toml "$@" >/dev/null
walls=(); cpus=()
for _ in $(seq "$n"); do
  out=$( { /usr/bin/time -f "%e %U %S" "$bin" forecast scenarios/ukraine-2025.toml "$@" >/dev/null; } 2>&1 | tail -1)
  read -r w u s <<<"$out"
  walls+=("$w"); cpus+=("$(echo "$u + $s" | bc -l)")
done
printf '%s\n' "${walls[@]}" | sort -n | awk -v n="$n" '{a[NR]=$1; s+=$1} END {printf "wall: min %.2f s, median %.2f s, mean %.2f s over %d runs\n", a[1], a[int((NR+1)/2)], s/NR, n}'
printf '%s\n' "${cpus[@]}" | awk '{s+=$1} END {printf "cpu (user+sys): mean %.2f s\n", s/NR}'
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); cores: $(nproc)"
