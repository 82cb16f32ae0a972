"""Single-row latency: the ONNX export under onnxruntime vs ``predict_proba``.

What it measures
----------------
One ``Conv1DClassifier`` with the default network (64 filters, kernel 3, max
pooling, Dense(100)) is fitted on the GunPoint train split (50 series of
length 150; bundled with aeon, offline) for a few epochs, then exported with
``sklearn_conv1d.to_onnx``. On the same fitted model, in the same process:

- ``predict_proba`` on one row (what an online user of the estimator calls),
- ``InferenceSession.run`` on the same row, a float32 ``(1, 150, 1)`` array,
- for reference, ``model_.predict_on_batch`` on that row (raw Keras, no
  scikit-learn validation),

each called ``--repeats`` times after ``--warmup`` untimed calls, cycling
through the test rows; the median wall time (``time.perf_counter``) of each
is reported, and the ratio of the ``predict_proba`` median to the onnxruntime
median. The maximum absolute difference between onnxruntime's and
``predict_proba``'s probabilities over the 150 test series is printed too.

Run
---
    python benchmarks/bench_onnx.py
    KERAS_BACKEND=jax python benchmarks/bench_onnx.py    # or torch

Needs the ``[onnx]`` (``[onnx-jax]`` on JAX) and ``[examples]`` extras.
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
    parser.add_argument("--repeats", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--threads", type=int, default=1, help="onnxruntime threads")
    return parser.parse_args(argv)


def median_ms(call, rows, repeats, warmup):
    for i in range(warmup):
        call(rows[i % len(rows)])
    times = []
    for i in range(repeats):
        row = rows[i % len(rows)]
        start = time.perf_counter()
        call(row)
        times.append(time.perf_counter() - start)
    return 1e3 * statistics.median(times)


def main(argv=None):
    args = parse_args(argv)
    import keras
    import onnxruntime as ort
    from _bench_utils import backend_version
    from aeon.datasets import load_classification

    import sklearn_conv1d
    from sklearn_conv1d import Conv1DClassifier, to_onnx

    X_train, y_train = load_classification("GunPoint", split="train")
    X_test, _ = load_classification("GunPoint", split="test")
    # aeon: (n, channels, timesteps); the default layout is channels-last.
    X_train = X_train.transpose(0, 2, 1).astype(np.float32)
    X_test = np.ascontiguousarray(X_test.transpose(0, 2, 1).astype(np.float32))

    clf = Conv1DClassifier(epochs=args.epochs, random_state=0).fit(X_train, y_train)
    start = time.perf_counter()
    onnx_model = to_onnx(clf)
    export_s = time.perf_counter() - start
    options = ort.SessionOptions()
    options.intra_op_num_threads = args.threads
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(
        onnx_model.SerializeToString(), options, providers=["CPUExecutionProvider"]
    )

    (onnx_proba,) = session.run(["probabilities"], {"sequence": X_test})
    max_abs_diff = float(np.abs(onnx_proba - clf.predict_proba(X_test)).max())

    rows = [X_test[i : i + 1] for i in range(len(X_test))]
    timings = {
        "estimator predict_proba": median_ms(
            clf.predict_proba, rows, args.repeats, args.warmup
        ),
        "keras model_.predict_on_batch": median_ms(
            clf.model_.predict_on_batch, rows, args.repeats, args.warmup
        ),
        "onnxruntime session.run": median_ms(
            lambda row: session.run(["probabilities"], {"sequence": row}),
            rows,
            args.repeats,
            args.warmup,
        ),
    }

    print(
        f"# sklearn_conv1d {sklearn_conv1d.__version__}, keras {keras.__version__}, "
        f"{backend_version()} (converter {converter_version()}), "
        f"onnxruntime {ort.__version__}, numpy {np.__version__}, "
        f"python {platform.python_version()}, {os.cpu_count()} CPUs"
    )
    print(
        f"# GunPoint: fit on 50 train series (length 150) for {args.epochs} epochs, "
        f"default network; {args.repeats} timed single-row calls each after "
        f"{args.warmup} warm-up calls; onnxruntime intra-op threads={args.threads}"
    )
    print(f"to_onnx export time: {export_s:.2f} s")
    print(f"max |onnxruntime - predict_proba| over 150 test series: {max_abs_diff:.3g}")
    print(f"{'single-row call':32s} {'median ms':>10s}")
    for name, ms in timings.items():
        print(f"{name:32s} {ms:10.3f}")
    ratio = timings["estimator predict_proba"] / timings["onnxruntime session.run"]
    print(f"ratio predict_proba / onnxruntime: {ratio:.0f}x")
    return 0


def converter_version():
    from importlib.metadata import version

    from sklearn_conv1d._backend import backend
    from sklearn_conv1d._onnx import _CONVERTERS

    name = _CONVERTERS[backend()][0] or "torch.onnx"
    return f"{name} {version(name.split('.')[0])}"


if __name__ == "__main__":
    sys.exit(main())
