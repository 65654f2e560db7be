#!/usr/bin/env python3
"""Reference implementation of detente's expected utility model (EUM) in plain Python.

Written from the reference notes (Scholz, Calbert & Smith 2011, as summarised in
shared/reference/eum-notes.md), independently of the Rust code, with the two presets
detente ships:

  textbook    per-pair win probabilities with linear votes, each challenger's own risk
              exponent, least movement, conflict > compromise > compel
  scholz2011  the options that reproduce Scholz et al.'s Table 2: probabilities over all pairs
              with risk-adjusted votes, the receiving actor's risk exponent, the compromise with
              the lowest EU-weighted point

Usage: eum_reference.py CSV PRESET ROUNDS REPEATS
CSV is the plain `Actor,Capability,Position,Salience` format or a one-dimensional KTAB CSV.
Prints one JSON object: medians and means per round (round 0 = the data) and seconds per run.
"""
import json
import sys
import time


def read_csv(path):
    rows = [l.strip() for l in open(path, encoding="utf-8-sig") if l.strip() and not l.lstrip().startswith("#")]
    head = [h.strip().lower() for h in rows[0].split(",")]
    if "capability" in head:  # plain format
        ia, ic, ix, isal = (head.index(k) for k in ("actor", "capability", "position", "salience"))
        data = []
        for r in rows[1:]:
            f = [v.strip() for v in r.split(",")]
            data.append((f[ia], float(f[ic]), float(f[ix]), float(f[isal])))
        if any(d[3] > 1.0 for d in data):
            data = [(a, c, x, s / 100.0) for a, c, x, s in data]
        return data
    # KTAB: line 1 scenario, line 2 header, then Actor,Description,Influence,Position,Salience
    data = []
    for r in rows[2:]:
        f = [v.strip() for v in r.split(",")]
        if len(f) >= 5 and f[0]:
            data.append((f[0], float(f[2]), float(f[3]), float(f[4]) / 100.0))
    return data


def weighted_median(x, w):
    idx = sorted((i for i in range(len(x)) if w[i] > 0), key=lambda i: x[i])
    total = sum(w[i] for i in idx)
    half = total / 2
    cum = 0.0
    k = 0
    while k < len(idx):
        xv = x[idx[k]]
        g = k
        while g < len(idx) and x[idx[g]] == xv:
            cum += w[idx[g]]
            g += 1
        if abs(cum - half) <= 1e-12 * total:
            return 0.5 * (xv + x[idx[g]]) if g < len(idx) else xv
        if cum > half:
            return xv
        k = g
    return x[idx[-1]]


def weighted_mean(x, w):
    return sum(a * b for a, b in zip(x, w)) / sum(w)


def probabilities(x, w, r, rng, all_pairs):
    """P[i][j]: probability that i beats j; votes use each voter's exponent r[k]."""
    n = len(x)
    P = [[0.0] * n for _ in range(n)]
    total = 0.0
    for i in range(n):
        for j in range(n):
            if i == j:
                continue
            num = den = 0.0
            for k in range(n):
                a = w[k] * ((abs(x[k] - x[j]) / rng) ** r[k] - (abs(x[k] - x[i]) / rng) ** r[k])
                if a > 0:
                    num += a
                den += abs(a)
            if all_pairs:
                P[i][j] = num
                total += den
            else:
                P[i][j] = num / den if den > 0 else 0.5
    if all_pairs and total > 0:
        P = [[v / total for v in row] for row in P]
    return P


def eu(i, j, x, s, P, ri, rng):
    """E_i(challenge j) with exponent ri, Q = 1 (status quo certain without a challenge)."""
    d = abs(x[i] - x[j]) / rng
    us = 2 - 4 * (0.5 - 0.5 * d) ** ri
    uf = 2 - 4 * (0.5 + 0.5 * d) ** ri
    usq = 2 - 4 * 0.5 ** ri
    p = P[i][j]
    return s[j] * (p * us + (1 - p) * uf) + (1 - s[j]) * us - usq


def run(data, preset, rounds):
    scholz = preset == "scholz2011"
    c = [d[1] for d in data]
    x = [d[2] for d in data]
    s = [d[3] for d in data]
    w = [a * b for a, b in zip(c, s)]
    n = len(x)
    rng = max(x) - min(x)
    med, mean = [weighted_median(x, w)], [weighted_mean(x, w)]
    for _ in range(rounds):
        if rng <= 0:
            break
        ones = [1.0] * n
        P1 = probabilities(x, w, ones, rng, scholz)
        E1 = [[eu(i, j, x, s, P1, 1.0, rng) if i != j and x[i] != x[j] else 0.0 for j in range(n)] for i in range(n)]
        sec = [sum(E1[j][i] for j in range(n) if j != i) for i in range(n)]
        lo, hi = min(sec), max(sec)
        r = []
        for i in range(n):
            R = (2 * sec[i] - hi - lo) / (hi - lo) if hi - lo > 1e-12 * max(abs(hi) + abs(lo), 1e-300) else 0.0
            r.append((1 - R / 3) / (1 + R / 3))
        P = probabilities(x, w, r, rng, True) if scholz else P1
        new_x = list(x)
        for i in range(n):  # i receives offers from every j
            best = None  # (rank, key, position)
            for j in range(n):
                if i == j or x[i] == x[j]:
                    continue
                if scholz:  # both values as i perceives them (i's exponent)
                    own, other = eu(i, j, x, s, P, r[i], rng), eu(j, i, x, s, P, r[i], rng)
                else:
                    own, other = eu(i, j, x, s, P, r[i], rng), eu(j, i, x, s, P, r[j], rng)
                if other <= 0:
                    continue
                if own > 0:
                    if own >= other:
                        continue
                    kind, to = 0, x[j]
                elif abs(own) < other:
                    kind, to = 1, x[i] + (x[j] - x[i]) * abs(own) / other
                else:
                    kind, to = 2, x[j]
                if kind == 1 and scholz:
                    key = (abs(own) * x[i] + abs(other) * x[j]) / (abs(own) + abs(other))
                else:
                    key = abs(to - x[i])
                cand = (kind, key, to)
                if best is None or cand[0] < best[0] or (cand[0] == best[0] and (cand[1], cand[2]) < (best[1], best[2])):
                    best = cand
            if best is not None:
                new_x[i] = best[2]
        x = new_x
        med.append(weighted_median(x, w))
        mean.append(weighted_mean(x, w))
    return med, mean


def main():
    path, preset, rounds, repeats = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    data = read_csv(path)
    t = time.perf_counter()
    for _ in range(repeats):
        med, mean = run(data, preset, rounds)
    secs = (time.perf_counter() - t) / repeats
    print(json.dumps({"actors": len(data), "preset": preset, "median": med, "mean": mean, "seconds_per_run": secs}))


if __name__ == "__main__":
    main()
