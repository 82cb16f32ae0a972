"""Training and prediction throughput: estimator, raw Keras, hand-written JAX loop.

What it measures
----------------
The default network (Conv1D(64, 3, same) -> MaxPooling1D(2) -> Flatten ->
Dense(100) -> softmax, adam at 1e-3, sparse categorical cross-entropy) on
``--n-samples`` random univariate series of ``--length`` timesteps, 3
classes, trained with each batch size of ``--batch-sizes`` by:

- a hand-written JAX loop (only where JAX is installed): the same network
  and Adam written with ``jax.lax``, one jitted function per epoch that
  shuffles on the device and runs every step in a ``lax.scan``; the
  reference for what the hardware can do;
- raw Keras: ``build_network`` + ``compile`` + ``fit(shuffle=True)``;
- the estimator, ``Conv1DClassifier.fit``, as shipped (compiled epochs), and
  through Keras's ``Model.fit`` (forced by a callback acting on batches) with
  each ``steps_per_execution`` of ``--steps-per-execution`` (only 1 on
  PyTorch).

Training speed is samples per second over the steady epochs: ``--epochs``
timed epochs after one untimed warm-up epoch (compilation), the median epoch
time. Prediction, with the estimator of the last batch size: bulk
``predict_proba`` against Keras's ``Model.predict`` at the same batch size
and at its default of 32, on ``--predict-rows`` rows (rows/s, median of 3),
and one-row latency (median of 50). Training ratios are to the JAX loop
where it ran, else to raw Keras; prediction ratios to ``Model.predict`` at
the same batch size.

Run
---
    KERAS_BACKEND=jax python benchmarks/bench_gpu.py                  # CPU size
    KERAS_BACKEND=jax python benchmarks/bench_gpu.py --n-samples 200000 \\
        --length 512 --predict-rows 100000                             # GPU size

On a machine with an accelerator JAX, TensorFlow and PyTorch use it by
default. The device in use is printed.
"""

import argparse
import statistics
import sys
import time

import numpy as np
from _bench_utils import LOOP_TRAINING, Report


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-samples", type=int, default=8192)
    parser.add_argument("--length", type=int, default=128)
    parser.add_argument("--epochs", type=int, default=3, help="timed epochs")
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[256, 1024])
    parser.add_argument("--steps-per-execution", type=int, nargs="+", default=[1, 16])
    parser.add_argument("--predict-rows", type=int, default=8192)
    return parser.parse_args(argv)


def make_data(n_samples, length, seed=0):
    rng = np.random.RandomState(seed)
    y = rng.randint(0, 3, size=n_samples)
    t = np.linspace(0, 1, length, dtype=np.float32)
    X = np.sin(2 * np.pi * (1 + y[:, None]) * t[None, :])
    X = (X + rng.randn(n_samples, length)).astype(np.float32)
    return X, y


def device_name():
    import keras

    backend = keras.backend.backend()
    if backend == "jax":
        import jax

        return str(jax.devices()[0])
    if backend == "torch":
        import torch

        return torch.cuda.get_device_name(0) if torch.cuda.is_available() else "cpu"
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    return gpus[0].name if gpus else "cpu"


class EpochTimes:
    """Epoch end times, shared by every copy of the callback (the estimator
    trains on a private copy of its callbacks)."""

    times = []


def epoch_timer():
    import keras

    class Timer(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            EpochTimes.times.append(("begin", time.perf_counter()))

        def on_epoch_end(self, epoch, logs=None):
            EpochTimes.times.append(("end", time.perf_counter()))

    return Timer()


def steady_rate(run, n_samples):
    """Samples/s: median epoch time of the epochs after the first."""
    EpochTimes.times = []
    run()
    begins = [t for kind, t in EpochTimes.times if kind == "begin"]
    ends = [t for kind, t in EpochTimes.times if kind == "end"]
    durations = [end - begin for begin, end in zip(begins, ends, strict=True)][1:]
    return n_samples / statistics.median(durations)


def keras_rate(X, y, batch_size, epochs):
    import keras

    from sklearn_conv1d import Conv1DClassifier
    from sklearn_conv1d._network import HYPERPARAMETERS, build_network, make_optimizer

    def run():
        defaults = Conv1DClassifier(**LOOP_TRAINING).get_params()
        hyperparameters = {name: defaults[name] for name in HYPERPARAMETERS}
        model = build_network((X.shape[1], 1), 3, "softmax", 0, **hyperparameters)
        model.compile(
            optimizer=make_optimizer("adam", 0.001),
            loss=keras.losses.SparseCategoricalCrossentropy(),
        )
        model.fit(
            X[:, :, None],
            y,
            batch_size=batch_size,
            epochs=epochs + 1,
            shuffle=True,
            verbose=0,
            callbacks=[epoch_timer()],
        )

    return steady_rate(run, len(X))


def estimator_rate(X, y, batch_size, epochs, steps_per_execution=None):
    """The estimator's rate: compiled epochs, or with ``steps_per_execution``
    through Keras's ``Model.fit`` (a callback acting on batches forces it)."""
    import keras

    from sklearn_conv1d import Conv1DClassifier

    callbacks = [epoch_timer()]
    if steps_per_execution is not None:
        callbacks.append(
            keras.callbacks.LambdaCallback(on_train_batch_end=lambda batch, logs: None)
        )
    clf = Conv1DClassifier(
        epochs=epochs + 1,
        batch_size=batch_size,
        steps_per_execution=steps_per_execution or 1,
        callbacks=callbacks,
        random_state=0,
        **LOOP_TRAINING,
    )
    return steady_rate(lambda: clf.fit(X, y), len(X)), clf


def jax_loop_rate(X, y, batch_size, epochs):
    """The same network and Adam in plain JAX: one jitted function per epoch."""
    import jax
    import jax.numpy as jnp
    from jax import lax

    n_steps = len(X) // batch_size
    length = X.shape[1]
    key = jax.random.PRNGKey(0)
    k1, k2, k3 = jax.random.split(key, 3)

    def glorot(k, shape, fan_in, fan_out):
        limit = np.sqrt(6 / (fan_in + fan_out))
        return jax.random.uniform(k, shape, jnp.float32, -limit, limit)

    flat = (length // 2) * 64
    params = {
        "conv_w": glorot(k1, (3, 1, 64), 3, 3 * 64),
        "conv_b": jnp.zeros(64),
        "d1_w": glorot(k2, (flat, 100), flat, 100),
        "d1_b": jnp.zeros(100),
        "d2_w": glorot(k3, (100, 3), 100, 3),
        "d2_b": jnp.zeros(3),
    }

    def forward(p, x):  # x: (batch, length, 1)
        h = lax.conv_general_dilated(
            x, p["conv_w"], (1,), "SAME", dimension_numbers=("NWC", "WIO", "NWC")
        )
        h = jax.nn.relu(h + p["conv_b"])
        h = lax.reduce_window(h, -jnp.inf, lax.max, (1, 2, 1), (1, 2, 1), "VALID")
        h = h.reshape(h.shape[0], -1)
        h = jax.nn.relu(h @ p["d1_w"] + p["d1_b"])
        return h @ p["d2_w"] + p["d2_b"]

    def loss(p, x, t):
        logits = forward(p, x)
        return -jnp.mean(jnp.take_along_axis(jax.nn.log_softmax(logits), t[:, None], 1))

    def adam(p, g, m, v, step, lr=1e-3, b1=0.9, b2=0.999, eps=1e-7):
        m = jax.tree.map(lambda m, g: b1 * m + (1 - b1) * g, m, g)
        v = jax.tree.map(lambda v, g: b2 * v + (1 - b2) * g * g, v, g)
        scale = lr * jnp.sqrt(1 - b2**step) / (1 - b1**step)
        p = jax.tree.map(lambda p, m, v: p - scale * m / (jnp.sqrt(v) + eps), p, m, v)
        return p, m, v

    @jax.jit
    def epoch(state, Xd, yd, key):
        order = jax.random.permutation(key, len(Xd))[: n_steps * batch_size]
        xs = Xd[order].reshape(n_steps, batch_size, length, 1)
        ts = yd[order].reshape(n_steps, batch_size)

        def step(state, batch):
            p, m, v, i = state
            g = jax.grad(loss)(p, *batch)
            p, m, v = adam(p, g, m, v, i + 1)
            return (p, m, v, i + 1), None

        state, _ = lax.scan(step, state, (xs, ts))
        return state

    zeros = jax.tree.map(jnp.zeros_like, params)
    state = (params, zeros, zeros, jnp.float32(0))
    Xd, yd = jax.device_put(X), jax.device_put(y.astype(np.int32))
    durations = []
    for e in range(epochs + 1):
        start = time.perf_counter()
        state = epoch(state, Xd, yd, jax.random.PRNGKey(e))
        jax.block_until_ready(state)
        durations.append(time.perf_counter() - start)
    return n_steps * batch_size / statistics.median(durations[1:])


def predict_rates(clf, X):
    bulk = {}
    X3, batch = X[:, :, None], clf.batch_size
    for name, call in (
        (f"estimator predict_proba (blocks of {batch})", lambda: clf.predict_proba(X)),
        (
            f"keras Model.predict (batch_size={batch})",
            lambda: clf.model_.predict(X3, batch_size=batch, verbose=0),
        ),
        (
            "keras Model.predict (batch_size=32)",
            lambda: clf.model_.predict(X3, verbose=0),
        ),
    ):
        call()  # warm up (compilation)
        times = []
        for _ in range(3):
            start = time.perf_counter()
            call()
            times.append(time.perf_counter() - start)
        bulk[name] = len(X) / statistics.median(times)
    one = []
    for i in range(60):
        start = time.perf_counter()
        clf.predict_proba(X[i : i + 1])
        one.append(time.perf_counter() - start)
    return bulk, 1e3 * statistics.median(one[10:])


def main(argv=None):
    args = parse_args(argv)
    import keras

    backend = keras.backend.backend()
    report = Report(
        f"bench_gpu_{backend}",
        f"KERAS_BACKEND={backend} python benchmarks/bench_gpu.py "
        + " ".join(sys.argv[1:]),
    )
    report(f"device: {device_name()}")
    report(
        f"{args.n_samples} series of {args.length} timesteps, 3 classes, default "
        f"network; samples/s = median of {args.epochs} epochs after a warm-up epoch"
    )
    X, y = make_data(args.n_samples, args.length)
    try:
        import jax  # noqa: F401

        has_jax = True
    except ImportError:
        has_jax = False
    steps = [1] if backend == "torch" else args.steps_per_execution
    report()
    report(f"{'training':40s} {'batch':>6s} {'samples/s':>10s} {'ratio':>7s}")
    clf = None
    for batch_size in args.batch_sizes:
        rates = {}
        if has_jax:
            rates["hand-written JAX loop"] = jax_loop_rate(
                X, y, batch_size, args.epochs
            )
        rates[f"raw Keras fit ({backend})"] = keras_rate(X, y, batch_size, args.epochs)
        for spe in steps:
            rate, _ = estimator_rate(X, y, batch_size, args.epochs, spe)
            rates[f"estimator via Model.fit, spe={spe}"] = rate
        rate, clf = estimator_rate(X, y, batch_size, args.epochs)
        rates["estimator (compiled epochs)"] = rate
        reference = next(iter(rates.values()))
        for name, rate in rates.items():
            report(f"{name:40s} {batch_size:6d} {rate:10.0f} {rate / reference:6.2f}x")
    Xp, _ = make_data(args.predict_rows, args.length, seed=1)
    bulk, one_ms = predict_rates(clf, Xp)
    report()
    report(f"{'prediction':40s} {'rows':>6s} {'rows/s':>10s} {'ratio':>7s}")
    keras_rows = list(bulk.values())[1]
    for name, rate in bulk.items():
        report(f"{name:40s} {len(Xp):6d} {rate:10.0f} {rate / keras_rows:6.2f}x")
    report(
        f"one-row predict_proba latency: {one_ms:.2f} ms (median of 50; the row is "
        f"predicted in a block of batch_size={clf.batch_size} rows)"
    )
    report.save()
    return 0


if __name__ == "__main__":
    sys.exit(main())
