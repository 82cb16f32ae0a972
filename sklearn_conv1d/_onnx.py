"""Export a fitted estimator's network to ONNX, for serving without TensorFlow.

Needs the optional extra ``[onnx]`` (tf2onnx, onnx; onnxruntime to run the
model). ``tf2onnx.convert.from_keras`` fails on Keras 3 models, so the network
is wrapped in a ``tf.function`` and converted with ``from_function``.
"""

import json
import os
from pathlib import Path

import numpy as np
from sklearn.utils.validation import check_is_fitted

from ._backend import require_backend
from ._saving import _check_estimator, _package_version, _write_atomically

_ONNX_INSTALL_HINT = "pip install 'sklearn-conv1d[onnx]'"


def to_onnx(estimator, path=None, *, opset=None):
    """Export a fitted estimator's network to ONNX, for serving without Keras.

    The ONNX model has one input, ``"sequence"``: float32 sequences in the
    estimator's ``data_format`` and of the length and channels seen in fit,
    ``(n, timesteps, channels)`` for ``"channels_last"`` (the default) and
    ``(n, channels, timesteps)`` for ``"channels_first"`` (transposed inside
    the graph); the batch size ``n`` is free. A univariate (2D) ``X`` of
    shape ``(n, timesteps)`` is passed as ``X[:, :, None]`` (channels-last)
    or ``X[:, None, :]`` (channels-first). For a classifier its one output,
    ``"probabilities"``, is ``(n, n_classes)`` float32, columns ordered as
    ``classes_``, equal to ``predict_proba`` up to float32 rounding, and the
    class labels are stored in the model's ``metadata_props`` (``"classes"``
    as JSON). For a regressor the output is ``"predictions"``,
    ``(n, n_outputs)``. ``"data_format"`` is stored too. Preprocessing steps
    of a Pipeline are not exported: apply them before the ONNX model.

    Needs the optional dependencies ``tf2onnx`` and ``onnx``
    (``pip install 'sklearn-conv1d[onnx]'``, which adds ``onnxruntime`` to
    run the model).

    Parameters
    ----------
    estimator : Conv1DClassifier or Conv1DRegressor
        A fitted estimator.
    path : str, path-like or None, default=None
        If given, also write the model there (atomically, as :func:`save`).
    opset : int or None, default=None
        ONNX opset to target; None for tf2onnx's default.

    Returns
    -------
    model : onnx.ModelProto
        The ONNX model.

    Raises
    ------
    ImportError
        If tf2onnx or onnx is not installed, naming the extra to install.
    sklearn.exceptions.NotFittedError
        If ``estimator`` is not fitted.
    TypeError
        If ``estimator`` is not an estimator of this package.
    ValueError
        If the exported model fails ONNX's checker (an operation ONNX lacks).

    See Also
    --------
    save : Save the whole estimator, to load it back in Python.

    Examples
    --------
    >>> import numpy as np
    >>> import onnxruntime as ort
    >>> from sklearn_conv1d import Conv1DClassifier, to_onnx
    >>> X = np.random.RandomState(0).randn(20, 16, 2).astype("float32")
    >>> y = (X[:, :8, 0].mean(axis=1) > 0).astype(int)
    >>> clf = Conv1DClassifier(filters=4, dense_units=8, epochs=1, random_state=0)
    >>> onnx_model = to_onnx(clf.fit(X, y))
    >>> session = ort.InferenceSession(
    ...     onnx_model.SerializeToString(), providers=["CPUExecutionProvider"]
    ... )
    >>> (proba,) = session.run(["probabilities"], {"sequence": X[:3]})
    >>> bool(np.allclose(proba, clf.predict_proba(X[:3]), atol=1e-6))
    True
    """
    _check_estimator(estimator)
    check_is_fitted(estimator)
    require_backend("tensorflow", "to_onnx (through tf2onnx)")
    tf2onnx, onnx = _import_onnx()
    import tensorflow as tf

    timesteps, channels = (int(d) for d in estimator.input_shape_)
    channels_first = estimator.data_format == "channels_first"
    shape = (
        (None, channels, timesteps) if channels_first else (None, timesteps, channels)
    )
    signature = (tf.TensorSpec(shape, tf.float32, name="sequence"),)
    network = estimator.model_
    classifier = hasattr(estimator, "classes_")
    output = "probabilities" if classifier else "predictions"

    @tf.function(input_signature=signature)
    def serve(sequence):
        if channels_first:
            sequence = tf.transpose(sequence, [0, 2, 1])
        return {output: network(sequence, training=False)}

    # tf2onnx.convert.from_keras fails on Keras 3 models; a tf.function works.
    model, _ = tf2onnx.convert.from_function(
        serve,
        input_signature=signature,
        opset=opset,
        custom_op_handlers={"Erfc": (_erfc_as_one_minus_erf, [])},
    )
    try:
        onnx.checker.check_model(model, full_check=True)
    except onnx.checker.ValidationError as exc:
        raise ValueError(
            "The network uses an operation that tf2onnx exported to an invalid "
            f"ONNX model ({str(exc).splitlines()[0]}); use another activation or "
            "opset, or serve the Keras model."
        ) from exc
    props = {
        "data_format": estimator.data_format,
        "estimator": type(estimator).__name__,
        "sklearn_conv1d_version": _package_version("sklearn-conv1d"),
    }
    if classifier:
        classes = np.asarray(estimator.classes_).tolist()
        props["classes"] = json.dumps(classes, default=str)
    onnx.helper.set_model_props(model, props)
    if path is not None:
        serialized = model.SerializeToString()
        _write_atomically(Path(os.fspath(path)), lambda f: f.write(serialized))
    return model


def _import_onnx():
    try:
        import onnx
        import tf2onnx
    except ImportError as exc:
        raise ImportError(
            f"to_onnx needs the optional dependencies tf2onnx and onnx ({exc}). "
            f"Install them with: {_ONNX_INSTALL_HINT}"
        ) from exc
    return tf2onnx, onnx


def _erfc_as_one_minus_erf(ctx, node, name, args):
    """tf2onnx handler: TF's Erfc (in Keras's exact gelu) as ``1 - Erf``.

    ONNX has Erf but no Erfc, and tf2onnx leaves Erfc as is, which
    onnxruntime rejects.
    """
    from tf2onnx import utils

    dtype = utils.map_onnx_to_numpy_type(ctx.get_dtype(node.input[0]))
    erf = ctx.make_node("Erf", [node.input[0]])
    one = ctx.make_const(utils.make_name(f"{name}_one"), np.array(1, dtype=dtype))
    node.type = "Sub"
    node.domain = ""
    ctx.replace_inputs(node, [one.output[0], erf.output[0]])
