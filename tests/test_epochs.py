"""The training loop (``_training``): compiled epochs, Keras's fit path, callbacks.

Run on every backend in CI. The compiled path is the default; a callback that
acts on batches sends a fit through Keras's own ``Model.fit``. Both must train
on the same batches in the same order and honour the same epoch hooks.
"""

import threading

import keras
import numpy as np
import pytest
from sequence_data import make_sequences

from sklearn_conv1d import Conv1DClassifier, Conv1DRegressor
from sklearn_conv1d._training import _loop, needs_keras_fit

FAST = dict(filters=8, dense_units=16, epochs=4, batch_size=8, random_state=0)


class BatchCounter(keras.callbacks.Callback):
    """Acts on batches: sends a fit through Keras's Model.fit."""

    def __init__(self):
        super().__init__()
        self.batches = 0

    def on_train_batch_end(self, batch, logs=None):
        self.batches += 1


class Recorder(keras.callbacks.Callback):
    """Records the epoch hooks' logs and the weights after every epoch."""

    def __init__(self, stop_after=None):
        super().__init__()
        self.stop_after = stop_after
        self.events = []
        self.weights = []

    def on_train_begin(self, logs=None):
        self.events.append("train_begin")

    def on_epoch_begin(self, epoch, logs=None):
        self.events.append(("epoch_begin", epoch))

    def on_epoch_end(self, epoch, logs=None):
        self.events.append(("epoch_end", epoch, dict(logs)))
        self.weights.append([w.copy() for w in self.model.get_weights()])
        if self.stop_after is not None and epoch + 1 >= self.stop_after:
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        self.events.append("train_end")


@pytest.fixture
def count_compiled_epochs(monkeypatch):
    """Count the epochs the backend's compiled-epoch runner trains."""
    calls = []
    make_runner = _loop.epoch_runner

    def counting_runner(model):
        runner = make_runner(model)

        class Counting:
            put = staticmethod(runner.put)
            evaluate = staticmethod(runner.evaluate)

            @staticmethod
            def train_epoch(*args):
                calls.append(1)
                return runner.train_epoch(*args)

        return Counting

    monkeypatch.setattr(_loop, "epoch_runner", counting_runner)
    return calls


def _logs(recorder):
    return [event[2] for event in recorder.events if event[0] == "epoch_end"]


def test_default_fits_train_in_compiled_epochs(count_compiled_epochs):
    X, y = make_sequences(n_samples=30)
    clf = Conv1DClassifier(**FAST).fit(X, y)
    assert len(count_compiled_epochs) == FAST["epochs"] == clf.n_iter_
    assert set(clf.history_) == {"loss", "accuracy"}


def test_a_callback_acting_on_batches_trains_through_keras_fit(count_compiled_epochs):
    X, y = make_sequences(n_samples=30)  # 4 batches of 8 per epoch, the last of 6
    clf = Conv1DClassifier(**FAST, callbacks=[BatchCounter()]).fit(X, y)
    assert count_compiled_epochs == []
    assert clf._fit_callbacks[0].batches == 4 * FAST["epochs"]
    assert len(clf.history_["loss"]) == FAST["epochs"]


def test_which_callbacks_need_keras_fit():
    epoch_only = [
        keras.callbacks.EarlyStopping(),
        keras.callbacks.ReduceLROnPlateau(),
        keras.callbacks.LearningRateScheduler(lambda epoch, lr: lr),
        keras.callbacks.CSVLogger("unused.csv"),
        keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: None),
        keras.callbacks.ModelCheckpoint("unused.keras"),  # saves once per epoch
        Recorder(),
    ]
    assert needs_keras_fit(epoch_only) is None
    batch_level = [
        BatchCounter(),
        keras.callbacks.TerminateOnNaN(),
        keras.callbacks.LambdaCallback(on_batch_end=lambda batch, logs: None),
        keras.callbacks.ModelCheckpoint("unused.keras", save_freq=5),
    ]
    for callback in batch_level:
        assert needs_keras_fit([*epoch_only, callback]) is callback


@pytest.mark.parametrize("options", [{}, dict(dropout=0.3, batch_norm=True)])
def test_both_paths_train_on_the_same_batches_in_the_same_order(options):
    X, y = make_sequences(n_samples=30)
    params = dict(FAST, epochs=3, **options)
    compiled = Conv1DClassifier(**params).fit(X, y)
    keras_fit = Conv1DClassifier(**params, callbacks=[BatchCounter()]).fit(X, y)
    # Same initial weights (same seed), same batches: the same losses up to
    # float32 rounding of different compiled programs.
    for key in ("loss", "accuracy"):
        np.testing.assert_allclose(
            compiled.history_[key], keras_fit.history_[key], rtol=1e-4, atol=1e-6
        )
    np.testing.assert_allclose(
        compiled.predict_proba(X), keras_fit.predict_proba(X), rtol=1e-4, atol=1e-5
    )


@pytest.mark.parametrize("path", ["compiled", "keras"])
def test_epoch_hooks_logs_and_stop_training(path):
    X, y = make_sequences(n_samples=40)
    recorder = Recorder(stop_after=3)
    extra = [BatchCounter()] if path == "keras" else []
    clf = Conv1DClassifier(
        **dict(FAST, epochs=10, weight_averaging=None), callbacks=[recorder, *extra]
    ).fit(X, y, X_val=X[:10], y_val=y[:10])
    recorder = clf._fit_callbacks[0]
    assert recorder.events[0] == "train_begin"
    assert recorder.events[-1] == "train_end"
    assert [e[1] for e in recorder.events[1:-1] if e[0] == "epoch_begin"] == [0, 1, 2]
    assert clf.n_iter_ == 3 == len(clf.history_["loss"])
    logs = _logs(recorder)
    assert set(logs[0]) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert [log["loss"] for log in logs] == clf.history_["loss"]
    assert [log["val_loss"] for log in logs] == clf.history_["val_loss"]
    # The validation pass scores the weights at the end of its epoch.
    proba = clf.predict_proba(X[:10])[np.arange(10), y[:10]]
    np.testing.assert_allclose(logs[-1]["val_loss"], -np.log(proba).mean(), rtol=1e-4)


@pytest.mark.parametrize("path", ["compiled", "keras"])
def test_learning_rate_changes_take_effect_from_the_next_epoch(path):
    X, y = make_sequences(n_samples=30)
    recorder = Recorder()
    schedule = keras.callbacks.LearningRateScheduler(
        lambda epoch, lr: 0.0 if epoch >= 2 else 0.01
    )
    extra = [BatchCounter()] if path == "keras" else []
    clf = Conv1DClassifier(**FAST, callbacks=[schedule, recorder, *extra]).fit(X, y)
    weights = clf._fit_callbacks[1].weights
    np.testing.assert_allclose(clf.history_["learning_rate"], [0.01, 0.01, 0, 0])
    changed = [
        any(not np.array_equal(a, b) for a, b in zip(w0, w1, strict=True))
        for w0, w1 in zip(weights[:-1], weights[1:], strict=True)
    ]
    assert changed == [True, False, False]  # epochs 3 and 4 train at rate 0


def test_reduce_lr_on_plateau_lowers_the_rate():
    X, y = make_sequences(n_samples=30)
    plateau = keras.callbacks.ReduceLROnPlateau(
        monitor="loss", factor=0.5, patience=1, min_delta=10.0
    )
    clf = Conv1DClassifier(**dict(FAST, epochs=5), callbacks=[plateau]).fit(X, y)
    rates = clf.history_["learning_rate"]
    assert rates[0] == pytest.approx(clf.learning_rate)
    assert rates[-1] < rates[0]
    assert clf.model_.optimizer.learning_rate.numpy() == pytest.approx(rates[-1] / 2)


@pytest.mark.parametrize("path", ["compiled", "keras"])
def test_non_finite_loss_stops_with_a_warning_naming_the_epoch(path):
    X, _ = make_sequences(n_samples=30)
    y = np.full(len(X), 1e30)  # its square overflows float32: an infinite loss
    extra = [BatchCounter()] if path == "keras" else []
    reg = Conv1DRegressor(**dict(FAST, epochs=5), callbacks=extra)
    with pytest.warns(
        RuntimeWarning, match=r"training loss is (inf|nan) after epoch 1:"
    ):
        reg.fit(X, y)
    assert reg.n_iter_ == 1


def test_seeded_fits_are_bitwise_identical_in_threads(count_compiled_epochs):
    X, y = make_sequences(n_samples=40)
    params = dict(FAST, dropout=0.2)
    del params["random_state"]
    serial = [Conv1DClassifier(**params, random_state=s).fit(X, y) for s in (0, 1)]
    expected = [clf.predict_proba(X) for clf in serial]
    results = {}

    def fit(seed):
        clf = Conv1DClassifier(**params, random_state=seed).fit(X, y)
        results[seed] = clf.predict_proba(X)

    threads = [threading.Thread(target=fit, args=(seed,)) for seed in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(count_compiled_epochs) == 4 * FAST["epochs"]
    for seed in (0, 1):
        np.testing.assert_array_equal(results[seed], expected[seed])


@pytest.mark.skipif(keras.backend.backend() != "jax", reason="JAX only")
def test_jax_accelerator_scan_trains_like_the_per_batch_calls(monkeypatch):
    from sklearn_conv1d._model_pool import POOL
    from sklearn_conv1d._training import _jax

    X, y = make_sequences(n_samples=30)  # 3 full batches of 8 and one of 6
    per_batch = Conv1DClassifier(**FAST).fit(X, y)
    # On an accelerator the full batches run in one lax.scan: force it here,
    # on a new network (the pooled ones have their runner already).
    monkeypatch.setattr(_jax.jax, "default_backend", lambda: "gpu")
    monkeypatch.setattr(POOL, "enabled", False)
    scanned = Conv1DClassifier(**FAST).fit(X, y)
    assert scanned.model_._sklearn_conv1d_runner._train._use_scan
    np.testing.assert_allclose(
        scanned.history_["loss"], per_batch.history_["loss"], rtol=1e-4
    )
    np.testing.assert_allclose(
        scanned.predict_proba(X), per_batch.predict_proba(X), rtol=1e-4, atol=1e-5
    )


@pytest.mark.skipif(keras.backend.backend() != "tensorflow", reason="TensorFlow")
def test_fitting_many_networks_prints_no_retracing_warning():
    import logging

    import tensorflow as tf

    X, y = make_sequences(n_samples=30)
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    tf.get_logger().addHandler(handler)
    try:
        for filters in range(3, 10):  # a new network, traced once, per fit
            Conv1DClassifier(filters=filters, epochs=2, random_state=0).fit(
                X, y, X_val=X, y_val=y
            )
    finally:
        tf.get_logger().removeHandler(handler)
    assert not [r for r in records if "retracing" in r.getMessage()]


def test_timestep_budget_caps_the_epochs_of_fit_alone():
    X, y = make_sequences(n_samples=40, n_timesteps=24)
    params = dict(FAST, n_iter_no_change=None, epochs=50)
    # Three epochs of 40 rows of 24 timesteps fit in the budget, not four.
    budget = 40 * 24 * 3 + 100
    capped = Conv1DClassifier(**params, timestep_budget=budget).fit(X, y)
    assert capped.n_iter_ == 3 and len(capped.history_["loss"]) == 3
    # The same network as three epochs: the budget only counts them.
    three = Conv1DClassifier(**{**params, "epochs": 3}).fit(X, y)
    np.testing.assert_array_equal(capped.predict_proba(X), three.predict_proba(X))
    # The rows trained on count: early stopping holds out a quarter of them.
    held_out = Conv1DClassifier(
        **params, timestep_budget=30 * 24 * 4, early_stopping=True
    ).set_params(validation_fraction=0.25, n_iter_no_change=50)
    assert held_out.fit(X, y).n_iter_ == 4
    # At least one epoch; epochs stays the bound; partial_fit ignores it.
    assert Conv1DClassifier(**params, timestep_budget=1).fit(X, y).n_iter_ == 1
    small = dict(params, epochs=2, timestep_budget=10**9)
    assert Conv1DClassifier(**small).fit(X, y).n_iter_ == 2
    streamed = Conv1DClassifier(**params, timestep_budget=1).partial_fit(X, y)
    assert len(streamed.partial_fit(X, y).history_["loss"]) == 2


def test_budget_step_cost_counts_each_step_against_the_budget():
    X, y = make_sequences(n_samples=40, n_timesteps=24)
    params = dict(FAST, n_iter_no_change=None, epochs=50, batch_size=16)
    # An epoch: 40 rows of 24 timesteps in 3 steps of 16, 16 and 8 rows.
    budget = 40 * 24 * 6
    plain = Conv1DClassifier(**params, timestep_budget=budget).fit(X, y)
    assert plain.n_iter_ == 6
    # Each step counts 320 timesteps more: 960 + 3 * 320 = 1920 an epoch.
    costed = Conv1DClassifier(
        **params, timestep_budget=budget, budget_step_cost=320
    ).fit(X, y)
    assert costed.n_iter_ == 3
    # A larger batch takes fewer steps, which cost less: 2 steps of 32.
    wide = costed.set_params(batch_size=32).fit(X, y)
    assert wide.n_iter_ == budget // (40 * 24 + 2 * 320) == 3
    wider = costed.set_params(budget_step_cost=160).fit(X, y)
    assert wider.n_iter_ == budget // (40 * 24 + 2 * 160) == 4
    # Without a budget it has no effect.
    free = Conv1DClassifier(**{**params, "epochs": 2}, budget_step_cost=10**6)
    assert free.fit(X, y).n_iter_ == 2
