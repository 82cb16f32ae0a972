"""The pickling protocol of our own (``_state``): no reliance on scikeras's patch.

Importing scikeras replaces ``keras.Model.__reduce__`` (and those of Keras's
losses, metrics and optimizers) for the whole process. The estimators store
their network as ``.keras`` bytes themselves, so these tests make every such
``__reduce__`` raise and check that pickle, joblib, deepcopy and Dask-style
transfers still work, and that a restored network stays out of the pool.
"""

import copy
import pickle

import joblib
import keras
import numpy as np
import pytest
from sequence_data import make_sequences
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from sklearn_conv1d import Conv1DClassifier, Conv1DRegressor
from sklearn_conv1d._model_pool import POOL

TINY = dict(filters=4, dense_units=8, epochs=2, random_state=0)


@pytest.fixture
def no_keras_pickling(monkeypatch):
    """Make pickling any Keras model, loss, metric or optimizer fail."""

    def refuse(obj, *args):
        raise AssertionError(f"{type(obj).__name__} was pickled directly")

    for cls in (
        keras.Model,
        keras.losses.Loss,
        keras.metrics.Metric,
        keras.optimizers.Optimizer,
    ):
        monkeypatch.setattr(cls, "__reduce__", refuse)
        monkeypatch.setattr(cls, "__reduce_ex__", refuse)


def _roundtrips(tmp_path):
    return {
        "pickle": lambda est: pickle.loads(pickle.dumps(est)),
        "joblib": lambda est: joblib.load(joblib.dump(est, tmp_path / "e.joblib")[0]),
        "deepcopy": copy.deepcopy,
    }


@pytest.mark.parametrize("how", ["pickle", "joblib", "deepcopy"])
def test_roundtrips_without_scikeras_patch(how, no_keras_pickling, tmp_path):
    X, y = make_sequences(n_samples=24, n_timesteps=16)
    roundtrip = _roundtrips(tmp_path)[how]
    fitted = [
        Conv1DClassifier(dropout=0.2, batch_norm=True, **TINY).fit(X, y),
        Conv1DRegressor(**TINY).fit(X, y.astype(float)),
        make_pipeline(FunctionTransformer(), Conv1DClassifier(**TINY)).fit(X, y),
    ]
    for estimator in fitted:
        copied = roundtrip(estimator)
        np.testing.assert_array_equal(copied.predict(X), estimator.predict(X))
    unfitted = Conv1DClassifier(filters=(4, 8))
    assert roundtrip(unfitted).get_params() == unfitted.get_params()
    with pytest.raises(AssertionError, match="pickled directly"):
        pickle.dumps(fitted[0].model_)  # the fixture works


def test_state_is_plain_data_and_derived_attributes_are_rebuilt():
    X, y = make_sequences(n_samples=24, n_timesteps=16)
    clf = Conv1DClassifier(**TINY).fit(X, np.array(["a", "b"])[y])
    state = clf.__getstate__()
    assert isinstance(state["model_"]["keras"], bytes)
    assert not {"target_encoder_", "feature_encoder_", "_fit_callbacks"} & set(state)
    assert type(state["history_"]) is dict
    copied = pickle.loads(pickle.dumps(clf))
    assert set(vars(copied)) == set(vars(clf))
    assert copied.history_ == clf.history_ and type(copied.history_) is type(
        clf.history_
    )
    assert copied.input_shape_ == clf.input_shape_
    np.testing.assert_array_equal(copied.predict_proba(X), clf.predict_proba(X))


def test_restored_network_is_never_pooled_or_shared():
    X, y = make_sequences(n_samples=24, n_timesteps=16)
    clf = Conv1DClassifier(**TINY).fit(X, y)
    copies = [pickle.loads(pickle.dumps(clf)), copy.deepcopy(clf)]
    expected = clf.predict_proba(X)
    pooled = [slot.model for slots in POOL._slots.values() for slot in slots]
    for copied in copies:
        assert copied.model_ is not clf.model_
        assert all(model is not copied.model_ for model in pooled)
    del clf  # its pooled network is free again; the copies' networks never are
    refits = [Conv1DClassifier(**TINY).fit(X, y) for _ in range(3)]
    networks = {id(est.model_) for est in refits + copies}
    assert len(networks) == len(refits) + len(copies)
    for copied in copies:  # untouched by the refits
        np.testing.assert_array_equal(copied.predict_proba(X), expected)


def test_damaged_or_newer_state_is_refused_clearly():
    X, y = make_sequences(n_samples=24, n_timesteps=16)
    clf = Conv1DClassifier(**TINY).fit(X, y)
    state = clf.__getstate__()
    newer = {**state, "_sklearn_conv1d_state": 99}
    with pytest.raises(ValueError, match="state layout 99"):
        Conv1DClassifier.__new__(Conv1DClassifier).__setstate__(newer)
    truncated = {**state, "model_": {**state["model_"], "keras": b"PK\x03\x04"}}
    with pytest.raises(ValueError, match="truncated or damaged"):
        Conv1DClassifier.__new__(Conv1DClassifier).__setstate__(truncated)
    for damaged in ({"variables": []}, {"keras": "text", "variables": []}):
        with pytest.raises(ValueError, match="damaged"):
            Conv1DClassifier.__new__(Conv1DClassifier).__setstate__(
                {**state, "model_": damaged}
            )
