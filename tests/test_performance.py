"""Network reuse across fits (flat memory, no retracing) and the fast predict path.

No timings are asserted: only counts (networks built), bitwise equalities and
a generous bound on memory growth.
"""

import copy
import gc
import logging
import os
import pickle
import threading
import time

import numpy as np
import pytest

from sklearn_conv1d import Conv1DClassifier, Conv1DRegressor, _model_pool, _predict
from sklearn_conv1d._backend import backend
from sklearn_conv1d._model_pool import POOL
from sklearn_conv1d._network import HYPERPARAMETERS
from sklearn_conv1d._predict import predictor

# Unnormalised, so that the network reads X as given, as Keras's predict does.
SMALL = dict(filters=4, dense_units=8, epochs=2, random_state=0, normalize=None)


def make_data(n_samples=40, n_timesteps=16, seed=0):
    rng = np.random.RandomState(seed)
    y = np.arange(n_samples) % 2
    t = np.linspace(0, 1, n_timesteps)
    X = np.sin(2 * np.pi * (1 + 2 * y[:, None]) * t) + 0.3 * rng.randn(
        n_samples, n_timesteps
    )
    return X.astype(np.float32), y


def run_in_threads(function, n_threads):
    """Run ``function`` in ``n_threads`` threads at once; return their errors."""
    errors = []
    start = threading.Barrier(n_threads)

    def run():
        try:
            start.wait()
            function()
        except Exception as exc:  # pragma: no cover - returned
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(n_threads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


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
    fitted = []

    def fit_several():
        for _ in range(3):
            fitted.append(Conv1DClassifier(**params).fit(X, y))

    assert run_in_threads(fit_several, 8) == []
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


# -- fast predict: blocks, small calls, retracing (see _predict) ----------------
def ragged_series(n_samples, shortest, longest, seed):
    rng = np.random.RandomState(seed)
    lengths = rng.randint(shortest, longest + 1, size=n_samples)
    return [rng.randn(n).astype(np.float32) for n in lengths]


GLOBAL = dict(
    global_pooling="avg",
    padding="same",
    pool_size=None,
    dense_units=(),
    epochs=2,
    normalize=None,  # the network reads the series as given, as Keras predict does
)


class _RetracingLog(logging.Handler):
    """TensorFlow's "triggered tf.function retracing" warnings, while attached."""

    def __init__(self):
        super().__init__()
        self.messages = []

    def emit(self, record):
        if "retracing" in record.getMessage():
            self.messages.append(record.getMessage())

    def __enter__(self):
        logging.getLogger("tensorflow").addHandler(self)
        return self

    def __exit__(self, *exc):
        logging.getLogger("tensorflow").removeHandler(self)


def test_predicting_many_lengths_traces_once_and_matches_keras():
    # Global-pooling networks of several fit lengths, each predicting
    # sequences of many lengths, longer ones included: Keras's own predict
    # function made TensorFlow warn about retracing here.
    for seed in range(6):
        X = ragged_series(20, 10, 30 + seed, seed)
        clf = Conv1DClassifier(**GLOBAL, random_state=seed).fit(X, np.arange(20) % 2)
        test = ragged_series(6, 5, 80, 100 + seed)
        with _RetracingLog() as log:
            proba = clf.predict_proba(test)
            for x in test[:3]:  # one at a time, twice: small blocks at each length
                clf.predict([x])
                clf.predict([x])
        assert log.messages == []
        network = predictor(clf.model_)
        if backend() == "tensorflow":
            assert network._one.experimental_get_tracing_count() == 1
            assert network._many.experimental_get_tracing_count() == 1
        fit_length = clf.input_shape_[0]
        for x, row in zip(test, proba, strict=True):
            padded = np.zeros((1, max(len(x), fit_length), 1), np.float32)
            padded[0, : len(x), 0] = x
            expected = clf.model_.predict(padded, verbose=0)[0]
            np.testing.assert_allclose(row, expected, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize(
    "params",
    [
        {},
        dict(filters=(4, 8), batch_norm=True, global_pooling="avg", dense_units=()),
        dict(filters=(4, 4), residual=True, dropout=0.2, pool_size=None),
        dict(filters=4, separable=True, global_pooling="max", batch_size=16),
    ],
    ids=["default", "batch_norm", "residual", "separable"],
)
def test_small_calls_give_bitwise_what_blocks_give(params):
    # One or two rows run in a block of SMALL rows (once checked exact, from
    # the second such call at a shape on), more in blocks of batch_size: the
    # same outputs either way.
    X, y = make_data(n_samples=45)
    for estimator in (Conv1DClassifier, Conv1DRegressor):
        target = y if estimator is Conv1DClassifier else X[:, 0]
        model = estimator(**dict(SMALL, **params)).fit(X, target)
        method = getattr(model, "predict_proba", model.predict)
        full = method(X)
        for i in (0, 1, 44):
            np.testing.assert_array_equal(method(X[i : i + 1]), full[i : i + 1])
        np.testing.assert_array_equal(method(X[3:5]), full[3:5])
        checked = predictor(model.model_)._small_agrees
        assert checked[(16, 1), model.batch_size] is not None


def test_small_blocks_not_exact_fall_back_to_full_blocks(monkeypatch):
    X, y = make_data(n_samples=40)
    clf = Conv1DClassifier(**SMALL).fit(X, y)
    network = predictor(clf.model_)
    small = network._small
    # A small block that computes a little differently must never be used.
    monkeypatch.setattr(network, "_small", lambda x: small(x) * np.float32(1.0001))
    network._small_agrees.clear()
    full = clf.predict_proba(X)
    for i in (7, 8, 9):
        np.testing.assert_array_equal(clf.predict_proba(X[i : i + 1]), full[i : i + 1])
    assert network._small_agrees == {((16, 1), 32): False}
    monkeypatch.undo()
    network._small_agrees.clear()  # the network may be pooled and reused


def test_bulk_predict_is_the_same_in_any_number_of_calls(monkeypatch):
    X, y = make_data(n_samples=150)
    clf = Conv1DClassifier(**dict(SMALL, batch_size=8)).fit(X, y)
    full = clf.predict_proba(X)
    for blocks_per_call in (1, 2, 5):
        monkeypatch.setattr(_predict, "BLOCKS_PER_CALL", blocks_per_call)
        np.testing.assert_array_equal(clf.predict_proba(X), full)


def test_predict_from_threads_equals_serial_predict():
    X, y = make_data(n_samples=50)
    clf = Conv1DClassifier(**SMALL).fit(X, y)
    serial = [clf.predict_proba(rows) for rows in (X, X[:1], X[9:11])]
    results = []

    def predict():
        for _ in range(5):
            results.append([clf.predict_proba(rows) for rows in (X, X[:1], X[9:11])])

    assert run_in_threads(predict, 4) == []
    assert len(results) == 20
    for result in results:
        for got, expected in zip(result, serial, strict=True):
            np.testing.assert_array_equal(got, expected)


def test_the_predict_function_is_made_before_the_pool_counts_references(pool_on):
    X, y = make_data()
    Conv1DClassifier(**SMALL).fit(X, y)  # pooled, then released
    clf = Conv1DClassifier(**SMALL).fit(X, y)
    assert getattr(clf.model_, "_sklearn_conv1d_predictor", None) is not None
    clf.predict(X[:1])
    clf.predict(X)
    del clf
    reused = pool_on.n_reused
    Conv1DClassifier(**SMALL).fit(X, y)
    assert pool_on.n_reused == reused + 1
