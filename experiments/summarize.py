"""Tables for RESULTS.md from the store of experiments/one-shot-builtin.sh (standard library only).

usage: python3 experiments/summarize.py STORE

Conditions are run names without their -sN seed suffix. Accuracy is greedy, boxed answers only, on fresh
problems of each family (evaluations table); numbers are mean ± sample standard deviation over seeds.
"""
import collections
import json
import re
import sqlite3
import statistics
import sys

db = sqlite3.connect(sys.argv[1])
FAMILIES = ["add", "sub", "mul", "expr", "lineq", "frac", "add3"]
TRAINED = FAMILIES[:-1]
ORDER = ["pi1", "pi2", "pi1pi2", "low", "random", "full", "entropy"]
LABEL = {"pi1": "1-shot π1", "pi2": "1-shot π2", "pi1pi2": "2-shot {π1, π2}", "low": "1-shot low variance (last rank)",
         "random": "1-shot random example", "full": "full pool (96 examples)", "entropy": "entropy only, on π1"}

runs = {}
for run_id, name in db.execute("SELECT id, name FROM runs WHERE purpose = 'train' AND status = 'done'"):
    m = re.fullmatch(r"(.+)-s(\d+)", name)
    if m:
        runs.setdefault(m.group(1), {})[int(m.group(2))] = run_id


def boxed(run_id, step):
    rows = db.execute("SELECT benchmark, boxed, problems FROM evaluations WHERE run_id = ? AND step = ?", (run_id, step)).fetchall()
    return statistics.mean(b / p for name, b, p in rows if name.removeprefix("synth:") in TRAINED)


def accuracy(run_id, step):
    rows = db.execute("SELECT benchmark, correct, problems FROM evaluations WHERE run_id = ? AND step = ?", (run_id, step)).fetchall()
    return {b.removeprefix("synth:"): c / p for b, c, p in rows}


def fmt(values):
    mean = statistics.mean(values)
    spread = statistics.stdev(values) if len(values) > 1 else 0.0
    return f"{100 * mean:.1f} ± {100 * spread:.1f}"


def table(step_of):
    head = "| condition | " + " | ".join(FAMILIES) + " | trained-family mean | boxed (trained families) |"
    lines = [head, "|" + "---|" * (len(FAMILIES) + 3)]
    any_run = next(iter(next(iter(runs.values())).values()))
    base = accuracy(any_run, 0)
    lines.append("| base (step 0) | " + " | ".join(f"{100 * base[f]:.1f}" for f in FAMILIES)
                 + f" | {100 * statistics.mean(base[f] for f in TRAINED):.1f} | {100 * boxed(any_run, 0):.1f} |")
    for cond in ORDER:
        if cond not in runs:
            continue
        per_seed = [accuracy(r, step_of(r)) for r in runs[cond].values()]
        cells = [fmt([a[f] for a in per_seed]) for f in FAMILIES]
        cells.append(fmt([statistics.mean(a[f] for f in TRAINED) for a in per_seed]))
        cells.append(fmt([boxed(r, step_of(r)) for r in runs[cond].values()]))
        lines.append(f"| {LABEL[cond]} (n={len(per_seed)}) | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def last_step(run_id):
    return db.execute("SELECT max(step) FROM evaluations WHERE run_id = ?", (run_id,)).fetchone()[0]


def best_step(run_id):
    steps = [s for (s,) in db.execute("SELECT DISTINCT step FROM evaluations WHERE run_id = ?", (run_id,))]
    return max(steps, key=lambda s: statistics.mean(accuracy(run_id, s)[f] for f in TRAINED))


def curves():
    """Per condition: training reward (10-step means) and trained-family test accuracy per evaluation step."""
    out = []
    for cond in ORDER:
        if cond not in runs:
            continue
        rewards = collections.defaultdict(list)
        tests = collections.defaultdict(list)
        entropy = collections.defaultdict(list)
        for r in runs[cond].values():
            for step, metrics in db.execute("SELECT step, metrics FROM run_steps WHERE run_id = ?", (r,)):
                m = json.loads(metrics)
                rewards[(step - 1) // 10].append(m["reward"])
                entropy[(step - 1) // 10].append(m["entropy"])
            steps = [s for (s,) in db.execute("SELECT DISTINCT step FROM evaluations WHERE run_id = ? ORDER BY step", (r,))]
            for s in steps:
                tests[s].append(statistics.mean(accuracy(r, s)[f] for f in TRAINED))
        out.append(f"**{LABEL[cond]}**\n")
        out.append("| steps | " + " | ".join(f"{10 * k + 1}-{10 * k + 10}" for k in sorted(rewards)) + " |")
        out.append("|" + "---|" * (len(rewards) + 1))
        out.append("| training reward | " + " | ".join(f"{statistics.mean(rewards[k]):.2f}" for k in sorted(rewards)) + " |")
        out.append("| token entropy | " + " | ".join(f"{statistics.mean(entropy[k]):.3f}" for k in sorted(entropy)) + " |")
        out.append("| test accuracy at the block's end | " + " | ".join(f"{100 * statistics.mean(tests[10 * k + 10]):.1f}" for k in sorted(rewards)) + " |")
        out.append("")
    return "\n".join(out)


def saturation():
    """1-shot runs: the first step whose 5-step mean training reward reaches 0.95, and the test accuracy after."""
    lines = ["| run | saturated at step | test acc. at saturation | at step 80 | max after saturation |", "|---|---|---|---|---|"]
    for cond in ["pi1", "pi2", "pi1pi2", "random"]:
        for seed, r in sorted(runs.get(cond, {}).items()):
            rewards = [json.loads(m)["reward"] for (m,) in db.execute("SELECT metrics FROM run_steps WHERE run_id = ? ORDER BY step", (r,))]
            sat = next((i + 5 for i in range(len(rewards) - 4) if statistics.mean(rewards[i:i + 5]) >= 0.95), None)
            if sat is None:
                lines.append(f"| {cond}-s{seed} | never (last-5 reward {statistics.mean(rewards[-5:]):.2f}) | | | |")
                continue
            evals = [s for (s,) in db.execute("SELECT DISTINCT step FROM evaluations WHERE run_id = ? ORDER BY step", (r,))]
            at = max(s for s in evals if s <= sat)
            mean_at = lambda s: 100 * statistics.mean(accuracy(r, s)[f] for f in TRAINED)
            after = [mean_at(s) for s in evals if s > at]
            lines.append(f"| {cond}-s{seed} | {sat} | {mean_at(at):.1f} (step {at}) | {mean_at(evals[-1]):.1f} | "
                         f"{max(after):.1f} |" if after else f"| {cond}-s{seed} | {sat} | {mean_at(at):.1f} | | |")
    return "\n".join(lines)


print("### Held-out accuracy at the last step (80)\n")
print(table(last_step))
print("\n### Held-out accuracy at each run's best evaluation step (optimistic: picked on the test problems)\n")
print(table(best_step))
print("\n### Post-saturation: 1-shot and 2-shot runs\n")
print(saturation())
print("\n### Curves (mean over seeds)\n")
print(curves())
