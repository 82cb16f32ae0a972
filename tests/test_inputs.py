"""Every input layout a user brings, and a clear error for every bad input.

The layouts must fit, predict, predict_proba and score alike; every bad input
must fail in our validation or scikit-learn's with a ValueError or TypeError
that names the problem and the fix, never deep inside TensorFlow.
"""

import traceback
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler
from sklearn.utils._param_validation import InvalidParameterError

from sklearn_conv1d import Conv1DClassifier

N, T, C = 12, 10, 3
# Tiny and fast: accuracy does not matter here.
FAST = dict(epochs=1, filters=2, kernel_size=3, dense_units=4, random_state=0)


def _rng():
    return np.random.RandomState(0)


def _y(n=N):
    return np.arange(n) % 3


def _X2():
    return _rng().randn(N, T)


def _X3():
    return _rng().randn(N, T, C)


def _ragged(channels=None, data_format="channels_last", n=N, low=4, high=T):
    rng = _rng()
    lengths = low + np.arange(n) % (high - low + 1)
    if channels is None:
        return [rng.randn(k) for k in lengths]
    if data_format == "channels_first":
        return [rng.randn(channels, k) for k in lengths]
    return [rng.randn(k, channels) for k in lengths]


def _readonly(X):
    X = np.array(X)
    X.flags.writeable = False
    return X


def _dataframe(X):
    pd = pytest.importorskip("pandas")
    return pd.DataFrame(X, columns=[f"t{i}" for i in range(X.shape[1])])


def _object_array(seqs):
    out = np.empty(len(seqs), dtype=object)
    out[:] = seqs
    return out


# -- layouts that work -----------------------------------------------------------

# id -> (make X, params, input_shape_)
LAYOUTS = {
    "2d-float64": (_X2, {}, (T, 1)),
    "2d-float32": (lambda: _X2().astype(np.float32), {}, (T, 1)),
    "2d-float16": (lambda: _X2().astype(np.float16), {}, (T, 1)),
    "2d-int64": (lambda: (10 * _X2()).astype(np.int64), {}, (T, 1)),
    "2d-int8": (lambda: (10 * _X2()).astype(np.int8), {}, (T, 1)),
    "2d-uint8": (lambda: (10 * abs(_X2())).astype(np.uint8), {}, (T, 1)),
    "2d-bool": (lambda: _X2() > 0, {}, (T, 1)),
    "2d-list-of-lists": (lambda: _X2().tolist(), {}, (T, 1)),
    "2d-tuple-of-tuples": (lambda: tuple(map(tuple, _X2())), {}, (T, 1)),
    "2d-dataframe": (lambda: _dataframe(_X2()), {}, (T, 1)),
    "2d-read-only": (lambda: _readonly(_X2()), {}, (T, 1)),
    "2d-fortran": (lambda: np.asfortranarray(_X2()), {}, (T, 1)),
    "2d-numeric-strings": (lambda: _X2().astype(str), {}, (T, 1)),
    "3d-channels-last": (_X3, {}, (T, C)),
    "3d-channels-first": (
        lambda: _X3().transpose(0, 2, 1),
        {"data_format": "channels_first"},
        (T, C),
    ),
    "3d-read-only-fortran": (
        lambda: _readonly(np.asfortranarray(_X3())),
        {},
        (T, C),
    ),
    "3d-single-channel": (lambda: _X2()[:, :, None], {}, (T, 1)),
    "3d-int32": (lambda: (10 * _X3()).astype(np.int32), {}, (T, C)),
    "list-equal-2d-arrays": (lambda: list(_X3()), {}, (T, C)),
    "list-equal-1d-arrays": (lambda: list(_X2()), {}, (T, 1)),
    "list-ragged-1d": (_ragged, {}, (T, 1)),
    "list-ragged-channels-last": (lambda: _ragged(C), {}, (T, C)),
    "list-ragged-channels-first": (
        lambda: _ragged(C, "channels_first"),
        {"data_format": "channels_first"},
        (T, C),
    ),
    "tuple-ragged-int": (
        lambda: tuple((10 * x).astype(int) for x in _ragged()),
        {},
        (T, 1),
    ),
    "object-array-ragged": (lambda: _object_array(_ragged(C)), {}, (T, C)),
    "list-ragged-of-lists": (lambda: [x.tolist() for x in _ragged()], {}, (T, 1)),
}


@pytest.mark.parametrize("layout", LAYOUTS)
def test_layout_fits_predicts_and_scores(layout):
    make_X, params, input_shape = LAYOUTS[layout]
    X, y = make_X(), _y()
    clf = Conv1DClassifier(**{**FAST, **params}).fit(X, y)
    assert clf.input_shape_ == input_shape
    assert clf.predict(X).shape == (N,)
    assert set(clf.predict(X)) <= set(clf.classes_)
    proba = clf.predict_proba(X)
    assert proba.shape == (N, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-5)
    assert 0 <= clf.score(X, y) <= 1


def test_dataframe_sets_feature_names():
    X = _dataframe(_X2())
    clf = Conv1DClassifier(**FAST).fit(X, _y())
    np.testing.assert_array_equal(clf.feature_names_in_, X.columns)
    assert clf.n_features_in_ == T
    with pytest.raises(ValueError, match="feature names should match"):
        clf.predict(X.rename(columns={"t0": "other"}))


def test_channels_first_and_last_give_identical_predictions():
    X = _X3()
    last = Conv1DClassifier(**FAST).fit(X, _y())
    first = Conv1DClassifier(**FAST, data_format="channels_first")
    first.fit(X.transpose(0, 2, 1), _y())
    assert last.input_shape_ == first.input_shape_ == (T, C)
    assert last.n_features_in_ == T and first.n_features_in_ == C
    np.testing.assert_allclose(
        first.predict_proba(X.transpose(0, 2, 1)), last.predict_proba(X), rtol=1e-6
    )
    # A ragged channels-first list is the same as its channels-last transpose.
    seqs = _ragged(C, "channels_first")
    first.fit(seqs, _y())
    last.fit([x.T for x in seqs], _y())
    np.testing.assert_allclose(
        first.predict_proba(seqs), last.predict_proba([x.T for x in seqs]), rtol=1e-6
    )


def test_equal_length_lists_are_the_stacked_array():
    X = _X3()
    from_array = Conv1DClassifier(**FAST).fit(X, _y()).predict_proba(X)
    from_list = Conv1DClassifier(**FAST).fit(list(X), _y()).predict_proba(list(X))
    np.testing.assert_array_equal(from_list, from_array)


def test_ragged_sequences_are_zero_padded_at_the_end():
    seqs = _ragged(C)
    padded = np.zeros((N, T, C))
    for i, x in enumerate(seqs):
        padded[i, : len(x)] = x
    # Unnormalised: normalize="dataset" would leave a list's padding out of
    # its statistics, and count the zeros of a padded array.
    ragged_clf = Conv1DClassifier(**FAST, normalize=None).fit(seqs, _y())
    padded_clf = Conv1DClassifier(**FAST, normalize=None).fit(padded, _y())
    np.testing.assert_array_equal(
        ragged_clf.predict_proba(seqs), padded_clf.predict_proba(padded)
    )


def test_predict_pads_shorter_sequences_to_the_fit_length():
    clf = Conv1DClassifier(**FAST).fit(_ragged(C), _y())
    short = [x[:3] for x in _ragged(C)]
    # Padded at the data's mean, which normalize="dataset" maps to zero.
    padded = np.tile(clf.input_mean_, (N, T, 1))
    for i, x in enumerate(short):
        padded[i, : len(x)] = x
    # Equal up to float32 rounding (the float32 mean less the float64 one).
    np.testing.assert_allclose(
        clf.predict_proba(short), clf.predict_proba(padded), rtol=1e-6
    )
    # One sequence at a time (online use) is padded too.
    assert clf.predict([short[0]]).shape == (1,)


def test_predict_refuses_to_truncate_longer_sequences():
    clf = Conv1DClassifier(**FAST, data_format="channels_first")
    clf.fit(_ragged(C, "channels_first"), _y())
    too_long = [np.zeros((C, T + 2))]
    with pytest.raises(ValueError, match=r"12 timesteps, more than the 10.*truncated"):
        clf.predict(too_long)
    # The documented fix: pad the training sequences to the longest length.
    seqs = _ragged(C, "channels_first")
    train = [np.pad(x, [(0, 0), (0, T + 2 - x.shape[1])]) for x in seqs]
    clf.fit(train, _y())
    assert clf.input_shape_ == (T + 2, C)
    assert clf.predict(too_long).shape == (1,)


def test_warm_start_pads_to_the_first_fit_length():
    clf = Conv1DClassifier(**FAST, warm_start=True).fit(_ragged(), _y())
    clf.fit([x[:5] for x in _ragged()], _y())
    assert clf.input_shape_ == (T, 1)


def test_numpy_integer_hyperparameters_are_accepted():
    # e.g. from np.arange in a parameter grid
    params = {"filters": np.int64(2), "kernel_size": (np.int32(3),)}
    params["dense_units"] = [np.int64(4)]
    clf = Conv1DClassifier(**{**FAST, **params}).fit(_X2(), _y())
    assert clf.predict(_X2()).shape == (N,)


# -- scikit-learn pipelines: flattened multichannel data ---------------------------


def to_sequences(X, n_channels):
    """Unflatten (n, n_timesteps * n_channels) rows, channels-last, to 3D."""
    return X.reshape(len(X), -1, n_channels)


def test_pipeline_recipe_for_flattened_multichannel_data():
    X = _X3()
    X_flat = X.reshape(N, -1)  # what 2D-only transformers need
    pipe = make_pipeline(
        StandardScaler(),
        FunctionTransformer(to_sequences, kw_args={"n_channels": C}),
        Conv1DClassifier(**FAST),
    ).fit(X_flat, _y())
    clf = pipe[-1]
    assert clf.input_shape_ == (T, C)
    scaled = StandardScaler().fit_transform(X_flat).reshape(N, T, C)
    direct = Conv1DClassifier(**FAST).fit(scaled, _y())
    np.testing.assert_array_equal(
        pipe.predict_proba(X_flat), direct.predict_proba(scaled)
    )
    scores = cross_val_score(pipe, X_flat, _y(), cv=2)
    assert scores.shape == (2,)


def test_japanese_vowels_unequal_lengths_channels_first():
    datasets = pytest.importorskip("aeon.datasets")
    X_train, y_train = datasets.load_classification("JapaneseVowels", split="train")
    X_test, y_test = datasets.load_classification("JapaneseVowels", split="test")
    assert isinstance(X_train, list) and X_train[0].shape[0] == 12
    longest = max(x.shape[1] for x in X_train + X_test)  # 29; train alone: 26
    X_train = [np.pad(x, [(0, 0), (0, longest - x.shape[1])]) for x in X_train]
    clf = Conv1DClassifier(**{**FAST, "epochs": 2}, data_format="channels_first")
    clf.fit(X_train[::5], y_train[::5])
    assert clf.input_shape_ == (longest, 12)
    assert clf.predict(X_test[::10]).shape == (len(X_test[::10]),)


# -- bad inputs: a clear error naming the problem and the fix ----------------------


def _nan(X, value=np.nan):
    X = np.array(X, dtype=float)
    X[1, 2] = value
    return X


# id -> (make (X, y, params, fit kwargs), exception, message fragment)
BAD_FIT = {
    "nan": (lambda: (_nan(_X2()), _y(), {}, {}), ValueError, "Input X contains NaN"),
    "nan-hint": (
        lambda: (_nan(_X2()), _y(), {}, {}),
        ValueError,
        "pass a list of the unequal-length sequences",
    ),
    "inf": (
        lambda: (_nan(_X2(), np.inf), _y(), {}, {}),
        ValueError,
        "Input X contains infinity",
    ),
    "too-large-for-float32": (
        lambda: (_nan(_X2(), 1e300), _y(), {}, {}),
        ValueError,
        "infinity or a value too large",
    ),
    "inf-in-series-normalised-list": (
        lambda: (
            [_nan(_X2(), np.inf)[1], _X2()[0, :5]] * 6,
            _y(),
            {"normalize": "series"},
            {},
        ),
        ValueError,
        "Input X contains infinity",
    ),
    "too-large-in-series-normalised-list": (
        lambda: (
            [_nan(_X2(), 1e200)[1], _X2()[0, :5]] * 6,
            _y(),
            {"normalize": "series"},
            {},
        ),
        ValueError,
        "too large for float32",
    ),
    "validation-set-of-another-length": (
        lambda: (_X2(), _y(), {}, {"X_val": _X2()[:, :8], "y_val": _y()}),
        ValueError,
        r"Invalid validation set X_val, y_val .*X has 8 features",
    ),
    "validation-label-unseen": (
        lambda: (_X2(), _y(), {}, {"X_val": _X2(), "y_val": np.full(N, 7)}),
        ValueError,
        r"Invalid validation set X_val, y_val .*7",
    ),
    "nan-in-ragged-list": (
        lambda: ([_nan(_X2())[1], _X2()[0, :5]] * 6, _y(), {}, {}),
        ValueError,
        "Input X contains NaN",
    ),
    "zero-samples": (
        lambda: (np.zeros((0, T)), np.zeros(0), {}, {}),
        ValueError,
        "0 sample",
    ),
    "zero-timesteps": (
        lambda: (np.zeros((N, 0)), _y(), {}, {}),
        ValueError,
        "0 feature",
    ),
    "zero-channels": (
        lambda: (np.zeros((N, T, 0)), _y(), {}, {}),
        ValueError,
        "needs at least 1 timestep and 1 channel",
    ),
    "zero-timesteps-channels-first": (
        lambda: (np.zeros((N, C, 0)), _y(), {"data_format": "channels_first"}, {}),
        ValueError,
        "needs at least 1 timestep and 1 channel",
    ),
    "1d": (
        lambda: (_X2()[0], _y(T), {}, {}),
        ValueError,
        r"(?s)got 1D array.*single sequence.*X\.reshape\(1, -1\)",
    ),
    "4d": (
        lambda: (_X3()[..., None], _y(), {}, {}),
        ValueError,
        r"got a 4D array.*Reshape your data",
    ),
    "5d": (
        lambda: (np.zeros((N, 2, 2, 2, 2)), _y(), {}, {}),
        ValueError,
        "got a 5D array",
    ),
    "strings": (
        lambda: (np.full((N, T), "a"), _y(), {}, {}),
        ValueError,
        "X must hold numbers, but it holds text.*encode text",
    ),
    "strings-in-list": (
        lambda: ([["a", "b"], ["c"]] * 6, _y(), {}, {}),
        ValueError,
        "X must hold numbers, but it holds text",
    ),
    "complex": (
        lambda: (_X2() + 1j, _y(), {}, {}),
        ValueError,
        r"complex numbers.*X\.real, X\.imag",
    ),
    "object": (
        lambda: (np.full((N, T), object()), _y(), {}, {}),
        TypeError,
        "X must hold numbers.*non-numeric",
    ),
    "dict": (
        lambda: ({"a": 1}, _y(), {}, {}),
        TypeError,
        "X must hold numbers, but it holds non-numeric",
    ),
    "inhomogeneous-rows": (
        lambda: ([1.0, [1.0, 2.0]], _y(2), {}, {}),
        ValueError,
        "Pass unequal-length sequences as a list of arrays",
    ),
    "sparse-csr": (
        lambda: (sp.csr_matrix(_X2()), _y(), {}, {}),
        TypeError,
        r"Sparse data was passed.*\.toarray\(\)",
    ),
    "sparse-coo": (
        lambda: (sp.coo_array(_X2()), _y(), {}, {}),
        TypeError,
        r"dense data is required.*\.toarray\(\)",
    ),
    "list-mixed-dimensions": (
        lambda: ([np.zeros(T), np.zeros((T, C))] * 6, _y(), {}, {}),
        ValueError,
        "different dimensions",
    ),
    "list-3d-sequences": (
        lambda: ([np.zeros((T, C, 2))] * N, _y(), {}, {}),
        ValueError,
        "more than 2",
    ),
    "list-different-channels": (
        lambda: ([np.zeros((T, C)), np.zeros((T, 1))] * 6, _y(), {}, {}),
        ValueError,
        "different numbers of channels.*check data_format",
    ),
    "list-empty-sequence": (
        lambda: ([np.zeros(T), np.zeros(0)] * 6, _y(), {}, {}),
        ValueError,
        "has no timesteps. Drop empty sequences",
    ),
    "y-too-short": (
        lambda: (_X2(), _y()[:-1], {}, {}),
        ValueError,
        r"inconsistent numbers of samples: \[12, 11\]",
    ),
    "y-too-short-ragged": (
        lambda: (_ragged(), _y()[:-2], {}, {}),
        ValueError,
        r"inconsistent numbers of samples: \[12, 10\]",
    ),
    "single-class": (
        lambda: (_X2(), np.zeros(N), {}, {}),
        ValueError,
        "at least 2 classes",
    ),
    "continuous-y": (
        lambda: (_X2(), _rng().randn(N), {}, {}),
        ValueError,
        "Unknown label type: continuous",
    ),
    "nan-in-y": (
        lambda: (_X2(), np.where(_y() == 1, np.nan, _y()), {}, {}),
        ValueError,
        "Input y contains NaN",
    ),
    "kernel-longer-than-sequence": (
        lambda: (_X2(), _y(), {"kernel_size": T + 1, "padding": "valid"}, {}),
        ValueError,
        "kernel_size=11, longer than the 10 timestep.*padding='same'",
    ),
    "kernel-longer-than-remaining": (
        lambda: (
            _X2(),
            _y(),
            {
                "filters": (2, 2),
                "kernel_size": (3, 9),
                "padding": "valid",
                "pool_size": None,
            },
            {},
        ),
        ValueError,
        "Conv block 2 has kernel_size=9, longer than the 8 timestep",
    ),
    "kernel-longer-than-ragged-max": (
        lambda: (_ragged(high=5), _y(), {"kernel_size": 6, "padding": "valid"}, {}),
        ValueError,
        "longer than the 5 timestep",
    ),
    "pooling-to-nothing": (
        lambda: (_X2(), _y(), {"pool_size": 9, "padding": "valid"}, {}),
        ValueError,
        "pool_size=9 after conv block 1 shrinks the 8 timestep.*to nothing",
    ),
    "pooling-to-nothing-stacked": (
        lambda: (
            _X2(),
            _y(),
            {
                "filters": (2, 2, 2),
                "kernel_size": 1,
                "pool_size": 3,
                "padding": "valid",
            },
            {},
        ),
        ValueError,
        "pool_size=3 after conv block 3 shrinks the 1 timestep",
    ),
    "filters-zero": (
        lambda: (_X2(), _y(), {"filters": 0}, {}),
        InvalidParameterError,
        "'filters' parameter of Conv1DClassifier must be an int in the range",
    ),
    "filters-negative": (
        lambda: (_X2(), _y(), {"filters": -4}, {}),
        InvalidParameterError,
        "'filters' parameter",
    ),
    "filters-float": (
        lambda: (_X2(), _y(), {"filters": 2.5}, {}),
        InvalidParameterError,
        "'filters' parameter",
    ),
    "filters-tuple-zero": (
        lambda: (_X2(), _y(), {"filters": (64, 0)}, {}),
        ValueError,
        r"filters=\(64, 0\) has entry 1 = 0; each entry must be a positive int",
    ),
    "filters-tuple-negative": (
        lambda: (_X2(), _y(), {"filters": [2, -1]}, {}),
        ValueError,
        r"filters=\[2, -1\] has entry 1 = -1",
    ),
    "filters-tuple-float": (
        lambda: (_X2(), _y(), {"filters": (2, 2.5)}, {}),
        ValueError,
        "has entry 1 = 2.5",
    ),
    "filters-tuple-bool": (
        lambda: (_X2(), _y(), {"filters": (True, 2)}, {}),
        ValueError,
        "has entry 0 = True",
    ),
    "filters-empty": (
        lambda: (_X2(), _y(), {"filters": ()}, {}),
        ValueError,
        r"filters=\(\) defines no conv block",
    ),
    "kernel-size-zero": (
        lambda: (_X2(), _y(), {"kernel_size": 0}, {}),
        InvalidParameterError,
        "'kernel_size' parameter",
    ),
    "kernel-size-tuple-negative": (
        lambda: (_X2(), _y(), {"filters": (2, 2), "kernel_size": (3, -1)}, {}),
        ValueError,
        r"kernel_size=\(3, -1\) has entry 1 = -1",
    ),
    "kernel-size-tuple-length": (
        lambda: (_X2(), _y(), {"filters": (2, 2, 2), "kernel_size": (3, 3)}, {}),
        ValueError,
        "has 2 entries but filters=.*3 conv blocks",
    ),
    "dense-units-zero": (
        lambda: (_X2(), _y(), {"dense_units": 0}, {}),
        InvalidParameterError,
        "'dense_units' parameter",
    ),
    "dense-units-tuple-zero": (
        lambda: (_X2(), _y(), {"dense_units": (64, 0)}, {}),
        ValueError,
        r"dense_units=\(64, 0\) has entry 1 = 0",
    ),
    "dense-units-tuple-negative": (
        lambda: (_X2(), _y(), {"dense_units": (64, -1)}, {}),
        ValueError,
        r"dense_units=\(64, -1\) has entry 1 = -1",
    ),
    "pool-size-zero": (
        lambda: (_X2(), _y(), {"pool_size": 0}, {}),
        InvalidParameterError,
        "'pool_size' parameter",
    ),
    "batch-size-zero": (
        lambda: (_X2(), _y(), {"batch_size": 0}, {}),
        InvalidParameterError,
        "'batch_size' parameter",
    ),
    "epochs-zero": (
        lambda: (_X2(), _y(), {"epochs": 0}, {}),
        InvalidParameterError,
        "'epochs' parameter",
    ),
    "learning-rate-zero": (
        lambda: (_X2(), _y(), {"learning_rate": 0.0}, {}),
        InvalidParameterError,
        "'learning_rate' parameter",
    ),
    "learning-rate-negative": (
        lambda: (_X2(), _y(), {"learning_rate": -0.1}, {}),
        InvalidParameterError,
        "'learning_rate' parameter",
    ),
    "dropout-one": (
        lambda: (_X2(), _y(), {"dropout": 1.0}, {}),
        InvalidParameterError,
        "'dropout' parameter",
    ),
    "unknown-activation": (
        lambda: (_X2(), _y(), {"activation": "relux"}, {}),
        InvalidParameterError,
        "'activation' parameter.*Got 'relux'",
    ),
    "unknown-optimizer": (
        lambda: (_X2(), _y(), {"optimizer": "adamx"}, {}),
        InvalidParameterError,
        "'optimizer' parameter.*Got 'adamx'",
    ),
    "unknown-padding": (
        lambda: (_X2(), _y(), {"padding": "full"}, {}),
        InvalidParameterError,
        "'padding' parameter",
    ),
    "unknown-data-format": (
        lambda: (_X3(), _y(), {"data_format": "NTC"}, {}),
        InvalidParameterError,
        "'data_format' parameter.*Got 'NTC'",
    ),
    "sample-weight-length": (
        lambda: (_X2(), _y(), {}, {"sample_weight": np.ones(N - 1)}),
        ValueError,
        r"sample_weight.shape == \(11,\), expected \(12,\)",
    ),
    "sample-weight-negative": (
        lambda: (_X2(), _y(), {}, {"sample_weight": -np.ones(N)}),
        ValueError,
        "Negative values in data passed to `sample_weight`",
    ),
    "sample-weight-nan": (
        lambda: (_X2(), _y(), {}, {"sample_weight": np.full(N, np.nan)}),
        ValueError,
        "sample_weight contains NaN",
    ),
    "sample-weight-all-zero": (
        lambda: (_X2(), _y(), {}, {"sample_weight": np.zeros(N)}),
        ValueError,
        "at least one non-zero",
    ),
    "sample-weight-2d": (
        lambda: (_X2(), _y(), {}, {"sample_weight": np.ones((N, 2))}),
        ValueError,
        "Sample weights must be 1D",
    ),
}


def _frames_in_tensorflow(exc):
    """Files of the traceback of ``exc`` inside TensorFlow or Keras."""
    files = [frame.filename for frame in traceback.extract_tb(exc.__traceback__)]
    return [f for f in files if {"tensorflow", "keras"} & set(Path(f).parts)]


def _assert_not_from_tensorflow(exc_info):
    deep = _frames_in_tensorflow(exc_info.value)
    assert not deep, f"raised inside TensorFlow/Keras: {deep}"


@pytest.mark.filterwarnings("ignore:overflow encountered in cast:RuntimeWarning")
@pytest.mark.parametrize("case", BAD_FIT)
def test_bad_fit_input_is_a_clear_error(case):
    make, error, match = BAD_FIT[case]
    X, y, params, fit_kwargs = make()
    clf = Conv1DClassifier(**{**FAST, **params})
    with pytest.raises(error, match=match) as info:
        clf.fit(X, y, **fit_kwargs)
    _assert_not_from_tensorflow(info)


@pytest.fixture(scope="module")
def fitted():
    """Fitted classifiers of each layout, shared by the predict-time cases."""
    return {
        "2d": Conv1DClassifier(**FAST).fit(_X2(), _y()),
        "3d": Conv1DClassifier(**FAST).fit(_X3(), _y()),
        "3d-first": Conv1DClassifier(**FAST, data_format="channels_first").fit(
            _X3().transpose(0, 2, 1), _y()
        ),
        "ragged": Conv1DClassifier(**FAST).fit(_ragged(C), _y()),
    }


# id -> (fitted key, make X, exception, message fragment)
BAD_PREDICT = {
    "nan": ("2d", lambda: _nan(_X2()), ValueError, "Input X contains NaN"),
    "inf": ("3d", lambda: _nan(_X3(), -np.inf), ValueError, "infinity"),
    "zero-samples": ("2d", lambda: np.zeros((0, T)), ValueError, "0 sample"),
    "1d": ("2d", lambda: _X2()[0], ValueError, r"X\.reshape\(1, -1\)"),
    "4d": ("3d", lambda: _X3()[..., None], ValueError, "got a 4D array"),
    "strings": ("2d", lambda: np.full((N, T), "x"), ValueError, "must hold numbers"),
    "complex": ("2d", lambda: _X2() * 1j, ValueError, "complex numbers"),
    "sparse": ("2d", lambda: sp.csr_matrix(_X2()), TypeError, "toarray"),
    "fewer-timesteps": (
        "2d",
        lambda: _X2()[:, :8],
        ValueError,
        r"X has 8 features, but Conv1DClassifier is expecting 10 features.*"
        r"\(n_timesteps=8, n_channels=1\).*fitted on sequences of shape "
        r"\(n_timesteps=10, n_channels=1\)\. Pass sequences of the same length",
    ),
    "more-timesteps": (
        "3d",
        lambda: np.zeros((2, T + 1, C)),
        ValueError,
        r"\(n_timesteps=11, n_channels=3\).*\(n_timesteps=10, n_channels=3\)",
    ),
    "fewer-channels": (
        "3d",
        lambda: _X3()[:, :, :2],
        ValueError,
        r"^X holds sequences of shape \(n_timesteps=10, n_channels=2\)",
    ),
    "fewer-channels-channels-first": (
        "3d-first",
        lambda: _X3().transpose(0, 2, 1)[:, :2],
        ValueError,
        r"X has 2 features.*\(n_channels=2, n_timesteps=10\).*"
        r"\(n_channels=3, n_timesteps=10\)",
    ),
    "2d-for-multichannel": (
        "3d",
        _X2,
        ValueError,
        r"\(n_timesteps=10, n_channels=1\).*\(n_timesteps=10, n_channels=3\)",
    ),
    "3d-for-univariate": ("2d", _X3, ValueError, "n_channels=3"),
    "transposed-layout": (
        "3d",
        lambda: _X3().transpose(0, 2, 1),
        ValueError,
        r"\(n_timesteps=3, n_channels=10\)",
    ),
    "list-longer-than-fit": (
        "ragged",
        lambda: [np.zeros((T + 3, C))],
        ValueError,
        r"13 timesteps, more than the 10 .* never truncated silently\. Refit with "
        r"sequence_length .* global_pooling",
    ),
    "list-longer-than-fit-2d": (
        "2d",
        lambda: [np.zeros(T + 1)],
        ValueError,
        "never truncated silently",
    ),
    "list-wrong-channels": (
        "ragged",
        lambda: [np.zeros((4, 1))],
        ValueError,
        r"n_channels=1\).*n_channels=3\)",
    ),
}


@pytest.mark.parametrize("method", ["predict", "predict_proba", "score"])
@pytest.mark.parametrize("case", BAD_PREDICT)
def test_bad_predict_input_is_a_clear_error(fitted, case, method):
    key, make, error, match = BAD_PREDICT[case]
    clf = fitted[key]
    X = make()
    call = getattr(clf, method)
    args = (X, _y(2)) if method == "score" else (X,)
    with pytest.raises(error, match=match) as info:
        call(*args)
    _assert_not_from_tensorflow(info)


def test_fitted_model_is_unchanged_by_a_rejected_predict(fitted):
    clf = fitted["2d"]
    before = clf.predict_proba(_X2())
    with pytest.raises(ValueError):
        clf.predict(_X2()[:, :5])
    np.testing.assert_array_equal(clf.predict_proba(_X2()), before)


# -- property: any input gives a valid fit/predict or one of our clear errors ------

# Each input dimension: (values that are fine, values that break fit or predict).
# An example is all fine, breaks one dimension, or draws every dimension from
# both, so that about half of the examples train a network and the rest probe
# one error or a mix of them.
_POSITIVE = st.integers(1, 3)
_ANY = st.integers(-1, 3)
DIMENSIONS = {
    "n_samples": (st.integers(3, 8), st.sampled_from([0, 1])),
    "n_timesteps": (st.integers(1, 12), st.just(0)),
    "n_channels": (st.integers(1, 3), st.just(0)),
    "layout": (st.sampled_from(["2d", "3d", "list", "ragged"]), st.just("4d")),
    "dtype": (
        st.sampled_from(["float64", "float32", "float16", "int64", "int8", "bool"]),
        st.sampled_from(["str", "complex", "object"]),
    ),
    "non_finite": (st.just(None), st.sampled_from([np.nan, np.inf, -np.inf])),
    "y_kind": (
        st.sampled_from(["binary", "multiclass", "strings"]),
        st.sampled_from(["one class", "continuous"]),
    ),
    "y_extra": (st.just(0), st.sampled_from([-1, 1])),
    "filters": (
        st.one_of(_POSITIVE, st.tuples(_POSITIVE, _POSITIVE)),
        st.one_of(_ANY, st.tuples(_ANY, _ANY), st.just(())),
    ),
    "kernel_size": (
        st.one_of(st.integers(1, 5), st.tuples(st.integers(1, 5))),
        st.one_of(_ANY, st.tuples(_ANY, _ANY), st.integers(6, 20)),
    ),
    "pool_size": (st.sampled_from([None, 1, 2, 3]), st.sampled_from([0, 8, 20])),
    "dense_units": (
        st.one_of(st.none(), _POSITIVE, st.tuples(_POSITIVE), st.just(())),
        st.one_of(_ANY, st.tuples(_POSITIVE, _ANY)),
    ),
    "batch_size": (st.integers(1, 8), st.just(0)),
    "predict_shape": (
        st.sampled_from(["same", "shorter"]),
        st.sampled_from(["longer", "channels", "2d"]),
    ),
}


@st.composite
def fit_problems(draw):
    """Random shapes, dtypes, lengths, layouts, targets and hyperparameters."""
    mode = draw(st.sampled_from(["fine", "one broken", "one broken", "anything"]))
    broken = draw(st.sampled_from(sorted(DIMENSIONS)))

    # draw as a default argument: hypothesis warns if composite never calls it.
    def pick(name, draw=draw):
        fine, bad = DIMENSIONS[name]
        if mode == "anything":
            return draw(st.one_of(fine, bad))
        return draw(bad if mode == "one broken" and name == broken else fine)

    n, timesteps, channels = (
        pick("n_samples"),
        pick("n_timesteps"),
        pick("n_channels"),
    )
    layout, dtype, data_format = (
        pick("layout"),
        pick("dtype"),
        draw(st.sampled_from(["channels_last", "channels_first"])),
    )
    univariate_list = draw(st.booleans())
    rng = np.random.RandomState(draw(st.integers(0, 2**16)))

    def make_X(n, timesteps, channels):
        if layout == "2d":
            X = rng.randn(n, timesteps)
        elif layout in ("3d", "4d"):
            X = rng.randn(n, timesteps, channels)
            if layout == "4d":
                X = X[..., None]
            elif data_format == "channels_first":
                X = X.transpose(0, 2, 1)
        else:
            low = (
                min(timesteps // 2 + 1, timesteps) if layout == "ragged" else timesteps
            )
            lengths = rng.randint(low, timesteps + 1, size=n)
            X = [
                rng.randn(k) if univariate_list else rng.randn(k, channels)
                for k in lengths
            ]
            if data_format == "channels_first" and not univariate_list:
                X = [x.T for x in X]
            return [_as_dtype(x, dtype) for x in X]
        return _as_dtype(X, dtype)

    X = make_X(n, timesteps, channels)
    non_finite = pick("non_finite")
    if non_finite is not None and dtype.startswith("float"):
        if isinstance(X, list) and X and X[0].size:
            X[0] = X[0].copy()
            X[0].flat[0] = non_finite
        elif not isinstance(X, list) and X.size:
            X = X.copy()
            X.flat[draw(st.integers(0, X.size - 1))] = non_finite
    n_y = max(n + pick("y_extra"), 0)
    y = {
        "binary": np.arange(n_y) % 2,
        "multiclass": np.arange(n_y) % 3,
        "strings": np.array(["a", "b", "c"] * n_y)[:n_y],
        "one class": np.zeros(n_y),
        "continuous": rng.randn(n_y),
    }[pick("y_kind")]
    params = dict(
        epochs=1,
        random_state=0,
        data_format=data_format,
        filters=pick("filters"),
        kernel_size=pick("kernel_size"),
        padding=draw(st.sampled_from(["same", "valid", "causal"])),
        pool_size=pick("pool_size"),
        dense_units=pick("dense_units"),
        global_pooling=draw(st.sampled_from([None, "avg", "max"])),
        batch_norm=draw(st.booleans()),
        batch_size=pick("batch_size"),
    )
    shape = pick("predict_shape")
    pred_timesteps = {"shorter": max(timesteps - 2, 1), "longer": timesteps + 1}
    X_pred = make_X(
        draw(st.integers(1, 3)),
        pred_timesteps.get(shape, timesteps),
        channels + 1 if shape == "channels" else channels,
    )
    if shape == "2d" and not isinstance(X_pred, list):
        X_pred = X_pred.reshape(len(X_pred), -1)
    return X, y, params, X_pred


def _as_dtype(X, dtype):
    if dtype == "object":  # numbers with a None among them
        X = np.array(X, dtype=object)
        X.flat[: min(X.size, 1)] = None
        return X
    if dtype == "str":
        return X.astype(str) if np.prod(np.shape(X)) % 2 else np.full(np.shape(X), "a")
    if dtype == "complex":
        return X + 1j
    if dtype in ("int64", "int8"):
        return (3 * X).astype(dtype)
    return X.astype(dtype) if dtype != "bool" else X > 0


def _check_clear_error(exc):
    assert isinstance(exc, (ValueError, TypeError)), repr(exc)
    assert len(str(exc)) > 20, repr(exc)
    assert not _frames_in_tensorflow(exc), f"{exc!r} raised inside TensorFlow/Keras"


def _fit_predict_or_clear_error(problem):
    X, y, params, X_pred = problem
    clf = Conv1DClassifier(**params)
    try:
        clf.fit(X, y)
    except Exception as exc:  # noqa: BLE001 - the property is about any error
        event(f"fit: {type(exc).__name__}")
        _check_clear_error(exc)
        return
    try:
        proba = clf.predict_proba(X_pred)
    except Exception as exc:  # noqa: BLE001
        event(f"predict: {type(exc).__name__}")
        _check_clear_error(exc)
        return
    event("fit and predict")
    assert proba.shape == (len(X_pred), len(clf.classes_))
    assert np.isfinite(proba).all()
    assert set(clf.predict(X_pred)) <= set(clf.classes_)


PROPERTY_SETTINGS = dict(
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@settings(max_examples=30, **PROPERTY_SETTINGS)
@given(fit_problems())
def test_any_input_fits_or_is_a_clear_error(problem):
    _fit_predict_or_clear_error(problem)


@pytest.mark.slow
@settings(max_examples=300, **PROPERTY_SETTINGS)
@given(problem=fit_problems())
def test_any_input_fits_or_is_a_clear_error_many(problem):
    _fit_predict_or_clear_error(problem)


class _ArrayLike:
    """An array-like without a dtype, as scikit-learn's _NotAnArray."""

    def __init__(self, data):
        self.data = data

    def __array__(self, dtype=None, copy=None):
        return np.asarray(self.data, dtype=dtype)


def test_an_array_like_standardises_exactly_as_the_same_array():
    # An array-like without a dtype is read as float64, as the array it
    # equals: the same statistics and the same fit, bit for bit. Read as
    # float32 first, its mean moved by 1e-10 and a long fit's predictions by
    # 0.2 (scikit-learn's check_regressor_data_not_an_array, on JAX).
    X = _rng().normal(loc=1e4, scale=0.1, size=(20, 12))
    y = np.arange(20) % 2
    params = dict(FAST, epochs=3)
    array = Conv1DClassifier(**params).fit(X, y)
    other = Conv1DClassifier(**params).fit(_ArrayLike(X), _ArrayLike(y))
    np.testing.assert_array_equal(other.input_mean_, array.input_mean_)
    np.testing.assert_array_equal(other.predict_proba(X), array.predict_proba(X))
