"""Residual, dilated and separable networks, the named ARCHITECTURES (each a
network and its training recipe), and the training options of the accuracy
recipe (learning rate on plateaus, input normalisation)."""

import pickle

import keras
import numpy as np
import pytest
from sequence_data import make_sequences
from sklearn.model_selection import GridSearchCV
from sklearn.preprocessing import StandardScaler

from sklearn_conv1d import (
    ARCHITECTURES,
    Conv1DClassifier,
    Conv1DRegressor,
    architecture_grid,
    load,
    save,
)
from sklearn_conv1d._architectures import _KEYS, _RECIPE_KEYS
from sklearn_conv1d._network import HYPERPARAMETERS

# One network: these read the layers of a single network ("inception_small"
# averages up to three; its whole recipe trains in the test below).
FAST = dict(epochs=1, batch_size=16, n_networks=1, random_state=0)


def layer_types(model):
    return [type(layer).__name__ for layer in model.layers]


@pytest.fixture(scope="module")
def data():
    return make_sequences(n_samples=24, n_timesteps=48, n_channels=2, n_classes=3)


@pytest.fixture(scope="module")
def classifiers(data):
    X, y = data
    return {
        name: Conv1DClassifier(**params).set_params(**FAST).fit(X, y)
        for name, params in ARCHITECTURES.items()
    }


def test_every_entry_sets_the_network_and_its_recipe():
    assert set(_KEYS) <= set(HYPERPARAMETERS)  # the network's parameters
    assert not set(_KEYS) & set(_RECIPE_KEYS)
    defaults = Conv1DClassifier().get_params()
    for name, params in ARCHITECTURES.items():
        assert list(params) == [*_KEYS, *_RECIPE_KEYS], name
        # Whatever the estimator held before, the entry defines it all.
        held = {key: defaults[key] for key in params}
        held.update(epochs=3, batch_size=7, normalize="series", dropout=0.5)
        held.update(timestep_budget=100, budget_step_cost=500)
        held.update(n_iter_no_change=2, tol=0.5, learning_rate=0.1, residual=1)
        clf = Conv1DClassifier(**held).set_params(**params)
        assert {key: clf.get_params()[key] for key in params} == dict(params)
        with pytest.raises(TypeError):
            params["epochs"] = 1  # read-only
    # The seed entry is the defaults; the others carry a recipe of their own.
    keys = _KEYS + _RECIPE_KEYS
    assert dict(ARCHITECTURES["seed"]) == {key: defaults[key] for key in keys}
    for name in ("fcn", "fcn_pooled", "resnet", "inception", "inception_small", "lite"):
        recipe = {key: ARCHITECTURES[name][key] for key in _RECIPE_KEYS}
        assert recipe != {key: defaults[key] for key in _RECIPE_KEYS}, name
    # An entry sets epochs: override it after unpacking, not next to it.
    with pytest.raises(TypeError, match="epochs"):
        Conv1DClassifier(**ARCHITECTURES["fcn"], epochs=10)
    clf = Conv1DClassifier(**ARCHITECTURES["fcn"]).set_params(epochs=10)
    assert clf.epochs == 10 and clf.normalize == ARCHITECTURES["fcn"]["normalize"]


@pytest.mark.parametrize("name", sorted(ARCHITECTURES))
def test_every_named_configuration_trains_with_its_recipe_and_round_trips(
    name, tmp_path
):
    # The whole recipe, as documented: no epoch cap (each fit took 2-5 s here).
    X, y = make_sequences(n_samples=24, n_timesteps=32)
    params = ARCHITECTURES[name]
    clf = Conv1DClassifier(**params, random_state=0).fit(X, y)
    # Small data: the budget affords every network the recipe asks for.
    assert clf.n_networks_ == params["n_networks"]
    assert 1 <= clf.n_iter_ <= params["epochs"] * clf.n_networks_
    assert len(clf.history_["loss"]) == clf.n_iter_
    assert ("learning_rate" in clf.history_) == (
        params["reduce_lr_patience"] is not None
    )
    assert clf.predict(X).shape == y.shape
    expected = clf.predict_proba(X)
    for loaded in (
        load(save(clf, tmp_path / f"{name}.zip")),
        pickle.loads(pickle.dumps(clf)),
    ):
        np.testing.assert_array_equal(loaded.predict_proba(X), expected)
        loaded_params = loaded.get_params()
        assert {key: loaded_params[key] for key in params} == dict(params)
        assert loaded_params["random_state"] == 0


@pytest.mark.parametrize("name", sorted(ARCHITECTURES))
def test_every_named_architecture_builds_fits_and_round_trips(
    name, data, classifiers, tmp_path
):
    X, y = data
    params = ARCHITECTURES[name]
    clf = classifiers[name]
    reg = Conv1DRegressor(**params).set_params(**FAST).fit(X, y.astype(float))
    for estimator in (clf, reg):
        expected = estimator.predict(X)
        loaded = load(save(estimator, tmp_path / f"{name}.zip"))
        np.testing.assert_array_equal(loaded.predict(X), expected)
        copied = pickle.loads(pickle.dumps(estimator))
        np.testing.assert_array_equal(copied.predict(X), expected)


def test_named_architectures_are_what_their_names_say(classifiers):
    built = {name: clf.model_ for name, clf in classifiers.items()}
    assert layer_types(built["seed"]).count("Flatten") == 1
    resnet = layer_types(built["resnet"])
    # 2 channels -> 64 and 64 -> 128: two 1x1 shortcuts, the middle one identity.
    assert resnet.count("Add") == 3 and resnet.count("Conv1D") == 9 + 2
    lite = built["lite"]
    separable = [
        layer
        for layer in lite.layers
        if isinstance(layer, keras.layers.SeparableConv1D)
    ]
    assert [layer.dilation_rate for layer in separable] == [(1,), (2,), (4,)]
    assert lite.count_params() < built["fcn"].count_params() / 50
    inception = layer_types(built["inception"])
    assert inception.count("Concatenate") == 6 and inception.count("Add") == 2
    # The pooled FCN: the FCN's layers and weights, a pooling after each conv.
    fcn, pooled = layer_types(built["fcn"]), layer_types(built["fcn_pooled"])
    assert fcn.count("MaxPooling1D") == 0 and pooled.count("MaxPooling1D") == 3
    assert [t for t in pooled if t != "MaxPooling1D"] == fcn
    assert built["fcn_pooled"].count_params() == built["fcn"].count_params()
    with pytest.raises(KeyError, match=r"No architecture named 'vgg'.*'resnet'"):
        ARCHITECTURES["vgg"]


def test_grid_search_over_named_architectures():
    X, y = make_sequences(n_samples=30, n_timesteps=48)
    grid = architecture_grid("seed", "lite")
    assert len(grid) == 2 and grid[1]["separable"] == [True]
    assert grid[1]["timestep_budget"] == [20_000_000] and grid[1]["batch_size"] == [16]
    # A key of the entry added to a point overrides its recipe there.
    grid[0]["epochs"], grid[1]["epochs"] = [2], [3]
    base = Conv1DClassifier(
        **{**ARCHITECTURES["seed"], "residual": 1, "normalize": None}
    ).set_params(**FAST, timestep_budget=5)  # one epoch, were it left over
    search = GridSearchCV(base, grid, cv=2).fit(X, y)
    results = search.cv_results_
    # Each point fully defines its network and its training: the base's
    # residual, normalize, timestep_budget and batch_size are not left over.
    assert results["param_residual"].tolist() == [None, None]
    assert results["param_normalize"].tolist() == ["dataset", "dataset"]
    assert results["param_timestep_budget"].tolist() == [None, 20_000_000]
    assert results["param_batch_size"].tolist() == [32, 16]
    assert results["param_reduce_lr_patience"].tolist() == [None, 20]
    assert results["param_epochs"].tolist() == [2, 3]
    best = search.best_estimator_
    assert best.residual is None
    assert best.n_iter_ == best.epochs == (3 if best.separable else 2)
    with pytest.raises(KeyError, match="named architectures"):
        architecture_grid("nope")


def test_inception_modules_are_those_of_inception_time():
    X, y = make_sequences(n_samples=24, n_timesteps=32)
    clf = Conv1DClassifier(
        filters=(4, 4), kernel_size=12, inception=True, residual=2, **FAST
    ).fit(X, y)
    model = clf.model_
    convs = [
        layer
        for layer in model.layers
        if isinstance(layer, keras.layers.Conv1D) and layer.kernel_size[0] > 1
    ]
    # Kernels k, k // 2, k // 4 in each module, on a 4-filter bottleneck
    # except in the first module, whose input has one channel.
    assert [layer.kernel_size[0] for layer in convs] == [12, 6, 3] * 2
    assert [layer.input.shape[-1] for layer in convs] == [1] * 3 + [4] * 3
    concats = [
        layer for layer in model.layers if isinstance(layer, keras.layers.Concatenate)
    ]
    assert [layer.output.shape[-1] for layer in concats] == [16, 16]
    # One residual block: its 1 -> 16 channel shortcut is a 1x1 convolution.
    assert layer_types(model).count("Add") == 1
    np.testing.assert_array_equal(
        clf.predict_proba(X),
        Conv1DClassifier(**clf.get_params()).fit(X, y).predict_proba(X),
    )


def test_residual_blocks_match_channels_and_stay_reproducible():
    X, y = make_sequences(n_samples=24, n_timesteps=32)
    params = dict(filters=(8, 8, 16, 16), residual=2, batch_norm=False, **FAST)
    a = Conv1DClassifier(**params).fit(X, y)
    b = Conv1DClassifier(**params).fit(X, y)
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))
    types = layer_types(a.model_)
    # The channels change in both blocks (1 -> 8, 8 -> 16): two 1x1 shortcuts.
    assert types.count("Add") == 2 and types.count("Conv1D") == 4 + 2
    pooled = Conv1DClassifier(**{**params, "pool_size": 2}).fit(X, y).model_
    assert layer_types(pooled).count("MaxPooling1D") == 2  # after each block


@pytest.mark.parametrize(
    "params, message",
    [
        (dict(filters=(8, 8, 8), residual=2), "multiple of 2"),
        (dict(filters=(8, 8), residual=2, padding="valid"), "padding='same'"),
        (dict(separable=True, padding="causal"), "no causal padding"),
        (dict(inception=True, padding="valid"), "inception=True, not 'valid'"),
        (dict(inception=True, padding="causal"), "inception=True, not 'causal'"),
        (dict(kernel_size=9, dilation_rate=4, padding="valid"), r"spanning 33"),
        (dict(filters=(8, 8), dilation_rate=(1, 2, 4)), "dilation_rate"),
        (dict(dilation_rate=(0,)), "positive int"),
    ],
)
def test_incompatible_architectures_fail_before_the_network_is_built(params, message):
    X, y = make_sequences(n_samples=20, n_timesteps=20)
    with pytest.raises(ValueError, match=message):
        Conv1DClassifier(**params, **FAST).fit(X, y)


def test_learning_rate_is_halved_on_a_training_loss_plateau():
    X, y = make_sequences(n_samples=32)
    # A learning rate this small leaves the loss flat (it moves ~1e-6 per
    # epoch, below Keras's min_delta of 1e-4): every epoch is a plateau.
    # No time shifts: their draws would move the loss by more.
    clf = Conv1DClassifier(
        learning_rate=1e-8, reduce_lr_patience=1, epochs=6, time_shift=0, random_state=0
    ).fit(X, y)
    rates = clf.history_["learning_rate"]
    assert rates[0] == pytest.approx(1e-8)
    assert pytest.approx(5e-9) in rates  # halved
    assert all(b <= a for a, b in zip(rates, rates[1:], strict=False))
    final = float(keras.ops.convert_to_numpy(clf.model_.optimizer.learning_rate))
    assert final == pytest.approx(1e-9)  # down to a tenth, no further
    history = clf.history_
    del clf  # its network goes back to the pool, with the rate put back
    again = Conv1DClassifier(
        learning_rate=1e-8, reduce_lr_patience=1, epochs=6, time_shift=0, random_state=0
    ).fit(X, y)
    assert again.history_ == history
    constant = Conv1DClassifier(epochs=2, random_state=0).fit(X, y)
    assert "learning_rate" not in constant.history_


def test_series_normalisation_is_per_sequence_and_before_padding():
    X, y = make_sequences(n_samples=30, n_timesteps=24, n_channels=2)
    params = dict(normalize="series", epochs=2, random_state=0)
    clf = Conv1DClassifier(**params).fit(X, y)
    # Invariant to each series' level and scale, per channel.
    scale = np.array([3.0, 0.5], dtype=np.float32)
    shifted = X * scale + np.float32(5.0)
    np.testing.assert_allclose(
        clf.predict_proba(shifted), clf.predict_proba(X), rtol=1e-4, atol=1e-5
    )
    # Unequal lengths: each sequence normalised over its own timesteps, then
    # padded with zeros (its mean), as if the user had done it by hand.
    ragged = [x[: 12 + i % 12] for i, x in enumerate(X)]
    by_hand = [((x - x.mean(0)) / x.std(0)).astype(np.float32) for x in ragged]
    auto = Conv1DClassifier(**params).fit(ragged, y)
    manual = Conv1DClassifier(epochs=2, normalize=None, random_state=0)
    manual.fit(by_hand, y)
    np.testing.assert_allclose(
        auto.predict_proba(ragged), manual.predict_proba(by_hand), atol=1e-5
    )


def _assert_standardised_as_by_hand(clf, X, y, tmp_path):
    """``clf`` fits and predicts as a fit on ``X`` standardised by hand with its
    statistics would, and ``save``/``load`` keeps them."""
    by_hand = ((X - clf.input_mean_) / clf.input_scale_).astype(np.float32)
    manual = Conv1DClassifier(epochs=2, normalize=None, random_state=0)
    manual.fit(by_hand, y)
    np.testing.assert_allclose(
        clf.predict_proba(X[:5]), manual.predict_proba(by_hand[:5]), atol=1e-5
    )
    loaded = load(save(clf, tmp_path / "clf.skconv1d"))
    np.testing.assert_array_equal(loaded.input_mean_, clf.input_mean_)
    np.testing.assert_array_equal(loaded.input_scale_, clf.input_scale_)
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))


def test_dataset_normalisation_standardises_each_channel_with_fit_statistics(
    tmp_path,
):
    X, y = make_sequences(n_samples=30, n_timesteps=24, n_channels=3)
    # Channels in other units and levels; the last one constant.
    X = X * np.float32([1000.0, 0.001, 1.0]) + np.float32([500.0, -3.0, 0.0])
    X[:, :, 2] = 7.0
    params = dict(normalize="dataset", epochs=2, random_state=0)
    clf = Conv1DClassifier(**params).fit(X, y)
    mean, std = X.mean(axis=(0, 1), dtype=np.float64), X.std(axis=(0, 1))
    np.testing.assert_allclose(clf.input_mean_, mean, rtol=1e-6)
    np.testing.assert_allclose(clf.input_scale_, [*std[:2], 1.0], rtol=1e-5)
    # As if the user had standardised the training set by hand, at predict
    # too. The statistics are fitted state: kept by save/load, dropped by a
    # refit without them, and not refitted by partial_fit.
    _assert_standardised_as_by_hand(clf, X, y, tmp_path)
    streamed = Conv1DClassifier(normalize="dataset", random_state=0)
    streamed.partial_fit(X, y).partial_fit(X * 2, y)
    np.testing.assert_allclose(streamed.input_mean_, mean, rtol=1e-6)
    clf.set_params(normalize=None).fit(X, y)
    assert not hasattr(clf, "input_mean_") and not hasattr(clf, "input_scale_")


def test_dataset_normalisation_keeps_float64_precision_and_exact_constants():
    X, y = make_sequences(n_samples=30, n_timesteps=24, n_channels=2)
    params = dict(normalize="dataset", epochs=2, random_state=0)
    reference = Conv1DClassifier(**params).fit(X, y)
    # A large offset against a small variation: float32 (spacing 0.06 at 1e6)
    # would round the variation away before standardising; float64 keeps it.
    offset = 1e6 + X.astype(np.float64) * 1e-3
    clf = Conv1DClassifier(**params).fit(offset, y)
    np.testing.assert_allclose(
        clf.predict_proba(offset), reference.predict_proba(X), atol=1e-4
    )
    # A constant channel stays constant (scale 1) under fractional weights,
    # whose weighted variance of it is rounding, not zero.
    X[:, :, 1] = 0.1
    weights = np.random.RandomState(0).uniform(0.1, 1.0, size=len(y))
    weighted = Conv1DClassifier(**params).fit(X, y, sample_weight=weights)
    assert weighted.input_scale_[1] == 1.0


def test_timestep_normalisation_is_a_standard_scaler_of_each_timestep(tmp_path):
    X, y = make_sequences(n_samples=30, n_timesteps=24, n_channels=2)
    # A mean sequence and a scale that vary along time; one constant timestep.
    X = X * np.linspace(1, 50, 24, dtype=np.float32)[:, None] + np.float32(
        np.sin(np.arange(24) / 3.0)[:, None] * 100
    )
    X[:, 5, 0] = 2.5
    params = dict(normalize="timestep", epochs=2, random_state=0)
    clf = Conv1DClassifier(**params).fit(X, y)
    flat = StandardScaler().fit(X.reshape(len(X), -1).astype(np.float64))
    np.testing.assert_allclose(clf.input_mean_, flat.mean_.reshape(24, 2), rtol=1e-6)
    np.testing.assert_allclose(clf.input_scale_, flat.scale_.reshape(24, 2), rtol=1e-5)
    assert clf.input_scale_[5, 0] == 1.0
    # As if the user had put a StandardScaler of each timestep before it.
    _assert_standardised_as_by_hand(clf, X, y, tmp_path)


def test_timestep_normalisation_of_unequal_lengths():
    X, y = make_sequences(n_samples=30, n_timesteps=24, n_channels=2)
    X = X * np.float32(40.0) + np.float32(9.0)
    ragged = [x[: 12 + i % 13] for i, x in enumerate(X)]
    params = dict(global_pooling="avg", dense_units=None, epochs=2, random_state=0)
    clf = Conv1DClassifier(normalize="timestep", **params).fit(ragged, y)
    # Each timestep's statistics come from the sequences that reach it.
    for t in (0, 12, 20, 23):
        reaching = np.array([x[t] for x in ragged if len(x) > t])
        np.testing.assert_allclose(clf.input_mean_[t], reaching.mean(0), rtol=1e-5)
        np.testing.assert_allclose(clf.input_scale_[t], reaching.std(0), rtol=1e-5)
    # Each sequence standardised, then padded with zeros (the mean sequence).
    by_hand = [
        (x - clf.input_mean_[: len(x)]) / clf.input_scale_[: len(x)] for x in ragged
    ]
    manual = Conv1DClassifier(normalize=None, **params).fit(by_hand, y)
    np.testing.assert_allclose(
        clf.predict_proba(ragged), manual.predict_proba(by_hand), atol=1e-5
    )
    # There are no statistics for timesteps past those of fit.
    with pytest.raises(ValueError, match="longer than the 24 seen in fit.*'dataset'"):
        clf.predict([np.concatenate([X[0], X[1]])])


@pytest.mark.parametrize(
    "fitted, changed",
    [
        ("dataset", None),
        (None, "dataset"),
        ("timestep", "dataset"),
        ("dataset", "timestep"),
        ("series", "timestep"),
    ],
)
def test_normalize_changed_after_fit_is_refused_until_refit(fitted, changed):
    X, y = make_sequences(n_samples=30, n_timesteps=24, n_channels=2)
    clf = Conv1DClassifier(normalize=fitted, epochs=1, random_state=0).fit(X, y)
    clf.set_params(normalize=changed)
    with pytest.raises(ValueError, match="fitted with normalize=.*refit"):
        clf.predict(X)
    with pytest.raises(ValueError, match="fitted with normalize=.*refit"):
        clf.set_params(warm_start=True).fit(X, y)
    with pytest.raises(ValueError, match="fitted with normalize=.*refit"):
        clf.partial_fit(X, y)
    clf.set_params(warm_start=False).fit(X, y)  # a refit takes the new value
    assert hasattr(clf, "input_mean_") == (changed in ("dataset", "timestep"))
    assert clf.predict(X).shape == y.shape


def test_dataset_normalisation_of_unequal_lengths_leaves_padding_out():
    X, y = make_sequences(n_samples=30, n_timesteps=24, n_channels=2)
    X = X * np.float32(40.0) + np.float32(9.0)
    ragged = [x[: 12 + i % 13] for i, x in enumerate(X)]
    params = dict(global_pooling="avg", dense_units=None, epochs=2, random_state=0)
    clf = Conv1DClassifier(normalize="dataset", **params).fit(ragged, y)
    timesteps = np.concatenate(ragged)
    np.testing.assert_allclose(clf.input_mean_, timesteps.mean(0), rtol=1e-5)
    np.testing.assert_allclose(clf.input_scale_, timesteps.std(0), rtol=1e-5)
    # Each sequence standardised, then padded with zeros (the data's mean).
    by_hand = [((x - timesteps.mean(0)) / timesteps.std(0)) for x in ragged]
    manual = Conv1DClassifier(normalize=None, **params).fit(by_hand, y)
    # A sequence longer than those of fit is read whole, standardised alike.
    longer = [np.concatenate([X[0], X[1]])]
    longer_by_hand = [(longer[0] - timesteps.mean(0)) / timesteps.std(0)]
    np.testing.assert_allclose(
        clf.predict_proba(ragged + longer),
        manual.predict_proba(by_hand + longer_by_hand),
        atol=1e-5,
    )


def test_series_normalisation_edge_cases():
    X, y = make_sequences(n_samples=20, n_timesteps=16)
    constant = np.full((20, 16), 0.1)  # float64: std is not exactly 0
    clf = Conv1DClassifier(normalize="series", **FAST).fit(X, y)
    np.testing.assert_array_equal(
        clf.predict_proba(constant), clf.predict_proba(list(constant))
    )
    with pytest.raises(ValueError, match="complex"):
        Conv1DClassifier(normalize="series", **FAST).fit(
            [x.astype(complex) for x in X], y
        )
