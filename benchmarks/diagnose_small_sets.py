"""Why the defaults fail on small training sets: steps, learning rate, input scale.

Run
---
    python benchmarks/diagnose_small_sets.py [--seeds 0 1 2]

(needs what ``bench_accuracy.py`` needs; also written to
``benchmarks/results/diagnose_small_sets.txt``.)

Why
---
On held-out sets of 30-60 training series the defaults (the seed network,
100 epochs of batches of 32: 1-2 steps an epoch, 100-200 steps in all) were
at chance level where MiniRocket scored 0.93-0.97. This script fits the seed
network on the sets of the development suite with at most 60 training series
and records, beside the test accuracy, what tells an optimisation failure
from overfitting: the accuracy on the training set itself, the training loss
of the first and the last epoch, and the share of the Dense(100) layer's
units that output zero for every training series (dead ReLUs). Each variant
changes one thing: the input scale (``normalize="series"``), the number of
steps (4x the epochs, or a batch of 8), the learning rate.
"""

import argparse
import statistics
import time

import keras
import numpy as np
from _bench_utils import Report
from _datasets import SUITE, load

from sklearn_conv1d import Conv1DClassifier

COMMAND = "python benchmarks/diagnose_small_sets.py"
MAX_TRAIN = 60

#: (label, parameters changed from the defaults)
VARIANTS = (
    ("defaults", {}),
    ("normalize='series'", dict(normalize="series")),
    ("epochs=400 (4x steps)", dict(epochs=400)),
    ("batch_size=8 (4x steps)", dict(batch_size=8)),
    ("learning_rate=3e-3", dict(learning_rate=3e-3)),
)


def dead_share(clf, X):
    """Share of the first Dense layer's units that are 0 on every series of X."""
    dense = next(
        layer for layer in clf.model_.layers if isinstance(layer, keras.layers.Dense)
    )
    hidden = keras.Model(clf.model_.inputs, dense.output)
    X3, _ = clf._validate_data(X=X)
    out = np.asarray(hidden.predict_on_batch(X3))
    return float(np.mean(np.all(out <= 0, axis=0)))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    args = parser.parse_args(argv)
    seeds = " ".join(map(str, args.seeds))
    command = COMMAND + ("" if seeds == "0 1 2" else f" --seeds {seeds}")
    say = Report("diagnose_small_sets", command)
    say(
        f"The seed network on the suite's sets of <= {MAX_TRAIN} training series; "
        f"seeds {args.seeds}; medians over seeds"
    )
    say(
        f"{'dataset':20s} {'variant':24s} {'test':>6s} {'train':>6s} "
        f"{'loss 1st':>9s} {'last':>7s} {'dead':>5s} {'fit s':>6s}  test per seed"
    )
    table = {}
    for name in SUITE:
        data = load(name)
        if len(data.y_train) > MAX_TRAIN:
            continue
        for label, params in VARIANTS:
            cols = []
            for seed in args.seeds:
                clf = Conv1DClassifier(**params, **data.params, random_state=seed)
                start = time.perf_counter()
                clf.fit(data.X_train, data.y_train)
                fit = time.perf_counter() - start
                cols.append(
                    (
                        clf.score(data.X_test, data.y_test),
                        clf.score(data.X_train, data.y_train),
                        clf.history_["loss"][0],
                        clf.history_["loss"][-1],
                        dead_share(clf, data.X_train),
                        fit,
                    )
                )
            med = [statistics.median(c) for c in zip(*cols, strict=True)]
            table.setdefault(label, []).append(med[0])
            say(
                f"{name:20s} {label:24s} {med[0]:6.3f} {med[1]:6.3f} "
                f"{med[2]:9.3g} {med[3]:7.3g} {med[4]:5.2f} {med[5]:6.1f}  "
                + " ".join(f"{c[0]:.3f}" for c in cols)
            )
    say()
    say("Mean over these sets of the median test accuracy")
    for label, accs in table.items():
        say(f"  {label:24s} {statistics.mean(accs):.4f} ({len(accs)} sets)")
    say.save()


if __name__ == "__main__":
    main()
