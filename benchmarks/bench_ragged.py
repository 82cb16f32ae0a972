"""Accuracy on unequal-length sequences: ways of handling the lengths, side by side.

What it measures
----------------
Test accuracy (median over ``--seeds`` seeds) and fit time of each way of
handling unequal lengths, on real ragged data:

- JapaneseVowels (UEA, bundled with aeon: 12 channels, 7 to 29 timesteps),
  trained on its train split and tested on its test split, and the other
  way round. The test split holds longer recordings (29) than the train
  split (26).
- GunPoint made ragged: every train and test series (150 timesteps) cut at
  a random length between 50 and 150 (a fixed seed), and for reference the
  uncut series.

The ways, on two networks: "fcn", the FCN-style network of
``_bench_utils.FCN_STYLE`` with half its filters (64, 128, 64; global
average pooling), and "seed", the default network with its flattening head:

- ``seed, sequence_length=None``: built for the longest training sequence;
  a longer test sequence is refused (reported as "error").
- ``seed, sequence_length=max``: built for the longest sequence of the whole
  data set, everything zero-padded to it.
- ``fcn, native``: ``global_pooling="avg"``, built for the longest training
  sequence; a longer test sequence is read whole at its own length.
- ``fcn, sequence_length=max``: the same network, everything padded to the
  data set's longest sequence (measures whether reading whole or padding
  matters).

GunPoint's series are z-normalised (as in the UCR archive) after cutting,
so the zero padding is each series' mean. JapaneseVowels is used as loaded:
its channels' levels carry the speaker (measured: z-normalising each
utterance drops the seed network's accuracy to 0.73).

Run
---
    KERAS_BACKEND=jax python benchmarks/bench_ragged.py

Needs the ``[examples]`` extra (aeon). JAX is the fastest backend on CPU for
these small networks (see docs/backends.rst).
"""

import argparse
import sys
import time

import numpy as np
from _bench_utils import FCN_STYLE, LOOP_TRAINING, Report, median


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=100)
    return parser.parse_args(argv)


def znorm(x):
    """Per-channel z-normalisation of one (channels, timesteps) series."""
    mean = x.mean(axis=1, keepdims=True)
    std = x.std(axis=1, keepdims=True)
    return ((x - mean) / np.where(std > 0, std, 1)).astype(np.float32)


def datasets():
    from aeon.datasets import load_classification

    out = {}
    jv = {s: load_classification("JapaneseVowels", split=s) for s in ("train", "test")}
    jv = {s: ([np.asarray(x, np.float32) for x in X], y) for s, (X, y) in jv.items()}
    out["JapaneseVowels train->test"] = (*jv["train"], *jv["test"])
    out["JapaneseVowels test->train"] = (*jv["test"], *jv["train"])
    rng = np.random.RandomState(0)
    gp = {}
    for split in ("train", "test"):
        X, y = load_classification("GunPoint", split=split)
        full = [znorm(x) for x in X]
        cut = [znorm(x[:, : rng.randint(50, 151)]) for x in X]
        gp[split] = (full, cut, y)
    out["GunPoint ragged (cut 50-150)"] = (
        gp["train"][1],
        gp["train"][2],
        gp["test"][1],
        gp["test"][2],
    )
    out["GunPoint uncut (reference)"] = (
        gp["train"][0],
        gp["train"][2],
        gp["test"][0],
        gp["test"][2],
    )
    return out


def ways(longest, epochs):
    fcn = dict(FCN_STYLE, filters=(64, 128, 64))  # half the filters: 2 cores
    # The training these were recorded with (no time shifts, lr 0.001).
    common = dict(
        data_format="channels_first", epochs=epochs, batch_size=16, **LOOP_TRAINING
    )
    return {
        "seed, sequence_length=None": dict(common),
        "seed, sequence_length=max": dict(common, sequence_length=longest),
        "fcn, native": dict(common, **fcn),
        "fcn, sequence_length=max": dict(common, sequence_length=longest, **fcn),
    }


def main(argv=None):
    args = parse_args(argv)
    from sklearn_conv1d import Conv1DClassifier

    command = "KERAS_BACKEND=jax python benchmarks/bench_ragged.py " + " ".join(
        sys.argv[1:]
    )
    report = Report("bench_ragged", command.strip())
    report(f"median over {args.seeds} seeds; {args.epochs} epochs, batch 16")
    report()
    report(f"{'data':32s} {'way':28s} {'accuracy':>8s} {'fit s':>7s}")
    for name, (X_train, y_train, X_test, y_test) in datasets().items():
        lengths = [x.shape[1] for x in X_train + X_test]
        longest = max(lengths)
        for way, params in ways(longest, args.epochs).items():
            scores, times = [], []
            for seed in range(args.seeds):
                clf = Conv1DClassifier(random_state=seed, **params)
                start = time.perf_counter()
                clf.fit(X_train, y_train)
                times.append(time.perf_counter() - start)
                try:
                    scores.append(clf.score(X_test, y_test))
                except ValueError:
                    scores = None
                    break
            accuracy = "error" if scores is None else f"{median(scores):.3f}"
            report(f"{name:32s} {way:28s} {accuracy:>8s} {median(times):7.1f}")
    report.save()
    return 0


if __name__ == "__main__":
    sys.exit(main())
