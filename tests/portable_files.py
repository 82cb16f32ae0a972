"""Write and read estimator files on one Keras backend, for test_portable_files.

Run by that test with each backend's Python (``KERAS_BACKEND`` set):

- ``python portable_files.py write DIR``: fit a seeded classifier and
  regressor, save each with ``sklearn_conv1d.save`` and with joblib, and
  record their predictions.
- ``python portable_files.py read DIR``: load every file another backend
  wrote and record this backend's predictions from it.
"""

import sys
from pathlib import Path

import joblib
import numpy as np
from sequence_data import make_sequences

import sklearn_conv1d
from sklearn_conv1d import Conv1DClassifier, Conv1DRegressor


def data():
    return make_sequences(n_samples=30, n_timesteps=20, n_channels=2, n_classes=3)


def outputs(estimator, X):
    if hasattr(estimator, "predict_proba"):
        return estimator.predict_proba(X)
    return estimator.predict(X)


def write(directory, backend):
    X, y = data()
    params = dict(filters=(4, 8), dense_units=8, epochs=3, random_state=0)
    estimators = {
        "clf": Conv1DClassifier(batch_norm=True, dropout=0.2, **params).fit(X, y),
        # Compiled with steps_per_execution > 1 where the backend allows it:
        # on PyTorch, which allows 1 only, the loaded network runs 1.
        "reg": Conv1DRegressor(
            steps_per_execution=1 if backend == "torch" else 2, **params
        ).fit(X, y.astype(float)),
    }
    expected = {}
    for name, estimator in estimators.items():
        sklearn_conv1d.save(estimator, directory / f"{backend}-{name}.zip")
        joblib.dump(estimator, directory / f"{backend}-{name}.joblib")
        expected[name] = outputs(estimator, X)
    np.savez(directory / f"{backend}-expected.npz", **expected)


def read(directory, backend):
    X, _ = data()
    got = {}
    for path in sorted(directory.glob("*-*.zip")) + sorted(directory.glob("*.joblib")):
        if path.name.startswith(f"{backend}-"):
            continue
        if path.suffix == ".zip":
            estimator = sklearn_conv1d.load(path)
        else:
            estimator = joblib.load(path)
        got[path.name] = outputs(estimator, X)
    np.savez(directory / f"read-by-{backend}.npz", **got)


if __name__ == "__main__":
    import keras

    command, directory = sys.argv[1], Path(sys.argv[2])
    {"write": write, "read": read}[command](directory, keras.backend.backend())
