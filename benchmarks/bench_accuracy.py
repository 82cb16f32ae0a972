"""Accuracy and fit time of the named architectures against aeon's peers.

Run
---
    python benchmarks/bench_accuracy.py [--budget SECONDS] [--datasets NAME ...]

(needs ``aeon``; on TensorFlow, the default backend and the fastest for these
long budgets on CPU: ``benchmarks/epoch_time_by_backend.py`` measured its
epochs of the LITE-style network 4x faster than JAX's and 2x faster than
torch's, and the FCN and ResNet within 15% of JAX's. 73 minutes on 2 cores
for the four unseen data sets with ``--budget 60`` (the recorded run), of
which each named architecture takes up to three budgets (one per seed) per
data set; the output is also written to
``benchmarks/results/bench_accuracy.txt`` with this command at the top.)

What it measures
----------------
Test accuracy and wall time of ``fit`` on the UCR/UEA train/test splits that
aeon bundles, of:

- ``Conv1DClassifier()``: our defaults (the seed network, 100 epochs, raw
  input; only ``random_state`` set);
- every network of ``ARCHITECTURES`` (``seed``, ``fcn``, ``fcn_pooled``,
  ``resnet``, ``lite``) with a long-budget recipe, by parameters and Keras callbacks
  alone: ``normalize="series"``, ``batch_size=16``, up to 2000 epochs,
  ``reduce_lr_patience=50`` (learning rate halved after 50 epochs without a
  drop in training loss), ``keras.callbacks.EarlyStopping(monitor="loss",
  patience=100, restore_best_weights=True)`` (stop when the training loss has
  not improved for 100 epochs; keep its best weights), and a wall-time budget
  per fit (``--budget``, 30 s by default): the fit stops at the end of the
  first epoch past it, so a fit can overrun the budget by up to one epoch
  (6.3 s for ResNet on ACSF1 at ``--budget 60``);
- aeon's ``MiniRocketClassifier()`` and ``TimeCNNClassifier()`` at their
  defaults (TimeCNN: 2000 epochs, batch size 16, one seed as each fit takes
  minutes).

Two groups of data sets: the three the defaults and the recipe were chosen on
(GunPoint, ItalyPowerDemand, JapaneseVowels) and four not looked at before
(ArrowHead, BasicMotions, OSULeaf, ACSF1). JapaneseVowels has unequal
lengths: ours read the list as is, with ``sequence_length=29`` (its longest
series, so the seed network's Flatten has a fixed width); aeon's get the
series zero-padded to 29 steps. Seeds 0, 1, 2 for ours and MiniRocket:
medians, with the range. Every fit runs in this one process, one after the
other, so the ratios are side by side.
"""

import argparse
import os
import statistics
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
from _bench_utils import RECIPE, Report  # noqa: E402
from aeon.datasets import load_classification  # noqa: E402

from sklearn_conv1d import ARCHITECTURES, Conv1DClassifier  # noqa: E402

COMMAND = "python benchmarks/bench_accuracy.py"
SELECTION = ("GunPoint", "ItalyPowerDemand", "JapaneseVowels")
UNSEEN = ("ArrowHead", "BasicMotions", "OSULeaf", "ACSF1")
SEEDS = (0, 1, 2)
JV_LENGTH = 29
BUDGET = 30.0  # seconds per recipe fit, unless --budget says otherwise


class TimeBudget(keras.callbacks.Callback):
    """Stop training at the end of the first epoch past ``seconds`` of fit."""

    def __init__(self, seconds):
        super().__init__()
        self.seconds = seconds

    def on_train_begin(self, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        if time.perf_counter() - self._start > self.seconds:
            self.model.stop_training = True


def load(name):
    """(ours, aeon's) train/test inputs and the labels of data set ``name``.

    Ours take channels-first arrays, or for unequal lengths a list of
    (timesteps, channels) arrays; aeon's take (n, channels, timesteps) arrays,
    zero-padded to JV_LENGTH where lengths differ.
    """
    data = {}
    for split in ("train", "test"):
        X, y = load_classification(name, split=split)
        if isinstance(X, np.ndarray):
            ours = aeons = X
        else:
            ours = [x.T for x in X]
            aeons = keras.utils.pad_sequences(
                ours, maxlen=JV_LENGTH, dtype="float64", padding="post"
            ).transpose(0, 2, 1)
        data[split] = (ours, aeons, y)
    return data


def layout(dataset):
    """How ours read ``dataset``'s inputs, as estimator parameters."""
    if dataset == "JapaneseVowels":
        return dict(sequence_length=JV_LENGTH)
    return dict(data_format="channels_first")


def recipe_classifier(architecture, dataset, budget, seed):
    """A Conv1DClassifier of ``architecture`` (a parameter dict) with the recipe."""
    callbacks = [
        keras.callbacks.EarlyStopping(
            monitor="loss", patience=100, restore_best_weights=True
        ),
        TimeBudget(budget),
    ]
    return Conv1DClassifier(
        **architecture,
        **RECIPE,
        **layout(dataset),
        callbacks=callbacks,
        random_state=seed,
    )


def candidates(dataset, budget):
    """(name, factory(seed), seeds, takes aeon's layout) of every contender."""
    from aeon.classification.convolution_based import MiniRocketClassifier
    from aeon.classification.deep_learning import TimeCNNClassifier

    def recipe(name):
        return lambda seed: recipe_classifier(
            ARCHITECTURES[name], dataset, budget, seed
        )

    return [
        (
            "ours, defaults",
            lambda s: Conv1DClassifier(random_state=s, **layout(dataset)),
            SEEDS,
            False,
        ),
        *(
            (f"ours, {name} + recipe", recipe(name), SEEDS, False)
            for name in ARCHITECTURES
        ),
        (
            "aeon MiniRocket",
            lambda s: MiniRocketClassifier(random_state=s),
            SEEDS,
            True,
        ),
        (
            "aeon TimeCNN (2000 ep)",
            lambda s: TimeCNNClassifier(random_state=s),
            (0,),
            True,
        ),
    ]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--budget", type=float, default=BUDGET, help="seconds per fit")
    parser.add_argument(
        "--datasets", nargs="+", default=SELECTION + UNSEEN, choices=SELECTION + UNSEEN
    )
    args = parser.parse_args(argv)
    datasets = [d for d in SELECTION + UNSEEN if d in args.datasets]
    command = " ".join(
        [COMMAND]
        + ([] if args.budget == BUDGET else [f"--budget {args.budget:g}"])
        + ([] if datasets == list(SELECTION + UNSEEN) else ["--datasets", *datasets])
    )
    say = Report("bench_accuracy", command)
    say(
        f"recipe: {RECIPE}, EarlyStopping(loss, patience=100), budget {args.budget:g} s"
    )
    rows = []
    for dataset in datasets:
        data = load(dataset)
        for name, factory, seeds, aeon_layout in candidates(dataset, args.budget):
            accs, times = [], []
            X_train, X_test = (
                data[s][1 if aeon_layout else 0] for s in ("train", "test")
            )
            y_train, y_test = data["train"][2], data["test"][2]
            for seed in seeds:
                est = factory(seed)
                start = time.perf_counter()
                est.fit(X_train, y_train)
                times.append(time.perf_counter() - start)
                accs.append(float(np.mean(est.predict(X_test) == y_test)))
                epochs = getattr(est, "n_iter_", None)  # aeon's have none
                say(
                    f"  {dataset:17s} {name:24s} seed {seed}: acc {accs[-1]:.4f} "
                    f"fit {times[-1]:6.1f} s"
                    + ("" if epochs is None else f", {epochs} epochs")
                )
            rows.append((dataset, name, accs, times))
    say()
    say("Summary (median over seeds; [min, max])")
    say(
        f"{'dataset':17s} {'estimator':24s} {'accuracy':>22s} {'fit s':>8s} "
        f"{'fit / TimeCNN':>14s}"
    )
    first_unseen = next((d for d in datasets if d in UNSEEN), None)
    for dataset in datasets:
        if dataset == first_unseen:
            say("-- data sets not used for any choice --")
        ref = next(
            statistics.median(t)
            for d, n, a, t in rows
            if d == dataset and "TimeCNN" in n
        )
        for d, n, accs, times in rows:
            if d == dataset:
                t = statistics.median(times)
                say(
                    f"{d:17s} {n:24s} {statistics.median(accs):.4f} "
                    f"[{min(accs):.3f}, {max(accs):.3f}] {t:8.1f} {t / ref:14.3f}"
                )
    if first_unseen is None:
        say.save()
        return
    say()
    say("Mean of the medians over the unseen data sets, and gap to MiniRocket")
    names = list(dict.fromkeys(n for _, n, _, _ in rows))
    means = {
        n: statistics.mean(
            statistics.median(a) for d, m, a, _ in rows if m == n and d in UNSEEN
        )
        for n in names
    }
    for n in names:
        say(
            f"  {n:24s} {means[n]:.4f} "
            f"({100 * (means[n] - means['aeon MiniRocket']):+.1f} points)"
        )
    say.save()


if __name__ == "__main__":
    sys.exit(main())
