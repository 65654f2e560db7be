"""Write a synthetic GENIUS domain folder: ISSUES discrete issues of VALUES values each and
PARTIES random linear additive profiles (seeded, so the same every run).

Usage: python make_synthetic.py OUT_FOLDER [ISSUES=7] [VALUES=10] [PARTIES=2] [SEED=42]
7 x 10 gives 10^7 outcomes.
"""
import os
import random
import sys


def main():
    out = sys.argv[1]
    issues = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    values = int(sys.argv[3]) if len(sys.argv) > 3 else 10
    parties = int(sys.argv[4]) if len(sys.argv) > 4 else 2
    rng = random.Random(int(sys.argv[5]) if len(sys.argv) > 5 else 42)
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "synthetic_domain.xml"), "w") as f:
        f.write('<negotiation_template>\n<utility_space number_of_issues="%d">\n' % issues)
        f.write('<objective index="0" etype="objective" type="objective" name="synthetic">\n')
        for i in range(issues):
            f.write('<issue index="%d" etype="discrete" type="discrete" vtype="discrete" name="issue%d">\n' % (i + 1, i))
            for v in range(values):
                f.write('<item index="%d" value="v%d"/>\n' % (v + 1, v))
            f.write("</issue>\n")
        f.write("</objective>\n</utility_space>\n</negotiation_template>\n")
    for p in range(parties):
        w = [rng.random() for _ in range(issues)]
        s = sum(w)
        with open(os.path.join(out, "party%d.xml" % (p + 1)), "w") as f:
            f.write('<utility_space>\n<objective index="0" etype="objective" type="objective" name="synthetic">\n')
            for i in range(issues):
                f.write('<issue index="%d" etype="discrete" type="discrete" vtype="discrete" name="issue%d">\n' % (i + 1, i))
                for v in range(values):
                    f.write('<item index="%d" value="v%d" evaluation="%d"/>\n' % (v + 1, v, rng.randint(0, 100)))
                f.write("</issue>\n")
            for i in range(issues):
                f.write('<weight index="%d" value="%.6f"/>\n' % (i + 1, w[i] / s))
            f.write('</objective>\n<discount_factor value="1.0"/>\n<reservation value="0.0"/>\n</utility_space>\n')


if __name__ == "__main__":
    main()
