"""Save and load fitted estimators safely.

``pickle``/``joblib`` work on every estimator of this package (scikeras
pickles the Keras network through Keras's own saving), but unpickling runs
arbitrary code and ties the file to the exact library versions. This module
adds:

- :func:`save` / :func:`load`: one zip archive holding the network in Keras's
  native ``.keras`` format and the scikit-learn side of the estimator as JSON.
  Loading is safe by default: Keras's ``safe_mode`` is on and nothing is
  unpickled unless the file holds pickled parameters *and* the caller passes
  ``safe_mode=False``.

File layout (format version 1)::

    metadata.json   format name and version, estimator class, parameters,
                    fitted attributes, library versions
    model.keras     the fitted network (architecture, weights, optimizer state)
    params.pkl      only with save(..., allow_pickle=True): the parameters
                    that JSON cannot hold (e.g. callbacks)
"""

import contextlib
import json
import os
import pickle
import platform
import sys
import tempfile
import uuid
import warnings
import zipfile
from collections import defaultdict
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import numpy as np
from sklearn.utils.validation import check_is_fitted

from ._classifier import Conv1DClassifier
from ._regressor import Conv1DRegressor
from ._state import (
    DERIVED,
    FORMER_VALUES,
    load_network,
    rebuild_fitted,
    restore_variable_states,
    variable_states,
)

#: Name written into every file, so that foreign zip archives are recognised.
FORMAT_NAME = "sklearn-conv1d"
#: Version of the file layout written by :func:`save`; :func:`load` reads up to it.
FORMAT_VERSION = 1

_METADATA = "metadata.json"
_MODEL = "model.keras"
# What a zip archive starts with: a local file header, or the end record of
# an empty archive.
_ZIP_STARTS = (b"PK\x03\x04", b"PK\x05\x06")
_PICKLED_PARAMS = "params.pkl"

# Only these classes are ever built by load(): a file cannot name arbitrary code.
_ESTIMATORS = {cls.__name__: cls for cls in (Conv1DClassifier, Conv1DRegressor)}

# A version mismatch of any of these warns on load.
_CHECKED_PACKAGES = ("sklearn-conv1d", "keras", "tensorflow", "scikit-learn")


class InconsistentVersionWarning(UserWarning):
    """Warning raised when a file is loaded under other library versions.

    A network saved by one version of Keras, TensorFlow or scikit-learn and
    loaded under another usually works, but is not guaranteed to predict the
    same. Check the predictions on known data, or refit and save again.

    Parameters
    ----------
    mismatches : dict of str to tuple of (str, str)
        For each package whose version differs, ``(saved, current)``.

    Attributes
    ----------
    mismatches : dict of str to tuple of (str, str)
        For each package whose version differs, ``(saved, current)``.

    See Also
    --------
    load : Emits this warning.

    Examples
    --------
    >>> import warnings
    >>> from sklearn_conv1d import InconsistentVersionWarning
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("error", InconsistentVersionWarning)
    ...     # estimator = load(path)  # would raise on a version mismatch
    >>> warning = InconsistentVersionWarning({"keras": ("3.0.0", "3.15.1")})
    >>> warning.mismatches["keras"]
    ('3.0.0', '3.15.1')
    """

    def __init__(self, mismatches):
        self.mismatches = dict(mismatches)
        listed = ", ".join(
            f"{name} {saved} (now {current})"
            for name, (saved, current) in self.mismatches.items()
        )
        super().__init__(
            f"This file was saved with {listed}. Loading it under other versions "
            "is not guaranteed to give the same predictions; check them on known "
            "data, or refit and save the estimator again with the current versions."
        )

    def __reduce__(self):  # keep the warning picklable (e.g. for joblib workers)
        return type(self), (self.mismatches,)


# -- public API -----------------------------------------------------------------


def save(estimator, path, *, allow_pickle=False):
    """Save a fitted estimator to one file, without pickling it.

    The file is a zip archive holding the Keras network in Keras's native
    ``.keras`` format (architecture, weights and optimizer state) and a JSON
    document with the estimator's class, parameters, fitted attributes
    (``classes_`` with their dtype, ``input_shape_``, ``n_features_in_``,
    ``feature_names_in_``, ``history_``, ...) and the versions of
    sklearn-conv1d, Keras, TensorFlow and scikit-learn. The file is written
    to a temporary file next to ``path`` and moved into place only when
    complete, so a failed save leaves no half-written file at ``path``.

    Parameters
    ----------
    estimator : Conv1DClassifier or Conv1DRegressor
        A fitted estimator.
    path : str or path-like
        Where to write the file; an existing file is replaced. Any name
        works; ``.zip`` says what it is.
    allow_pickle : bool, default=False
        What to do with parameters that JSON cannot hold, such as Keras
        ``callbacks`` or a ``RandomState`` ``random_state``. False drops them
        with a warning (the loaded estimator has their default values); True
        pickles them into the file, which :func:`load` then only reads with
        ``safe_mode=False``.

    Returns
    -------
    path : pathlib.Path
        The path written.

    Raises
    ------
    sklearn.exceptions.NotFittedError
        If ``estimator`` is not fitted.
    TypeError
        If ``estimator`` is not an estimator of this package.
    FileNotFoundError
        If the directory of ``path`` does not exist.

    See Also
    --------
    load : Load an estimator saved by this function.
    to_onnx : Export the network to ONNX for serving.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> from sklearn_conv1d import Conv1DClassifier, load, save
    >>> X = np.random.RandomState(0).randn(20, 16).astype("float32")
    >>> y = np.array(["low", "high"])[(X[:, :8].mean(axis=1) > 0).astype(int)]
    >>> clf = Conv1DClassifier(filters=4, dense_units=8, epochs=1, random_state=0)
    >>> clf = clf.fit(X, y)
    >>> path = save(clf, os.path.join(tempfile.mkdtemp(), "clf.zip"))
    >>> loaded = load(path)
    >>> bool((loaded.predict_proba(X) == clf.predict_proba(X)).all())
    True
    """
    _check_estimator(estimator)
    check_is_fitted(estimator)
    path = Path(os.fspath(path))
    if not path.parent.is_dir():
        raise FileNotFoundError(
            f"Cannot save to {str(path)!r}: the directory {str(path.parent)!r} "
            "does not exist."
        )

    params, pickled, dropped = _split_params(estimator, allow_pickle)
    metadata = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "estimator": type(estimator).__name__,
        "params": params,
        "dropped_params": dropped,
        "pickled_params": sorted(pickled),
        "fitted": _fitted_state(estimator),
        "versions": _versions(),
    }
    metadata_json = json.dumps(metadata, indent=1, allow_nan=True)

    def write(file):
        with (
            tempfile.TemporaryDirectory() as tmpdir,
            zipfile.ZipFile(file, "w", zipfile.ZIP_DEFLATED) as archive,
        ):
            archive.writestr(_METADATA, metadata_json)
            keras_path = os.path.join(tmpdir, _MODEL)
            estimator.model_.save(keras_path)
            # A .keras file is a zip archive already: store it as is.
            archive.write(keras_path, _MODEL, compress_type=zipfile.ZIP_STORED)
            if pickled:
                archive.writestr(_PICKLED_PARAMS, pickle.dumps(pickled))

    _write_atomically(path, write)
    return path


def load(path, *, safe_mode=True, custom_objects=None):
    """Load an estimator written by :func:`save`.

    The returned estimator is fitted: it predicts as the saved one did, can
    be scored, refitted, cloned and pickled.

    Parameters
    ----------
    path : str or path-like
        File written by :func:`save`.
    safe_mode : bool, default=True
        Load safely: Keras's ``safe_mode`` refuses code stored in the network
        (``Lambda`` layers), and a file holding pickled parameters (saved
        with ``allow_pickle=True``) is refused. Pass False only for files
        you trust: it unpickles them and lets Keras run the stored code.
    custom_objects : dict or None, default=None
        Passed to :func:`keras.saving.load_model`: the custom functions the
        network uses (e.g. a callable ``activation``), by name.

    Returns
    -------
    estimator : Conv1DClassifier or Conv1DRegressor
        The fitted estimator.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        If the file is not a complete sklearn-conv1d file (truncated, or
        another kind of file), was written by a newer sklearn-conv1d whose
        format this version cannot read, or holds pickled parameters and
        ``safe_mode`` is True.

    Warns
    -----
    InconsistentVersionWarning
        If the file was saved with another version of sklearn-conv1d, Keras,
        TensorFlow or scikit-learn.
    UserWarning
        If parameters were dropped at save time (they take their default
        values), or are unknown to this version.

    See Also
    --------
    save : Save a fitted estimator.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> from sklearn_conv1d import Conv1DClassifier, load, save
    >>> X = np.random.RandomState(0).randn(20, 16).astype("float32")
    >>> y = (X[:, :8].mean(axis=1) > 0).astype(int)
    >>> clf = Conv1DClassifier(filters=4, dense_units=8, epochs=1, random_state=0)
    >>> path = save(clf.fit(X, y), os.path.join(tempfile.mkdtemp(), "clf.zip"))
    >>> loaded = load(path)
    >>> loaded.classes_
    array([0, 1])
    >>> loaded.predict(X[:3]).shape
    (3,)
    """
    path = Path(os.fspath(path))
    if not path.exists():
        raise FileNotFoundError(f"No such file: {str(path)!r}.")
    if not path.is_file():
        raise ValueError(f"{str(path)!r} is not a file (a directory?).")
    not_ours = (
        f"{str(path)!r} is not a file written by sklearn_conv1d.save (or it is "
        "truncated or damaged)"
    )
    with open(path, "rb") as file:
        start = file.read(4)
    if start not in _ZIP_STARTS:
        # zipfile also opens an archive embedded at a file's end, as a
        # joblib or pickle file of an estimator holds its network's .keras.
        raise ValueError(
            f"{not_ours}: it is not a zip archive. A joblib or pickle file "
            "loads with joblib.load or pickle.load (only from a source you "
            "trust)."
        )
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "config.json" in names and _MODEL not in names:
                raise ValueError(
                    f"{not_ours}: it looks like a Keras .keras file; load it with "
                    "keras.saving.load_model."
                )
            if _METADATA not in names:
                raise ValueError(f"{not_ours}: it has no {_METADATA}.")
            metadata = _read_metadata(archive, not_ours)
            cls = _check_metadata(metadata, names, not_ours)
            pickled = {}
            if metadata.get("pickled_params"):
                pickled = _read_pickled_params(archive, metadata, safe_mode)
            with tempfile.TemporaryDirectory() as tmpdir:
                archive.extract(_MODEL, tmpdir)
                model = _load_keras_model(
                    os.path.join(tmpdir, _MODEL), safe_mode, custom_objects, not_ours
                )
    except (zipfile.BadZipFile, EOFError, zipfile.LargeZipFile) as exc:
        raise ValueError(f"{not_ours}: {exc}.") from exc

    _warn_on_version_mismatch(metadata.get("versions", {}))
    estimator = cls()
    estimator.set_params(**_loaded_params(estimator, metadata, pickled))
    fitted = {name: _decode(value) for name, value in metadata["fitted"].items()}
    _restore_fitted_state(estimator, fitted, model)
    return estimator


# -- saving helpers -----------------------------------------------------------------


def _check_estimator(estimator):
    if type(estimator) not in _ESTIMATORS.values():
        known = ", ".join(sorted(_ESTIMATORS))
        raise TypeError(
            f"Expected one of sklearn_conv1d's estimators ({known}), got "
            f"{type(estimator).__name__}. Save Pipelines, searches and subclasses "
            "with joblib or pickle."
        )


def _split_params(estimator, allow_pickle):
    """Split get_params() into JSON-encoded, picklable and dropped parameters."""
    params, pickled, dropped = {}, {}, []
    for name, value in estimator.get_params(deep=False).items():
        try:
            params[name] = _encode(value)
        except _NotEncodable:
            if allow_pickle:
                pickled[name] = value
            else:
                dropped.append(name)
    if dropped:
        warnings.warn(
            f"Parameters {dropped} cannot be saved without pickle and were left "
            "out; the loaded estimator will have their default values. Pass "
            "allow_pickle=True to pickle them into the file (loading it then "
            "needs safe_mode=False).",
            UserWarning,
            stacklevel=3,
        )
    return params, pickled, dropped


def _fitted_state(estimator):
    """JSON of what fit set on the estimator, apart from the network."""
    state = {}
    for name, value in vars(estimator).items():
        if name in DERIVED:
            continue
        public_fitted = name.endswith("_") and not name.startswith("_")
        private = name.startswith("_") and not name.startswith("__")
        if not (public_fitted or private):
            continue  # a parameter
        if name == "history_":
            value = {key: [float(v) for v in vals] for key, vals in value.items()}
        try:
            state[name] = _encode(value)
        except _NotEncodable:
            if public_fitted:
                raise TypeError(
                    f"Cannot save the fitted attribute {name}={value!r}: it is not "
                    "JSON-serialisable. This is a bug in sklearn-conv1d; use "
                    "joblib or pickle meanwhile."
                ) from None
    # Dropout seed states and other non-trainable values that .keras leaves out.
    state["network_variables"] = _encode(variable_states(estimator.model_))
    return state


def _versions():
    import keras

    versions = {
        "sklearn-conv1d": _package_version("sklearn-conv1d"),
        "keras": keras.__version__,
        "keras_backend": keras.backend.backend(),
        "scikit-learn": _package_version("scikit-learn"),
        "numpy": np.__version__,
        "python": platform.python_version(),
    }
    tf = sys.modules.get("tensorflow")
    if tf is not None:
        versions["tensorflow"] = tf.__version__
    return versions


def _package_version(name):
    try:
        return version(name)
    except PackageNotFoundError:  # pragma: no cover - a source tree
        return "unknown"


def _write_atomically(path, write):
    """Write ``path`` through ``write(file)`` on a temporary file, then rename.

    The temporary file lives in the same directory, so ``os.replace`` is an
    atomic rename: ``path`` is either left as it was or fully written.
    """
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:12]}.tmp")
    try:
        with open(tmp, "xb") as file:
            write(file)
            file.flush()
            os.fsync(file.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


# -- loading helpers ----------------------------------------------------------------


def _read_metadata(archive, not_ours):
    try:
        metadata = json.loads(archive.read(_METADATA).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{not_ours}: its {_METADATA} is not valid JSON.") from exc
    if not isinstance(metadata, dict) or metadata.get("format") != FORMAT_NAME:
        raise ValueError(f"{not_ours}: its {_METADATA} is not ours.")
    return metadata


def _check_metadata(metadata, names, not_ours):
    """Check the format version and the estimator class; return the class."""
    saved_by = metadata.get("versions", {}).get("sklearn-conv1d", "unknown")
    format_version = metadata.get("format_version")
    if not isinstance(format_version, int) or format_version < 1:
        raise ValueError(f"{not_ours}: bad format_version {format_version!r}.")
    if format_version > FORMAT_VERSION:
        raise ValueError(
            f"This file was written by sklearn-conv1d {saved_by} in file format "
            f"version {format_version}; this sklearn-conv1d "
            f"({_package_version('sklearn-conv1d')}) reads format versions up to "
            f"{FORMAT_VERSION}. Upgrade sklearn-conv1d to load it."
        )
    missing = {"estimator", "params", "fitted"} - set(metadata)
    if missing or _MODEL not in names:
        what = sorted(missing) + ([] if _MODEL in names else [_MODEL])
        raise ValueError(f"{not_ours}: it lacks {', '.join(what)}.")
    if not all(isinstance(metadata[key], dict) for key in ("params", "fitted")):
        raise ValueError(f"{not_ours}: its params or fitted state is malformed.")
    name = metadata["estimator"]
    if not isinstance(name, str) or name not in _ESTIMATORS:
        raise ValueError(
            f"This file holds a {name!r}, which this sklearn-conv1d "
            f"({_package_version('sklearn-conv1d')}, saved by {saved_by}) does not "
            f"know; it loads {sorted(_ESTIMATORS)}."
        )
    return _ESTIMATORS[name]


def _read_pickled_params(archive, metadata, safe_mode):
    names = metadata["pickled_params"]
    if safe_mode:
        raise ValueError(
            f"This file holds pickled parameters {names} (it was saved with "
            "allow_pickle=True). Unpickling can run arbitrary code, so load() "
            "refuses it by default: pass safe_mode=False only if you trust the "
            "file's source."
        )
    return pickle.loads(archive.read(_PICKLED_PARAMS))


def _load_keras_model(keras_path, safe_mode, custom_objects, not_ours):
    try:
        return load_network(
            keras_path, custom_objects=custom_objects, safe_mode=safe_mode
        )
    except (zipfile.BadZipFile, OSError, KeyError, json.JSONDecodeError) as exc:
        raise ValueError(f"{not_ours}: its network cannot be read ({exc}).") from exc


def _warn_on_version_mismatch(saved):
    current = _versions()
    mismatches = {
        name: (saved[name], current[name])
        for name in _CHECKED_PACKAGES
        if name in saved and name in current and saved[name] != current[name]
    }
    if mismatches:
        warnings.warn(InconsistentVersionWarning(mismatches), stacklevel=3)


def _loaded_params(estimator, metadata, pickled):
    known = estimator.get_params(deep=False)
    params = {name: _decode(value) for name, value in metadata["params"].items()}
    params.update(pickled)
    unknown = sorted(set(params) - set(known))
    if unknown:
        warnings.warn(
            f"Parameters {unknown} saved in this file are unknown to this "
            "sklearn-conv1d and were ignored.",
            UserWarning,
            stacklevel=3,
        )
    dropped = [name for name in metadata.get("dropped_params", []) if name in known]
    if dropped:
        defaults = {name: known[name] for name in dropped}
        warnings.warn(
            f"Parameters {dropped} were not saved in this file (they cannot be "
            f"saved without pickle); they have their default values {defaults}.",
            UserWarning,
            stacklevel=3,
        )
    for name, value in FORMER_VALUES.items():  # a file from before the parameter
        if name in known and name not in params:
            params[name] = value
    return {name: value for name, value in params.items() if name in known}


def _restore_fitted_state(estimator, state, model):
    """Make ``estimator`` fitted as fit left it, with ``model`` as its network."""
    variables = state.pop("network_variables", None)  # absent from older files
    if "history_" in state:
        state["history_"] = defaultdict(list, state["history_"])
    vars(estimator).update(state)
    if variables is not None:
        restore_variable_states(model, variables)
    rebuild_fitted(estimator, model)


# -- JSON encoding that keeps tuples, dict keys and NumPy dtypes ------------------


class _NotEncodable(TypeError):
    pass


def _encode(value):
    """Encode ``value`` as JSON-compatible data, or raise ``_NotEncodable``.

    Tuples, dicts (with non-string keys) and NumPy arrays (with their dtype)
    are tagged so that :func:`_decode` gives back the same types.
    """
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, np.generic) and not isinstance(value, np.ndarray):
        if isinstance(value, (np.bool_, np.integer, np.floating, np.str_)):
            return value.item()
        raise _NotEncodable(type(value).__name__)
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, tuple):
        return {"__tuple__": [_encode(v) for v in value]}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {"__dict__": [[_encode(k), _encode(v)] for k, v in value.items()]}
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "biufUO":
            raise _NotEncodable(f"array of dtype {value.dtype}")
        return {
            "__ndarray__": _encode(value.ravel().tolist()),
            "dtype": value.dtype.str,
            "shape": list(value.shape),
        }
    raise _NotEncodable(type(value).__name__)


def _decode(value):
    """Invert :func:`_encode`; builds only plain data, never calls into a file."""
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "__tuple__" in value:
        return tuple(_decode(v) for v in value["__tuple__"])
    if "__dict__" in value:
        return {_hashable(_decode(k)): _decode(v) for k, v in value["__dict__"]}
    if "__ndarray__" in value:
        dtype = np.dtype(value["dtype"])
        if dtype.kind not in "biufUO":
            raise ValueError(f"Unsupported array dtype {dtype} in the file.")
        values = _decode(value["__ndarray__"])
        array = np.empty(len(values), dtype=dtype)
        array[:] = values
        return array.reshape(value["shape"])
    return {key: _decode(v) for key, v in value.items()}


def _hashable(key):
    return tuple(_hashable(k) for k in key) if isinstance(key, (list, tuple)) else key
