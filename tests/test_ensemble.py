"""n_networks: several networks trained from their own seeds, averaged."""

import pickle

import numpy as np
import pytest
from sequence_data import make_sequences
from sklearn.base import clone

from sklearn_conv1d import (
    ARCHITECTURES,
    Conv1DClassifier,
    Conv1DRegressor,
    class_activation_map,
    load,
    save,
)
from sklearn_conv1d._budget import epoch_cost
from sklearn_conv1d._model_pool import POOL
from sklearn_conv1d._random import network_seed

TINY = dict(filters=4, dense_units=8, epochs=3, n_iter_no_change=None, random_state=3)
# The ensemble averages in float32 inside the network, the test in float64.
ATOL = 1e-6


@pytest.fixture(scope="module")
def data():
    return make_sequences(n_samples=40, n_timesteps=16, n_channels=2, n_classes=3)


@pytest.fixture(scope="module")
def ensemble(data):
    X, y = data
    return Conv1DClassifier(**TINY, n_networks=3).fit(X, y)


def single(estimator, index):
    """The fit of one network, seeded as network ``index`` of ``estimator``'s."""
    seed = network_seed(estimator.random_state, index)
    return clone(estimator).set_params(n_networks=1, random_state=seed)


def test_an_ensemble_averages_the_fits_of_its_networks_seeds(data, ensemble):
    X, y = data
    fits = [single(ensemble, i).fit(X, y) for i in range(3)]
    assert ensemble.n_networks_ == 3
    expected = np.mean([fit.predict_proba(X) for fit in fits], axis=0)
    np.testing.assert_allclose(ensemble.predict_proba(X), expected, rtol=0, atol=ATOL)
    # The first network is the fit of random_state itself.
    assert network_seed(3, 0) == 3
    # The networks differ: an average of one network three times would not.
    assert not np.allclose(fits[0].predict_proba(X), fits[1].predict_proba(X))
    assert ensemble.n_iter_ == 3 * TINY["epochs"] == len(ensemble.history_["loss"])
    assert ensemble.history_["loss"] == sum((fit.history_["loss"] for fit in fits), [])
    assert ensemble.best_epoch_ is None


@pytest.mark.parametrize("validation", ["split", "given"])
def test_early_stopping_networks_train_as_their_own_fits(data, validation):
    # Each network holds out its own split, drawn from its own seed.
    X, y = data
    params = dict(TINY, epochs=6, early_stopping=True, n_iter_no_change=2)
    given = dict(X_val=X[:10], y_val=y[:10]) if validation == "given" else {}
    ens = Conv1DClassifier(**params, n_networks=2).fit(X, y, **given)
    fits = [single(ens, i).fit(X, y, **given) for i in range(2)]
    expected = np.mean([fit.predict_proba(X) for fit in fits], axis=0)
    np.testing.assert_allclose(ens.predict_proba(X), expected, rtol=0, atol=ATOL)
    assert ens.history_["val_loss"] == sum(
        (fit.history_["val_loss"] for fit in fits), []
    )


def test_a_first_fit_with_warm_start_trains_every_network(data):
    X, y = data
    ens = Conv1DClassifier(**TINY, n_networks=2, warm_start=True).fit(X, y)
    assert ens.n_networks_ == 2 and ens.model_.name == "ensemble"


def test_refits_of_an_ensemble_reuse_pooled_networks(data):
    X, y = data
    enabled, POOL.enabled = POOL.enabled, True
    try:
        clf = Conv1DClassifier(**TINY, n_networks=2)
        clf.fit(X, y)  # builds or takes two networks, released once copied
        reused, built = POOL.n_reused, POOL.n_built
        for _ in range(3):
            clf.fit(X, y)
        assert POOL.n_reused == reused + 6 and POOL.n_built == built
    finally:
        POOL.enabled = enabled


def test_a_regressor_ensemble_averages_its_networks(data):
    X, y = data
    target = X[:, :4, 0].mean(axis=1)
    reg = Conv1DRegressor(**TINY, n_networks=2).fit(X, target)
    fits = [single(reg, i).fit(X, target) for i in range(2)]
    expected = np.mean([fit.predict(X) for fit in fits], axis=0)
    np.testing.assert_allclose(reg.predict(X), expected, rtol=0, atol=ATOL)


def test_one_network_is_the_fit_it_was(data):
    X, y = data
    one = Conv1DClassifier(**TINY).fit(X, y)
    assert one.n_networks_ == 1 and one.model_.name != "ensemble"
    assert one.best_epoch_ is None  # n_iter_no_change=None
    np.testing.assert_array_equal(
        Conv1DClassifier(**TINY, n_networks=1).fit(X, y).predict_proba(X),
        one.predict_proba(X),
    )


def test_the_budget_is_shared_between_networks(data):
    X, y = data
    cost = TINY["epochs"] * epoch_cost((len(X), X.shape[1]), 32, 100)
    params = dict(TINY, n_networks=3, budget_step_cost=100)
    # Twice a network's full epochs: two networks, each with all its epochs.
    two = Conv1DClassifier(**params, timestep_budget=2 * cost + 1).fit(X, y)
    assert two.n_networks_ == 2 and two.n_iter_ == 2 * TINY["epochs"]
    # Less than one network's: one network, cut short as without ensembles.
    short = Conv1DClassifier(**params, timestep_budget=cost // 2).fit(X, y)
    alone = single(short, 0).fit(X, y)
    assert short.n_networks_ == 1 and short.n_iter_ == alone.n_iter_ == 1
    np.testing.assert_array_equal(short.predict_proba(X), alone.predict_proba(X))


def test_ensemble_saves_pickles_and_clones(data, ensemble, tmp_path):
    X, _ = data
    expected = ensemble.predict_proba(X)
    np.testing.assert_array_equal(
        pickle.loads(pickle.dumps(ensemble)).predict_proba(X), expected
    )
    save(ensemble, tmp_path / "ensemble.zip")
    loaded = load(tmp_path / "ensemble.zip")
    np.testing.assert_array_equal(loaded.predict_proba(X), expected)
    assert loaded.n_networks_ == 3
    assert clone(ensemble).get_params()["n_networks"] == 3


def test_transform_and_activation_maps_read_every_network(data, ensemble):
    X, y = data
    fits = [single(ensemble, i).fit(X, y) for i in range(3)]
    np.testing.assert_allclose(
        ensemble.transform(X),
        np.hstack([fit.transform(X) for fit in fits]),
        rtol=0,
        atol=ATOL,
    )
    assert ensemble.get_feature_names_out().shape == (3 * TINY["dense_units"],)
    relevance = class_activation_map(ensemble, X, target=1)
    expected = np.mean([class_activation_map(fit, X, target=1) for fit in fits], 0)
    np.testing.assert_allclose(relevance, expected, rtol=1e-5, atol=1e-7)


def test_incremental_training_of_an_ensemble_is_refused(data, ensemble):
    X, y = data
    with pytest.raises(ValueError, match="partial_fit trains one network"):
        Conv1DClassifier(**TINY, n_networks=2).partial_fit(X, y, classes=[0, 1, 2])
    with pytest.raises(ValueError, match="3 networks were fitted"):
        pickle.loads(pickle.dumps(ensemble)).set_params(warm_start=True).fit(X, y)
    # A warm start of one network is still one network, whatever n_networks.
    one = Conv1DClassifier(**TINY).fit(X, y)
    one.set_params(warm_start=True, n_networks=2).fit(X, y)
    assert one.n_networks_ == 1 and one.model_.name != "ensemble"


def test_every_named_configuration_sets_n_networks():
    for params in ARCHITECTURES.values():
        assert params["n_networks"] >= 1


def test_a_state_saved_before_n_networks_loads_with_its_default(data):
    X, y = data
    clf = Conv1DClassifier(**TINY).fit(X, y)
    state = clf.__getstate__()
    del state["n_networks"]  # as pickled by a version without it
    old = Conv1DClassifier.__new__(Conv1DClassifier)
    old.__setstate__(state)
    assert old.get_params()["n_networks"] == 1
    np.testing.assert_array_equal(old.predict_proba(X), clf.predict_proba(X))
    assert old.fit(X, y).n_networks_ == 1
