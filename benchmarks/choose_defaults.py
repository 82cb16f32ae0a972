"""Choose the default ``epochs`` and ``batch_size`` of Conv1DClassifier by measuring.

What it measures
----------------
For every combination of dataset x ``batch_size`` x ``epochs`` x seed, a fresh
``Conv1DClassifier(epochs=..., batch_size=..., random_state=seed)`` (all other
parameters at their defaults) is fitted on the UCR train split and scored on
the UCR test split. Each ``epochs`` value is a separate fit from scratch (no
"train once to the maximum and read off intermediate epochs" shortcut), so
every number is exactly what a user gets from that configuration.

Recorded per fit: test accuracy (``score``) and the wall time of ``fit``
(``time.perf_counter``). Reported per (dataset, batch_size, epochs): median,
mean, min and max test accuracy over the seeds and the median fit time, then
the best configuration per dataset and one summary line per candidate
configuration across the datasets.

The datasets (GunPoint, ItalyPowerDemand) are bundled with aeon and load
offline via ``aeon.datasets.load_classification``.

Reference points (same machine): aeon ``TimeCNNClassifier`` (2000 epochs)
reaches GunPoint 0.953 in ~187 s and ItalyPowerDemand 0.955 in ~206 s;
published FCN results are GunPoint 1.00 and ItalyPowerDemand 0.961.

Run
---
    python benchmarks/choose_defaults.py

Options ``--epochs``, ``--batch-sizes``, ``--seeds`` and ``--datasets`` take
lists to shrink or widen the grid, e.g.
``python benchmarks/choose_defaults.py --batch-sizes 32 --epochs 25 50``.
"""

import argparse
import os
import platform
import statistics
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, nargs="+", default=[25, 50, 100, 200])
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[16, 32, 64])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument(
        "--datasets", nargs="+", default=["GunPoint", "ItalyPowerDemand"]
    )
    return parser.parse_args(argv)


def load(name):
    """Train/test split of a UCR dataset as 2D float arrays and string labels."""
    from aeon.datasets import load_classification

    X_train, y_train = load_classification(name, split="train")
    X_test, y_test = load_classification(name, split="test")
    return (
        np.asarray(X_train[:, 0, :], dtype=np.float64),
        np.asarray(y_train).astype(str),
        np.asarray(X_test[:, 0, :], dtype=np.float64),
        np.asarray(y_test).astype(str),
    )


def run_one(X_train, y_train, X_test, y_test, epochs, batch_size, seed):
    from sklearn_conv1d import Conv1DClassifier

    clf = Conv1DClassifier(epochs=epochs, batch_size=batch_size, random_state=seed)
    start = time.perf_counter()
    clf.fit(X_train, y_train)
    fit_s = time.perf_counter() - start
    return clf.score(X_test, y_test), fit_s


def main(argv=None):
    args = parse_args(argv)
    import keras
    import tensorflow as tf

    import sklearn_conv1d

    print("# command: " + " ".join(["python"] + sys.argv))
    print(
        f"# sklearn_conv1d {sklearn_conv1d.__version__}, keras {keras.__version__}, "
        f"tensorflow {tf.__version__}, python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs"
    )
    print(
        f"# grid: datasets={args.datasets} batch_sizes={args.batch_sizes} "
        f"epochs={args.epochs} seeds={args.seeds}"
    )
    header = (
        f"{'dataset':<18}{'batch':>6}{'epochs':>7}{'acc_med':>9}{'acc_mean':>9}"
        f"{'acc_min':>9}{'acc_max':>9}{'fit_s_med':>10}  per-seed acc"
    )
    print(header)
    print("-" * len(header))
    sys.stdout.flush()

    results = {}  # (dataset, batch, epochs) -> (accs, times)
    t_total = time.perf_counter()
    for name in args.datasets:
        data = load(name)
        for batch_size in args.batch_sizes:
            for epochs in args.epochs:
                accs, times = [], []
                for seed in args.seeds:
                    acc, fit_s = run_one(*data, epochs, batch_size, seed)
                    accs.append(acc)
                    times.append(fit_s)
                results[name, batch_size, epochs] = (accs, times)
                print(
                    f"{name:<18}{batch_size:>6}{epochs:>7}"
                    f"{statistics.median(accs):>9.3f}{statistics.mean(accs):>9.3f}"
                    f"{min(accs):>9.3f}{max(accs):>9.3f}"
                    f"{statistics.median(times):>10.2f}  "
                    + " ".join(f"{a:.3f}" for a in accs)
                )
                sys.stdout.flush()

    print()
    print("# best config per dataset (highest median acc, then mean acc, then faster)")
    for name in args.datasets:
        keys = [k for k in results if k[0] == name]
        best = max(
            keys,
            key=lambda k: (
                statistics.median(results[k][0]),
                statistics.mean(results[k][0]),
                -statistics.median(results[k][1]),
            ),
        )
        accs, times = results[best]
        print(
            f"BEST {name}: batch_size={best[1]} epochs={best[2]} "
            f"acc_med={statistics.median(accs):.3f} "
            f"acc_mean={statistics.mean(accs):.3f} "
            f"fit_s_med={statistics.median(times):.2f}"
        )

    print()
    print("# per candidate config, per dataset and averaged over datasets")
    configs = sorted({(k[1], k[2]) for k in results})
    for batch_size, epochs in configs:
        parts, meds, fit_meds = [], [], []
        for name in args.datasets:
            if (name, batch_size, epochs) not in results:
                continue
            accs, times = results[name, batch_size, epochs]
            meds.append(statistics.median(accs))
            fit_meds.append(statistics.median(times))
            parts.append(
                f"{name} acc_med={statistics.median(accs):.3f} "
                f"acc_mean={statistics.mean(accs):.3f} "
                f"fit_s={statistics.median(times):.2f}"
            )
        print(
            f"CONFIG batch_size={batch_size:<3} epochs={epochs:<4} | "
            + " | ".join(parts)
            + f" | avg acc_med={statistics.mean(meds):.3f} "
            f"total fit_s={sum(fit_meds):.2f}"
        )
    print()
    print(f"# total wall time {time.perf_counter() - t_total:.1f} s")


if __name__ == "__main__":
    main()
