"""``time_shift``: sequences shifted at random in training, as given at inference."""

import keras
import numpy as np
import pytest
from sequence_data import make_sequences

from sklearn_conv1d import Conv1DClassifier, Conv1DRegressor, load, save
from sklearn_conv1d._augment import RandomTimeShift

FAST = dict(filters=8, dense_units=16, epochs=3, random_state=0)


def test_layer_shifts_each_training_sequence_and_repeats_its_ends():
    n_samples, n_timesteps = 64, 21
    X = np.tile(np.arange(n_timesteps, dtype=np.float32)[:, None], (n_samples, 1, 2))
    X[:, :, 1] *= -1
    layer = RandomTimeShift(0.25, seed=0)
    shifted = keras.ops.convert_to_numpy(layer(X, training=True))
    reach = round(0.25 * (n_timesteps - 1))  # 5 timesteps either way
    shifts = []
    for row in shifted:
        shift = int(row[reach, 0]) - reach  # the value read at timestep `reach`
        source = np.clip(np.arange(n_timesteps) + shift, 0, n_timesteps - 1)
        np.testing.assert_array_equal(row[:, 0], source)
        np.testing.assert_array_equal(row[:, 1], -source)
        shifts.append(shift)
    assert set(shifts) == set(range(-reach, reach + 1))  # each shift, both ways
    # A shorter sequence, padded with zeros, shifts within its own length
    # (10 timesteps: 2 either way), and its padding stays padding.
    short = X.copy()
    short[:, 10:] = 0.0
    out = keras.ops.convert_to_numpy(layer(short, training=True))
    np.testing.assert_array_equal(out[:, 10:], 0.0)
    shifts = out[:, 2, 0] - 2
    assert set(shifts) == {-2, -1, 0, 1, 2}
    for row, shift in zip(out, shifts, strict=True):
        np.testing.assert_array_equal(row[:10, 0], np.clip(np.arange(10) + shift, 0, 9))
    # The next batch draws anew; inference reads the sequences as given.
    assert not np.array_equal(layer(X, training=True), shifted)
    np.testing.assert_array_equal(layer(X, training=False), X)
    np.testing.assert_array_equal(layer(X), X)


def test_same_seed_same_shifts_and_the_initial_weights_of_the_plain_network():
    X, y = make_sequences(n_samples=40, n_timesteps=30)
    first = Conv1DClassifier(time_shift=0.2, **FAST).fit(X, y)
    again = Conv1DClassifier(time_shift=0.2, **FAST).fit(X, y)
    plain = Conv1DClassifier(**FAST, time_shift=0).fit(X, y)
    np.testing.assert_array_equal(first.predict_proba(X), again.predict_proba(X))
    assert not np.allclose(first.predict_proba(X), plain.predict_proba(X))
    assert isinstance(first.model_.layers[1], RandomTimeShift)
    assert not any(isinstance(layer, RandomTimeShift) for layer in plain.model_.layers)
    # Only the shifts differ: both networks started from the same weights.
    untrained = [
        Conv1DClassifier(**FAST, time_shift=shift).set_params(epochs=1)
        for shift in (0.0, 0.2)
    ]
    for clf in untrained:
        clf.set_params(learning_rate=1e-12).fit(X, y)
    for a, b in zip(*(clf.model_.get_weights() for clf in untrained), strict=True):
        if a.shape == b.shape and a.ndim > 1:  # kernels, not the seed states
            np.testing.assert_allclose(a, b, atol=1e-9)


def test_predictions_are_deterministic_and_survive_save_load(tmp_path):
    X, y = make_sequences(n_samples=40, n_timesteps=30)
    clf = Conv1DRegressor(time_shift=0.1, **FAST).fit(X, y.astype(float))
    np.testing.assert_array_equal(clf.predict(X), clf.predict(X))
    loaded = load(save(clf, tmp_path / "reg.skconv1d"))
    np.testing.assert_array_equal(loaded.predict(X), clf.predict(X))
    # The generator's state is saved too: training on continues alike.
    for estimator in (clf, loaded):
        estimator.set_params(warm_start=True).fit(X, y.astype(float))
    np.testing.assert_array_equal(loaded.predict(X), clf.predict(X))


@pytest.mark.parametrize("time_shift", [-0.1, 1.0, "0.1"])
def test_invalid_time_shift_is_refused(time_shift):
    X, y = make_sequences(n_samples=20)
    with pytest.raises(ValueError, match="time_shift"):
        Conv1DClassifier(time_shift=time_shift, **FAST).fit(X, y)
