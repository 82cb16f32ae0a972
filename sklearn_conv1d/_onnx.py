"""Export a fitted estimator's network to ONNX, for serving without Keras.

Keras's own ``model.export(path, format="onnx")`` does the conversion on every
backend, each with its converter: tf2onnx on TensorFlow, jax2onnx on JAX and
``torch.onnx`` on PyTorch. What this module adds is the same contract on all
three: an input named ``"sequence"`` in the estimator's ``data_format``, an
output named ``"probabilities"`` or ``"predictions"``, a free batch size,
the estimator's metadata, and a model that passes ONNX's full check.

Our own code is kept where Keras's export falls short:

- Keras names no output on any backend (TensorFlow gives ``Identity:0``,
  JAX ``softmax_out_0``, PyTorch a number): the output is renamed after export.
- On TensorFlow, tf2onnx leaves TensorFlow's ``Erfc`` (in Keras's exact
  ``gelu``) in the graph, which ONNX lacks (``onnx.checker``: "No Op
  registered for Erfc with domain_version of 18"); it is rewritten as
  ``1 - Erf``. Keras's export takes no tf2onnx handlers.
- JAX's converter writes the newest IR version whatever the opset, which
  older onnxruntime releases refuse ("Unsupported model IR version: 10"):
  the IR version is lowered to the lowest that holds the opset.
"""

import json
import os
import tempfile
from pathlib import Path

import keras
import numpy as np
from sklearn.utils.validation import check_is_fitted

from ._backend import backend
from ._saving import _check_estimator, _package_version, _write_atomically
from ._state import custom_objects

#: Opset of the exported models: the one every backend's converter writes
#: correctly (tf2onnx stops at 18; jax2onnx 0.17 writes an invalid
#: ``ReduceMean`` at 17, for ``global_pooling="avg"``) and onnxruntime >= 1.17
#: runs.
DEFAULT_OPSET = 18

# The converter Keras's export uses on each backend, and how to install it.
_CONVERTERS = {
    "tensorflow": ("tf2onnx", "pip install 'sklearn-conv1d[onnx]'"),
    "jax": ("jax2onnx", "pip install 'sklearn-conv1d[onnx-jax]'"),
    "torch": (None, "pip install 'sklearn-conv1d[onnx]'"),
}


def to_onnx(estimator, path=None, *, opset=DEFAULT_OPSET):
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
    ``(n, n_outputs)``. ``"data_format"`` is stored too. An estimator's
    ``normalize`` is part of the model: ``"series"`` z-normalises each
    sequence as given, so pass sequences of the fit length, unpadded;
    ``"dataset"`` and ``"timestep"`` standardise with the fitted
    ``input_mean_`` and ``input_scale_``, so pad shorter sequences with
    ``input_mean_`` (at the padded timesteps, for ``"timestep"``), which they
    map to zero as ``predict`` pads a list.
    Preprocessing steps of a Pipeline are not exported: apply them before the
    ONNX model.

    Works on every Keras backend, through Keras's own ONNX export. Needs
    ``onnx`` and the backend's converter: ``tf2onnx`` on TensorFlow,
    ``jax2onnx`` on JAX, nothing more on PyTorch
    (``pip install 'sklearn-conv1d[onnx]'``, or ``[onnx-jax]`` on JAX; both
    add ``onnxruntime`` to run the model). The same estimator gives the same
    model contract on every backend; its outputs agree with
    ``predict_proba`` to ~1e-7.

    Parameters
    ----------
    estimator : Conv1DClassifier or Conv1DRegressor
        A fitted estimator.
    path : str, path-like or None, default=None
        If given, also write the model there (atomically, as :func:`save`).
    opset : int, default=18
        ONNX opset to target. 18 works on every backend: tf2onnx writes up
        to 18, and jax2onnx's models are valid from 18 up.

    Returns
    -------
    model : onnx.ModelProto
        The ONNX model.

    Raises
    ------
    ImportError
        If onnx or the backend's converter is not installed, naming the
        extra to install.
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
    onnx = _import_onnx()
    channels_first = estimator.data_format == "channels_first"
    timesteps, channels = (int(d) for d in estimator.input_shape_)
    shape = (channels, timesteps) if channels_first else (timesteps, channels)
    classifier = hasattr(estimator, "classes_")
    output = "probabilities" if classifier else "predictions"

    spec = keras.InputSpec(shape=(None, *shape), dtype="float32", name="sequence")
    with tempfile.TemporaryDirectory() as tmpdir:
        file = os.path.join(tmpdir, "network.onnx")
        serving = _serving_model(
            estimator.model_,
            shape,
            channels_first,
            custom_objects(estimator),
            preprocess=_input_normalization(estimator),
        )
        serving.export(
            file,
            format="onnx",
            input_signature=[spec],
            opset_version=opset,
            verbose=False,
        )
        model = onnx.load(file)

    graph = model.graph
    (inputs,), (outputs,) = graph.input, graph.output
    _rename(graph, inputs.name, "sequence")
    _rename(graph, outputs.name, output)
    for value in (inputs, outputs):
        value.type.tensor_type.shape.dim[0].dim_param = "batch"
    _replace_erfc(graph, onnx)
    model.ir_version = min(
        model.ir_version, onnx.helper.find_min_ir_version_for(model.opset_import)
    )
    try:
        onnx.checker.check_model(model, full_check=True)
    except onnx.checker.ValidationError as exc:
        raise ValueError(
            f"Keras's ONNX export on {backend()} gave an invalid model "
            f"({str(exc).splitlines()[0]}); use another activation or opset, or "
            "serve the Keras model."
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


def _serving_model(network, shape, channels_first, objects=None, preprocess=None):
    """A copy of ``network`` taking ``"sequence"`` in the estimator's layout.

    The copy (same weights) keeps the fitted network itself untouched: calling
    it on a new input would add a node to its graph for good. ``objects`` are
    the user's functions the network refers to by name (a callable
    ``activation``), which the copy is rebuilt with. ``preprocess``, a layer, is
    put in front of it: the estimator's ``normalize``.
    """
    with keras.saving.custom_object_scope(objects or {}):
        copy = keras.models.clone_model(network)
    copy.set_weights(network.get_weights())
    sequence = keras.Input(shape=shape, dtype="float32", name="sequence")
    x = keras.layers.Permute((2, 1))(sequence) if channels_first else sequence
    if preprocess is not None:
        x = preprocess(x)
    return keras.Model(sequence, copy(x, training=False))


def _input_normalization(estimator):
    """The estimator's ``normalize`` as a layer on channels-last input, or None."""
    if estimator.normalize == "series":
        return _SeriesNormalization()
    if estimator.normalize in ("dataset", "timestep"):
        return _Standardization(estimator.input_mean_, estimator.input_scale_)
    return None


class _Standardization(keras.layers.Layer):
    """``normalize="dataset"`` or ``"timestep"`` in the graph: each channel (or
    each timestep of each channel) less the fitted mean, over the fitted scale
    (``input_mean_``, ``input_scale_``), as ``_sequences.standardize`` does."""

    def __init__(self, mean, scale, **kwargs):
        super().__init__(**kwargs)
        self.mean = np.asarray(mean, dtype=np.float32)
        self.scale = np.asarray(scale, dtype=np.float32)

    def call(self, x):
        # Through keras.ops: on PyTorch, ``tensor - ndarray`` traced into an
        # ONNX graph without its input.
        ops = keras.ops
        return ops.divide(ops.subtract(x, self.mean), self.scale)


class _SeriesNormalization(keras.layers.Layer):
    """``normalize="series"`` in the graph: each series z-normalised over time.

    As ``_sequences.znormalize`` on axis 1 of channels-last input, in float32:
    zero mean and unit standard deviation per channel, and a constant series
    centred to zeros.
    """

    def call(self, x):
        ops = keras.ops
        mean = ops.mean(x, axis=1, keepdims=True)
        std = ops.sqrt(ops.mean(ops.square(x - mean), axis=1, keepdims=True))
        constant = ops.equal(
            ops.max(x, axis=1, keepdims=True), ops.min(x, axis=1, keepdims=True)
        )
        return ops.where(constant, 0.0, (x - mean) / ops.where(constant, 1.0, std))


def _import_onnx():
    converter, install = _CONVERTERS[backend()]
    try:
        import onnx

        if converter is not None:
            __import__(converter)
    except ImportError as exc:
        needs = "onnx" if converter is None else f"onnx and {converter}"
        raise ImportError(
            f"to_onnx on the {backend()} backend needs {needs} ({exc}). "
            f"Install them with: {install}"
        ) from exc
    return onnx


def _rename(graph, old, new):
    """Rename the value ``old`` to ``new`` everywhere in ``graph``."""
    for node in graph.node:
        node.input[:] = [new if name == old else name for name in node.input]
        node.output[:] = [new if name == old else name for name in node.output]
    for value in (*graph.input, *graph.output, *graph.value_info):
        if value.name == old:
            value.name = new


def _replace_erfc(graph, onnx):
    """Rewrite TensorFlow's ``Erfc(x)``, which ONNX lacks, as ``1 - Erf(x)``."""
    nodes = []
    for node in graph.node:
        if node.op_type != "Erfc":
            nodes.append(node)
            continue
        one, erf = f"{node.name}_one", f"{node.name}_erf"
        graph.initializer.append(
            onnx.numpy_helper.from_array(np.array(1, dtype=np.float32), one)
        )
        nodes.append(onnx.helper.make_node("Erf", [node.input[0]], [erf], name=erf))
        nodes.append(
            onnx.helper.make_node("Sub", [one, erf], list(node.output), name=node.name)
        )
    if len(nodes) != len(graph.node):
        del graph.node[:]
        graph.node.extend(nodes)
