"""Network reuse across fits (flat memory, no retracing) and the fast predict path.

No timings are asserted: only counts (networks built), bitwise equalities and
a generous bound on memory growth.
"""

import copy
import gc
import os
import pickle
import threading
import time

import numpy as np
import pytest

from sklearn_conv1d import Conv1DClassifier, Conv1DRegressor, _model_pool
from sklearn_conv1d._model_pool import POOL
from sklearn_conv1d._network import HYPERPARAMETERS

SMALL = dict(filters=4, dense_units=8, epochs=2, random_state=0)


def make_data(n_samples=40, n_timesteps=16, seed=0):
    rng = np.random.RandomState(seed)
    y = np.arange(n_samples) % 2
    t = np.linspace(0, 1, n_timesteps)
    X = np.sin(2 * np.pi * (1 + 2 * y[:, None]) * t) + 0.3 * rng.randn(
        n_samples, n_timesteps
    )
    return X.astype(np.float32), y


@pytest.fixture
def pool_on():
    enabled = POOL.enabled
    POOL.enabled = True
    yield POOL
    POOL.enabled = enabled


def test_consecutive_fits_reuse_one_network_without_retracing(pool_on):
    X, y = make_data()
    Conv1DClassifier(**SMALL).fit(X, y)
    built = pool_on.n_built
    traces = None
    for _ in range(6):
        clf = Conv1DClassifier(**SMALL).fit(X, y)
        clf.predict(X[:1])
        functions = clf.model_.predict_function, clf.model_.train_function
        del clf
    assert pool_on.n_built - built <= 1  # at most one more: none in steady state
    del functions, traces


def test_reused_network_fit_is_bitwise_identical_to_a_new_network(pool_on):
    X, y = make_data()
    params = dict(SMALL, dropout=0.3, batch_norm=True, random_state=3)
    pool_on.enabled = False  # as in a fresh process: a new network
    first = Conv1DClassifier(**params).fit(X, y)
    expected_proba = first.predict_proba(X)
    expected_weights = first.model_.get_weights()
    pool_on.enabled = True
    Conv1DClassifier(**params).fit(X, y)  # pooled, then released
    reused_before = pool_on.n_reused
    second = Conv1DClassifier(**params).fit(X, y)
    assert pool_on.n_reused == reused_before + 1
    np.testing.assert_array_equal(second.predict_proba(X), expected_proba)
    for a, b in zip(second.model_.get_weights(), expected_weights, strict=True):
        np.testing.assert_array_equal(a, b)
    assert second.history_["loss"] == first.history_["loss"]


def test_a_network_still_held_is_never_reused(pool_on):
    X, y = make_data()
    clf = Conv1DClassifier(**SMALL).fit(X, y)
    held = clf.model_  # a user keeps the network, the estimator goes
    weights = [w.copy() for w in held.get_weights()]
    del clf
    gc.collect()
    shallow_source = Conv1DClassifier(**SMALL).fit(X, y)
    shallow = copy.copy(shallow_source)  # shares model_
    del shallow_source
    shallow_weights = [w.copy() for w in shallow.model_.get_weights()]
    others = [Conv1DClassifier(**dict(SMALL, random_state=i)).fit(X, y) for i in (5, 6)]
    for other in others:
        assert other.model_ is not held
        assert other.model_ is not shallow.model_
    for a, b in zip(held.get_weights(), weights, strict=True):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(shallow.model_.get_weights(), shallow_weights, strict=True):
        np.testing.assert_array_equal(a, b)


def test_threads_never_share_a_network_even_with_a_slow_reset(pool_on, monkeypatch):
    # The window between finding a free network and holding it is where two
    # threads could be handed the same one; a slow reset widens it.
    reset = _model_pool._reset

    def slow_reset(slot, fresh):
        time.sleep(0.02)
        reset(slot, fresh)

    monkeypatch.setattr(_model_pool, "_reset", slow_reset)
    X, y = make_data(n_samples=16)
    params = dict(SMALL, epochs=1)
    for _ in range(4):  # free networks in the pool for the threads to race for
        Conv1DClassifier(**params).fit(X, y)
    fitted, errors = [], []
    start = threading.Barrier(8)

    def fit_several():
        try:
            start.wait()
            for _ in range(3):
                fitted.append(Conv1DClassifier(**params).fit(X, y))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=fit_several) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(fitted) == 24
    assert len({id(clf.model_) for clf in fitted}) == 24  # all alive, none shared


def test_network_hyperparameters_are_estimator_parameters_and_key_the_pool(pool_on):
    for estimator in (Conv1DClassifier(), Conv1DRegressor()):
        assert set(HYPERPARAMETERS) <= set(estimator.get_params())
    assert {"filters", "kernel_size", "dropout", "global_pooling"} <= set(
        HYPERPARAMETERS
    )
    X, y = make_data()
    Conv1DClassifier(**SMALL).fit(X, y)  # pooled, then released
    for name, value in [("batch_norm_momentum", 0.5), ("activation", "tanh")]:
        built = pool_on.n_built
        clf = Conv1DClassifier(**SMALL, **{name: value}).fit(X, y)
        assert pool_on.n_built == built + 1, name  # another network, not reused
        assert clf.get_params()[name] == value


def test_fitted_estimators_keep_their_networks(pool_on):
    X, y = make_data()
    fitted = [
        Conv1DClassifier(**dict(SMALL, random_state=i)).fit(X, y) for i in range(3)
    ]
    probas = [clf.predict_proba(X) for clf in fitted]
    assert len({id(clf.model_) for clf in fitted}) == 3
    for i in range(3):  # more fits meanwhile
        Conv1DClassifier(**dict(SMALL, random_state=10 + i)).fit(X, y)
    for clf, proba in zip(fitted, probas, strict=True):
        np.testing.assert_array_equal(clf.predict_proba(X), proba)


def test_warm_start_partial_fit_and_pickle_of_pooled_networks(pool_on):
    X, y = make_data()
    clf = Conv1DClassifier(**dict(SMALL, warm_start=True)).fit(X, y)
    model = clf.model_
    clf.fit(X, y)
    assert clf.model_ is model  # warm start keeps training the same network
    assert model.optimizer.iterations.numpy() == 2 * 2 * 2
    restored = pickle.loads(pickle.dumps(clf))
    deep = copy.deepcopy(clf)
    assert restored.model_ is not model and deep.model_ is not model
    proba = clf.predict_proba(X)
    del clf, model
    Conv1DClassifier(**dict(SMALL, warm_start=True)).fit(X, y)
    np.testing.assert_array_equal(restored.predict_proba(X), proba)
    np.testing.assert_array_equal(deep.predict_proba(X), proba)
    inc = Conv1DClassifier(**SMALL)
    inc.partial_fit(X, y)
    inc.partial_fit(X, y)
    assert inc.model_.optimizer.iterations.numpy() == 2 * 2


@pytest.mark.parametrize("n_rows", [1, 7, 32, 33, 100])
def test_fast_predict_equals_keras_predict(n_rows):
    X, y = make_data(n_samples=120)
    clf = Conv1DClassifier(**SMALL).fit(X, y)
    expected = clf.model_.predict(X[:n_rows, :, None], batch_size=32, verbose=0)
    # Keras runs a partial last batch in its own shape: equal up to float32 ulps.
    np.testing.assert_allclose(clf.predict_proba(X[:n_rows]), expected, rtol=1e-6)
    assert clf.predict(X[:n_rows]).shape == (n_rows,)


def test_predictions_do_not_depend_on_the_other_rows():
    X, y = make_data(n_samples=45)
    clf = Conv1DClassifier(**SMALL).fit(X, y)
    full = clf.predict_proba(X)
    one_by_one = np.vstack([clf.predict_proba(X[i : i + 1]) for i in range(45)])
    np.testing.assert_array_equal(one_by_one, full)
    np.testing.assert_array_equal(clf.predict_proba(X[::-1]), full[::-1])


def test_memory_stays_flat_across_fits(pool_on):
    if not os.path.exists("/proc/self/statm"):
        pytest.skip("needs /proc to read the resident set size")

    def rss_mb():
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6

    X, y = make_data()
    for _ in range(3):
        Conv1DClassifier(**SMALL).fit(X, y)
    start, built = rss_mb(), pool_on.n_built
    for i in range(20):
        Conv1DClassifier(**dict(SMALL, random_state=i)).fit(X, y).predict(X[:1])
    # A new network per fit costs ~7-12 MB that is never given back.
    assert pool_on.n_built - built <= 1
    assert rss_mb() - start < 60
