"""ONNX export on every Keras backend, checked with onnxruntime."""

import json
import sys

import keras
import numpy as np
import pytest
from sequence_data import make_sequences
from sklearn.exceptions import NotFittedError

from sklearn_conv1d import Conv1DClassifier, Conv1DRegressor, to_onnx
from sklearn_conv1d._onnx import _CONVERTERS

ort = pytest.importorskip("onnxruntime")
pytest.importorskip("onnx")
CONVERTER = _CONVERTERS[keras.backend.backend()][0]
if CONVERTER is not None:
    pytest.importorskip(CONVERTER)

TINY = dict(filters=4, dense_units=8, epochs=2, random_state=0)
# onnxruntime vs Keras on the same float32 network: measured <= 4e-7.
ONNX_ATOL = 1e-5


def session(model):
    return ort.InferenceSession(
        model.SerializeToString(), providers=["CPUExecutionProvider"]
    )


@pytest.mark.parametrize(
    "data_format, activation",
    [("channels_last", "relu"), ("channels_first", "gelu")],  # gelu: Erfc in TF
)
def test_classifier_export_matches_predict_proba(data_format, activation, tmp_path):
    X, y = make_sequences(n_samples=24, n_timesteps=16, n_channels=2, n_classes=3)
    if data_format == "channels_first":
        X = np.ascontiguousarray(X.transpose(0, 2, 1))
    clf = Conv1DClassifier(
        data_format=data_format,
        activation=activation,
        batch_norm=True,
        dropout=0.2,
        **TINY,
    ).fit(X, np.array(["a", "b", "c"])[y])
    model = to_onnx(clf, tmp_path / "clf.onnx")
    assert (tmp_path / "clf.onnx").read_bytes() == model.SerializeToString()
    props = {p.key: p.value for p in model.metadata_props}
    assert json.loads(props["classes"]) == ["a", "b", "c"]
    assert props["data_format"] == data_format
    assert props["estimator"] == "Conv1DClassifier"
    run = session(model)
    assert [i.name for i in run.get_inputs()] == ["sequence"]
    assert [o.name for o in run.get_outputs()] == ["probabilities"]
    (proba,) = run.run(None, {"sequence": X})
    expected = clf.predict_proba(X)
    assert proba.shape == expected.shape and proba.dtype == np.float32
    np.testing.assert_allclose(proba, expected, rtol=0, atol=ONNX_ATOL)
    (one,) = run.run(None, {"sequence": X[:1]})  # free batch size
    np.testing.assert_allclose(one, expected[:1], rtol=0, atol=ONNX_ATOL)


def test_regressor_export_matches_predict():
    X, y = make_sequences(n_samples=24, n_timesteps=16, n_channels=2)
    targets = np.stack([y, X[:, :4, 0].mean(axis=1)], axis=1).astype(float)
    reg = Conv1DRegressor(global_pooling="avg", **TINY).fit(X, targets)
    model = to_onnx(reg)
    run = session(model)
    assert [o.name for o in run.get_outputs()] == ["predictions"]
    assert "classes" not in {p.key for p in model.metadata_props}
    (predictions,) = run.run(None, {"sequence": X})
    np.testing.assert_allclose(predictions, reg.predict(X), rtol=0, atol=ONNX_ATOL)


def test_ensemble_exports_the_average_of_its_networks():
    X, y = make_sequences(n_samples=24, n_timesteps=16, n_channels=2, n_classes=3)
    clf = Conv1DClassifier(n_networks=2, **TINY).fit(X, y)
    (proba,) = session(to_onnx(clf)).run(None, {"sequence": X})
    np.testing.assert_allclose(proba, clf.predict_proba(X), rtol=0, atol=ONNX_ATOL)


def test_inception_network_exports():
    # Parallel branches, a concatenation and a residual shortcut: not a chain.
    X, y = make_sequences(n_samples=24, n_timesteps=16, n_channels=2)
    clf = Conv1DClassifier(
        filters=(4, 4),
        kernel_size=8,
        inception=True,
        residual=2,
        batch_norm=True,
        pool_size=None,
        global_pooling="avg",
        dense_units=None,
        epochs=2,
        random_state=0,
    ).fit(X, y)
    (proba,) = session(to_onnx(clf)).run(None, {"sequence": X})
    np.testing.assert_allclose(proba, clf.predict_proba(X), rtol=0, atol=ONNX_ATOL)


def test_opset_ir_version_and_untouched_network():
    X, y = make_sequences(n_samples=24, n_timesteps=16)
    clf = Conv1DClassifier(**TINY).fit(X, y)
    expected = clf.predict_proba(X)
    nodes = len(clf.model_._inbound_nodes)
    model = to_onnx(clf)
    assert {o.domain: o.version for o in model.opset_import}[""] == 18
    assert model.ir_version <= 8  # the lowest that holds opset 18: old runtimes
    model = to_onnx(clf, opset=17)
    assert {o.domain: o.version for o in model.opset_import}[""] == 17
    np.testing.assert_array_equal(clf.predict_proba(X), expected)
    # The export works on a copy: the fitted network is not wired into another
    # graph (which would hold it for good and keep it out of the pool).
    assert len(clf.model_._inbound_nodes) == nodes


def test_errors(monkeypatch):
    X, y = make_sequences(n_samples=24, n_timesteps=16)
    with pytest.raises(NotFittedError):
        to_onnx(Conv1DClassifier())
    with pytest.raises(TypeError, match="sklearn_conv1d's estimators"):
        to_onnx(object())
    clf = Conv1DClassifier(**TINY).fit(X, y)
    monkeypatch.setitem(sys.modules, CONVERTER or "onnx", None)
    with pytest.raises(ImportError, match=r"pip install 'sklearn-conv1d\[onnx"):
        to_onnx(clf)


def swish_of_mine(x):
    return x * keras.ops.sigmoid(x)


def test_callable_activation_exports():
    X, y = make_sequences(n_samples=24, n_timesteps=16)
    clf = Conv1DClassifier(activation=swish_of_mine, **TINY).fit(X, y)
    (proba,) = session(to_onnx(clf)).run(None, {"sequence": X[:, :, None]})
    np.testing.assert_allclose(proba, clf.predict_proba(X), rtol=0, atol=ONNX_ATOL)


@pytest.mark.parametrize("normalize", ["series", "dataset", "timestep"])
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_normalize_is_part_of_the_model(data_format, normalize):
    X, y = make_sequences(n_samples=24, n_timesteps=16, n_channels=2)
    # Other units and levels per series and channel; one constant channel.
    X = X * np.float32(50) + np.arange(24, dtype=np.float32)[:, None, None]
    X[0, :, 1] = 3.0
    if data_format == "channels_first":
        X = X.transpose(0, 2, 1).copy()
    clf = Conv1DClassifier(normalize=normalize, data_format=data_format, **TINY)
    clf.fit(X, y)
    (proba,) = session(to_onnx(clf)).run(None, {"sequence": X})
    np.testing.assert_allclose(proba, clf.predict_proba(X), rtol=0, atol=ONNX_ATOL)
