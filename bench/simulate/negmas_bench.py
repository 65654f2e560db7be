"""NegMAS side of bench/simulate/run.sh: negotiations per second of NegMAS's SAOMechanism on a
GENIUS folder, every ordered pair of time-based negotiators (Boulware, linear, conceder),
`reps` times, `rounds` steps each. Prints one JSON line."""
import json
import sys
import time

from negmas import BoulwareTBNegotiator, ConcederTBNegotiator, LinearTBNegotiator, SAOMechanism
from negmas.inout import Scenario

folder, rounds, reps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
scenario = Scenario.from_genius_folder(folder)
kinds = [BoulwareTBNegotiator, LinearTBNegotiator, ConcederTBNegotiator]
ufuns = scenario.ufuns  # profile files sorted by name, as detente orders parties


def one(a, b):
    m = SAOMechanism(outcome_space=scenario.outcome_space, n_steps=rounds)
    m.add(a(name="a"), ufun=ufuns[0])
    m.add(b(name="b"), ufun=ufuns[1])
    state = m.run()
    return state.agreement is not None, state.step


one(kinds[0], kinds[0])  # warm-up (imports, caches)
agreements = steps = count = 0
start = time.perf_counter()
for _ in range(reps):
    for a in kinds:
        for b in kinds:
            agreed, step = one(a, b)
            agreements += agreed
            steps += step
            count += 1
elapsed = time.perf_counter() - start
print(json.dumps({
    "outcomes": scenario.outcome_space.cardinality,
    "negotiations": count,
    "per_second": round(count / elapsed, 2),
    "agreement_rate": round(agreements / count, 4),
    "mean_steps": round(steps / count, 2),
}))
