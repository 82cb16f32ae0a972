"""Seconds per training epoch of each named architecture, on this backend.

Run once per backend, each in its own venv, and compare:

    KERAS_BACKEND=<backend> python benchmarks/epoch_time_by_backend.py

It picks the backend of the long-budget runs of ``bench_accuracy.py``. On
OSULeaf (200 training series of length 427, aeon's bundled copy), with the
recipe's batch size 16 and per-series normalisation (from ``RECIPE``), it
fits each network of ``ARCHITECTURES`` for 2 and for 7 epochs and reports the
difference divided by 5: the steady cost of one epoch, without compilation
(a warm-up fit first, so both fits reuse the pooled, compiled network alike).
Medians of 3 rounds; the output is appended to
``benchmarks/results/epoch_time_by_backend.txt``.
"""

import time
from functools import partial

import numpy as np
from _bench_utils import RECIPE, RESULTS, backend_version, steady_epoch_seconds
from aeon.datasets import load_classification

from sklearn_conv1d import ARCHITECTURES, Conv1DClassifier


def fit_seconds(name, X, y, epochs):
    clf = Conv1DClassifier(
        **{
            **ARCHITECTURES[name],  # the network and its recipe, then ours
            "normalize": RECIPE["normalize"],
            "batch_size": RECIPE["batch_size"],
            "epochs": epochs,
        },
        data_format="channels_first",
        random_state=0,
    )
    start = time.perf_counter()
    clf.fit(X, y)
    return time.perf_counter() - start


def main():
    X, y = load_classification("OSULeaf", split="train")
    X = np.asarray(X, dtype=np.float32)
    lines = [f"# {backend_version()}: seconds per epoch on OSULeaf, batch 16"]
    for name in ARCHITECTURES:
        per_epoch = steady_epoch_seconds(partial(fit_seconds, name, X, y), 2, 7, 3)
        lines.append(f"{name:8s} {per_epoch:.3f} s/epoch")
        print(lines[-1], flush=True)
    with open(RESULTS / "epoch_time_by_backend.txt", "a") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
