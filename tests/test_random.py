"""A fit draws its random numbers from generators of its own, on every backend.

Seeded fits are bitwise identical wherever and beside whatever they run, and
no fit reads or writes a process-global generator.
"""

import pickle
import random
import sys
import threading
import time

import joblib
import keras
import numpy as np
import pytest
from sequence_data import make_sequences
from sklearn.model_selection import cross_val_score

from sklearn_conv1d import Conv1DClassifier, Conv1DRegressor, load, save
from sklearn_conv1d._random import draw_seed, fit_rng

# Dropout, time shifts and early stopping draw from generators too.
FAST = dict(
    filters=8, dense_units=16, epochs=4, dropout=0.2, time_shift=0.1, random_state=3
)


def _global_states():
    """Every process-global generator a fit could draw from, as comparable values."""
    from keras.src.random import seed_generator

    states = {
        "random": random.getstate(),
        "numpy": tuple(np.asarray(part).tobytes() for part in np.random.get_state()),
        "keras": seed_generator.python_random.getstate(),
    }
    if "tensorflow" in sys.modules:
        from tensorflow.python.eager import context
        from tensorflow.python.framework import config as tf_config

        states["tensorflow seed"] = context.global_seed()
        states["tensorflow determinism"] = tf_config.is_op_determinism_enabled()
    if "torch" in sys.modules:
        states["torch"] = sys.modules["torch"].get_rng_state().numpy().tobytes()
    return states


def _proba(**params):
    X, y = make_sequences(n_samples=30)
    return Conv1DClassifier(**{**FAST, **params}).fit(X, y).predict_proba(X)


def test_draw_seed():
    assert draw_seed(7) == 7
    rng = np.random.RandomState(0)
    assert draw_seed(rng) != draw_seed(rng)  # a RandomState is consumed
    before = np.random.get_state()[1].copy()
    assert draw_seed(None) != draw_seed(None)  # fresh entropy, not global state
    np.testing.assert_array_equal(np.random.get_state()[1], before)


def test_streams_are_independent_and_reproducible():
    a = fit_rng(0, "shuffle").permutation(100)
    np.testing.assert_array_equal(a, fit_rng(0, "shuffle").permutation(100))
    assert not np.array_equal(a, fit_rng(0, "network").permutation(100))
    assert not np.array_equal(a, fit_rng(1, "shuffle").permutation(100))


@pytest.mark.parametrize("early_stopping", [False, True])
def test_fit_leaves_every_global_generator_untouched(early_stopping):
    X, y = make_sequences(n_samples=30)
    random.seed(123)
    np.random.seed(123)
    before = _global_states()
    for random_state in (0, None):
        Conv1DClassifier(
            **{**FAST, "random_state": random_state}, early_stopping=early_stopping
        ).fit(X, y)
    Conv1DRegressor(**FAST).partial_fit(X, y.astype(float))
    assert _global_states() == before


def test_seed_does_not_depend_on_global_seeds():
    reference = _proba()
    random.seed(1)
    np.random.seed(1)
    keras.utils.set_random_seed(1)  # seeds Python, NumPy and the backend
    np.testing.assert_array_equal(_proba(), reference)


def test_same_seed_same_fit_other_seed_other_fit_unseeded_differs():
    reference = _proba()
    np.testing.assert_array_equal(_proba(), reference)
    assert not np.array_equal(_proba(random_state=4), reference)
    assert not np.array_equal(_proba(random_state=None), _proba(random_state=None))


@pytest.mark.parametrize("n_networks", [1, 2])
def test_threaded_fits_equal_serial_fits(n_networks):
    seeds = [0, 1, 2, 3]
    serial = [_proba(random_state=seed, n_networks=n_networks) for seed in seeds]
    results = [None] * len(seeds)

    def fit(i):
        results[i] = _proba(random_state=seeds[i], n_networks=n_networks)

    threads = [threading.Thread(target=fit, args=(i,)) for i in range(len(seeds))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for got, expected in zip(results, serial, strict=True):
        np.testing.assert_array_equal(got, expected)


def test_cross_val_score_with_threads_equals_serial():
    X, y = make_sequences(n_samples=40)
    clf = Conv1DClassifier(**FAST, early_stopping=True, validation_fraction=0.25)
    serial = cross_val_score(clf, X, y, cv=4)
    with joblib.parallel_config(backend="threading", n_jobs=2):
        threaded = cross_val_score(clf, X, y, cv=4)
    np.testing.assert_array_equal(threaded, serial)


def test_users_set_random_seed_keeps_working_after_threaded_fits():
    def dense_weights():
        layer = keras.layers.Dense(4)
        layer.build((None, 3))
        return layer.get_weights()[0]

    keras.utils.set_random_seed(0)
    expected = dense_weights()
    threads = [
        threading.Thread(target=_proba, kwargs={"random_state": seed})
        for seed in (0, 1, None)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    keras.utils.set_random_seed(0)
    np.testing.assert_array_equal(dense_weights(), expected)


def test_seeded_fit_ignores_other_threads_drawing_from_global_generators():
    # Dask's communication thread samples from the global ``random`` while a
    # worker fits; a seeded fit must not depend on such draws.
    reference = _proba()
    stop = threading.Event()

    def draw():
        while not stop.is_set():
            random.random()
            np.random.random()
            time.sleep(0)

    thread = threading.Thread(target=draw, daemon=True)
    thread.start()
    try:
        busy = [_proba() for _ in range(2)]
    finally:
        stop.set()
        thread.join()
    for proba in busy:
        np.testing.assert_array_equal(proba, reference)


def test_each_epoch_has_its_own_order_also_after_pickling_and_saving(tmp_path):
    from sklearn_conv1d._batches import epoch_order

    X, y = make_sequences(n_samples=30)
    assert not np.array_equal(epoch_order(0, 0, 30), epoch_order(0, 1, 30))
    # With dropout: the .keras format leaves out the dropout layers' seed
    # states, which we store beside it, so the masks go on where they were.
    clf = Conv1DClassifier(**FAST).partial_fit(X, y)
    copies = [pickle.loads(pickle.dumps(clf)), load(save(clf, tmp_path / "c.zip"))]
    expected = clf.partial_fit(X, y).predict_proba(X)
    for copy in copies:  # trained on from where clf was, in the same order
        np.testing.assert_array_equal(copy.partial_fit(X, y).predict_proba(X), expected)
