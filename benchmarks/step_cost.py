"""What a training step costs, in timesteps: the ``budget_step_cost`` of a recipe.

    python benchmarks/step_cost.py [--config inception_small] [--rounds 1]

``timestep_budget`` bounds a fit by the timesteps it reads, a count of work
that trains the same network on any machine. But a step also has a fixed
cost (launching its operations, updating every weight), which on short
series is most of it: at batch 16, a fit on many series of 80 timesteps takes
about twice as long as one reading as many timesteps in series of 1460.
``budget_step_cost`` counts that fixed cost in timesteps.

This script measures it. On seven sets of the development suite of lengths 80
to 1460 (real data, the recipe's batch size), it fits the named
configuration for 4 and for 24 epochs, no budget, and takes a twentieth of
the difference as the steady time of an epoch (after a warm-up fit, so that
both reuse the pooled, compiled network alike). A
least-squares line, ``epoch seconds = a * steps + b * timesteps``, gives the
step's cost ``a / b`` in timesteps. Side by side, it prints the time a fit
of the recipe's budget trains on each set (its epochs times the measured
time of one), with the budget counting
timesteps alone (``budget_step_cost=0``) and with the recipe's step cost:
the spread between the shortest and the longest of those fits is what the
step cost removes. Appends to ``benchmarks/results/step_cost.txt``.
"""

import argparse
import sys
import time
from functools import partial

import numpy as np
from _bench_utils import RESULTS, backend_version, steady_epoch_seconds
from _datasets import load

from sklearn_conv1d import ARCHITECTURES, Conv1DClassifier
from sklearn_conv1d._budget import budget_epochs

#: Sets of the suite of equal-length series, from short to long.
SETS = (
    "DistalPhalanxOutlineCorrect",
    "MedicalImages",
    "InsectWingbeatSound",
    "FiftyWords",
    "Lightning2",
    "Computers",
    "ACSF1",
)


def fit_seconds(params, dataset, epochs):
    clf = Conv1DClassifier(
        **{**params, "epochs": epochs}, **dataset.params, random_state=0
    )
    start = time.perf_counter()
    clf.fit(dataset.X_train, dataset.y_train)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default="inception_small")
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    recipe = ARCHITECTURES[args.config]
    batch = recipe["batch_size"]
    # Every epoch runs: no budget, no stop on a stalled loss.
    params = {**recipe, "timestep_budget": None, "n_iter_no_change": None}
    lines = [
        f"$ python benchmarks/step_cost.py --config {args.config} "
        f"--rounds {args.rounds}",
        f"{backend_version()}, batch {batch}",
        f"{'set':30s} {'rows':>5s} {'length':>6s} {'steps':>5s} {'s/epoch':>8s}",
    ]
    print("\n".join(lines), flush=True)
    rows = []
    for name in SETS:
        dataset = load(name)
        n, length = len(dataset.X_train), dataset.length
        steps = -(-n // batch)
        seconds = steady_epoch_seconds(
            partial(fit_seconds, params, dataset), 4, 24, args.rounds
        )
        rows.append((name, n, length, steps, seconds))
        lines.append(f"{name:30s} {n:5d} {length:6d} {steps:5d} {seconds:8.3f}")
        print(lines[-1], flush=True)
    A = np.array([[steps, n * length] for _, n, length, steps, _ in rows], float)
    t = np.array([row[-1] for row in rows])
    (a, b), *_ = np.linalg.lstsq(A, t, rcond=None)
    lines += [
        f"a step: {1e3 * a:.2f} ms, a timestep: {1e6 * b:.2f} us, "
        f"so a step costs {a / b:.0f} timesteps "
        f"(the recipe sets budget_step_cost={recipe['budget_step_cost']})",
        f"largest error of the line on an epoch: "
        f"{100 * np.max(np.abs(A @ (a, b) - t) / t):.0f}%",
        "",
        f"fit of the recipe's budget ({recipe['timestep_budget']:,} timesteps; "
        f"epochs capped at {recipe['epochs']}): epochs and seconds of training",
        f"{'set':30s} {'cost 0':>12s} {'recipe cost':>12s}",
    ]
    spans = {0: [], recipe["budget_step_cost"]: []}
    for name, n, length, _, seconds in rows:
        cells = []
        for cost, span in spans.items():
            epochs = budget_epochs(
                recipe["epochs"], recipe["timestep_budget"], (n, length), batch, cost
            )
            span.append(epochs * seconds)
            cells.append(f"{epochs:4d} ep {epochs * seconds:4.0f} s")
        lines.append(f"{name:30s} {cells[0]:>12s} {cells[-1]:>12s}")
    lines.append(
        "longest / shortest fit: "
        + ", ".join(
            f"budget_step_cost={cost}: {max(s) / min(s):.1f}x"
            for cost, s in spans.items()
        )
    )
    print("\n".join(lines[-len(rows) - 6 :]), flush=True)
    with open(RESULTS / "step_cost.txt", "a") as f:
        f.write("\n".join(lines) + "\n\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
