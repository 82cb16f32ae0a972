"""Unequal-length sequences through model selection (``sequence_length``).

A data set's longest sequence can land in any test fold. A network with a
flattening head is built for ``sequence_length`` timesteps (None: the longest
in fit); a global-pooling network reads any length, so a longer sequence at
predict time is read whole, and each row's prediction depends on it alone.
"""

import numpy as np
import pytest
from sklearn.model_selection import (
    GridSearchCV,
    KFold,
    cross_val_predict,
    cross_val_score,
    learning_curve,
    train_test_split,
)

from sklearn_conv1d import Conv1DClassifier, Conv1DRegressor

TINY = dict(filters=4, dense_units=8, epochs=2, random_state=0)


def ragged(n_samples=40, n_channels=2, longest_at=5, seed=0):
    """Sequences of 10 to 24 timesteps; one of 30, at ``longest_at``."""
    rng = np.random.RandomState(seed)
    lengths = rng.randint(10, 25, size=n_samples)
    lengths[longest_at] = 30
    y = np.arange(n_samples) % 2
    X = [
        (np.sin(np.arange(n) * (1 + label)) + 0.3 * rng.randn(n_channels, n)).T
        for n, label in zip(lengths, y, strict=True)
    ]
    return [x.astype(np.float32) for x in X], y


# KFold without shuffling: index 5, the longest sequence, is in the first test fold.
CV = KFold(4)


def test_flatten_head_needs_the_length_to_build_for():
    X, y = ragged()
    with pytest.raises(ValueError, match="sequence_length") as excinfo:
        cross_val_score(Conv1DClassifier(**TINY), X, y, cv=CV, error_score="raise")
    assert "global_pooling" in str(excinfo.value)
    length = max(map(len, X))
    scores = cross_val_score(
        Conv1DClassifier(sequence_length=length, **TINY),
        X,
        y,
        cv=CV,
        error_score="raise",
    )
    assert scores.shape == (4,) and np.isfinite(scores).all()


@pytest.mark.parametrize("global_pooling", ["avg", "max"])
def test_global_pooling_reads_any_length_in_model_selection(global_pooling):
    X, y = ragged()
    clf = Conv1DClassifier(global_pooling=global_pooling, **TINY)
    scores = cross_val_score(clf, X, y, cv=CV, error_score="raise")
    assert np.isfinite(scores).all()
    predicted = cross_val_predict(clf, X, y, cv=CV)
    assert predicted.shape == (len(X),)
    sizes, train, test = learning_curve(
        clf, X, y, cv=CV, train_sizes=[0.5, 1.0], error_score="raise"
    )
    assert np.isfinite(test).all()
    # A train/test split whose test part holds the longest recording.
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=1
    )
    assert max(map(len, X_test)) > max(map(len, X_train))
    fitted = clf.fit(X_train, y_train)
    assert 0 <= fitted.score(X_test, y_test) <= 1


def test_longer_sequences_are_read_whole_and_rows_stay_independent():
    X, y = ragged()
    clf = Conv1DClassifier(global_pooling="avg", **TINY).fit(X[10:], y[10:])
    fit_length = clf.input_shape_[0]
    assert fit_length < 30
    together = clf.predict_proba(X)
    one_by_one = np.concatenate([clf.predict_proba([x]) for x in X])
    np.testing.assert_array_equal(together, one_by_one)
    # Read whole: not the same as reading a cut or a longer padding of it.
    longest = X[5]
    cut = clf.predict_proba([longest[:fit_length]])
    assert not np.array_equal(clf.predict_proba([longest]), cut)
    # An array keeps scikit-learn's fixed width; as a list it is read whole.
    array = np.stack([x[:26] for x in X if len(x) >= 26] + [np.zeros((26, 2))])
    with pytest.raises(ValueError, match="features"):
        clf.predict_proba(array)
    np.testing.assert_allclose(
        clf.predict_proba(list(array))[:-1],
        np.concatenate([clf.predict_proba([x]) for x in array[:-1]]),
        rtol=1e-6,
        atol=1e-7,
    )
    # Errors name the sequence's index in X, not in its length group.
    with pytest.raises(ValueError, match="Sequence 2 of X has no timesteps"):
        clf.predict([longest, X[0], np.zeros((0, 2), dtype=np.float32)])
    with pytest.raises(ValueError, match="channel"):
        clf.predict([np.zeros((40, 3), dtype=np.float32)])


def test_grid_search_over_sequence_length_and_head():
    X, y = ragged()
    length = max(map(len, X))
    search = GridSearchCV(
        Conv1DClassifier(**TINY),
        {
            "sequence_length": [length, length + 8],
            "global_pooling": [None, "avg"],
        },
        cv=CV,
        error_score="raise",
    ).fit(X, y)
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    assert (
        search.best_estimator_.input_shape_[0] == search.best_params_["sequence_length"]
        or search.best_params_["global_pooling"] == "avg"
    )


def test_sequence_length_pads_lists_and_arrays_alike_and_never_truncates():
    X, y = ragged()
    clf = Conv1DRegressor(sequence_length=40, **TINY).fit(X, y.astype(float))
    assert clf.input_shape_ == (40, 2)
    # Padded at the data's mean: zero once standardised, as a list's padding.
    mean = clf.input_mean_.astype(np.float32)
    as_array = np.stack(
        [np.concatenate([x, np.tile(mean, (40 - len(x), 1))]) for x in X]
    )
    # Equal up to float32 rounding: the mean, cast to float32, is not exactly
    # the float64 mean that standardising subtracts.
    np.testing.assert_allclose(clf.predict(X), clf.predict(as_array), rtol=1e-6)
    short = np.stack([x[:10] for x in X])  # an array of 10 timesteps is padded too
    np.testing.assert_array_equal(clf.predict(short), clf.predict(list(short)))
    with pytest.raises(ValueError, match="sequence_length=20.*never truncated"):
        Conv1DClassifier(sequence_length=20, **TINY).fit(X, y)
    with pytest.raises(ValueError, match="sequence_length=20"):
        Conv1DClassifier(sequence_length=20, **TINY).fit(as_array, y)
    with pytest.raises(ValueError, match="never truncated"):
        clf.predict([np.zeros((41, 2), dtype=np.float32)])
    # Sparse input and array-likes without a shape, with sequence_length set.
    sparse = pytest.importorskip("scipy.sparse")
    with pytest.raises(TypeError, match="[Ss]parse"):
        Conv1DRegressor(sequence_length=40, **TINY).fit(
            sparse.csr_matrix(np.ones((4, 10))), np.ones(4)
        )
    nested = [[float(v) for v in x[:, 0]] for x in X]  # no .shape: lists of lists
    one_channel = Conv1DRegressor(sequence_length=40, **TINY).fit(nested, y)
    assert one_channel.input_shape_ == (40, 1)
    with pytest.raises(ValueError, match="kernel_size=5"):
        Conv1DClassifier(sequence_length=4, kernel_size=5, padding="valid", **TINY).fit(
            [x[:3] for x in X], y
        )


def test_equal_length_data_is_unchanged():
    rng = np.random.RandomState(0)
    X = rng.randn(30, 16, 2).astype(np.float32)
    y = np.arange(30) % 2
    for params in ({}, {"global_pooling": "avg"}):
        default = Conv1DClassifier(**params, **TINY).fit(X, y)
        explicit = Conv1DClassifier(sequence_length=16, **params, **TINY).fit(X, y)
        assert default.input_shape_ == explicit.input_shape_ == (16, 2)
        np.testing.assert_array_equal(
            default.predict_proba(X), explicit.predict_proba(X)
        )
        np.testing.assert_array_equal(
            default.predict_proba(X), default.predict_proba(list(X))
        )
