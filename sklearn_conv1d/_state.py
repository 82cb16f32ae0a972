"""The estimator's state as plain data: its network as Keras-native bytes.

``Conv1DBase.__getstate__``/``__setstate__`` use these functions, so pickle,
joblib, ``copy.deepcopy``, Dask transfers and skops all store a fitted
network the same way: as the bytes of a ``.keras`` file (Keras's own,
backend-neutral format), written and read with Keras's public saving API,
plus the values of its non-trainable variables, among them the states of
its dropout seed generators, which that format leaves out. Nothing here
relies on a patch of ``keras.Model.__reduce__`` (importing scikeras installs
one for the whole process). What fit derives from the
parameters (the target and feature encoders, the private copies of the
callbacks) is not stored but rebuilt, with fit's own helpers, so the state
holds only the estimator's own class, builtins and NumPy arrays: skops
trusts all of these but the class.

A restored network is a new Keras model, outside the network pool: it is
never handed to another estimator.
"""

import inspect
import json
import os
import tempfile
import zipfile
from collections import defaultdict

import keras
import numpy as np

#: Fitted attributes rebuilt on load rather than stored.
DERIVED = frozenset(
    {
        "model_",
        "target_encoder_",
        "feature_encoder_",
        "_fit_callbacks",
        "_predict_callbacks",
    }
)
_KERAS_FILE = "network.keras"
#: Version of the layout below; a state of a newer layout is refused clearly.
STATE_VERSION = 1
_VERSION_KEY = "_sklearn_conv1d_state"


def get_state(estimator, state):
    """Turn ``state`` (a copy of ``estimator.__dict__``) into plain data."""
    state = {name: value for name, value in state.items() if name not in DERIVED}
    state[_VERSION_KEY] = STATE_VERSION
    if "history_" in state:
        state["history_"] = {key: list(vals) for key, vals in state["history_"].items()}
    if "model_" in vars(estimator):
        model = estimator.model_
        state["model_"] = {
            "keras": network_to_bytes(model),
            "variables": variable_states(model),
        }
    return state


def set_state(estimator, state):
    """Restore what :func:`get_state` stored, rebuilding the derived attributes."""
    state = dict(state)
    version = state.pop(_VERSION_KEY, None)
    if not isinstance(version, int) or version > STATE_VERSION:
        raise ValueError(
            f"This {type(estimator).__name__} was pickled by another "
            f"sklearn-conv1d (state layout {version!r}; this one reads up to "
            f"{STATE_VERSION}). Load it with the sklearn-conv1d that saved it, or "
            "refit it; sklearn_conv1d.save files carry their format version."
        )
    # A parameter added since the state was saved takes its default, or the
    # value that trains as the estimator did before it (FORMER_VALUES).
    for name, default in _parameter_defaults(estimator).items():
        state.setdefault(name, FORMER_VALUES.get(name, default))
    network = state.pop("model_", None)
    if "history_" in state:
        state["history_"] = defaultdict(list, state["history_"])
    if network is not None:
        try:
            data, variables = network["keras"], network["variables"]
        except (KeyError, TypeError) as exc:
            raise ValueError(
                f"The stored network is incomplete ({exc!r}): the pickle or skops "
                "file is truncated or damaged."
            ) from None
        objects = _function_objects(state.get("activation"))
        model = network_from_bytes(data, custom_objects=objects)
        restore_variable_states(model, variables)
    vars(estimator).update(state)
    if network is not None:
        rebuild_fitted(estimator, model)


#: Parameters whose default trains otherwise than the estimators did before
#: the parameter existed, and the value that trains as they did: an
#: estimator saved before it was added gets that value on load, not the
#: default, so that its next fit trains as its last did.
FORMER_VALUES = {"time_shift": 0.0}


def _parameter_defaults(estimator):
    """The constructor's parameters of ``estimator`` and their defaults."""
    signature = inspect.signature(type(estimator).__init__)
    return {
        name: parameter.default
        for name, parameter in signature.parameters.items()
        if parameter.default is not inspect.Parameter.empty
    }


def rebuild_fitted(estimator, model):
    """Make ``estimator`` fitted with ``model``, rebuilding what fit derives.

    The encoders are fitted on exemplar data with the same helpers fit uses;
    the callbacks get new private copies.
    """
    if "input_shape_" in vars(estimator):
        estimator.input_shape_ = tuple(int(d) for d in estimator.input_shape_)
    estimator.model_ = model
    estimator.target_encoder_ = estimator.target_encoder.fit(
        _exemplar_targets(estimator)
    )
    timesteps, channels = estimator.input_shape_
    estimator.feature_encoder_ = estimator.feature_encoder.fit(
        np.zeros((1, timesteps, channels), dtype=np.float32)
    )
    estimator._initialize_callbacks()


def network_to_bytes(model):
    """The bytes of ``model`` saved as a ``.keras`` file."""
    with tempfile.TemporaryDirectory() as tmpdir:
        path = os.path.join(tmpdir, _KERAS_FILE)
        model.save(path)
        with open(path, "rb") as file:
            return file.read()


def network_from_bytes(data, *, custom_objects=None, safe_mode=True):
    """Load a network from the bytes of a ``.keras`` file (see :func:`load_network`)."""
    with tempfile.TemporaryDirectory() as tmpdir:
        path = os.path.join(tmpdir, _KERAS_FILE)
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise ValueError(
                f"The stored network is {type(data).__name__}, not bytes: the "
                "pickle or skops file is damaged."
            )
        with open(path, "wb") as file:
            file.write(bytes(data))
        damaged = "the pickle or skops file is truncated or damaged"
        if not zipfile.is_zipfile(path):
            raise ValueError(f"The stored network cannot be read: {damaged}.")
        try:
            return load_network(
                path, custom_objects=custom_objects, safe_mode=safe_mode
            )
        except (zipfile.BadZipFile, OSError, KeyError, json.JSONDecodeError) as exc:
            raise ValueError(
                f"The stored network cannot be read ({exc}): {damaged}."
            ) from exc


def load_network(path, *, custom_objects=None, safe_mode=True):
    """Load a ``.keras`` file written on any Keras backend, on this one.

    A file saved on PyTorch names its optimizer's class by a module of Keras's
    torch backend (``keras.src.backend.torch.optimizers.torch_adam``), which
    other backends cannot import; every optimizer is therefore resolved to
    this backend's class of the same name. A network compiled with
    ``steps_per_execution`` > 1 runs one step per call on PyTorch, whose
    trainer allows no more. ``safe_mode`` stays on by default:
    Keras then refuses code stored in the file (``Lambda`` layers), which this
    package's networks never contain.
    """
    objects = {**_optimizer_classes(), **(custom_objects or {})}
    model = keras.saving.load_model(path, custom_objects=objects, safe_mode=safe_mode)
    if keras.backend.backend() == "torch" and model.steps_per_execution > 1:
        # Compiled elsewhere with steps_per_execution > 1, which Keras's
        # PyTorch trainer refuses: it runs one step per call here.
        model.steps_per_execution = 1
    return model


def _optimizer_classes():
    return {
        name: obj
        for name, obj in vars(keras.optimizers).items()
        if isinstance(obj, type) and issubclass(obj, keras.optimizers.Optimizer)
    }


def custom_objects(estimator):
    """The user's functions the network refers to by name (a callable activation)."""
    return _function_objects(getattr(estimator, "activation", None))


def _function_objects(activation):
    if callable(activation) and hasattr(activation, "__name__"):
        return {activation.__name__: activation}
    return None


def variable_states(model):
    """The values of ``model``'s non-trainable variables, as NumPy arrays.

    These include the states of its seed generators (e.g. of ``Dropout``),
    which a ``.keras`` file leaves out: without them a loaded network would
    restart its dropout masks, and training on would not continue exactly.
    """
    return [keras.ops.convert_to_numpy(v.value) for v in model.non_trainable_variables]


def restore_variable_states(model, states):
    """Assign what :func:`variable_states` returned to a network like ``model``."""
    variables = model.non_trainable_variables
    if len(variables) != len(states):
        raise ValueError(
            f"The stored network has {len(states)} non-trainable variable "
            f"states but {len(variables)} non-trainable variables; the stored "
            "estimator is damaged."
        )
    for variable, state in zip(variables, states, strict=True):
        variable.assign(np.asarray(state, dtype=variable.dtype))


def _exemplar_targets(estimator):
    """Targets from which the target encoder learns what fit's ``y`` taught it."""
    if hasattr(estimator, "n_outputs_"):  # regressor
        return np.zeros((1, estimator.n_outputs_), dtype=np.float32)
    if getattr(estimator, "_multilabel", False):
        return np.zeros((1, len(estimator.classes_)), dtype=np.float32)
    return estimator.classes_
