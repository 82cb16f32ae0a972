"""Training controls: early stopping, weights, callbacks, history, partial_fit."""

import keras
import numpy as np
import pytest
from sequence_data import make_sequences
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV
from sklearn.utils._param_validation import InvalidParameterError

from sklearn_conv1d import ARCHITECTURES, Conv1DClassifier
from sklearn_conv1d._training import WeightAverage, settle_batch_norm

FAST = dict(filters=8, dense_units=16, epochs=5, random_state=0)


class EpochCounter(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.epochs_seen = 0

    def on_epoch_end(self, epoch, logs=None):
        self.epochs_seen += 1


def stall_epoch(losses, patience, tol):
    """The epoch (from 1) at which scikit-learn's MLP rule stops, or None."""
    best, wait = np.inf, 0
    for epoch, loss in enumerate(losses, start=1):
        wait = wait + 1 if loss > best - tol else 0
        best = min(best, loss)
        if wait >= patience:
            return epoch
    return None


def test_early_stopping_stops_and_restores_the_best_epoch():
    X, y = make_sequences(n_samples=80)
    clf = Conv1DClassifier(
        **{**FAST, "epochs": 200}, early_stopping=True, n_iter_no_change=3
    ).fit(X, y)
    assert clf.n_iter_ < 200
    val_loss = clf.history_["val_loss"]
    assert len(val_loss) == clf.n_iter_
    # The best epoch is the lowest validation loss; training stopped after 3
    # epochs in a row without an improvement of at least tol.
    assert val_loss[clf.best_epoch_ - 1] == min(val_loss)
    assert clf.n_iter_ == stall_epoch(val_loss, 3, clf.tol)


def test_without_early_stopping_every_epoch_runs():
    X, y = make_sequences()
    clf = Conv1DClassifier(**FAST, n_iter_no_change=None).fit(X, y)
    assert clf.n_iter_ == FAST["epochs"]
    assert clf.best_epoch_ is None
    assert "val_loss" not in clf.history_


def test_training_loss_stops_a_fit_and_restores_its_best_epoch():
    # scikit-learn's MLP convention: without early_stopping, n_iter_no_change
    # and tol apply to the training loss.
    X, y = make_sequences(n_samples=40)
    params = {**FAST, "epochs": 300, "n_iter_no_change": 5, "tol": 1e-2}
    params["weight_averaging"] = None  # the best epoch's weights, not an average
    clf = Conv1DClassifier(**params).fit(X, y)
    loss = clf.history_["loss"]
    assert len(loss) == clf.n_iter_ < 300
    assert "val_loss" not in clf.history_
    assert clf.n_iter_ == stall_epoch(loss, 5, clf.tol)
    assert loss[clf.best_epoch_ - 1] == min(loss)
    # The network holds the best epoch's weights, not the last epoch's: they
    # are those of a fit stopped right there.
    best = Conv1DClassifier(
        **{**params, "epochs": clf.best_epoch_, "n_iter_no_change": None}
    ).fit(X, y)
    weights = zip(clf.model_.get_weights(), best.model_.get_weights(), strict=True)
    for got, want in weights:
        np.testing.assert_array_equal(got, want)
    # None runs every epoch.
    every = Conv1DClassifier(**{**params, "n_iter_no_change": None}).fit(X, y)
    assert every.n_iter_ == 300
    assert every.best_epoch_ is None


def test_early_stopping_needs_n_iter_no_change():
    X, y = make_sequences(n_samples=20)
    clf = Conv1DClassifier(**FAST, early_stopping=True, n_iter_no_change=None)
    with pytest.raises(ValueError, match="early_stopping=True needs n_iter_no_change"):
        clf.fit(X, y)


def test_validation_split_is_stratified_and_shuffled_on_sorted_labels():
    X, y = make_sequences(n_samples=100)
    order = np.argsort(y, kind="stable")
    X, y = X[order], y[order]  # Keras's validation_split would take only class 1
    clf = Conv1DClassifier(**FAST, early_stopping=True, validation_fraction=0.2)
    clf.fit(X, y)
    X3 = X[:, :, None]
    X_train, y_train, _, (X_val, y_val) = clf._split_validation(X3, y, None, 0)
    assert np.bincount(y_val).tolist() == [10, 10]
    assert np.bincount(y_train).tolist() == [40, 40]
    assert not np.array_equal(y_val, np.sort(y_val)) or len(set(y_val)) == 2


def test_validation_split_is_drawn_with_random_state():
    X, y = make_sequences(n_samples=60)
    params = {**FAST, "early_stopping": True}
    a = Conv1DClassifier(**params).fit(X, y).history_["val_loss"]
    b = Conv1DClassifier(**params).fit(X, y).history_["val_loss"]
    c = Conv1DClassifier(**{**params, "random_state": 1}).fit(X, y).history_
    assert a == b
    assert a != c["val_loss"]


def test_explicit_validation_set():
    X, y = make_sequences(n_samples=60)
    X_val, y_val = make_sequences(n_samples=20, seed=1)
    clf = Conv1DClassifier(**FAST).fit(X, y, X_val=X_val, y_val=y_val)
    assert len(clf.history_["val_loss"]) == FAST["epochs"]
    assert "val_accuracy" in clf.history_
    # Shuffled validation labels: the validation loss soon rises.
    y_val = np.random.RandomState(0).permutation(y_val)
    stopped = Conv1DClassifier(
        **{**FAST, "epochs": 100},
        early_stopping=True,
        n_iter_no_change=2,
        normalize=None,  # evaluated on the raw X_val below
        weight_averaging=None,
    ).fit(X, y, X_val=X_val, y_val=y_val)
    assert stopped.n_iter_ < 100
    # The network holds the weights of the best epoch, not of the last one.
    best_val_loss = stopped.history_["val_loss"][stopped.best_epoch_ - 1]
    val_loss = stopped.model_.evaluate(X_val[:, :, None], y_val, verbose=0)[0]
    assert val_loss == pytest.approx(best_val_loss, rel=1e-5)
    assert val_loss < stopped.history_["val_loss"][-1]


def test_validation_set_needs_both_halves():
    X, y = make_sequences(n_samples=20)
    with pytest.raises(ValueError, match="both X_val and y_val"):
        Conv1DClassifier(**FAST).fit(X, y, X_val=X)


def test_too_small_validation_split_is_a_clear_error():
    X, y = make_sequences(n_samples=10)
    clf = Conv1DClassifier(**FAST, early_stopping=True, validation_fraction=0.1)
    with pytest.raises(ValueError, match="early_stopping cannot hold out"):
        clf.fit(X, y)


@pytest.mark.parametrize(
    "params",
    [
        {"validation_fraction": 0.0},
        {"validation_fraction": 1.0},
        {"n_iter_no_change": 0},
        {"tol": -1.0},
        {"early_stopping": "yes"},
        {"steps_per_execution": 0},
        {"weight_averaging": 1.0},
        {"weight_averaging": -0.1},
    ],
)
def test_invalid_training_controls(params):
    X, y = make_sequences(n_samples=20)
    (name,) = params
    with pytest.raises(InvalidParameterError, match=f"'{name}' parameter"):
        Conv1DClassifier(**params).fit(X, y)


def test_sample_weight_and_class_weight_are_validated():
    X, y = make_sequences(n_samples=20)
    clf = Conv1DClassifier(**FAST)
    with pytest.raises(ValueError, match=r"sample_weight.shape == \(19,\)"):
        clf.fit(X, y, sample_weight=np.ones(19))
    with pytest.raises(ValueError, match="Negative values in data passed to"):
        clf.fit(X, y, sample_weight=-np.ones(20))
    with pytest.raises(ValueError, match="not in class_weight|not found in"):
        Conv1DClassifier(**FAST, class_weight={0: 1.0, 7: 2.0}).fit(X, y)


@pytest.mark.parametrize("normalize", ["dataset", "timestep", None])
def test_integer_weights_train_as_repeated_rows(normalize):
    # scikit-learn's meaning of a weight: 2 counts a row twice, 0 leaves it
    # out, whatever their scale. In one full batch that is the same loss and
    # the same input statistics, so the same network up to float32 rounding.
    X, y = make_sequences(n_samples=16, n_timesteps=20)
    X = X * np.float32(3.0) + np.float32(1.0)
    weights = np.random.default_rng(0).integers(0, 4, size=len(y))
    # With SGD the loss's scale is the step's: halved weights must not train
    # at another learning rate than the repeated rows.
    # No time shifts: they are drawn row by row, so a repeated row would get
    # other shifts than its weighted original.
    params = dict(FAST, epochs=20, batch_size=64, normalize=normalize, time_shift=0)
    params.update(optimizer="sgd", learning_rate=0.05)
    repeated = Conv1DClassifier(**params).fit(
        X.repeat(weights, axis=0), y.repeat(weights)
    )
    weighted = Conv1DClassifier(**params).fit(X, y, sample_weight=weights * 0.5)
    np.testing.assert_allclose(
        weighted.predict_proba(X), repeated.predict_proba(X), rtol=0, atol=1e-5
    )
    if normalize:
        np.testing.assert_allclose(weighted.input_mean_, repeated.input_mean_)
        np.testing.assert_allclose(weighted.input_scale_, repeated.input_scale_)


def test_balanced_class_weight_fits_imbalanced_data():
    X, y = make_sequences(n_samples=60)
    keep = np.r_[np.flatnonzero(y == 0), np.flatnonzero(y == 1)[:6]]
    clf = Conv1DClassifier(**FAST, class_weight="balanced").fit(X[keep], y[keep])
    plain = Conv1DClassifier(**FAST).fit(X[keep], y[keep])
    assert clf.predict_proba(X)[:, 1].mean() > plain.predict_proba(X)[:, 1].mean()


def test_callbacks_are_copied_not_mutated():
    X, y = make_sequences(n_samples=20)
    counter = EpochCounter()
    clf = Conv1DClassifier(**FAST, callbacks=[counter]).fit(X, y)
    assert counter.epochs_seen == 0  # the user's object is untouched
    assert clf._fit_callbacks[0].epochs_seen == FAST["epochs"]
    assert clf.callbacks[0] is counter
    assert clone(clf).callbacks[0] is not counter


def test_callbacks_work_in_grid_search():
    X, y = make_sequences(n_samples=30)
    clf = Conv1DClassifier(
        **FAST, callbacks=[keras.callbacks.ReduceLROnPlateau(monitor="loss")]
    )
    search = GridSearchCV(clf, {"filters": [4, 8]}, cv=2).fit(X, y)
    assert search.best_estimator_.n_iter_ == FAST["epochs"]


def test_non_callback_is_a_type_error():
    X, y = make_sequences(n_samples=20)
    with pytest.raises(TypeError, match="keras.callbacks.Callback instances"):
        Conv1DClassifier(**FAST, callbacks=["early_stopping"]).fit(X, y)


def test_partial_fit_trains_one_epoch_per_call():
    X, y = make_sequences(n_samples=40, n_classes=3)
    clf = Conv1DClassifier(**FAST)
    first = y < 2  # the first batch lacks class 2
    clf.partial_fit(X[first], y[first], classes=[0, 1, 2])
    np.testing.assert_array_equal(clf.classes_, [0, 1, 2])
    assert clf.model_.output_shape == (None, 3)
    model = clf.model_
    for _ in range(3):
        clf.partial_fit(X, y)
    assert clf.model_ is model
    assert len(clf.history_["loss"]) == 4
    assert clf.n_iter_ == 1
    assert clf.history_["loss"][-1] < clf.history_["loss"][0]


def test_partial_fit_rejects_undeclared_classes():
    X, y = make_sequences(n_samples=30, n_classes=3)
    with pytest.raises(ValueError, match=r"missing from classes=\[0, 1\]"):
        Conv1DClassifier(**FAST).partial_fit(X, y, classes=[0, 1])
    clf = Conv1DClassifier(**FAST).partial_fit(X[y < 2], y[y < 2])
    with pytest.raises(ValueError, match=r"labels \[2\] not seen in fit"):
        clf.partial_fit(X, y)


def test_verbose_one_shows_progress_and_zero_prints_nothing(capsys):
    X, y = make_sequences(n_samples=20)
    Conv1DClassifier(**FAST).fit(X, y).predict_proba(X)
    assert capsys.readouterr().out == ""
    Conv1DClassifier(**FAST, verbose=1).fit(X, y)
    out = capsys.readouterr().out
    assert "Epoch 5/5" in out
    assert "loss" in out


@pytest.mark.skipif(
    keras.backend.backend() == "torch", reason="steps_per_execution > 1 not on torch"
)
def test_steps_per_execution_trains_the_same_network():
    X, y = make_sequences(n_samples=50)  # 7 batches of 8: not a multiple of 4
    params = dict(filters=4, dense_units=8, epochs=3, batch_size=8, random_state=0)
    one = Conv1DClassifier(**params).fit(X, y)
    four = Conv1DClassifier(steps_per_execution=4, **params).fit(X, y)
    assert four.model_.steps_per_execution == 4
    assert len(four.history_["loss"]) == 3
    np.testing.assert_allclose(
        four.predict_proba(X), one.predict_proba(X), rtol=1e-5, atol=1e-6
    )


@pytest.mark.skipif(keras.backend.backend() != "torch", reason="torch only")
def test_steps_per_execution_on_torch_is_a_clear_error():
    X, y = make_sequences(n_samples=20)
    with pytest.raises(ValueError, match="steps_per_execution=4 needs the JAX"):
        Conv1DClassifier(steps_per_execution=4, epochs=1).fit(X, y)


class WeightRecorder(keras.callbacks.Callback):
    """Record the trainable weights after each epoch."""

    def on_train_begin(self, logs=None):
        self.weights = []

    def on_epoch_end(self, epoch, logs=None):
        self.weights.append(
            [
                np.array(keras.ops.convert_to_numpy(v))
                for v in self.model.trainable_weights
            ]
        )


@pytest.mark.parametrize("n_iter_no_change", [None, 2])
def test_weight_averaging_ends_on_the_moving_average_of_the_epochs(n_iter_no_change):
    # Training is the same; only the weights the fit ends on differ: the
    # moving average of each epoch's, in place of the last or best epoch's.
    X, y = make_sequences(n_samples=40)
    params = dict(FAST, epochs=12, n_iter_no_change=n_iter_no_change, tol=0.5)
    plain = Conv1DClassifier(**params, weight_averaging=None).fit(X, y)
    recorder = WeightRecorder()
    clf = Conv1DClassifier(**params, weight_averaging=0.8, callbacks=[recorder])
    clf.fit(X, y)
    assert clf.history_["loss"] == plain.history_["loss"]
    assert clf.best_epoch_ == plain.best_epoch_
    recorded = clf._fit_callbacks[0].weights
    assert len(recorded) == clf.n_iter_
    average = recorded[0]
    for k, weights in enumerate(recorded[1:], start=1):
        m = min(0.8, (1 + k) / (10 + k))
        average = [m * a + (1 - m) * w for a, w in zip(average, weights, strict=True)]
    final = [keras.ops.convert_to_numpy(v) for v in clf.model_.trainable_weights]
    for got, expected in zip(final, average, strict=True):
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-7)
    assert not np.allclose(clf.predict_proba(X), plain.predict_proba(X))


def test_weight_averaging_leaves_out_the_epochs_from_a_divergence_on():
    # A loss that overflows leaves non-finite weights: the average keeps the
    # epochs before, rather than spreading them to the whole network.
    X, y = make_sequences(n_samples=20)
    clf = Conv1DClassifier(**FAST).fit(X, y)
    before = [np.array(v) for v in clf.model_.get_weights()]
    averager = WeightAverage(0.9)
    averager.set_model(clf.model_)
    averager.on_train_begin()
    averager.on_epoch_end(0)
    clf.model_.set_weights([np.full_like(w, np.nan) for w in before])
    averager.on_epoch_end(1)
    averager.on_train_end()
    for got, want in zip(clf.model_.get_weights(), before, strict=True):
        np.testing.assert_array_equal(got, want)


def test_stopping_on_the_training_loss_keeps_settled_batch_norm_statistics():
    # The training loss of a ResNet is near zero within a few epochs and then
    # creeps down by less than tol. Restoring the first epoch within tol of
    # the lowest loss (Keras's EarlyStopping) brought back its batch
    # normalisation statistics, not yet settled, and the network predicted
    # its own training data at chance (0.5). The lowest epoch's weights are
    # kept instead, as in scikit-learn's MLP; even so, on PyTorch, the moving
    # averages of that epoch (2 steps per epoch) still lagged its weights and
    # scored 0.5, until the statistics were computed again after training.
    X, y = make_sequences(n_samples=24)
    clf = Conv1DClassifier(random_state=0).set_params(**ARCHITECTURES["resnet"])
    clf.fit(X, y)
    assert clf.best_epoch_ > clf.n_iter_ - clf.n_iter_no_change
    assert clf.score(X, y) == 1.0


def test_batch_norm_momentum_leaves_the_fitted_network_unchanged():
    # The moving statistics are replaced by the training data's after fit:
    # the momentum that kept them during training no longer shows.
    X, y = make_sequences(n_samples=40)
    probas = [
        Conv1DClassifier(
            batch_norm=True, batch_norm_momentum=momentum, epochs=3, random_state=0
        )
        .fit(X, y)
        .predict_proba(X)
        for momentum in (0.5, 0.99)
    ]
    np.testing.assert_allclose(*probas, rtol=1e-6)


def test_partial_fit_keeps_the_moving_averages_across_calls():
    # A stream's chunks are not the whole data: partial_fit leaves the moving
    # averages (and so the momentum) in charge, as Keras keeps them.
    X, y = make_sequences(n_samples=40)
    probas = [
        Conv1DClassifier(batch_norm=True, batch_norm_momentum=momentum, random_state=0)
        .partial_fit(X, y)
        .predict_proba(X)
        for momentum in (0.5, 0.99)
    ]
    assert not np.allclose(*probas, atol=1e-3)


def test_recomputing_the_statistics_leaves_dropout_seeds_and_repeats_exactly():
    X, y = make_sequences(n_samples=40)
    clf = Conv1DClassifier(batch_norm=True, dropout=0.3, epochs=2, random_state=0).fit(
        X, y
    )
    variables = clf.model_.non_trainable_variables  # statistics and seed states
    before = [keras.ops.convert_to_numpy(v) for v in variables]
    settle_batch_norm(clf.model_, clf._validate_data(X)[0], clf.batch_size)
    after = [keras.ops.convert_to_numpy(v) for v in variables]
    for old, new in zip(before, after, strict=True):
        np.testing.assert_allclose(new, old, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("n_samples", [40, 600])
def test_batch_norm_statistics_are_those_of_the_training_data(n_samples):
    # After training, each BatchNormalization layer holds the mean and
    # variance of its input over the training rows, for the final weights,
    # not a moving average that lags them (600 rows: in several chunks).
    X, y = make_sequences(n_samples=n_samples, n_timesteps=20)
    clf = Conv1DClassifier(
        batch_norm=True, filters=(8, 8), epochs=3, random_state=0
    ).fit(X, y)
    model = clf.model_
    norms = [
        layer
        for layer in model.layers
        if isinstance(layer, keras.layers.BatchNormalization)
    ]
    assert len(norms) == 2
    inputs = keras.Model(model.input, [layer.input for layer in norms])
    X_net, _ = clf._validate_data(X)
    hidden = inputs.predict(X_net, verbose=0)
    # The first layer's input is the same in training mode: its statistics
    # are exact. The second's, in training mode, was normalised by each
    # chunk's statistics (256 rows) rather than the whole data's: close.
    for layer, h, rtol in zip(norms, hidden, (1e-4, 2e-2), strict=True):
        h = h.reshape(-1, h.shape[-1])
        moving_mean = keras.ops.convert_to_numpy(layer.moving_mean)
        moving_variance = keras.ops.convert_to_numpy(layer.moving_variance)
        np.testing.assert_allclose(moving_mean, h.mean(axis=0), rtol=rtol, atol=1e-4)
        np.testing.assert_allclose(moving_variance, h.var(axis=0), rtol=rtol, atol=1e-4)
