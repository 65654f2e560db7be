"""Run Decide's equal gain exchange model (pip decide-exchange-model==2022.1.28) through its Python
API and write what it computed as JSON in the shape of `detente forecast --model exchange
--format json`, so that detente's test can compare the two.

Usage: python decide_reference.py INPUT OUTPUT.json [--iterations 10] [--time REPEATS]

Random tie breaking is switched off (EqualGainModel.ALLOW_RANDOM = False), which makes runs
repeatable. Positions and means are written on the input's own scale (de-normalised, as Decide's
issue-development CSV writes them). Round k holds the positions at the start of Decide's loop k
(round 0 = the input); the last round holds the positions after the last loop. Every realised
exchange is listed under both of its issues, in the order Decide realised it, with the round it
produced (loop k produces round k + 1), its gain and both actors' moves (supply issue, from, to),
and the externality of every third actor that holds a stance on both issues.

With --time N the script only times the model loop (N runs, each creating the model from the
parsed file and running every iteration) and prints the best time in seconds; the bench script
uses this.
"""
import argparse
import json
import sys
import time

from decide.data.modelfactory import ModelFactory
from decide.data.reader import InputDataFile
from decide.model import calculations, equalgain
from decide.model.utils import ModelLoop


class Recorder:
    """The event handler ModelLoop calls (only the events it uses)."""

    def __init__(self, model):
        self.model = model
        self.rounds = []  # per loop: {issue: {actor: normalised position}}
        self.exchanges = []  # (round, exchange summary)
        self.iteration = 0

    def snapshot(self):
        return {
            issue.name: {a.actor_id: ai.position for a, ai in ais.items()}
            for issue, ais in self.model.actor_issues.items()
        }

    def before_loop(self, iteration, repetition):
        self.iteration = iteration
        self.rounds.append(self.snapshot())

    def removed_exchanges(self, exchanges):
        pass

    def execute_exchange(self, ex):
        ext = {}
        for actor in self.model.actors:
            if actor == ex.i.actor or actor == ex.j.actor:
                continue
            v = calculations.actor_externalities(actor, self.model, ex)
            if v != 0:
                ext[actor.actor_id] = v
        self.exchanges.append((self.iteration + 1, ex_summary(ex), ext))

    def after_loop(self, realized, iteration, repetition):
        pass

    def end_loop(self, iteration, repetition):
        pass


def side(x):
    return {
        "actor": x.actor.actor_id,
        "supply": x.supply.issue.name,
        "demand": x.demand.issue.name,
        "from": x.supply.position,
        "to": x.y,
    }


def ex_summary(ex):
    return {"gain": ex.gain, "i": side(ex.i), "j": side(ex.j)}


def build(factory):
    return factory(model_klass=equalgain.EqualGainModel, randomized_value=None)


def run(path, iterations):
    factory = ModelFactory(InputDataFile.open(path))
    model = build(factory)
    rec = Recorder(model)
    loop = ModelLoop(model, rec, 0)
    for _ in range(iterations):
        loop.loop()
    rec.rounds.append(rec.snapshot())
    return model, rec


def denorm(issue, v):
    return float(issue.de_normalize(v))


def to_json(path, model, rec):
    issues = []
    weights = {}
    for issue, ais in model.actor_issues.items():
        weights[issue.name] = {a.actor_id: ai.salience * ai.power for a, ai in ais.items()}
    by_name = {i.name: i for i in model.issues}
    out_issues = []
    for issue in model.issues:  # '#P' order
        name = issue.name
        w = weights.get(name, {})
        den = sum(w.values())
        rounds = []
        for k, snap in enumerate(rec.rounds):
            pos = snap.get(name, {})
            mean = sum(pos[a] * w[a] for a in pos) / den if den != 0 else 0
            rounds.append({
                "round": k,
                "positions": {a: denorm(issue, v) for a, v in pos.items()},
                "mean": denorm(issue, mean),
            })
        exchanges = []
        order = {}
        for rnd, ex, ext in rec.exchanges:
            order[rnd] = order.get(rnd, 0) + 1
            if name not in (ex["i"]["supply"], ex["j"]["supply"]):
                continue
            e = {"round": rnd, "order": order[rnd], "gain": float(ex["gain"])}
            for s in ("i", "j"):
                d = dict(ex[s])
                iss = by_name[d["supply"]]
                d["from"] = denorm(iss, d["from"])
                d["to"] = denorm(iss, d["to"])
                e[s] = d
            e["externalities"] = {a: float(v) for a, v in ext.items()}
            exchanges.append(e)
        out_issues.append({
            "id": name,
            "models": {"exchange": {
                "forecast": rounds[-1]["mean"],
                "rounds": rounds,
                "exchanges": exchanges,
            }},
        })
    return {
        "generator": "decide-exchange-model 2022.1.28, EqualGainModel, ALLOW_RANDOM = False",
        "input": path.split("/")[-1],
        "iterations": len(rec.rounds) - 1,
        "issues": out_issues,
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("input")
    ap.add_argument("output", nargs="?")
    ap.add_argument("--iterations", type=int, default=10)
    ap.add_argument("--time", type=int, default=0, metavar="REPEATS")
    a = ap.parse_args()
    equalgain.EqualGainModel.ALLOW_RANDOM = False
    if a.time:
        factory = ModelFactory(InputDataFile.open(a.input))
        best = float("inf")
        for _ in range(a.time):
            t0 = time.perf_counter()
            model = build(factory)
            loop = ModelLoop(model, Recorder(model), 0)
            for _ in range(a.iterations):
                loop.loop()
            best = min(best, time.perf_counter() - t0)
        print(f"{best:.6f}")
        return
    model, rec = run(a.input, a.iterations)
    text = json.dumps(to_json(a.input, model, rec), indent=1, sort_keys=False)
    if a.output:
        with open(a.output, "w") as f:
            f.write(text + "\n")
    else:
        sys.stdout.write(text + "\n")


if __name__ == "__main__":
    main()
