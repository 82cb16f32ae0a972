"""Accuracy and fit time of Conv1DClassifier against aeon's peers, in one run.

Run
---
    python benchmarks/bench_accuracy.py

(about 30 minutes on 2 cores; the output is also written to
``benchmarks/results/bench_accuracy.txt`` with this command at the top.)

What it measures
----------------
On GunPoint and ItalyPowerDemand (UCR train/test splits bundled with aeon),
the test accuracy and the wall time of ``fit`` of:

- ``Conv1DClassifier()``: our defaults (only ``random_state`` set);
- ``Conv1DClassifier`` FCN-style: ``filters=(128, 256, 128),
  kernel_size=(8, 5, 3), batch_norm=True, pool_size=None,
  global_pooling="avg", dense_units=()``, other parameters at defaults
  (so ``epochs`` is our default, not FCN's 2000);
- aeon ``TimeCNNClassifier()`` and ``FCNClassifier()`` at their defaults
  (2000 epochs, batch size 16), which run on the same TensorFlow;
- aeon ``MiniRocketClassifier()`` at its defaults.

Ours and MiniRocket run with seeds 0, 1, 2 (median reported, min-max shown);
aeon's deep learners with seed 0 only, as each takes minutes. Every fit runs
in this one process, one after the other, so the ratios are side by side.
"""

import os
import platform
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
from _bench_utils import FCN_STYLE  # noqa: E402
from aeon.datasets import load_classification  # noqa: E402

from sklearn_conv1d import Conv1DClassifier  # noqa: E402

COMMAND = "python benchmarks/bench_accuracy.py"
DATASETS = ("GunPoint", "ItalyPowerDemand")
SEEDS = (0, 1, 2)


def load(name):
    X_train, y_train = load_classification(name, split="train")
    X_test, y_test = load_classification(name, split="test")
    return X_train, y_train, X_test, y_test


def candidates():
    """(name, factory(seed), seeds, layout) of every contender."""
    from aeon.classification.convolution_based import MiniRocketClassifier
    from aeon.classification.deep_learning import FCNClassifier, TimeCNNClassifier

    return [
        (
            "Conv1DClassifier defaults",
            lambda s: Conv1DClassifier(random_state=s),
            SEEDS,
            "channels_last_2d",
        ),
        (
            "Conv1DClassifier FCN-style",
            lambda s: Conv1DClassifier(random_state=s, **FCN_STYLE),
            SEEDS,
            "channels_last_2d",
        ),
        (
            "aeon MiniRocketClassifier",
            lambda s: MiniRocketClassifier(random_state=s),
            SEEDS,
            "aeon",
        ),
        (
            "aeon TimeCNNClassifier (2000 ep)",
            lambda s: TimeCNNClassifier(random_state=s),
            (0,),
            "aeon",
        ),
        (
            "aeon FCNClassifier (2000 ep)",
            lambda s: FCNClassifier(random_state=s),
            (0,),
            "aeon",
        ),
    ]


def main():
    out = [f"$ {COMMAND}", ""]

    def say(line=""):
        print(line, flush=True)
        out.append(line)

    import keras
    import sklearn
    import tensorflow as tf

    say(
        f"python {platform.python_version()}, tensorflow {tf.__version__}, keras "
        f"{keras.__version__}, scikit-learn {sklearn.__version__}, "
        f"{os.cpu_count()} CPUs"
    )
    rows = []
    for dataset in DATASETS:
        X_train, y_train, X_test, y_test = load(dataset)
        for name, factory, seeds, layout in candidates():
            accs, times = [], []
            for seed in seeds:
                est = factory(seed)
                if layout == "aeon":
                    Xtr, Xte = X_train, X_test
                else:  # univariate: (n, 1, t) -> (n, t)
                    Xtr, Xte = X_train[:, 0, :], X_test[:, 0, :]
                start = time.perf_counter()
                est.fit(Xtr, y_train)
                times.append(time.perf_counter() - start)
                accs.append(float(np.mean(est.predict(Xte) == y_test)))
                say(
                    f"  {dataset:17s} {name:34s} seed {seed}: acc {accs[-1]:.4f} "
                    f"fit {times[-1]:.1f} s"
                )
            rows.append((dataset, name, accs, times))
    say()
    say("Summary (median over seeds; [min, max])")
    say(
        f"{'dataset':17s} {'estimator':34s} {'accuracy':>22s} {'fit s':>8s} "
        f"{'fit / TimeCNN':>14s}"
    )
    for dataset in DATASETS:
        ref = [
            statistics.median(t)
            for d, n, a, t in rows
            if d == dataset and n.startswith("aeon TimeCNN")
        ][0]
        for d, n, accs, times in rows:
            if d != dataset:
                continue
            t = statistics.median(times)
            say(
                f"{d:17s} {n:34s} {statistics.median(accs):.4f} "
                f"[{min(accs):.3f}, {max(accs):.3f}] {t:8.1f} {t / ref:14.3f}"
            )
    Path(__file__).with_name("results").joinpath("bench_accuracy.txt").write_text(
        "\n".join(out) + "\n"
    )


if __name__ == "__main__":
    sys.exit(main())
