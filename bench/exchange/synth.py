"""Write a synthetic Decide input file: N actors, M issues on 0-100, one stance per actor and
issue (position a whole number 0-100, salience 0.05-1.00, one power 0.05-1.00 per actor), from
Python's random module seeded with SEED. Usage: python synth.py N M SEED OUT"""
import random
import sys

n, m, seed, out = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
rng = random.Random(seed)
lines = [f"'#A'\t'a{a}'\t'Actor {a}'\t''" for a in range(n)]
for d in range(m):
    lines += [f"'#P'\t'i{d}'\t'Issue {d}'\t''", f"'#M'\t'i{d}'\t0", f"'#M'\t'i{d}'\t100"]
power = [rng.randint(5, 100) / 100 for _ in range(n)]
for a in range(n):
    for d in range(m):
        lines.append(f"'#D'\t'a{a}'\t'i{d}'\t{rng.randint(0, 100)}\t{rng.randint(5, 100) / 100}\t{power[a]}")
with open(out, "w") as f:
    f.write("\n".join(lines) + "\n")
