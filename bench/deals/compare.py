"""Run `detente deals --genius` (release build) and NegMAS's pareto_frontier + nash_points on the
same GENIUS folders, one after the other, and print the times and the ratio.

Usage: python compare.py DETENTE_BINARY FOLDER... [--timeout SECONDS]
detente: best wall time of 5 runs of the whole command (read XML, analyse, render JSON).
NegMAS: one run of load + pareto_frontier + nash_points (import time excluded), in a
subprocess with a timeout.
"""
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def time_detente(binary, folder):
    best = None
    out = None
    for _ in range(5):
        t0 = time.perf_counter()
        r = subprocess.run([binary, "deals", "--genius", folder, "--format", "json"], capture_output=True, check=True)
        dt = time.perf_counter() - t0
        best = dt if best is None else min(best, dt)
        out = r.stdout
    j = json.loads(out)
    return best, j["outcomes"], j["pareto_size"], len(j["parties"])


def time_negmas(folder, timeout):
    r = subprocess.run(
        [sys.executable, os.path.join(HERE, "negmas_bench.py"), folder, "--timeout", str(timeout)],
        capture_output=True,
        text=True,
    )
    line = r.stdout.strip().splitlines()[-1] if r.stdout.strip() else "{}"
    j = json.loads(line)
    if "timeout" in j or "seconds" not in j:
        return None, None
    return j["seconds"], j["pareto_size"]


def main():
    args = sys.argv[1:]
    timeout = 1800
    if "--timeout" in args:
        k = args.index("--timeout")
        timeout = int(args[k + 1])
        del args[k : k + 2]
    binary, folders = args[0], args[1:]
    print("| domain | outcomes | parties | detente s | detente frontier | NegMAS s | NegMAS frontier | NegMAS / detente |")
    print("|---|---|---|---|---|---|---|---|")
    for folder in folders:
        dt, n, fs, parties = time_detente(binary, folder)
        nt, nfs = time_negmas(folder, timeout)
        name = os.path.basename(os.path.normpath(folder))
        if nt is None:
            print(f"| {name} | {n:,} | {parties} | {dt:.3f} | {fs} | > {timeout} (timed out) | – | > {timeout / dt:.0f}x |")
        else:
            print(f"| {name} | {n:,} | {parties} | {dt:.3f} | {fs} | {nt:.2f} | {nfs} | {nt / dt:.0f}x |")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
