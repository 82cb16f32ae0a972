"""Epochs saved by early stopping on GunPoint, and the accuracy before/after.

Fits Conv1DClassifier with the training it was recorded with (100 epochs, no
time shifts, learning rate 0.001, no early stopping on a validation split) and with
``early_stopping=True`` (same ``epochs`` cap, a stratified 10% validation split,
patience 10), over several seeds, and prints the median epochs run, test
accuracy and fit time of each, measured side by side in one run.

Run::

    python benchmarks/early_stopping_gunpoint.py
"""

import argparse
import os
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from _bench_utils import LOOP_TRAINING  # noqa: E402
from aeon.datasets import load_classification  # noqa: E402

from sklearn_conv1d import Conv1DClassifier  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--dataset", default="GunPoint")
    args = parser.parse_args()
    X_train, y_train = load_classification(args.dataset, split="train")
    X_test, y_test = load_classification(args.dataset, split="test")
    configs = {
        "no early stopping": {},
        "early_stopping=True": {"early_stopping": True},
    }
    print(f"{args.dataset}, epochs={args.epochs}, seeds={args.seeds}")
    print(f"{'config':<22}{'epochs run':>12}{'test acc':>10}{'fit s':>8}  per seed")
    for name, params in configs.items():
        runs = []
        for seed in args.seeds:
            clf = Conv1DClassifier(
                epochs=args.epochs,
                data_format="channels_first",
                random_state=seed,
                **{**LOOP_TRAINING, **params},
            )
            start = time.perf_counter()
            clf.fit(X_train, y_train)
            seconds = time.perf_counter() - start
            runs.append((clf.n_iter_, clf.score(X_test, y_test), seconds))
        n_iter, acc, secs = (statistics.median(r[i] for r in runs) for i in range(3))
        per_seed = " ".join(f"{n}:{a:.3f}" for n, a, _ in runs)
        print(f"{name:<22}{n_iter:>12.0f}{acc:>10.3f}{secs:>8.2f}  {per_seed}")


if __name__ == "__main__":
    main()
