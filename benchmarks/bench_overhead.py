"""Wrapper overhead and training throughput: Conv1DClassifier vs hand-written Keras.

Run
---
    python benchmarks/bench_overhead.py

What it measures
----------------
The same network (the default classic CNN: Conv1D(64, 3, relu, same) ->
MaxPooling1D(2) -> Flatten -> Dense(100, relu) -> Dense(2, softmax), adam,
sparse categorical cross-entropy) trained on the same data (50 sequences of
length 150, GunPoint's shape) for the same epochs and batch size, three ways,
interleaved round by round so that the machine's load hits all alike:

- ``keras``: written by hand: build, compile, ``fit`` -- a new model each
  time, as a user script would do;
- ``ours, first fit``: ``Conv1DClassifier(...).fit`` with the network pool
  disabled, i.e. a new network per fit like the hand-written script;
- ``ours``: ``Conv1DClassifier(...).fit`` as shipped (fresh estimator each
  round; the pool reuses a compiled network).

Medians over the rounds. Throughput is samples x epochs / fit time, and
per-epoch throughput excluding set-up is measured from the slope between
two epoch counts.
"""

import sys

from _bench_utils import LOOP_TRAINING, Report, gunpoint_like, median

COMMAND = "python benchmarks/bench_overhead.py"
ROUNDS = 7
if "--quick" in sys.argv:
    ROUNDS = 1
EPOCHS = 20
BATCH = 32


def keras_fit(X, y, epochs, seed):
    import keras

    keras.utils.set_random_seed(seed)
    inputs = keras.Input(shape=(X.shape[1], 1))
    x = keras.layers.Conv1D(64, 3, padding="same", activation="relu")(inputs)
    x = keras.layers.MaxPooling1D(2, padding="same")(x)
    x = keras.layers.Flatten()(x)
    x = keras.layers.Dense(100, activation="relu")(x)
    outputs = keras.layers.Dense(2, activation="softmax")(x)
    model = keras.Model(inputs, outputs)
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=0.001),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    model.fit(X[:, :, None], y, epochs=epochs, batch_size=BATCH, verbose=0)
    return model


def ours_fit(X, y, epochs, seed, pooled):
    from sklearn_conv1d import Conv1DClassifier
    from sklearn_conv1d._model_pool import POOL

    POOL.enabled = pooled
    try:
        return Conv1DClassifier(
            filters=64,
            kernel_size=3,
            padding="same",
            pool_size=2,
            dense_units=100,
            optimizer="adam",
            epochs=epochs,
            batch_size=BATCH,
            random_state=seed,
            **LOOP_TRAINING,
        ).fit(X, y)
    finally:
        POOL.enabled = True


def main():
    import time

    report = Report("bench_overhead", COMMAND)
    X, y = gunpoint_like()
    ways = {
        "keras (new model)": lambda e, s: keras_fit(X, y, e, s),
        "ours, pool off (new network)": lambda e, s: ours_fit(X, y, e, s, False),
        "ours (pooled network)": lambda e, s: ours_fit(X, y, e, s, True),
    }
    for fn in ways.values():  # warm-up: imports, first traces, pool entry
        fn(EPOCHS, 0)
    times = {name: {EPOCHS: [], 2 * EPOCHS: []} for name in ways}
    for r in range(ROUNDS):
        for epochs in (EPOCHS, 2 * EPOCHS):
            for name, fn in ways.items():
                start = time.perf_counter()
                fn(epochs, r)
                times[name][epochs].append(time.perf_counter() - start)
    n = len(X)
    report(
        f"data: {n} sequences x {X.shape[1]} timesteps, batch_size={BATCH}, "
        f"{ROUNDS} interleaved rounds, medians"
    )
    report()
    ref = median(times["keras (new model)"][EPOCHS])
    ref_slope = median(
        [
            b - a
            for a, b in zip(
                times["keras (new model)"][EPOCHS],
                times["keras (new model)"][2 * EPOCHS],
                strict=True,
            )
        ]
    )
    report(
        f"{'':30s} {'fit s':>8s} {'vs keras':>9s} {'samples/s':>10s} "
        f"{'per-epoch samples/s':>20s} {'epoch vs keras':>15s}"
    )
    for name in ways:
        t = median(times[name][EPOCHS])
        slope = median(
            [
                b - a
                for a, b in zip(
                    times[name][EPOCHS], times[name][2 * EPOCHS], strict=True
                )
            ]
        )
        report(
            f"{name:30s} {t:8.3f} {t / ref:8.2f}x {n * EPOCHS / t:10.0f} "
            f"{n * EPOCHS / slope:20.0f} {slope / ref_slope:14.2f}x"
        )
    from sklearn_conv1d._model_pool import POOL

    report()
    report(f"network pool: {POOL.n_built} networks built, {POOL.n_reused} reused")
    report(
        f"fit s: wall time of one fit of {EPOCHS} epochs (set-up included); "
        f"per-epoch: from the time difference between {2 * EPOCHS} and "
        f"{EPOCHS} epochs (set-up excluded)."
    )
    report.save()


if __name__ == "__main__":
    sys.exit(main())
