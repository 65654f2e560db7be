#!/usr/bin/env bash
# Throughput of `detente extract` on one core, on 10,000 articles made by repeating the five
# seed articles with their paragraphs shuffled (deterministic, seed 42).
#
#   bench/extract/run.sh [N]        (default N = 10000)
#
# 1. the library, in one thread (examples/throughput.rs): one call per article, and the whole
#    corpus in one call (with cross-article disagreement flags);
# 2. the CLI end to end, pinned to one core with taskset when available: N files on disk →
#    `detente extract --format json` (reading, extraction, JSON writing), and → draft TOML.
set -euo pipefail
N="${1:-10000}"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
cargo build --release -q -p detente-extract --example throughput
cargo build --release -q -p detente-cli
echo "== library, 1 thread"
./target/release/examples/throughput "$N" data/articles

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
python3 - "$N" "$TMP" <<'PY'
import random, sys, glob, os
n, out = int(sys.argv[1]), sys.argv[2]
seeds = [open(f, encoding="utf-8").read() for f in sorted(glob.glob("data/articles/*.txt"))]
rng = random.Random(42)
for i in range(n):
    paras = [p for p in seeds[i % len(seeds)].split("\n") if p.strip()]
    rng.shuffle(paras)
    with open(os.path.join(out, f"a{i:05d}.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(paras))
PY
PIN=""
if command -v taskset >/dev/null; then PIN="taskset -c 0"; fi
echo "== CLI, $N files, ${PIN:-unpinned}"
for fmt in json toml; do
  /usr/bin/time -f "%e %U %S" -o "$TMP/time" $PIN ./target/release/detente extract --jobs 1 --format "$fmt" "$TMP"/a*.txt -o "$TMP/out.$fmt"
  read -r wall user sys < "$TMP/time"
  python3 -c "
n=$N; wall=$wall; cpu=$user+$sys
import os
print(f'--format $fmt: wall {wall:.2f} s = {n/wall:.0f} articles/s; CPU {cpu:.2f} s = {n/cpu:.0f} articles per CPU-second = {60*n/cpu:.0f} articles/min on one core (output {os.path.getsize(\"$TMP/out.$fmt\")/1e6:.1f} MB)')"
done
uptime
