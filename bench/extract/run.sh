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
  start=$(date +%s.%N)
  $PIN ./target/release/detente extract --format "$fmt" "$TMP"/a*.txt -o "$TMP/out.$fmt"
  end=$(date +%s.%N)
  python3 -c "import sys; n=$N; t=$end-$start; print(f'--format $fmt: {t:.2f} s = {n/t:.0f} articles/s = {60*n/t:.0f} articles/min (output {__import__(\"os\").path.getsize(\"$TMP/out.$fmt\")/1e6:.1f} MB)')"
done
