"""
=====================================================
From training to serving: MLflow, then ONNX Runtime
=====================================================

Log a fitted :class:`~sklearn_conv1d.Conv1DClassifier` to a local MLflow
tracking store, load it back from the store as any scikit-learn model, and
serve the loaded model's network with ONNX Runtime, which needs neither Keras
nor a deep-learning framework. Everything stays on this machine: the store
is a SQLite file in a temporary directory, and no server runs.
"""

# %%
# Fit on GunPoint (motion capture, 2 classes), bundled with aeon.
import json
import os
import tempfile
import time

import mlflow
import mlflow.sklearn
import numpy as np
import onnxruntime as ort
from aeon.datasets import load_classification

from sklearn_conv1d import SKOPS_TRUSTED_TYPES, Conv1DClassifier, to_onnx

X_train, y_train = load_classification("GunPoint", split="train")
X_test, y_test = load_classification("GunPoint", split="test")
clf = Conv1DClassifier(data_format="channels_first", epochs=50, random_state=0)
clf.fit(X_train, y_train)
print(f"test accuracy: {clf.score(X_test, y_test):.3f}")

# %%
# Log it to a local store. MLflow saves scikit-learn models in the skops
# format, which audits every type it loads: the estimator's own class is
# the only one to trust, and ``SKOPS_TRUSTED_TYPES`` lists it. MLflow keeps
# the list with the model and uses it when loading.
store = tempfile.mkdtemp()
mlflow.set_tracking_uri(f"sqlite:///{os.path.join(store, 'mlflow.db')}")
experiment = mlflow.create_experiment(
    "gunpoint", artifact_location=os.path.join(store, "artifacts")
)
with mlflow.start_run(experiment_id=experiment):
    mlflow.log_params({"filters": clf.filters, "epochs": clf.epochs})
    mlflow.log_metric("test_accuracy", clf.score(X_test, y_test))
    info = mlflow.sklearn.log_model(
        clf, name="model", skops_trusted_types=SKOPS_TRUSTED_TYPES
    )
print(info.model_uri)

# %%
# Load it back, in the serving process. MLflow loads a model only where
# ``MLFLOW_ALLOW_MODEL_CODE_EXECUTION`` is not ``false`` (it is true unless set),
# skops ones included: their trusted list comes from the model's own files, so
# set it to ``false`` where a model may come from a source you do not trust.
loaded = mlflow.sklearn.load_model(info.model_uri)
assert (loaded.predict_proba(X_test) == clf.predict_proba(X_test)).all()

# %%
# Export the loaded model's network to ONNX and serve it with ONNX Runtime.
# The input is ``"sequence"``, in the estimator's ``data_format``; the output
# ``"probabilities"`` has one column per class, in the order of ``classes_``,
# which the model's metadata holds.
onnx_model = to_onnx(loaded)
session = ort.InferenceSession(
    onnx_model.SerializeToString(), providers=["CPUExecutionProvider"]
)
metadata = {prop.key: prop.value for prop in onnx_model.metadata_props}
classes = np.array(json.loads(metadata["classes"]))
X_serve = X_test.astype(np.float32)
(proba,) = session.run(["probabilities"], {"sequence": X_serve})
print(
    f"largest difference to predict_proba: "
    f"{np.abs(proba - loaded.predict_proba(X_test)).max():.1e}"
)
print(f"ONNX Runtime accuracy: {(classes[proba.argmax(axis=1)] == y_test).mean():.3f}")


# %%
# One series at a time, as a service answers requests: median latency of
# ONNX Runtime against the estimator's own ``predict_proba``.
def median_ms(predict, rows=50):
    times = []
    for i in range(rows):
        start = time.perf_counter()
        predict(X_serve[i : i + 1])
        times.append(time.perf_counter() - start)
    return 1000 * float(np.median(times))


onnx_ms = median_ms(lambda row: session.run(None, {"sequence": row}))
keras_ms = median_ms(loaded.predict_proba)
print(f"one series: ONNX Runtime {onnx_ms:.3f} ms, predict_proba {keras_ms:.2f} ms")
