"""Time NegMAS's pareto_frontier + nash_points on a GENIUS folder (end to end: load + compute).

Usage: python negmas_bench.py FOLDER [--timeout SECONDS]
Prints one JSON line: {"folder", "outcomes", "pareto_size", "nash", "seconds"}.
NegMAS reads raw GENIUS evaluations (no division by the issue maximum), so its utilities differ
from detente's GENIUS-semantics figures; the work (enumerate, frontier, Nash) is the same.
"""
import json
import signal
import sys
import time


def main():
    folder = sys.argv[1]
    timeout = int(sys.argv[3]) if len(sys.argv) > 3 and sys.argv[2] == "--timeout" else 0
    if timeout:
        def on_alarm(*_):
            print(json.dumps({"folder": folder, "timeout": timeout}))
            sys.stdout.flush()
            sys.exit(3)
        signal.signal(signal.SIGALRM, on_alarm)
        signal.alarm(timeout)
    t0 = time.perf_counter()
    from negmas.inout import load_genius_domain_from_folder
    from negmas.preferences import nash_points, pareto_frontier

    t_import = time.perf_counter() - t0
    t0 = time.perf_counter()
    # ignore_reserved: every reference profile has reservation 0, which under NegMAS's raw reading
    # of integer evaluators (offset + slope * x, not x - lowerbound) would put every AgentHp2
    # outcome below the consumer's reservation and leave NegMAS an empty frontier.
    scenario = load_genius_domain_from_folder(folder, ignore_reserved=True)
    ufuns = scenario.ufuns
    issues = scenario.outcome_space.issues
    frontier, _indices = pareto_frontier(ufuns, issues=issues)
    nash = nash_points(ufuns, frontier, outcome_space=scenario.outcome_space)
    seconds = time.perf_counter() - t0
    print(json.dumps({
        "folder": folder,
        "outcomes": int(scenario.outcome_space.cardinality),
        "pareto_size": len(frontier),
        "nash": [list(p[0]) for p in nash[:1]],
        "seconds": seconds,
        "import_seconds": t_import,
    }))


if __name__ == "__main__":
    main()
