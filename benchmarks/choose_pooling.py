"""Max pooling inside the named networks: epoch cost and accuracy, measured.

Run
---
    python benchmarks/choose_pooling.py

(needs ``aeon``; about 12 minutes on 2 cores, TensorFlow; also written to
``benchmarks/results/choose_pooling.txt``.)

Why
---
At a fixed time budget on a CPU, the FCN and the ResNet of ``ARCHITECTURES``
run out of time long before they stop learning on long series
(``bench_accuracy.py`` at 60 s per fit: 29-30 FCN epochs on ACSF1's 1460
steps). ``pool_size=2`` puts a ``MaxPooling1D(2)`` after each conv layer
(each residual block for the ResNet), so the later, wider layers see a half,
a quarter... of the timesteps. This script measures, for ``fcn``, ``resnet``
and ``lite`` each as named and with ``pool_size=2``:

- seconds per training epoch on 100 random series of 150, 500 and 1500 steps
  (batch 16, per-series normalisation: the recipe's), the median of epochs 2-5
  of a 5-epoch fit, so compilation is left out;
- test accuracy on the three data sets choices are made on (GunPoint,
  ItalyPowerDemand, JapaneseVowels) with ``bench_accuracy.py``'s recipe and a
  30 s budget per fit, seed 0 (one seed keeps the run short; add seeds to
  ``SEEDS`` for medians and ranges).

The unseen data sets of ``bench_accuracy.py`` are not read here.
"""

import statistics
import time

import keras
import numpy as np
from _bench_utils import RECIPE, Report
from _datasets import load
from bench_accuracy import TimeBudget

from sklearn_conv1d import ARCHITECTURES, Conv1DClassifier

COMMAND = "python benchmarks/choose_pooling.py"
NETWORKS = ("fcn", "resnet", "lite")
LENGTHS = (150, 500, 1500)
SEEDS = (0,)
SELECTION = ("GunPoint", "ItalyPowerDemand", "JapaneseVowels")
BUDGET = 30.0  # seconds per recipe fit


def recipe_classifier(params, data, seed):
    """The network of ``params`` with the long-budget recipe of this choice."""
    callbacks = [
        keras.callbacks.EarlyStopping(
            monitor="loss", patience=100, restore_best_weights=True
        ),
        TimeBudget(BUDGET),
    ]
    return Conv1DClassifier(
        **{**params, **RECIPE}, **data.params, callbacks=callbacks, random_state=seed
    )


#: Wall time of every epoch of the latest fit. A module global, not an
#: attribute of the callback: the estimator trains on a deep copy of it.
EPOCH_TIMES = []


class EpochTimes(keras.callbacks.Callback):
    """Record the wall time of every epoch in ``EPOCH_TIMES``."""

    def on_train_begin(self, logs=None):
        EPOCH_TIMES.clear()

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        EPOCH_TIMES.append(time.perf_counter() - self._start)


def variants():
    """(label, parameter dict): each named network as is and pooled."""
    for name in NETWORKS:
        yield name, ARCHITECTURES[name]
        yield f"{name} + pool 2", {**ARCHITECTURES[name], "pool_size": 2}


def seconds_per_epoch(params, n_timesteps):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, n_timesteps)).astype(np.float32)
    y = np.arange(100) % 10
    Conv1DClassifier(
        **{
            **params,
            "normalize": RECIPE["normalize"],
            "batch_size": RECIPE["batch_size"],
            "epochs": 5,
        },
        callbacks=[EpochTimes()],
        random_state=0,
    ).fit(X, y)
    return statistics.median(EPOCH_TIMES[1:])


def main():
    say = Report("choose_pooling", COMMAND)
    say(f"seconds per epoch, 100 random series, batch {RECIPE['batch_size']}")
    say(f"{'network':16s}" + "".join(f"{n:>9d} st" for n in LENGTHS))
    for label, params in variants():
        say(
            f"{label:16s}"
            + "".join(f"{seconds_per_epoch(params, n):12.3f}" for n in LENGTHS)
        )
    say()
    say(f"test accuracy, recipe {RECIPE}, {BUDGET:g} s per fit, seeds {SEEDS}")
    means = {}
    for dataset in SELECTION:
        data = load(dataset)
        for label, params in variants():
            accs, epochs = [], []
            for seed in SEEDS:
                clf = recipe_classifier(params, data, seed)
                clf.fit(data.X_train, data.y_train)
                accs.append(float(np.mean(clf.predict(data.X_test) == data.y_test)))
                epochs.append(clf.n_iter_)
            means.setdefault(label, []).append(statistics.median(accs))
            say(
                f"  {dataset:17s} {label:16s} {statistics.median(accs):.4f} "
                f"[{min(accs):.3f}, {max(accs):.3f}], epochs {epochs}"
            )
    say()
    say("Mean of the medians over the three data sets")
    for label, values in means.items():
        say(f"  {label:16s} {statistics.mean(values):.4f}")
    say.save()


if __name__ == "__main__":
    main()
