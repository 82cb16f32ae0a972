"""The estimators on every Keras backend, and clear errors for unusable ones.

CI runs this module (with the scikit-learn checks and the core estimator
tests) once per backend, each in a virtual environment with only that
backend installed; the backend comes from ``KERAS_BACKEND``.
"""

import importlib.util
import os
import subprocess
import sys

import keras
import numpy as np
import pytest
from sequence_data import make_sequences

from sklearn_conv1d import Conv1DClassifier, Conv1DRegressor
from sklearn_conv1d._backend import BACKEND_EXTRAS, backend

BACKEND = keras.backend.backend()


def _import_in_subprocess(keras_backend):
    env = {**os.environ, "KERAS_BACKEND": keras_backend}
    return subprocess.run(
        [sys.executable, "-c", "import sklearn_conv1d"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_backend_is_the_one_keras_runs_on():
    assert backend() == BACKEND
    assert BACKEND in BACKEND_EXTRAS
    if "KERAS_BACKEND" in os.environ:
        assert os.environ["KERAS_BACKEND"] == BACKEND


def test_fit_predict_and_score_on_this_backend():
    X, y = make_sequences(n_samples=40)
    clf = Conv1DClassifier(filters=8, dense_units=16, epochs=30, random_state=0)
    assert clf.fit(X, y).score(X, y) > 0.8
    reg = Conv1DRegressor(filters=8, dense_units=16, epochs=5, random_state=0)
    assert reg.fit(X, y.astype(float)).predict(X).shape == (40,)


@pytest.mark.skipif(
    importlib.util.find_spec("tensorflow") is not None,
    reason="TensorFlow is installed in this environment",
)
def test_runs_without_tensorflow_installed():
    X, y = make_sequences(n_samples=20)
    Conv1DClassifier(filters=4, dense_units=8, epochs=1).fit(X, y).predict(X)
    assert "tensorflow" not in sys.modules


def test_unknown_backend_is_a_clear_import_error():
    result = _import_in_subprocess("theano")
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("ImportError: KERAS_BACKEND='theano' is not a backend")
    assert "'jax', 'tensorflow', 'torch'" in last_line


@pytest.mark.parametrize("missing", sorted(BACKEND_EXTRAS))
def test_backend_that_is_not_installed_names_its_extra(missing):
    module = "tensorflow" if missing == "tensorflow" else missing
    if importlib.util.find_spec(module) is not None:
        pytest.skip(f"{module} is installed here")
    result = _import_in_subprocess(missing)
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith(f"ImportError: Keras could not load its '{missing}'")
    assert f'pip install "sklearn-conv1d[{BACKEND_EXTRAS[missing]}]"' in last_line


def test_seeded_fit_is_reproducible_on_this_backend():
    X, y = make_sequences(n_samples=30)
    params = dict(filters=8, dense_units=16, epochs=3, dropout=0.3, random_state=1)
    a = Conv1DClassifier(**params).fit(X, y)
    b = Conv1DClassifier(**params).fit(X, y)
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))
    assert a.history_["loss"] == b.history_["loss"]
