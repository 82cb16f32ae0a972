"""Conv1DClassifier behaves like any scikit-learn classifier."""

import inspect
import pickle
import re

import keras
import numpy as np
import pytest
from sequence_data import make_sequences
from sklearn.base import clone, is_classifier
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import (
    GridSearchCV,
    StratifiedKFold,
    check_cv,
    cross_val_score,
    cross_validate,
)
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import InvalidParameterError

from sklearn_conv1d import Conv1DClassifier
from sklearn_conv1d._base import ACTIVATIONS, OPTIMIZERS, Conv1DBase
from sklearn_conv1d._docstrings import SHARED_PARAMETERS

FAST = dict(filters=8, dense_units=16, epochs=5, random_state=0)


def test_is_a_classifier():
    clf = Conv1DClassifier()
    assert is_classifier(clf)
    assert isinstance(
        check_cv(5, np.array([0, 1] * 5), classifier=True), StratifiedKFold
    )


def test_cross_validation_stratifies_sorted_labels():
    X, y = make_sequences(n_samples=40)
    order = np.argsort(y, kind="stable")  # sorted: plain KFold tests one class
    X, y = X[order], y[order]
    result = cross_validate(Conv1DClassifier(**FAST), X, y, cv=4, return_indices=True)
    for test_index in result["indices"]["test"]:
        assert np.bincount(y[test_index]).tolist() == [5, 5]
    assert cross_val_score(Conv1DClassifier(**FAST), X, y, cv=2).shape == (2,)


def test_default_network_is_the_classic_one():
    X, y = make_sequences(n_samples=20, n_timesteps=30, n_classes=3)
    clf = Conv1DClassifier(epochs=1, random_state=0).fit(X, y)
    layers = [type(layer).__name__ for layer in clf.model_.layers]
    classic = ["Conv1D", "MaxPooling1D", "Flatten", "Dense", "Dense"]
    # The time shifts act in training only, as dropout does; without them
    # the model is the classic network alone.
    assert layers == ["InputLayer", "RandomTimeShift", *classic]
    plain = Conv1DClassifier(epochs=1, time_shift=0, random_state=0).fit(X, y)
    assert [type(layer).__name__ for layer in plain.model_.layers] == [
        "InputLayer",
        *classic,
    ]
    conv, dense, out = clf.model_.layers[2], clf.model_.layers[5], clf.model_.layers[6]
    assert (conv.filters, conv.kernel_size, conv.activation.__name__) == (
        64,
        (3,),
        "relu",
    )
    assert dense.units == 100
    assert (out.units, out.activation.__name__) == (3, "softmax")
    assert type(clf.model_.optimizer).__name__ == "Adam"
    assert clf.model_.loss == "sparse_categorical_crossentropy"
    assert "accuracy" in clf.history_
    assert len(clf.history_["loss"]) == 1


def test_fcn_configuration_by_parameters_alone():
    X, y = make_sequences(n_samples=20, n_timesteps=32)
    params = dict(
        filters=(16, 32, 16),
        kernel_size=(8, 5, 3),
        padding="same",
        batch_norm=True,
        pool_size=None,
        global_pooling="avg",
        dense_units=(),
        epochs=1,
        random_state=0,
    )
    fcn = Conv1DClassifier(**params).fit(X, y)
    layers = [type(layer).__name__ for layer in fcn.model_.layers]
    assert layers.count("BatchNormalization") == 3
    assert layers[-2:] == ["GlobalAveragePooling1D", "Dense"]

    # The momentum is ours (0.9, not Keras's 0.99), and a network of another
    # momentum is never reused from the pool for the same shapes.
    slow = Conv1DClassifier(**params, batch_norm_momentum=0.99).fit(X, y)
    for est, momentum in [(fcn, 0.9), (slow, 0.99)]:
        norms = [
            layer
            for layer in est.model_.layers
            if isinstance(layer, keras.layers.BatchNormalization)
        ]
        assert [norm.momentum for norm in norms] == [momentum] * 3


@pytest.mark.parametrize(
    "labels",
    [
        np.array(["cat", "dog"]),
        np.array([3, 7]),
        np.array([False, True]),
        np.array(["a", "b", "c"]),
        np.array([-1, 0, 5]),
    ],
    ids=["str-binary", "int-binary", "bool", "str-multiclass", "int-multiclass"],
)
def test_labels_of_any_kind(labels):
    X, codes = make_sequences(n_samples=30, n_classes=len(labels))
    y = labels[codes]
    clf = Conv1DClassifier(**FAST).fit(X, y)
    np.testing.assert_array_equal(clf.classes_, np.unique(labels))
    pred = clf.predict(X)
    assert pred.dtype == y.dtype
    assert set(pred) <= set(labels)
    proba = clf.predict_proba(X)
    assert proba.shape == (30, len(labels))
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-5)
    np.testing.assert_array_equal(pred, clf.classes_[proba.argmax(axis=1)])
    assert 0 <= clf.score(X, y) <= 1


def test_multilabel_indicator_targets():
    X, codes = make_sequences(n_samples=40, n_classes=4)
    Y = np.column_stack([codes % 2, codes // 2, (codes > 0)]).astype(int)
    clf = Conv1DClassifier(**FAST).fit(X, Y)
    np.testing.assert_array_equal(clf.classes_, [0, 1, 2])
    assert clf.model_.layers[-1].activation.__name__ == "sigmoid"
    assert clf.predict(X).shape == Y.shape
    assert set(np.unique(clf.predict(X))) <= {0, 1}
    proba = clf.predict_proba(X)
    assert proba.shape == Y.shape
    assert ((proba >= 0) & (proba <= 1)).all()


def test_fitted_attributes():
    X, y = make_sequences(n_samples=20, n_timesteps=24, n_channels=3)
    clf = Conv1DClassifier(**FAST).fit(X, y)
    assert clf.n_features_in_ == 24
    assert clf.input_shape_ == (24, 3)
    assert clf.model_.input_shape == (None, 24, 3)
    assert set(clf.history_) == {"loss", "accuracy"}
    assert len(clf.history_["loss"]) == FAST["epochs"]


def test_predict_before_fit_raises_not_fitted():
    X, _ = make_sequences(n_samples=5)
    for method in ("predict", "predict_proba"):
        with pytest.raises(NotFittedError):
            getattr(Conv1DClassifier(), method)(X)


@pytest.mark.parametrize(
    "params",
    [
        {"filters": 0},
        {"filters": -3},
        {"kernel_size": 0},
        {"pool_size": 0},
        {"padding": "full"},
        {"global_pooling": "mean"},
        {"dense_units": 0},
        {"dropout": 1.0},
        {"dropout": -0.1},
        {"batch_norm_momentum": 1.5},
        {"activation": "relux"},
        {"optimizer": "adamm"},
        {"learning_rate": 0},
        {"learning_rate": -1e-3},
        {"epochs": 0},
        {"batch_size": 0},
        {"budget_step_cost": -1},
        {"budget_step_cost": 0.5},
        {"data_format": "channels_middle"},
        {"verbose": 3},
        {"class_weight": "balance"},
        {"callbacks": "early_stopping"},
        {"warm_start": "yes"},
        {"random_state": "zero"},
    ],
)
def test_invalid_hyperparameters_fail_at_fit_naming_the_parameter(params):
    X, y = make_sequences(n_samples=10)
    clf = Conv1DClassifier(**params)  # __init__ never validates
    (name,) = params
    with pytest.raises(InvalidParameterError, match=f"'{name}' parameter"):
        clf.fit(X, y)


def test_clone_gives_an_unfitted_copy_with_equal_params():
    X, y = make_sequences(n_samples=20)
    clf = Conv1DClassifier(**FAST).fit(X, y)
    copy = clone(clf)
    assert copy.get_params() == clf.get_params()
    assert not hasattr(copy, "model_")


def test_pipeline_and_grid_search_over_network_parameters():
    X, y = make_sequences(n_samples=40)
    pipe = make_pipeline(StandardScaler(), Conv1DClassifier(**FAST))
    search = GridSearchCV(
        pipe,
        {"conv1dclassifier__filters": [4, 8], "conv1dclassifier__kernel_size": [3, 5]},
        cv=2,
    ).fit(X, y)
    assert len(search.cv_results_["params"]) == 4
    model = search.best_estimator_[-1].model_
    conv = next(layer for layer in model.layers if hasattr(layer, "filters"))
    assert conv.filters in (4, 8)
    assert search.score(X, y) > 0.5


def test_pickle_round_trip_keeps_predictions():
    X, y = make_sequences(n_samples=20)
    clf = Conv1DClassifier(**FAST).fit(X, y)
    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(restored.predict_proba(X), clf.predict_proba(X))


def test_class_weight_changes_the_fit_and_does_not_touch_sample_weight():
    X, y = make_sequences(n_samples=30)
    sample_weight = np.ones(30)
    plain = Conv1DClassifier(**FAST).fit(X, y).predict_proba(X)
    weighted = (
        Conv1DClassifier(**FAST, class_weight={0: 1.0, 1: 5.0})
        .fit(X, y, sample_weight=sample_weight)
        .predict_proba(X)
    )
    np.testing.assert_array_equal(sample_weight, 1.0)
    assert weighted[:, 1].mean() > plain[:, 1].mean()


def test_warm_start_continues_training():
    X, y = make_sequences(n_samples=20)
    clf = Conv1DClassifier(**FAST, warm_start=True).fit(X, y)
    model, first_losses = clf.model_, clf.history_["loss"]
    clf.fit(X, y)
    assert clf.model_ is model
    # The second fit starts from the trained weights, not from scratch.
    assert clf.history_["loss"][0] < first_losses[0]


@pytest.mark.parametrize(
    "change",
    [{"filters": 4}, {"learning_rate": 0.5}, {"optimizer": "sgd"}, {"dropout": 0.5}],
)
def test_warm_start_refuses_parameters_that_build_another_network(change):
    X, y = make_sequences(n_samples=20)
    clf = Conv1DClassifier(**FAST, warm_start=True).fit(X, y)
    model, weights = clf.model_, clf.model_.get_weights()
    (name,) = change
    with pytest.raises(ValueError, match=f"{name}=.*built with.*warm_start=False"):
        clf.set_params(**change).fit(X, y)
    assert clf.model_ is model  # nothing lost: the fitted network is kept
    for before, after in zip(weights, clf.model_.get_weights(), strict=True):
        np.testing.assert_array_equal(before, after)
    # Without warm_start the same parameters fit a new network.
    assert clf.set_params(warm_start=False).fit(X, y).score(X, y) >= 0


def test_constructor_repeats_the_shared_parameters_and_defaults():
    # Conv1DClassifier spells out every parameter (scikit-learn reads them
    # from its __init__ signature): they must stay those of Conv1DBase.
    def parameters(cls):
        signature = inspect.signature(cls.__init__)
        return {
            name: (parameter.kind, parameter.default)
            for name, parameter in signature.parameters.items()
        }

    own = parameters(Conv1DClassifier)
    assert own.pop("class_weight")[1] is None
    assert own == parameters(Conv1DBase)


@pytest.mark.parametrize(
    "parameter, accepted", [("activation", ACTIVATIONS), ("optimizer", OPTIMIZERS)]
)
def test_docstring_lists_the_accepted_names(parameter, accepted):
    # The docstring spells out the names that parameter validation accepts.
    entry = re.search(
        rf"^    {parameter} :.*?\n(.*?)^    \w+ :", SHARED_PARAMETERS, re.M | re.S
    )
    assert set(re.findall(r'``"(\w+)"``', entry[1])) == accepted


def test_partial_fit_refuses_balanced_class_weight():
    X, y = make_sequences(n_samples=20)
    clf = Conv1DClassifier(**FAST, class_weight="balanced")
    with pytest.raises(ValueError, match="compute_class_weight"):
        clf.partial_fit(X, y, classes=[0, 1])
    assert not hasattr(clf, "model_")


def test_verbose_zero_prints_nothing(capsys):
    X, y = make_sequences(n_samples=20)
    clf = Conv1DClassifier(**FAST).fit(X, y)
    clf.predict(X)
    captured = capsys.readouterr()
    assert captured.out == ""


def test_real_data_gunpoint_defaults_learn():
    load_classification = pytest.importorskip("aeon.datasets").load_classification
    X_train, y_train = load_classification("GunPoint", split="train")
    X_test, y_test = load_classification("GunPoint", split="test")
    clf = Conv1DClassifier(data_format="channels_first", random_state=0)
    clf.fit(X_train, y_train)
    # 0.94-0.96 measured over seeds (benchmarks/choose_defaults.py); chance is 0.5.
    assert clf.score(X_test, y_test) >= 0.85
