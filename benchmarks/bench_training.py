"""Training time against the arithmetic floor: compiled epochs, Keras's fit, by hand.

Run
---
    python benchmarks/bench_training.py                      # TensorFlow
    KERAS_BACKEND=jax python benchmarks/bench_training.py
    KERAS_BACKEND=torch OMP_NUM_THREADS=2 python benchmarks/bench_training.py
    python benchmarks/bench_training.py --large              # 8192 x 128 rates
    python benchmarks/bench_training.py --grid               # GunPoint search

``--today PATH`` adds the estimator of another checkout (e.g. a ``git worktree``
of the commit before compiled epochs), run in a worker process with ``PATH``
first on ``sys.path``, interleaved with the others.

What it measures
----------------
Small fits: the default network (Conv1D(64, 3, relu, same) -> MaxPooling1D(2)
-> Flatten -> Dense(100, relu) -> softmax; adam, sparse categorical
cross-entropy), 100 epochs of batches of 32, on two shapes of data (random
series): 50 x 150 with 2 classes (GunPoint's) and 500 x 140 with 5 classes
(ECG5000's). Side by side, interleaved round by round, medians of ``ROUNDS``
fits after an untimed first one:

- ``floor``: NumPy's sgemm time (fastest of 20 calls) of the matrix products
  of one training step (forward, weight-gradient and input-gradient products
  of each Dense layer and of the Conv1D layer as an im2col product), times
  the steps. It leaves out the optimizer, activations and pooling: a lower
  bound.
- ``by hand``: the same network and Adam written in the backend's own API
  (a ``tf.function`` epoch, a jitted ``lax.scan`` epoch, a plain PyTorch
  loop), data resident, one compiled call per epoch where the backend
  compiles: a second reference.
- ``keras fit``: ``Model.fit(shuffle=True)`` on a compiled network, reused.
- ``ours, keras fit``: ``Conv1DClassifier.fit`` through Keras's ``Model.fit``
  (forced by a callback acting on batches): the path every fit took before
  compiled epochs.
- ``ours``: ``Conv1DClassifier.fit`` as shipped: compiled epochs.
- ``today`` (with ``--today``): ``Conv1DClassifier.fit`` of the other checkout.

``--large``: steady training rate (samples/s, median epoch after the first)
on 8192 x 128, batch 256 and 1024, ours against ours through Keras's fit.
``--grid``: a 5-fold ``GridSearchCV`` over 12 configurations on GunPoint
(aeon's bundled copy), ``n_jobs=1``, both ways, one search each.
"""

import argparse
import statistics
import time

import numpy as np
from _bench_utils import LOOP_TRAINING, Report

ROUNDS = 3
EPOCHS = 100
BATCH = 32
SHAPES = ((50, 150, 2), (500, 140, 5))
FILTERS, KERNEL, UNITS = 64, 3, 100


def make_data(n_samples, length, n_classes, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.randn(n_samples, length).astype(np.float32)
    return X, np.arange(n_samples) % n_classes


def _sgemm_seconds(m, k, n, repeats=20):
    """The fastest of ``repeats`` products (m, k) @ (k, n), as ``timeit`` advises.

    The least disturbed call on a shared machine: the floor stays a lower bound.
    """
    a = np.ones((m, k), np.float32)
    b = np.ones((k, n), np.float32)
    times = []
    for _ in range(repeats + 1):
        start = time.perf_counter()
        a @ b
        times.append(time.perf_counter() - start)
    return min(times[1:])


def floor_seconds(n_samples, length, n_classes, epochs=EPOCHS, batch=BATCH):
    """The sgemm time of the default network's training matmuls over a fit."""

    def step(b):
        flat = (length // 2) * FILTERS
        products = [
            (b * length, KERNEL, FILTERS),  # conv as im2col (1 channel)
            (flat, b, UNITS),  # dense 1: forward, weight and input gradients
            (b, flat, UNITS),
            (b, UNITS, flat),
            (b, UNITS, n_classes),  # dense 2
            (UNITS, b, n_classes),
            (b, n_classes, UNITS),
        ]
        conv = [(KERNEL, b * length, FILTERS), (b * length, FILTERS, KERNEL)]
        return sum(_sgemm_seconds(*shape) for shape in products + conv)

    full, rest = divmod(n_samples, batch)
    return epochs * (full * step(batch) + (step(rest) if rest else 0.0))


class _OnBatch:
    """A callback class acting on batches: sends our fit through Model.fit."""

    def __new__(cls):
        import keras

        class OnBatch(keras.callbacks.Callback):
            def on_train_batch_end(self, batch, logs=None):
                pass

        return OnBatch()


def ours(X, y, epochs=EPOCHS, batch=BATCH, keras_fit=False, **params):
    from sklearn_conv1d import Conv1DClassifier

    callbacks = [_OnBatch()] if keras_fit else None
    params = {**LOOP_TRAINING, **params}
    return Conv1DClassifier(
        epochs=epochs, batch_size=batch, random_state=0, callbacks=callbacks, **params
    ).fit(X, y)


def keras_fit(X, y, n_classes):
    """Model.fit on one compiled default network, reused as ours is."""
    import keras

    from sklearn_conv1d import Conv1DClassifier
    from sklearn_conv1d._network import HYPERPARAMETERS, build_network, make_optimizer

    defaults = Conv1DClassifier(**LOOP_TRAINING).get_params()
    model = build_network(
        (X.shape[1], 1),
        n_classes,
        "softmax",
        0,
        **{name: defaults[name] for name in HYPERPARAMETERS},
    )
    model.compile(
        optimizer=make_optimizer("adam", 0.001),
        loss=keras.losses.SparseCategoricalCrossentropy(),
        metrics=["accuracy"],
    )
    X3 = X[:, :, None]

    def fit():
        model.fit(X3, y, batch_size=BATCH, epochs=EPOCHS, shuffle=True, verbose=0)

    return fit


def by_hand(X, y, n_classes):
    """The backend's own hand-written training loop of the default network."""
    import keras

    return {"tensorflow": _tf_loop, "jax": _jax_loop, "torch": _torch_loop}[
        keras.backend.backend()
    ](X, y, n_classes)


def _glorot(rng, fan_in, fan_out, shape):
    limit = np.sqrt(6 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, shape).astype(np.float32)


def _initial_params(length, n_classes):
    rng = np.random.RandomState(0)
    flat = (length // 2) * FILTERS
    return [
        _glorot(rng, KERNEL, KERNEL * FILTERS, (KERNEL, 1, FILTERS)),
        np.zeros(FILTERS, np.float32),
        _glorot(rng, flat, UNITS, (flat, UNITS)),
        np.zeros(UNITS, np.float32),
        _glorot(rng, UNITS, n_classes, (UNITS, n_classes)),
        np.zeros(n_classes, np.float32),
    ]


def _tf_loop(X, y, n_classes):
    import tensorflow as tf

    params = [tf.Variable(p) for p in _initial_params(X.shape[1], n_classes)]
    moments = [tf.Variable(tf.zeros_like(p)) for p in params for _ in range(2)]
    step = tf.Variable(0.0)
    Xd, yd = tf.constant(X[:, :, None]), tf.constant(y)

    def forward(x):
        h = tf.nn.relu(tf.nn.conv1d(x, params[0], 1, "SAME") + params[1])
        h = tf.nn.max_pool1d(h, 2, 2, "SAME")
        h = tf.reshape(h, (tf.shape(h)[0], -1))
        h = tf.nn.relu(h @ params[2] + params[3])
        return h @ params[4] + params[5]

    @tf.function
    def epoch(order):
        for start in tf.range(0, tf.shape(order)[0], BATCH):
            rows = order[start : start + BATCH]
            with tf.GradientTape() as tape:
                logits = forward(tf.gather(Xd, rows))
                loss = tf.reduce_mean(
                    tf.nn.sparse_softmax_cross_entropy_with_logits(
                        tf.gather(yd, rows), logits
                    )
                )
            grads = tape.gradient(loss, params)
            step.assign_add(1.0)
            scale = 1e-3 * tf.sqrt(1 - 0.999**step) / (1 - 0.9**step)
            for i, (p, g) in enumerate(zip(params, grads, strict=True)):
                m, v = moments[2 * i], moments[2 * i + 1]
                m.assign(0.9 * m + 0.1 * g)
                v.assign(0.999 * v + 0.001 * g * g)
                p.assign_sub(scale * m / (tf.sqrt(v) + 1e-7))

    rng = np.random.default_rng(0)

    def fit():
        for _ in range(EPOCHS):
            epoch(tf.constant(rng.permutation(len(X))))

    return fit


def _jax_loop(X, y, n_classes):
    import jax
    import jax.numpy as jnp
    from jax import lax

    def forward(p, x):
        h = lax.conv_general_dilated(
            x, p[0], (1,), "SAME", dimension_numbers=("NWC", "WIO", "NWC")
        )
        h = jax.nn.relu(h + p[1])
        h = lax.reduce_window(h, -jnp.inf, lax.max, (1, 2, 1), (1, 2, 1), "VALID")
        h = jax.nn.relu(h.reshape(h.shape[0], -1) @ p[2] + p[3])
        return h @ p[4] + p[5]

    def loss(p, x, t):
        logp = jax.nn.log_softmax(forward(p, x))
        return -jnp.mean(jnp.take_along_axis(logp, t[:, None], 1))

    def train_step(state, rows, Xd, yd):
        p, m, v, i = state
        g = jax.grad(loss)(p, Xd[rows], yd[rows])
        i = i + 1
        m = [0.9 * a + 0.1 * b for a, b in zip(m, g, strict=True)]
        v = [0.999 * a + 0.001 * b * b for a, b in zip(v, g, strict=True)]
        scale = 1e-3 * jnp.sqrt(1 - 0.999**i) / (1 - 0.9**i)
        p = [
            a - scale * b / (jnp.sqrt(c) + 1e-7)
            for a, b, c in zip(p, m, v, strict=True)
        ]
        return (p, m, v, i)

    @jax.jit
    def full_batches(state, batches, Xd, yd):
        def body(state, rows):
            return train_step(state, rows, Xd, yd), None

        return lax.scan(body, state, batches)[0]

    last_batch = jax.jit(train_step)
    params = [jnp.asarray(p) for p in _initial_params(X.shape[1], n_classes)]
    zeros = [jnp.zeros_like(p) for p in params]
    Xd, yd = jnp.asarray(X[:, :, None]), jnp.asarray(y.astype(np.int32))
    rng = np.random.default_rng(0)
    n_full = len(X) // BATCH * BATCH

    def fit():
        state = (params, zeros, zeros, jnp.float32(0))
        for _ in range(EPOCHS):
            order = rng.permutation(len(X))
            state = full_batches(state, order[:n_full].reshape(-1, BATCH), Xd, yd)
            if n_full < len(X):
                state = last_batch(state, order[n_full:], Xd, yd)
        jax.block_until_ready(state)

    return fit


def _torch_loop(X, y, n_classes):
    import torch

    length = X.shape[1]
    net = torch.nn.Sequential(
        torch.nn.Conv1d(1, FILTERS, KERNEL, padding="same"),
        torch.nn.ReLU(),
        torch.nn.MaxPool1d(2),
        torch.nn.Flatten(),
        torch.nn.Linear((length // 2) * FILTERS, UNITS),
        torch.nn.ReLU(),
        torch.nn.Linear(UNITS, n_classes),
    )
    optimizer = torch.optim.Adam(net.parameters(), lr=1e-3, eps=1e-7)
    Xd, yd = torch.as_tensor(X[:, None, :]), torch.as_tensor(y)
    generator = torch.Generator().manual_seed(0)

    def fit():
        for _ in range(EPOCHS):
            order = torch.randperm(len(X), generator=generator)
            for start in range(0, len(X), BATCH):
                rows = order[start : start + BATCH]
                optimizer.zero_grad()
                loss = torch.nn.functional.cross_entropy(net(Xd[rows]), yd[rows])
                loss.backward()
                optimizer.step()

    return fit


def small_fits(report, today=None):
    report(
        f"small fits: default network, {EPOCHS} epochs of batches of {BATCH}, "
        f"medians of {ROUNDS} fits after a first, interleaved"
    )
    report()
    names = ["by hand", "keras fit", "ours, keras fit", "ours"]
    names += ["today"] if today else []
    report(
        f"{'data':>15s} {'floor s':>8s} "
        + " ".join(f"{name:>16s}" for name in names)
        + "  (seconds, x floor)"
    )
    for n_samples, length, n_classes in SHAPES:
        X, y = make_data(n_samples, length, n_classes)
        ways = {
            "by hand": by_hand(X, y, n_classes),
            "keras fit": keras_fit(X, y, n_classes),
            "ours, keras fit": lambda X=X, y=y: ours(X, y, keras_fit=True),
            "ours": lambda X=X, y=y: ours(X, y),
        }
        times = {name: [] for name in names}
        floors = []
        for r in range(ROUNDS + 1):
            floors.append(floor_seconds(n_samples, length, n_classes))
            for name, fit in ways.items():
                start = time.perf_counter()
                fit()
                if r:  # the first round compiles
                    times[name].append(time.perf_counter() - start)
            if today:
                seconds = today.ask(f"{n_samples} {length} {n_classes}")
                if r:
                    times["today"].append(seconds)
        floor = statistics.median(floors)
        cells = " ".join(
            f"{statistics.median(t):9.2f} ({statistics.median(t) / floor:4.1f}x)"
            for t in times.values()
        )
        report(f"{n_samples:>5d} x {length:<3d} {n_classes}cl {floor:8.2f} {cells}")


def large_rate(n_samples, length, batch, epochs, keras_fit=False):
    """Steady samples/s: the median epoch time of ``epochs`` after the first."""
    import keras

    from sklearn_conv1d import Conv1DClassifier

    ends = []

    class Timer(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            ends.append(time.perf_counter())

    X, y = make_data(n_samples, length, 3)
    callbacks = [Timer()] + ([_OnBatch()] if keras_fit else [])
    Conv1DClassifier(
        epochs=epochs + 1, batch_size=batch, callbacks=callbacks, random_state=0
    ).fit(X, y)
    return n_samples / statistics.median(np.diff(ends))


def large_rates(report, today=None, n_samples=8192, length=128, epochs=3):
    report()
    report(
        f"large data: {n_samples} x {length}, 3 classes, steady samples/s "
        f"(median of {epochs} epochs after the first), ratio to ours"
    )
    for batch in (256, 1024):
        rates = {}
        if today:
            rates["today"] = today.ask(f"large {n_samples} {length} {batch} {epochs}")
        rates["ours, keras fit"] = large_rate(n_samples, length, batch, epochs, True)
        rates["ours"] = large_rate(n_samples, length, batch, epochs)
        cells = ", ".join(
            f"{name} {rate:.0f}/s ({rate / rates['ours']:.2f}x)"
            for name, rate in rates.items()
        )
        report(f"batch {batch:5d}: {cells}")


GRID = {"filters": [32, 64], "kernel_size": [3, 5, 7], "dense_units": [50, 100]}


def grid_search_seconds(callbacks):
    """Seconds of a 5-fold search over GRID's 12 configurations on GunPoint."""
    from aeon.datasets import load_classification
    from sklearn.model_selection import GridSearchCV

    from sklearn_conv1d import Conv1DClassifier

    X, y = load_classification("GunPoint", split="train")
    clf = Conv1DClassifier(
        data_format="channels_first", random_state=0, callbacks=callbacks
    )
    start = time.perf_counter()
    GridSearchCV(clf, GRID, cv=5, n_jobs=1).fit(X, y)
    return time.perf_counter() - start


def grid_search(report, today=None):
    report()
    report(
        "grid search: GunPoint train (50 x 150), 5-fold GridSearchCV over 12 "
        "configurations (60 fits of 100 epochs), n_jobs=1, one search each"
    )
    seconds = {}
    if today:
        seconds["today"] = today.ask("grid")
    seconds["ours, keras fit"] = grid_search_seconds([_OnBatch()])
    seconds["ours"] = grid_search_seconds(None)
    for name, value in seconds.items():
        speedup = value / seconds["ours"]
        report(f"{name:>16s}: {value:7.1f} s ({speedup:.1f}x the time of ours)")


#: A worker running the estimator of another checkout: reads "n length classes"
#: lines, fits on ``make_data``'s data (or GunPoint's search, "grid"), prints
#: the seconds.
TODAY_WORKER = r"""
import sys, time
from bench_training import EPOCHS, BATCH, grid_search_seconds, large_rate, make_data
from sklearn_conv1d import Conv1DClassifier
for line in sys.stdin:
    if line.strip() == "grid":
        print(grid_search_seconds(None), flush=True)
        continue
    if line.startswith("large"):
        print(large_rate(*map(int, line.split()[1:])), flush=True)
        continue
    n, length, k = map(int, line.split())
    X, y = make_data(n, length, k)
    start = time.perf_counter()
    Conv1DClassifier(epochs=EPOCHS, batch_size=BATCH, random_state=0).fit(X, y)
    print(time.perf_counter() - start, flush=True)
"""


class Today:
    """The estimator of the checkout at ``path``, in a worker process."""

    def __init__(self, path):
        import os
        import subprocess
        import sys

        env = {**os.environ, "PYTHONPATH": path, "TF_CPP_MIN_LOG_LEVEL": "3"}
        self.worker = subprocess.Popen(
            [sys.executable, "-c", TODAY_WORKER],
            cwd=os.path.dirname(os.path.abspath(__file__)),
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def ask(self, line):
        self.worker.stdin.write(line + "\n")
        self.worker.stdin.flush()
        return float(self.worker.stdout.readline())


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large", action="store_true")
    parser.add_argument("--grid", action="store_true")
    parser.add_argument("--today", metavar="PATH", help="another checkout to time")
    args = parser.parse_args(argv)
    import keras

    name = "bench_training_" + keras.backend.backend()
    name += "_large" if args.large else "_grid" if args.grid else ""
    command = "python benchmarks/bench_training.py" + (
        " --large" if args.large else " --grid" if args.grid else ""
    )
    today = None
    if args.today:
        command += f" --today {args.today}"
        today = Today(args.today)
    report = Report(name, command)
    if args.large:
        large_rates(report, today)
    elif args.grid:
        grid_search(report, today)
    else:
        small_fits(report, today)
    report.save()


if __name__ == "__main__":
    main()
