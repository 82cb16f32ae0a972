"""Persistence and export: pickle/joblib/deepcopy, save/load, ONNX."""

import copy
import functools
import json
import os
import pickle
import subprocess
import sys
import textwrap
import warnings
import zipfile

import joblib
import keras
import numpy as np
import pytest
from sequence_data import make_sequences as _make_sequences
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from sklearn_conv1d import (
    Conv1DClassifier,
    InconsistentVersionWarning,
    _saving,
    load,
    save,
)

# This module's data sets are smaller than the shared default.
make_sequences = functools.partial(_make_sequences, n_samples=24, n_timesteps=16)

TINY = dict(filters=4, dense_units=8, epochs=2, random_state=0)
# onnxruntime vs Keras on the same float32 network: measured ~1e-7.
ONNX_ATOL = 1e-5


@pytest.fixture(scope="module")
def data():
    return make_sequences()


@pytest.fixture(scope="module")
def fitted(data):
    X, y = data
    return Conv1DClassifier(**TINY).fit(X, np.array(["cat", "dog"])[y])


def assert_same_fitted_state(loaded, fitted):
    assert set(vars(loaded)) == set(vars(fitted))
    for name in ("target_encoder_", "feature_encoder_"):
        assert set(vars(getattr(loaded, name))) == set(vars(getattr(fitted, name)))
    y = fitted.classes_ if not fitted._multilabel else np.eye(len(fitted.classes_))
    np.testing.assert_array_equal(
        loaded.target_encoder_.transform(y), fitted.target_encoder_.transform(y)
    )


def assert_same_predictions(a, b, X):
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))
    np.testing.assert_array_equal(a.predict(X), b.predict(X))


# -- pickle, joblib, deepcopy, clone ------------------------------------------------


@pytest.fixture(scope="module")
def fitted_pipeline_and_search(data):
    X, y = data
    pipe = make_pipeline(FunctionTransformer(), Conv1DClassifier(**TINY)).fit(X, y)
    search = GridSearchCV(
        Conv1DClassifier(**TINY), {"filters": [4]}, cv=2, error_score="raise"
    ).fit(X, y)
    return pipe, search


@pytest.mark.parametrize(
    "roundtrip",
    [
        lambda est, tmp: pickle.loads(pickle.dumps(est)),
        lambda est, tmp: joblib.load(joblib.dump(est, tmp / "est.joblib")[0]),
        lambda est, tmp: copy.deepcopy(est),
    ],
    ids=["pickle", "joblib", "deepcopy"],
)
def test_fitted_estimator_pipeline_and_search_roundtrip(
    roundtrip, fitted, fitted_pipeline_and_search, data, tmp_path
):
    X, y = data
    for est in (fitted, *fitted_pipeline_and_search):
        copied = roundtrip(est, tmp_path)
        assert_same_predictions(est, copied, X)
    copied = roundtrip(fitted, tmp_path)
    assert copied.model_ is not fitted.model_
    assert copied.score(X, np.array(["cat", "dog"])[y]) == fitted.score(
        X, np.array(["cat", "dog"])[y]
    )


def test_unfitted_estimator_pickles_and_clone_of_fitted_is_unfitted(fitted, data):
    X, _ = data
    unfitted = pickle.loads(pickle.dumps(Conv1DClassifier(filters=(4, 8))))
    assert unfitted.get_params() == Conv1DClassifier(filters=(4, 8)).get_params()
    with pytest.raises(NotFittedError):
        unfitted.predict(X)
    cloned = clone(fitted)
    assert cloned.get_params() == fitted.get_params()
    assert not hasattr(cloned, "model_") and not hasattr(cloned, "classes_")
    with pytest.raises(NotFittedError):
        cloned.predict(X)


def test_pickle_save_and_load_in_a_fresh_process(fitted, data, tmp_path):
    X, _ = data
    with open(tmp_path / "clf.pkl", "wb") as f:
        pickle.dump(fitted, f)
    joblib.dump(fitted, tmp_path / "clf.joblib")
    save(fitted, tmp_path / "clf.zip")
    np.save(tmp_path / "X.npy", X)
    script = textwrap.dedent(
        """
        import pickle, sys, joblib, numpy as np, sklearn_conv1d
        d = sys.argv[1]
        X = np.load(d + "/X.npy")
        with open(d + "/clf.pkl", "rb") as f:
            estimators = [pickle.load(f)]
        estimators.append(joblib.load(d + "/clf.joblib"))
        estimators.append(sklearn_conv1d.load(d + "/clf.zip"))
        np.save(d + "/proba.npy", np.stack([e.predict_proba(X) for e in estimators]))
        np.save(d + "/pred.npy", np.stack([e.predict(X) for e in estimators]))
        """
    )
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)], check=True, env=env, timeout=300
    )
    proba = np.load(tmp_path / "proba.npy")
    pred = np.load(tmp_path / "pred.npy")
    for i in range(3):
        np.testing.assert_array_equal(proba[i], fitted.predict_proba(X))
        np.testing.assert_array_equal(pred[i], fitted.predict(X))


# -- save / load ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "labels",
    [np.array(["cat", "dog", "emu"]), np.array([3, -7]), np.array([False, True])],
    ids=["str", "int", "bool"],
)
def test_save_load_roundtrip_keeps_labels_params_and_state(labels, data, tmp_path):
    X, codes = make_sequences(n_classes=len(labels))
    y = labels[codes]
    clf = Conv1DClassifier(
        filters=(4, 4), kernel_size=(3, 5), dense_units=(8,), epochs=2, random_state=0
    ).fit(X, y)
    path = save(clf, tmp_path / "clf.zip")
    assert path == tmp_path / "clf.zip"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loaded = load(path)
    assert type(loaded) is Conv1DClassifier
    assert loaded.get_params() == clf.get_params()  # tuples stay tuples
    assert loaded.classes_.dtype == clf.classes_.dtype
    np.testing.assert_array_equal(loaded.classes_, clf.classes_)
    assert loaded.predict(X).dtype == y.dtype
    assert_same_predictions(loaded, clf, X)
    assert loaded.score(X, y) == clf.score(X, y)
    assert loaded.input_shape_ == clf.input_shape_ and loaded.n_features_in_ == 16
    assert dict(loaded.history_) == dict(clf.history_)
    # Every attribute fit set is restored, and nothing else.
    assert_same_fitted_state(loaded, clf)


def test_loaded_estimator_refits_warm_starts_clones_and_pickles(fitted, data, tmp_path):
    X, y = data
    loaded = load(save(fitted, tmp_path / "clf.zip"))
    # optimizer state came along: warm start continues training
    assert loaded.model_.optimizer.iterations.numpy() > 0
    loaded.set_params(warm_start=True, epochs=1)
    loaded.fit(X, np.array(["cat", "dog"])[y])
    assert loaded.model_.optimizer.iterations.numpy() > (
        fitted.model_.optimizer.iterations.numpy()
    )
    refit = load(tmp_path / "clf.zip").fit(X, y)  # a fresh fit on other labels
    np.testing.assert_array_equal(refit.classes_, [0, 1])
    assert clone(loaded).get_params() == loaded.get_params()
    assert_same_predictions(pickle.loads(pickle.dumps(loaded)), loaded, X)


def test_save_load_multilabel_channels_first_and_feature_names(tmp_path):
    pd = pytest.importorskip("pandas")
    X3, y = make_sequences(n_channels=3)
    Y = np.column_stack([y, 1 - y, y])
    X_cf = np.ascontiguousarray(X3.transpose(0, 2, 1))
    multi = Conv1DClassifier(data_format="channels_first", **TINY).fit(X_cf, Y)
    loaded = load(save(multi, tmp_path / "multi.zip"))
    assert loaded._multilabel and loaded.data_format == "channels_first"
    assert_same_predictions(loaded, multi, X_cf)
    assert loaded.predict(X_cf).shape == Y.shape
    assert_same_fitted_state(loaded, multi)

    X2, y2 = make_sequences()
    frame = pd.DataFrame(X2, columns=[f"t{i}" for i in range(X2.shape[1])])
    named = Conv1DClassifier(**TINY).fit(frame, y2)
    loaded = load(save(named, tmp_path / "named.zip"))
    np.testing.assert_array_equal(loaded.feature_names_in_, named.feature_names_in_)
    assert_same_predictions(loaded, named, frame)
    with pytest.warns(UserWarning, match="feature names"):
        loaded.predict(X2)


def test_file_holds_keras_network_and_readable_json(fitted, tmp_path):
    path = save(fitted, tmp_path / "clf.zip")
    with zipfile.ZipFile(path) as archive:
        assert set(archive.namelist()) == {"metadata.json", "model.keras"}
        meta = json.loads(archive.read("metadata.json"))
        archive.extract("model.keras", tmp_path)
    assert meta["format"] == "sklearn-conv1d" and meta["format_version"] == 1
    assert meta["estimator"] == "Conv1DClassifier"
    for name in ("sklearn-conv1d", "keras", "tensorflow", "scikit-learn"):
        assert meta["versions"][name]
    assert meta["versions"]["keras"] == keras.__version__
    network = keras.saving.load_model(tmp_path / "model.keras")
    X = np.zeros((2, 16, 1), np.float32)
    np.testing.assert_array_equal(network.predict_on_batch(X), fitted.model_(X))


def test_unserialisable_params_are_dropped_with_warning_or_pickled(data, tmp_path):
    X, y = data
    stop = keras.callbacks.EarlyStopping(monitor="loss", patience=5)
    clf = Conv1DClassifier(
        callbacks=[stop],
        random_state=np.random.RandomState(0),
        **{k: v for k, v in TINY.items() if k != "random_state"},
    ).fit(X, y)
    with pytest.warns(UserWarning, match=r"\['random_state', 'callbacks'\]|left out"):
        save(clf, tmp_path / "safe.zip")
    with pytest.warns(UserWarning, match="default values"):
        loaded = load(tmp_path / "safe.zip")
    assert loaded.callbacks is None and loaded.random_state is None
    assert_same_predictions(loaded, clf, X)

    save(clf, tmp_path / "pickled.zip", allow_pickle=True)
    with pytest.raises(ValueError, match="pickled parameters.*safe_mode=False"):
        load(tmp_path / "pickled.zip")
    trusted = load(tmp_path / "pickled.zip", safe_mode=False)
    assert isinstance(trusted.callbacks[0], keras.callbacks.EarlyStopping)
    assert isinstance(trusted.random_state, np.random.RandomState)
    assert_same_predictions(trusted, clf, X)


def test_save_refuses_unfitted_and_foreign_estimators(fitted, tmp_path):
    with pytest.raises(NotFittedError):
        save(Conv1DClassifier(), tmp_path / "clf.zip")
    with pytest.raises(TypeError, match="joblib or pickle"):
        save(make_pipeline(Conv1DClassifier()), tmp_path / "clf.zip")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        save(fitted, tmp_path / "missing" / "clf.zip")
    assert list(tmp_path.iterdir()) == []


def test_failed_save_leaves_no_partial_file(fitted, tmp_path, monkeypatch):
    target = tmp_path / "clf.zip"
    target.write_bytes(b"previous contents")

    def broken_save(self, *args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(keras.Model, "save", broken_save)
    with pytest.raises(OSError, match="disk full"):
        save(fitted, target)
    assert target.read_bytes() == b"previous contents"
    assert [p.name for p in tmp_path.iterdir()] == ["clf.zip"]
    with pytest.raises(OSError, match="disk full"):
        save(fitted, tmp_path / "new.zip")
    assert [p.name for p in tmp_path.iterdir()] == ["clf.zip"]


def _rewrite(src, dst, edit_metadata=None, drop=()):
    """Copy a saved file, editing its metadata or leaving members out."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for name in zin.namelist():
            if name in drop:
                continue
            content = zin.read(name)
            if name == "metadata.json" and edit_metadata is not None:
                meta = json.loads(content)
                edit_metadata(meta)
                content = json.dumps(meta)
            zout.writestr(name, content)
    return dst


def test_load_rejects_missing_truncated_and_foreign_files(fitted, tmp_path):
    good = save(fitted, tmp_path / "clf.zip")
    with pytest.raises(FileNotFoundError, match="nothere.zip"):
        load(tmp_path / "nothere.zip")
    with pytest.raises(ValueError, match="not a file"):
        load(tmp_path)
    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    foreign = tmp_path / "foreign.zip"
    with zipfile.ZipFile(foreign, "w") as archive:
        archive.writestr("data.csv", "a,b\n1,2\n")
    joblib.dump(fitted, tmp_path / "clf.joblib")
    for path in (truncated, text, foreign, tmp_path / "clf.joblib"):
        with pytest.raises(ValueError, match="not a file written by sklearn_conv1d"):
            load(path)
    # A joblib file holds the network's .keras zip at its end: not mistaken
    # for a Keras file.
    with pytest.raises(ValueError, match="not a zip archive.*joblib.load"):
        load(tmp_path / "clf.joblib")
    fitted.model_.save(tmp_path / "net.keras")
    with pytest.raises(ValueError, match="keras.saving.load_model"):
        load(tmp_path / "net.keras")
    no_model = _rewrite(good, tmp_path / "no_model.zip", drop={"model.keras"})
    with pytest.raises(ValueError, match="lacks model.keras"):
        load(no_model)

    def other_format(meta):
        meta["format"] = "something-else"

    with pytest.raises(ValueError, match="not ours"):
        load(_rewrite(good, tmp_path / "other.zip", other_format))


def test_load_rejects_newer_format_and_unknown_estimator(fitted, tmp_path):
    good = save(fitted, tmp_path / "clf.zip")

    def newer(meta):
        meta["format_version"] = 99
        meta["versions"]["sklearn-conv1d"] = "9.0"

    with pytest.raises(ValueError, match="format version 99.*Upgrade sklearn-conv1d"):
        load(_rewrite(good, tmp_path / "newer.zip", newer))

    def regressor(meta):
        meta["estimator"] = "os.system"

    with pytest.raises(ValueError, match="'os.system'.*does not know"):
        load(_rewrite(good, tmp_path / "unknown.zip", regressor))


def test_load_warns_on_version_mismatch_and_unknown_params(fitted, data, tmp_path):
    X, _ = data
    good = save(fitted, tmp_path / "clf.zip")

    def older(meta):
        meta["versions"]["keras"] = "3.0.0"
        meta["versions"]["scikit-learn"] = "1.6.0"
        meta["params"]["removed_param"] = 1

    with pytest.warns(InconsistentVersionWarning) as record:
        with pytest.warns(UserWarning, match=r"\['removed_param'\].*unknown"):
            loaded = load(_rewrite(good, tmp_path / "older.zip", older))
    [warning] = [w.message for w in record if w.category is InconsistentVersionWarning]
    assert isinstance(warning, UserWarning)
    assert warning.mismatches == {
        "keras": ("3.0.0", keras.__version__),
        "scikit-learn": ("1.6.0", _saving._versions()["scikit-learn"]),
    }
    assert "keras 3.0.0" in str(warning)
    assert_same_predictions(loaded, fitted, X)


def test_load_is_safe_mode_by_default(data, tmp_path):
    # A Lambda layer stores Python code: Keras's safe mode refuses it.
    X, y = data
    clf = Conv1DClassifier(**TINY).fit(X, y)
    inputs = keras.Input(shape=(16, 1))
    outputs = keras.layers.Lambda(lambda t: t * 1.0)(clf.model_(inputs))
    clf.model_ = keras.Model(inputs, outputs)
    path = save(clf, tmp_path / "lambda.zip")
    with pytest.raises(ValueError, match="safe_mode"):
        load(path)
    np.testing.assert_allclose(
        load(path, safe_mode=False).predict_proba(X), clf.predict_proba(X)
    )


def test_json_encoding_roundtrips_types():
    values = [
        None,
        True,
        3,
        0.1,
        "x",
        (1, (2, 3)),
        [1, "a"],
        {0: 1.0, "a": (2,), (1, 2): None},
        np.array(["ab", "c"]),
        np.array([[1, 2]], dtype=np.int32),
        np.array([True]),
        np.array(["a", 1], dtype=object),
        np.array([], dtype=np.float64),
    ]
    for value in values:
        encoded = json.loads(json.dumps(_saving._encode(value)))
        decoded = _saving._decode(encoded)
        if isinstance(value, np.ndarray):
            assert decoded.dtype == value.dtype and decoded.shape == value.shape
            np.testing.assert_array_equal(decoded, value)
        else:
            assert decoded == value and type(decoded) is type(value)
    with pytest.raises(TypeError):
        _saving._encode(object())


def test_estimators_saved_before_time_shift_load_without_shifts(tmp_path):
    # time_shift=0.05 is the default now, but an estimator saved before the
    # parameter existed never shifted: it loads with 0, so that a refit
    # trains as its fit did, whether it was pickled or saved to a file.
    X, y = _make_sequences(n_samples=20, n_timesteps=16)
    clf = Conv1DClassifier(epochs=2, time_shift=0, random_state=0).fit(X, y)
    state = clf.__getstate__()
    del state["time_shift"]
    unpickled = Conv1DClassifier.__new__(Conv1DClassifier)
    unpickled.__setstate__(state)
    path = save(clf, tmp_path / "clf.zip")
    old_file = _rewrite(
        path, tmp_path / "old.zip", lambda meta: meta["params"].pop("time_shift")
    )
    loaded = load(old_file)
    for old in (unpickled, loaded):
        assert old.time_shift == 0.0
        np.testing.assert_array_equal(old.predict_proba(X), clf.predict_proba(X))
        # Its network was built without shifts: a warm start cannot add them.
        del old._network_params["time_shift"]  # not recorded before either
        old.set_params(time_shift=0.05, warm_start=True)
        with pytest.raises(ValueError, match="time_shift=0.05 .built with 0.0"):
            old.fit(X, y)
    assert Conv1DClassifier().time_shift == 0.05
