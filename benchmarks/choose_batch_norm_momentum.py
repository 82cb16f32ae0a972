"""Batch normalisation momentum for small sequence data sets, measured.

Fits the FCN-style configuration of ``Conv1DClassifier`` (three conv blocks
with batch normalisation, global average pooling, no hidden dense layer) at
our default 100 epochs and batch size 32 with several values of
``batch_norm_momentum``, on GunPoint and ItalyPowerDemand (aeon's bundled UCR
splits), and prints the median train and test accuracy and fit time over
three seeds, side by side in one run. Since the statistics are computed again
over the training data after fit, the momentum should no longer change them:
this script is the check (at 0.99 the moving statistics alone had given
0.507 on GunPoint).

Run::

    python benchmarks/choose_batch_norm_momentum.py

(about 2 minutes on 2 cores; also written to
``benchmarks/results/choose_batch_norm_momentum.txt``.)
"""

import statistics
import time

from _bench_utils import FCN_STYLE, Report
from aeon.datasets import load_classification

from sklearn_conv1d import Conv1DClassifier

COMMAND = "python benchmarks/choose_batch_norm_momentum.py"
MOMENTA = (0.99, 0.9, 0.8)
SEEDS = (0, 1, 2)


def main():
    report = Report("choose_batch_norm_momentum", COMMAND)
    report(f"FCN-style network {FCN_STYLE}, 100 epochs, batch 32, seeds {SEEDS}")
    report(
        f"{'dataset':<18}{'momentum':>9}{'train acc':>11}{'test acc':>10}"
        f"{'fit s':>8}  test acc per seed"
    )
    for dataset in ("GunPoint", "ItalyPowerDemand"):
        X_train, y_train = load_classification(dataset, split="train")
        X_test, y_test = load_classification(dataset, split="test")
        for momentum in MOMENTA:
            runs = []
            for seed in SEEDS:
                clf = Conv1DClassifier(
                    batch_norm_momentum=momentum,
                    data_format="channels_first",
                    random_state=seed,
                    **FCN_STYLE,
                )
                start = time.perf_counter()
                clf.fit(X_train, y_train)
                seconds = time.perf_counter() - start
                runs.append(
                    (clf.score(X_train, y_train), clf.score(X_test, y_test), seconds)
                )
            medians = (statistics.median(col) for col in zip(*runs, strict=True))
            train, test, secs = medians
            per_seed = " ".join(f"{r[1]:.3f}" for r in runs)
            report(
                f"{dataset:<18}{momentum:>9}{train:>11.3f}{test:>10.3f}{secs:>8.1f}"
                f"  {per_seed}"
            )
    report.save()


if __name__ == "__main__":
    main()
