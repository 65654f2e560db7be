#!/usr/bin/env bash
# Seed the corpora from the repository's own test data and run every fuzz target for
# SECONDS each (default 600), one job, at the lowest priority. Usage: fuzz/run.sh [SECONDS]
# Needs cargo-fuzz (`cargo install cargo-fuzz`) and the nightly toolchain.
set -euo pipefail
cd "$(dirname "$0")"
secs=${1:-600}
shared=../../shared/reference
mkdir -p corpus/scenario corpus/genius corpus/csv corpus/extract
cp ../tests/data/valid/*.toml ../tests/data/broken/*.toml ../tests/data/broken/*.json corpus/scenario/ 2>/dev/null || true
cp ../scenarios/*.toml corpus/scenario/
cp ../data/articles/*.txt corpus/extract/
cp ../crates/detente-forecast/data/*.csv corpus/csv/ 2>/dev/null || true
if [ -d "$shared" ]; then
  cp "$shared"/ktab/*.csv "$shared"/decide/*.csv corpus/csv/ 2>/dev/null || true
  # a GENIUS domain and its profiles joined with NUL bytes, as the target splits them
  for d in "$shared"/genius/*/; do
    n=$(basename "$d")
    files=("$d"*.xml)
    [ -e "${files[0]}" ] || continue
    : > "corpus/genius/$n"
    for f in "${files[@]:0:8}"; do cat "$f" >> "corpus/genius/$n"; printf '\0' >> "corpus/genius/$n"; done
  done
fi
for t in scenario genius csv extract; do
  echo "=== $t: ${secs}s"
  nice -n 19 cargo +nightly fuzz run -s none "$t" "corpus/$t" -- \
    -jobs=1 -workers=1 -max_total_time="$secs" -max_len=65536 -rss_limit_mb=2048 -timeout=10 \
    2>&1 | tail -n 15
done
