"""Accuracy and fit time over the development suite, against MiniRocket.

Run
---
    python benchmarks/bench_accuracy.py [--config NAME ...] [--datasets SET ...]
        [--seeds 0 1 2] [--budget SECONDS] [--out NAME]

(needs the ``[benchmarks]`` extra and the UCR files of the suite: see
``benchmarks/_datasets.py``. TensorFlow, the default backend, trains these
fits fastest on CPU: each epoch is one compiled call. The output is also
written to ``benchmarks/results/<NAME>.txt``, ``bench_accuracy`` by default,
with the command at the top.)

What it measures
----------------
Test accuracy and the wall time of ``fit`` on the train/test splits of the
data sets of the development suite (``--datasets suite``, the default, all
31; ``quick``, the subset of 10 for iteration; or names), for every seed of
``--seeds`` (medians, with the range), of each configuration of
``--config`` and of aeon's ``MiniRocketClassifier()`` at its defaults, in
this one process, one fit after the other, so that the figures are side by
side.

A configuration is

- ``defaults``: ``Conv1DClassifier()`` (only ``random_state`` and the
  parameters that read the data's layout set);
- a name of ``ARCHITECTURES``: ``Conv1DClassifier(**ARCHITECTURES[name])``,
  the network with the training recipe it carries;
- either, followed by ``:`` and ``key=value`` pairs separated by commas,
  which override parameters, e.g. ``defaults:normalize='series',epochs=200``.
  Two keys are not parameters: ``es=N`` adds
  ``keras.callbacks.EarlyStopping(monitor="loss", patience=N,
  restore_best_weights=True)`` (early stopping on the training loss, best
  weights kept) and ``budget=S`` stops a fit at the end of the first epoch
  past ``S`` seconds.

``--budget`` sets ``budget=`` for every configuration. The named
configurations need neither: their recipes bound each fit by a
``timestep_budget``, a count of work that gives the same network on any
machine, where a time limit gives fewer epochs on a busy one.
"""

import argparse
import ast
import os
import shlex
import statistics
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
from _bench_utils import Report  # noqa: E402
from _datasets import SUITE, load, names  # noqa: E402

from sklearn_conv1d import ARCHITECTURES, Conv1DClassifier  # noqa: E402

COMMAND = "python benchmarks/bench_accuracy.py"
SEEDS = (0, 1, 2)
MINIROCKET = "aeon MiniRocket"


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


def parse_config(text):
    """``(base, overrides)`` of a configuration ``name[:key=value,...]``."""
    base, _, rest = text.partition(":")
    if base != "defaults" and base not in ARCHITECTURES:
        raise SystemExit(
            f"Unknown configuration {base!r}: use 'defaults' or one of "
            f"{sorted(ARCHITECTURES)}, optionally followed by ':key=value,...'."
        )
    overrides = {}
    if rest:
        # key=value pairs; values are Python literals (tuples may hold commas),
        # and a bare name is a string: optimizer=adamw.
        call = ast.parse(f"f({rest})", mode="eval").body
        overrides = {
            kw.arg: kw.value.id
            if isinstance(kw.value, ast.Name)
            else ast.literal_eval(kw.value)
            for kw in call.keywords
        }
    return base, overrides


def make_classifier(config, dataset, seed, budget=None):
    """A fresh estimator of ``config`` for ``dataset``, seeded with ``seed``."""
    base, overrides = parse_config(config)
    params = {} if base == "defaults" else dict(ARCHITECTURES[base])
    overrides = dict(overrides)
    callbacks = list(params.pop("callbacks", None) or [])
    patience = overrides.pop("es", None)
    if patience is not None:
        callbacks.append(
            keras.callbacks.EarlyStopping(
                monitor="loss", patience=patience, restore_best_weights=True
            )
        )
    budget = overrides.pop("budget", budget)
    if budget is not None:
        callbacks.append(TimeBudget(budget))
    params.update(overrides)
    if callbacks:
        params["callbacks"] = callbacks
    return Conv1DClassifier(**params, **dataset.params, random_state=seed)


def minirocket(seed):
    from aeon.classification.convolution_based import MiniRocketClassifier

    return MiniRocketClassifier(random_state=seed)


def run(datasets, configs, seeds, budget, say):
    """Fit everything; return rows ``(dataset, name, accuracies, fit times)``."""
    # MiniRocket's numba functions compile on its first fit (about 40 s here):
    # compile them before any fit is timed.
    rng = np.random.default_rng(0)
    minirocket(0).fit(rng.standard_normal((8, 1, 32)), np.arange(8) % 2)
    rows = []
    for name in datasets:
        data = load(name)
        say(
            f"{name}: {len(data.y_train)} train / {len(data.y_test)} test, "
            f"length {data.length}{' (ragged)' if data.ragged else ''}, "
            f"{data.n_classes} classes"
        )
        for config in (*configs, MINIROCKET):
            accs, times, epochs = [], [], []
            for seed in seeds:
                if config == MINIROCKET:
                    est = minirocket(seed)
                    X_train, X_test = data.aeon("train"), data.aeon("test")
                else:
                    est = make_classifier(config, data, seed, budget)
                    X_train, X_test = data.X_train, data.X_test
                start = time.perf_counter()
                est.fit(X_train, data.y_train)
                times.append(time.perf_counter() - start)
                accs.append(float(np.mean(est.predict(X_test) == data.y_test)))
                epochs.append(getattr(est, "n_iter_", None))  # aeon's have none
            say(
                f"  {config:40s} acc "
                + " ".join(f"{a:.3f}" for a in accs)
                + "  fit "
                + " ".join(f"{t:5.1f}" for t in times)
                + " s"
                + ("" if epochs[0] is None else f"  epochs {epochs}")
            )
            rows.append((name, config, accs, times))
    return rows


def summarize(rows, datasets, configs, say):
    say()
    say("Summary (median over seeds; [min, max]; fit: median wall time in s)")
    say(f"{'dataset':31s} {'configuration':40s} {'accuracy':>21s} {'fit s':>7s}")
    for dataset in datasets:
        for d, n, accs, times in rows:
            if d == dataset:
                say(
                    f"{d:31s} {n:40s} {statistics.median(accs):.4f} "
                    f"[{min(accs):.3f}, {max(accs):.3f}] "
                    f"{statistics.median(times):7.1f}"
                )
    say()
    say(
        f"Over the {len(datasets)} data sets: mean of the median accuracies, "
        "gap to MiniRocket, sets at or above MiniRocket - 5 points, "
        "median and largest of the median fit times"
    )
    ref = {d: statistics.median(a) for d, n, a, _ in rows if n == MINIROCKET}
    for config in (*configs, MINIROCKET):
        acc = {d: statistics.median(a) for d, n, a, _ in rows if n == config}
        fit = [statistics.median(t) for d, n, _, t in rows if n == config]
        mean = statistics.mean(acc.values())
        gap = 100 * (mean - statistics.mean(ref.values()))
        close = sum(acc[d] >= ref[d] - 0.05 for d in acc)
        say(
            f"  {config:40s} {mean:.4f} ({gap:+.1f} points), {close:2d}/{len(acc)} "
            f"sets, fit median {statistics.median(fit):6.1f} s, "
            f"max {max(fit):6.1f} s"
        )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--config", nargs="+", default=["defaults"])
    parser.add_argument(
        "--datasets", nargs="+", default=["suite"], help="names, 'suite' or 'quick'"
    )
    parser.add_argument("--seeds", nargs="+", type=int, default=list(SEEDS))
    parser.add_argument("--budget", type=float, help="seconds per fit (a cap)")
    parser.add_argument("--out", default="bench_accuracy", help="results file name")
    args = parser.parse_args(argv)
    datasets = names(args.datasets)
    for config in args.config:
        parse_config(config)  # fail early on a bad one
    command = shlex.join(
        [*COMMAND.split(), "--config", *args.config]
        + ["--datasets", *args.datasets]
        + ([] if tuple(args.seeds) == SEEDS else ["--seeds", *map(str, args.seeds)])
        + ([] if args.budget is None else ["--budget", f"{args.budget:g}"])
        + ([] if args.out == "bench_accuracy" else ["--out", args.out])
    )
    say = Report(args.out, command)
    say(f"seeds {args.seeds}; {len(datasets)} of the {len(SUITE)} sets of the suite")
    start = time.perf_counter()
    rows = run(datasets, args.config, args.seeds, args.budget, say)
    summarize(rows, datasets, args.config, say)
    say(f"\ntotal wall time {(time.perf_counter() - start) / 60:.1f} min")
    say.save()


if __name__ == "__main__":
    sys.exit(main())
