#!/usr/bin/env bash
# Load test of `detente serve` on loopback: many concurrent clients reading and writing through
# the HTTP API (release build). Prints throughput and latency percentiles; fails on any error or
# lost write. Bounded: CLIENTS × REQUESTS requests, two minutes at most.
#
#   bench/serve/run.sh                 # 32 clients × 200 requests
#   CLIENTS=64 REQUESTS=100 bench/serve/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
export DETENTE_LOAD_CLIENTS="${CLIENTS:-32}"
export DETENTE_LOAD_REQUESTS="${REQUESTS:-200}"
echo "machine: $(nproc) cores, $(uname -sr), $(date -u +%Y-%m-%d)"
cargo test --release -p detente-cli --test serve_load -- --ignored --nocapture 2>&1 \
  | grep -E "^(detente serve load test|reads|writes|all )|panicked|FAILED|error" || { echo "load test failed"; exit 1; }
