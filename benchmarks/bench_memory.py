"""Memory across consecutive fits and grid-search throughput vs plain scikeras.

Run
---
    python benchmarks/bench_memory.py

What it measures
----------------
Each variant runs in its own fresh Python process, one after the other, so
that RSS figures do not mix:

1. ``fits``: RSS growth over 100 consecutive fits of fresh estimators (as in
   a grid search) on 60 sequences of length 24, 2 epochs, a small network
   (filters=8, dense_units=16), after one warm-up fit; for
   ``Conv1DClassifier`` (network pool on), ``Conv1DClassifier`` with the pool
   off (a new network per fit, the behaviour before the pool) and scikeras's
   ``KerasClassifier`` building the same network.
2. ``grid``: wall time and peak RSS of ``GridSearchCV`` over 8 candidates
   (filters 8/16 x kernel_size 3/5 x learning rate 1e-3/3e-3) x 5 stratified
   folds (+ refit), 5 epochs on 50 sequences of length 150, for
   ``Conv1DClassifier`` and for scikeras's ``KerasClassifier`` with the same
   network and grid.
"""

import json
import subprocess
import sys
import time

from _bench_utils import Report, gunpoint_like, peak_rss_mb, rss_mb

COMMAND = "python benchmarks/bench_memory.py"
N_FITS = 100


def keras_network(filters=8, kernel_size=3, dense_units=16, n_timesteps=24):
    import keras

    inputs = keras.Input(shape=(n_timesteps, 1))
    x = keras.layers.Conv1D(filters, kernel_size, padding="same", activation="relu")(
        inputs
    )
    x = keras.layers.MaxPooling1D(2, padding="same")(x)
    x = keras.layers.Flatten()(x)
    x = keras.layers.Dense(dense_units, activation="relu")(x)
    outputs = keras.layers.Dense(2, activation="softmax")(x)
    return keras.Model(inputs, outputs)


def scikeras_classifier(**kwargs):
    from scikeras.wrappers import KerasClassifier

    return KerasClassifier(
        model=keras_network,
        loss="sparse_categorical_crossentropy",
        optimizer="adam",
        verbose=0,
        **kwargs,
    )


def run_fits(variant):
    import numpy as np

    from sklearn_conv1d import Conv1DClassifier
    from sklearn_conv1d._model_pool import POOL

    rng = np.random.RandomState(0)
    X = rng.randn(60, 24).astype(np.float32)
    y = np.arange(60) % 2
    POOL.enabled = variant != "ours, pool off"

    def fit():
        if variant == "scikeras KerasClassifier":
            est = scikeras_classifier(epochs=2, batch_size=32)
            est.fit(X[:, :, None], y)
        else:
            Conv1DClassifier(filters=8, dense_units=16, epochs=2).fit(X, y)

    fit()
    start_rss, start = rss_mb(), time.perf_counter()
    for _ in range(N_FITS):
        fit()
    return {
        "growth_mb": rss_mb() - start_rss,
        "s_per_fit": (time.perf_counter() - start) / N_FITS,
        "built": POOL.n_built,
    }


def run_grid(variant):
    from sklearn.model_selection import GridSearchCV, StratifiedKFold

    from sklearn_conv1d import Conv1DClassifier

    X, y = gunpoint_like()
    cv = StratifiedKFold(5, shuffle=True, random_state=0)
    if variant == "scikeras KerasClassifier":
        est = scikeras_classifier(
            epochs=5,
            batch_size=32,
            model__n_timesteps=X.shape[1],
            model__dense_units=100,
        )
        grid = {
            "model__filters": [8, 16],
            "model__kernel_size": [3, 5],
            "optimizer__learning_rate": [1e-3, 3e-3],
        }
        X = X[:, :, None]
    else:
        est = Conv1DClassifier(epochs=5)
        grid = {
            "filters": [8, 16],
            "kernel_size": [3, 5],
            "learning_rate": [1e-3, 3e-3],
        }
    start = time.perf_counter()
    search = GridSearchCV(est, grid, cv=cv).fit(X, y)
    return {
        "seconds": time.perf_counter() - start,
        "peak_mb": peak_rss_mb(),
        "best": float(search.best_score_),
    }


def child(kind, variant):
    result = run_fits(variant) if kind == "fits" else run_grid(variant)
    print("RESULT " + json.dumps(result), flush=True)


def spawn(kind, variant):
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, variant],
        capture_output=True,
        text=True,
        check=False,
    )
    for line in out.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[7:])
    return {"error": (out.stderr.strip().splitlines() or ["?"])[-1]}


def main():
    if "--child" in sys.argv:
        i = sys.argv.index("--child")
        return child(sys.argv[i + 1], sys.argv[i + 2])
    report = Report("bench_memory", COMMAND)
    report()
    report(f"1. RSS growth over {N_FITS} consecutive fits (fresh estimators)")
    report(
        f"{'':28s} {'RSS growth MB':>14s} {'s per fit':>10s} {'networks built':>15s}"
    )
    for variant in ("ours (pool)", "ours, pool off", "scikeras KerasClassifier"):
        r = spawn("fits", variant)
        if "error" in r:
            report(f"{variant:28s} failed: {r['error']}")
            continue
        built = r["built"] if variant == "ours (pool)" else N_FITS + 1
        report(
            f"{variant:28s} {r['growth_mb']:14.1f} {r['s_per_fit']:10.3f} {built:15d}"
        )
    report()
    report("2. GridSearchCV, 8 candidates x 5 folds + refit (41 fits)")
    report(f"{'':28s} {'wall s':>8s} {'peak RSS MB':>12s} {'best CV acc':>12s}")
    rows = {}
    for variant in ("ours (pool)", "scikeras KerasClassifier"):
        r = rows[variant] = spawn("grid", variant)
        if "error" in r:
            report(f"{variant:28s} failed: {r['error']}")
            continue
        report(
            f"{variant:28s} {r['seconds']:8.1f} {r['peak_mb']:12.0f} {r['best']:12.3f}"
        )
    a, b = rows["ours (pool)"], rows["scikeras KerasClassifier"]
    if "error" not in a and "error" not in b:
        report(
            f"ours / scikeras: wall {a['seconds'] / b['seconds']:.2f}x, "
            f"peak RSS {a['peak_mb'] / b['peak_mb']:.2f}x"
        )
    report.save()


if __name__ == "__main__":
    sys.exit(main())
