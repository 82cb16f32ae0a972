"""Predict latency on 1 row and on 10,000 rows vs raw Keras calls, per backend.

Run
---
    python benchmarks/bench_predict.py \\
        --python tensorflow=.venv/bin/python \\
        --python jax=.venv-jax/bin/python --python torch=.venv-torch/bin/python

Keras picks its backend once per process, so each backend is measured in a
process of its own (``KERAS_BACKEND`` set), with the interpreter given for it
(default: this one, for every backend it can import). PyTorch runs with
``OMP_NUM_THREADS=1`` unless it is set: its OpenMP threads spin-wait, which
on a shared 2-core machine makes its timings erratic (see docs/scaling.rst).

What it measures
----------------
One fitted ``Conv1DClassifier`` (default network, 5 epochs on 50 sequences of
length 150). For 1 row and for 10,000 rows, interleaved, medians over repeats
(the calls in a new order each round): ``clf.predict``, ``clf.predict_proba``,
Keras's ``model.predict_on_batch`` (the fastest raw call; one batch), Keras's
``model.predict`` (its default ``batch_size=32``) and a direct ``model(x)``
call. One row is compared with ``predict_on_batch`` of that row, 10,000 rows
with ``model.predict``. Also prints the largest difference between
``predict_proba`` and ``model.predict`` (float32 rounding: the estimator runs
a row in a block of a fixed size -- one row in a block of 2 rows, more in
blocks of ``batch_size`` rows, the last zero-padded; see
``sklearn_conv1d/_predict.py`` -- Keras runs the last batch in its own shape).
"""

import argparse
import os
import subprocess
import sys
import time

import numpy as np
from _bench_utils import (
    RESULTS,
    Report,
    add_python_option,
    backend_pythons,
    gunpoint_like,
    median,
)

COMMAND = "python benchmarks/bench_predict.py"


def timeit(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def measure(report):
    """Measure on this process's backend; report one section."""
    import keras

    from sklearn_conv1d import Conv1DClassifier

    X, y = gunpoint_like()
    clf = Conv1DClassifier(epochs=5, random_state=0).fit(X, y)
    model = clf.model_
    rng = np.random.RandomState(1)
    big = rng.randn(10_000, X.shape[1]).astype(np.float32)
    for n, repeats, reference in (
        (1, 200, "keras predict_on_batch"),
        (10_000, 7, "keras model.predict"),
    ):
        Xn = X[:1] if n == 1 else big
        x3 = Xn[:, :, None]
        calls = {
            "clf.predict": lambda Xn=Xn: clf.predict(Xn),
            "clf.predict_proba": lambda Xn=Xn: clf.predict_proba(Xn),
            "keras predict_on_batch": lambda x3=x3: model.predict_on_batch(x3),
            "keras model.predict": lambda x3=x3: model.predict(x3, verbose=0),
            "keras model(x)": lambda x3=x3: keras.ops.convert_to_numpy(
                model(x3, training=False)
            ),
        }
        for fn in calls.values():
            fn()
            fn()
        times = {name: [] for name in calls}
        order = list(calls)
        for _ in range(repeats):  # interleaved, in a new order each round
            rng.shuffle(order)
            for name in order:
                times[name].append(timeit(calls[name]))
        ref = median(times[reference])
        report()
        report(f"{n} row(s): median of {repeats} interleaved calls")
        report(f"{'':24s} {'ms':>10s} {'rows/s':>10s} {'vs ' + reference:>28s}")
        for name, values in times.items():
            t = median(values)
            report(f"{name:24s} {t * 1e3:10.3f} {n / t:10.0f} {t / ref:27.2f}x")
        diff = np.abs(
            clf.predict_proba(Xn) - model.predict(x3, verbose=0).astype(np.float64)
        ).max()
        report(f"max |predict_proba - model.predict|: {diff:.2e}")


def child():
    # Prints the versions of this backend, then its section; the parent saves.
    measure(Report("bench_predict", COMMAND))


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_python_option(parser)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    return backend_pythons(args), args


def main():
    pythons, args = parse_args()
    if args.child:
        return child()
    command = " ".join([COMMAND, *sys.argv[1:]])
    lines = [f"$ {command}", ""]
    for backend, python in pythons.items():
        env = {**os.environ, "KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "3"}
        if backend == "torch":
            env.setdefault("OMP_NUM_THREADS", "1")
        print(f"== {backend}", flush=True)
        result = subprocess.run(
            [python, os.path.abspath(__file__), "--child"],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise SystemExit(f"{backend} failed:\n{result.stderr[-3000:]}")
        print(result.stdout, flush=True)
        lines += [f"== {backend}", *result.stdout.rstrip("\n").splitlines(), ""]
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "bench_predict.txt").write_text("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
