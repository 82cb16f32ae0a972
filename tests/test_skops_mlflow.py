"""skops files and MLflow models of the estimators, through their public APIs.

skops audits every type a file holds: the estimators' state is plain data
(see ``_state``), so the only types it does not trust by default are the
estimators' own classes, ``SKOPS_TRUSTED_TYPES``. MLflow >= 3.17 saves
scikit-learn models with skops by default; it is tested with a local SQLite
store and no server.
"""

import numpy as np
import pytest
from sequence_data import make_sequences
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from sklearn_conv1d import SKOPS_TRUSTED_TYPES, Conv1DClassifier, Conv1DRegressor

sio = pytest.importorskip("skops.io")

TINY = dict(filters=4, dense_units=8, epochs=2, random_state=0)


@pytest.fixture(scope="module")
def data():
    return make_sequences(n_samples=24, n_timesteps=16, n_channels=2)


@pytest.fixture(scope="module")
def fitted(data):
    X, y = data
    return [
        Conv1DClassifier(dropout=0.2, batch_norm=True, **TINY).fit(
            X, np.array(["cat", "dog"])[y]
        ),
        Conv1DRegressor(**TINY).fit(X, y.astype(float)),
        make_pipeline(FunctionTransformer(), Conv1DClassifier(**TINY)).fit(X, y),
    ]


def test_skops_roundtrip_needs_only_our_types(fitted, data, tmp_path):
    X, _ = data
    for i, estimator in enumerate(fitted):
        path = tmp_path / f"est{i}.skops"
        sio.dump(estimator, path)
        untrusted = sio.get_untrusted_types(file=path)
        assert untrusted and set(untrusted) <= set(SKOPS_TRUSTED_TYPES)
        with pytest.raises(sio.exceptions.UntrustedTypesFoundException):
            sio.load(path)  # skops's audit is not bypassed
        loaded = sio.load(path, trusted=SKOPS_TRUSTED_TYPES)
        np.testing.assert_array_equal(loaded.predict(X), estimator.predict(X))
        if hasattr(estimator, "predict_proba"):
            np.testing.assert_array_equal(
                loaded.predict_proba(X), estimator.predict_proba(X)
            )
    loaded = sio.loads(sio.dumps(fitted[0]), trusted=SKOPS_TRUSTED_TYPES)
    assert loaded.get_params() == fitted[0].get_params()


def test_skops_file_with_a_foreign_type_is_refused(fitted, tmp_path):
    # A user's callback is a type nobody vetted: skops names it, and loading
    # with our trusted list alone refuses the file.
    keras = pytest.importorskip("keras")
    clf = Conv1DClassifier(callbacks=[keras.callbacks.TerminateOnNaN()], **TINY)
    path = tmp_path / "with_callback.skops"
    sio.dump(clf, path)
    untrusted = set(sio.get_untrusted_types(file=path)) - set(SKOPS_TRUSTED_TYPES)
    assert "keras.src.callbacks.terminate_on_nan.TerminateOnNaN" in untrusted
    with pytest.raises(sio.exceptions.UntrustedTypesFoundException):
        sio.load(path, trusted=SKOPS_TRUSTED_TYPES)


@pytest.fixture
def mlflow_store(tmp_path, monkeypatch):
    mlflow = pytest.importorskip("mlflow")
    pytest.importorskip("sqlalchemy")
    # MLflow loads models, skops ones included, unless one of these says false.
    monkeypatch.delenv("MLFLOW_ALLOW_MODEL_CODE_EXECUTION", raising=False)
    monkeypatch.delenv("MLFLOW_ALLOW_PICKLE_DESERIALIZATION", raising=False)
    previous = mlflow.get_tracking_uri()
    mlflow.set_tracking_uri(f"sqlite:///{tmp_path / 'mlflow.db'}")
    # Artifacts too go under tmp_path, not the default ./mlruns.
    experiment = mlflow.create_experiment(
        "sklearn-conv1d", artifact_location=(tmp_path / "artifacts").as_uri()
    )
    yield mlflow, experiment
    mlflow.set_tracking_uri(previous)


def test_mlflow_log_and_load_sklearn_and_pyfunc(mlflow_store, fitted, data, tmp_path):
    import mlflow.pyfunc
    import mlflow.sklearn

    mlflow, experiment = mlflow_store
    X, _ = data
    clf, reg, _ = fitted
    with mlflow.start_run(experiment_id=experiment):
        info = mlflow.sklearn.log_model(
            clf, name="clf", skops_trusted_types=SKOPS_TRUSTED_TYPES
        )
    loaded = mlflow.sklearn.load_model(info.model_uri)
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))
    pyfunc = mlflow.pyfunc.load_model(info.model_uri)
    np.testing.assert_array_equal(pyfunc.predict(X), clf.predict(X))

    mlflow.sklearn.save_model(
        reg, tmp_path / "reg", skops_trusted_types=SKOPS_TRUSTED_TYPES
    )
    assert (tmp_path / "reg" / "model.skops").is_file()  # skops, the default format
    loaded = mlflow.sklearn.load_model(str(tmp_path / "reg"))
    np.testing.assert_array_equal(loaded.predict(X), reg.predict(X))


def test_mlflow_default_save_names_the_types_to_trust(mlflow_store, fitted, tmp_path):
    import mlflow.sklearn

    mlflow, _ = mlflow_store
    # MLflow checks a skops file right after writing it: with no trusted types
    # given, it refuses ours, as it does any class outside scikit-learn.
    with pytest.raises(mlflow.MlflowException) as excinfo:
        mlflow.sklearn.save_model(fitted[0], tmp_path / "clf")
    message = str(excinfo.value)
    assert "skops_trusted_types" in message
    assert "sklearn_conv1d._classifier.Conv1DClassifier" in message
