"""The defaults' training on regression, against the former training and MiniRocket.

Run
---
    python benchmarks/bench_regression.py [--seeds 0 1 2 3 4]

(needs the ``[benchmarks]`` extra; about 3 minutes on 2 cores with TensorFlow;
the output is also written to ``benchmarks/results/bench_regression.txt``.)

What it measures
----------------
The training of the defaults (``time_shift=0.05``, 200 epochs at a learning
rate of 0.002, a patience of 30) was chosen on the classification suite, and
:class:`~sklearn_conv1d.Conv1DRegressor` shares it. This script measures it on
the regression data that ships offline: aeon's two bundled regression sets
(Covid3Month, 140 training series of length 84; CardanoSentiment, 74 of 2
channels and length 24) and the peak-demand task of
``examples/plot_regression.py`` (ItalyPowerDemand's first 18 hours predict
the peak of the last 6). Test R² and fit time for every seed of ``--seeds``
(medians, with the range) of

- ``defaults``: ``Conv1DRegressor()``;
- ``no shift``: the defaults with ``time_shift=0``;
- ``former``: the training before this round's defaults (no shift, 100
  epochs at 0.001, a patience of 10);
- aeon's ``MiniRocketRegressor()``, and scikit-learn's ``RidgeCV`` (alphas
  1e-3 to 1e3) on the standardised, flattened series,

in one process, one fit after the other.
"""

import argparse
import os
import statistics
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
from _bench_utils import Report  # noqa: E402
from aeon.datasets import load_classification, load_regression  # noqa: E402
from aeon.regression.convolution_based import MiniRocketRegressor  # noqa: E402
from sklearn.linear_model import RidgeCV  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import FunctionTransformer, StandardScaler  # noqa: E402

from sklearn_conv1d import Conv1DRegressor  # noqa: E402

CONFIGS = {
    "defaults": {},
    "no shift": {"time_shift": 0.0},
    "former": {
        "time_shift": 0.0,
        "epochs": 100,
        "learning_rate": 0.001,
        "n_iter_no_change": 10,
    },
}


def peak_demand(split):
    """``examples/plot_regression.py``'s task: hours 0-17 predict the peak of 18-23."""
    X, _ = load_classification("ItalyPowerDemand", split=split)
    return X[:, :, :18], X[:, 0, 18:].max(axis=1)


def datasets():
    """Name, then (X, y) of the train and test splits, in aeon's layout."""
    for name in ("Covid3Month", "CardanoSentiment"):
        yield name, [load_regression(name, split=s) for s in ("train", "test")]
    yield "ItalyPowerDemand peak", [peak_demand(s) for s in ("train", "test")]


def estimators(seed):
    """The estimators compared, by name, for one seed."""
    for name, params in CONFIGS.items():
        yield (
            name,
            Conv1DRegressor(data_format="channels_first", random_state=seed, **params),
        )
    yield "aeon MiniRocket", MiniRocketRegressor(random_state=seed)
    yield (
        "RidgeCV (flattened)",
        make_pipeline(
            FunctionTransformer(flatten),
            StandardScaler(),
            RidgeCV(np.logspace(-3, 3, 13)),
        ),
    )


def flatten(X):
    """Each series' channels and timesteps as one row of features."""
    return X.reshape(len(X), -1)


def fit_score(estimator, train, test):
    """Test R² and fit seconds."""
    (X, y), (X_test, y_test) = train, test
    start = time.perf_counter()
    estimator.fit(X, y)
    seconds = time.perf_counter() - start
    return estimator.score(X_test, y_test), seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    args = parser.parse_args()
    say = Report("bench_regression", "python benchmarks/" + " ".join(sys.argv))
    say(f"seeds {args.seeds}; test R2 median [min, max], fit s median")
    MiniRocketRegressor().fit(*next(datasets())[1][0])  # numba compiles first
    for data, (train, test) in datasets():
        shape = train[0].shape[1:]
        say(f"{data}: {len(train[1])} train / {len(test[1])} test, shape {shape}")
        scores = {}
        for seed in args.seeds:
            for name, estimator in estimators(seed):
                scores.setdefault(name, []).append(fit_score(estimator, train, test))
        for name, runs in scores.items():
            r2, seconds = zip(*runs, strict=True)
            say(
                f"  {name:22s} R2 {statistics.median(r2):7.3f} "
                f"[{min(r2):.3f}, {max(r2):.3f}]  "
                f"fit {statistics.median(seconds):5.2f} s"
            )
    say.save()


if __name__ == "__main__":
    main()
