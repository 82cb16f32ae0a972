"""Does the input's scale make the defaults fail? The small sets, rescaled.

Run
---
    python benchmarks/diagnose_input_scale.py [--seeds 0 1 2]

(needs what ``bench_accuracy.py`` needs; also written to
``benchmarks/results/diagnose_input_scale.txt``.)

Why
---
``diagnose_small_sets.py`` finds the seed network fitting every small set of
the suite perfectly (training accuracy 1.000): on the suite the small sets do
not fail for lack of steps. It also finds where the first epoch goes wrong:
on Chinatown, the one small set in raw units (pedestrian counts, not
z-normalised like most UCR sets), the first epoch's loss is 25.8 against
about 0.7 elsewhere, and most of the Dense(100) units are dead. Held-out sets
at chance level may be such sets. This script multiplies every series of the
suite's small sets (at most 60 training series) by 0.01 and by 100 -- the
same data in other units; spectra and other physical readings come in such
units -- and fits ``normalize=None`` and ``normalize="series"``, which
divides the scale out of each series. A tiny scale leaves the first layer's
outputs, and so every gradient, near zero: with the few hundred steps a small
set gives, the network does not leave chance.
"""

import argparse
import statistics

import numpy as np
from _bench_utils import Report
from _datasets import SUITE, load

from sklearn_conv1d import Conv1DClassifier

COMMAND = "python benchmarks/diagnose_input_scale.py"
MAX_TRAIN = 60
SCALES = (0.01, 1.0, 100.0)


def scaled(X, factor):
    return [x * factor for x in X] if isinstance(X, list) else X * factor


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    args = parser.parse_args(argv)
    seeds = " ".join(map(str, args.seeds))
    say = Report(
        "diagnose_input_scale",
        COMMAND + ("" if seeds == "0 1 2" else f" --seeds {seeds}"),
    )
    say(
        f"The seed network on the suite's sets of <= {MAX_TRAIN} training series, "
        "as given (x1) and multiplied by "
        + " and by ".join(f"{s:g}" for s in SCALES if s != 1)
        + f"; seeds {args.seeds}; test "
        "accuracy, median over seeds (train: training accuracy; majority: the "
        "largest class's share of the test set)"
    )
    say(
        f"{'dataset':20s} {'majority':>8s} "
        + "".join(f"{f'{n} x{s:g}':>22s}" for n in ("none", "series") for s in SCALES)
    )
    means = {}
    for name in SUITE:
        data = load(name)
        if len(data.y_train) > MAX_TRAIN:
            continue
        _, counts = np.unique(data.y_test, return_counts=True)
        cells = []
        for normalize in (None, "series"):
            for factor in SCALES:
                test, train = [], []
                for seed in args.seeds:
                    clf = Conv1DClassifier(
                        normalize=normalize,
                        n_iter_no_change=None,  # every epoch, as before
                        **data.params,
                        random_state=seed,
                    )
                    clf.fit(scaled(data.X_train, factor), data.y_train)
                    test.append(clf.score(scaled(data.X_test, factor), data.y_test))
                    train.append(clf.score(scaled(data.X_train, factor), data.y_train))
                key = (normalize, factor)
                test, train = statistics.median(test), statistics.median(train)
                cells.append(f"{test:.3f} (train {train:.2f})")
                means.setdefault(key, []).append(test)
        say(
            f"{name:20s} {counts.max() / counts.sum():8.3f} "
            + "".join(f"{c:>22s}" for c in cells)
        )
    say()
    say("Mean over these sets of the median test accuracy")
    for (normalize, factor), values in means.items():
        say(f"  normalize={normalize!r:9s} x{factor:<5g} {statistics.mean(values):.4f}")
    say.save()


if __name__ == "__main__":
    main()
