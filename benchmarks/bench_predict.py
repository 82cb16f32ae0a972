"""Predict latency on 1 row and on 10,000 rows vs raw Keras calls on the same network.

Run
---
    python benchmarks/bench_predict.py

What it measures
----------------
One fitted ``Conv1DClassifier`` (default network, 5 epochs on 50 sequences
of length 150). For 1 row and for 10,000 rows, interleaved, medians over
repeats: ``clf.predict``, ``clf.predict_proba``, Keras's
``model.predict_on_batch`` (the fastest raw call; one batch), Keras's
``model.predict(batch_size=32)`` (what the estimator called before), and a
direct ``model(x)`` call. Also prints the largest difference between
``predict_proba`` and ``model.predict`` (float32 rounding: the estimator pads
the last block to ``batch_size`` rows, Keras runs it in its own shape).
"""

import sys
import time

import numpy as np
from _bench_utils import Report, gunpoint_like, median

COMMAND = "python benchmarks/bench_predict.py"


def timeit(fn, repeats):
    out = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def main():
    from sklearn_conv1d import Conv1DClassifier

    report = Report("bench_predict", COMMAND)
    X, y = gunpoint_like()
    clf = Conv1DClassifier(epochs=5, random_state=0).fit(X, y)
    model = clf.model_
    rng = np.random.RandomState(1)
    big = rng.randn(10_000, X.shape[1]).astype(np.float32)
    for n, repeats in ((1, 200), (10_000, 7)):
        Xn = X[:1] if n == 1 else big
        x3 = Xn[:, :, None]
        calls = {
            "clf.predict": lambda Xn=Xn: clf.predict(Xn),
            "clf.predict_proba": lambda Xn=Xn: clf.predict_proba(Xn),
            "keras predict_on_batch": lambda x3=x3: model.predict_on_batch(x3),
            "keras model.predict(bs=32)": lambda x3=x3: model.predict(
                x3, batch_size=32, verbose=0
            ),
            "keras model(x)": lambda x3=x3: np.asarray(model(x3, training=False)),
        }
        for fn in calls.values():
            fn()
            fn()
        times = {name: [] for name in calls}
        for _ in range(repeats):  # interleaved
            for name, fn in calls.items():
                times[name] += timeit(fn, 1)
        ref = median(times["keras predict_on_batch"])
        report()
        report(f"{n} row(s): median of {repeats} interleaved calls")
        report(f"{'':28s} {'ms':>10s} {'vs predict_on_batch':>20s}")
        for name, values in times.items():
            t = median(values)
            report(f"{name:28s} {t * 1e3:10.3f} {t / ref:19.2f}x")
        diff = np.abs(
            clf.predict_proba(Xn)
            - model.predict(x3, batch_size=32, verbose=0).astype(np.float64)
        ).max()
        report(f"max |predict_proba - model.predict(bs=32)|: {diff:.2e}")
    report.save()


if __name__ == "__main__":
    sys.exit(main())
