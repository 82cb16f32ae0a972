"""Helpers shared by the performance benchmarks (not a benchmark itself)."""

import importlib.util
import os
import platform
import resource
import statistics
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

RESULTS = Path(__file__).with_name("results")

#: The FCN of Wang et al. (2017) by Conv1DClassifier parameters alone.
FCN_STYLE = dict(
    filters=(128, 256, 128),
    kernel_size=(8, 5, 3),
    batch_norm=True,
    pool_size=None,
    global_pooling="avg",
    dense_units=(),
)

#: The long-budget training recipe of the named architectures (bench_accuracy,
#: epoch_time_by_backend): per-series z-normalisation, batch 16, up to 2000
#: epochs, learning rate halved after 50 epochs without progress.
RECIPE = dict(normalize="series", batch_size=16, epochs=2000, reduce_lr_patience=50)


#: The Keras backends the per-backend benchmarks measure, in this order.
BACKENDS = ("tensorflow", "jax", "torch")
#: The training the speed benchmarks time the estimator with: that of the
#: hand-written Keras, JAX and torch loops beside it (no time shifts, Keras's
#: learning rate), and the early stopping of the defaults they were first
#: recorded with, so that every column trains the same arithmetic.
LOOP_TRAINING = dict(time_shift=0.0, learning_rate=0.001, n_iter_no_change=10)


def add_python_option(parser):
    """Add ``--python BACKEND=INTERPRETER`` (repeatable) to an argument parser."""
    parser.add_argument(
        "--python",
        action="append",
        default=[],
        metavar="BACKEND=INTERPRETER",
        help="the Python to run BACKEND with (repeatable)",
    )


def backend_pythons(args):
    """``{backend: interpreter}`` from ``args.python``.

    Default: this interpreter for every backend it can import.
    """
    pythons = dict(item.split("=", 1) for item in args.python)
    if not pythons:
        pythons = {
            name: sys.executable
            for name in BACKENDS
            if importlib.util.find_spec(name) is not None
        }
    return pythons


def backend_version():
    """The Keras backend of this process and its version, e.g. 'jax 0.10.2'."""
    import importlib

    import keras

    name = keras.backend.backend()
    return f"{name} {importlib.import_module(name).__version__}"


def rss_mb():
    """Current resident set size of this process, in MB (Linux)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def peak_rss_mb():
    """Peak resident set size of this process so far, in MB (Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3


def median(values):
    return statistics.median(values)


def steady_epoch_seconds(fit_seconds, short, long, rounds):
    """The steady time of one training epoch, without compilation.

    ``fit_seconds(epochs)`` times one fit of ``epochs`` epochs. After a
    warm-up fit of one epoch (the network compiled and pooled, so that the
    timed fits reuse it alike), each of ``rounds`` rounds fits ``long`` and
    ``short`` epochs and divides the difference by ``long - short``; the
    median over the rounds.
    """
    fit_seconds(1)
    return statistics.median(
        (fit_seconds(long) - fit_seconds(short)) / (long - short) for _ in range(rounds)
    )


class Report:
    """Print lines and write them, after the command, to results/<name>.txt."""

    def __init__(self, name, command):
        self.name = name
        self.lines = [f"$ {command}", ""]
        import keras
        import sklearn

        self(
            f"python {platform.python_version()}, {backend_version()}, "
            f"keras {keras.__version__}, scikit-learn {sklearn.__version__}, "
            f"{os.cpu_count()} CPUs ({platform.machine()})"
        )

    def __call__(self, line=""):
        print(line, flush=True)
        self.lines.append(line)

    def save(self):
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / f"{self.name}.txt").write_text("\n".join(self.lines) + "\n")


def gunpoint_like(n_samples=50, n_timesteps=150, seed=0):
    """GunPoint's shape: noisy class-dependent bumps, (n, t) float32, labels."""
    import numpy as np

    rng = np.random.RandomState(seed)
    y = np.arange(n_samples) % 2
    t = np.linspace(0, 1, n_timesteps)
    X = np.sin(2 * np.pi * (1 + 2 * y[:, None]) * t[None, :])
    X = X + 0.3 * rng.randn(n_samples, n_timesteps)
    return X.astype(np.float32), y
