"""Turn the sequences users pass into ``(n_samples, n_timesteps, n_channels)``.

NumPy only: no TensorFlow, no scikit-learn estimator logic. The estimators
first stack a list of sequences with :func:`stack_sequences` (padding the
shorter ones), then validate ``X`` with scikit-learn inside
:func:`explain_input_errors`, then call :func:`to_channels_last`.

Padding
-------
Sequences of unequal length are padded **at the end with zeros** to a common
length: the longest sequence in fit, and the fit length at predict time. A
sequence is never truncated: one longer than the fit length is an error. The
padding is a constant run after the real signal, so a convolution sees it as
the signal stopping; zero is the mean of a z-normalised series, which is why
normalising each series first is recommended. Where the padding starts tells
the network how long the series was, as it would when a series ends early.
This is the choice of aeon's ``Padder`` and sktime's ``PaddingTransformer``.
"""

import contextlib

import numpy as np

DATA_FORMATS = ("channels_last", "channels_first")

#: Where the user guide explains the layouts; named in error messages.
LAYOUTS_DOC = "See the 'Data layouts' page of the sklearn-conv1d user guide."


def is_sequence_list(X):
    """Whether ``X`` is a list of sequences rather than one array.

    A list or tuple (or a 1D object array, as made from a ragged list) whose
    every element is a sequence of at least one dimension. A list of numbers is
    a 1D ``X``, left to the 2D check.
    """
    if isinstance(X, np.ndarray):
        if X.dtype != object or X.ndim != 1:
            return False
    elif not isinstance(X, (list, tuple)):
        return False
    if len(X) == 0:
        return False
    return all(np.ndim(x) >= 1 for x in X)


def stack_sequences(X, data_format, length=None, *, fitting=False):
    """Stack a list of sequences into one array, padding shorter ones with zeros.

    Each element is one sequence: ``(n_timesteps_i,)`` for a univariate one,
    ``(n_timesteps_i, n_channels)`` for ``"channels_last"`` or
    ``(n_channels, n_timesteps_i)`` for ``"channels_first"``. Anything that is
    not a list of sequences (see :func:`is_sequence_list`) is returned as is.

    Parameters
    ----------
    X : list of array-like, or any other input
        The sequences.
    data_format : {"channels_last", "channels_first"}
        Axis order of 2D sequences.
    length : int or None
        Pad every sequence to this many timesteps (``sequence_length``, or
        the fit length at predict time); None pads to the longest one.
    fitting : bool, default=False
        Whether ``X`` is being fitted on; only words the error for a sequence
        longer than ``length``.

    Returns
    -------
    ndarray of shape (n_samples, n_timesteps) or 3D, in ``data_format``
        The sequences, zero-padded at the end. Equal-length sequences are
        stacked unchanged.

    Raises
    ------
    ValueError
        If the sequences mix 1D and 2D shapes, have more than 2 dimensions,
        different numbers of channels, no timesteps, or more timesteps than
        ``length``.
    """
    if not is_sequence_list(X):
        return X
    seqs = [np.asarray(x) for x in X]
    ndims = {x.ndim for x in seqs}
    if len(ndims) > 1 or max(ndims) > 2:
        shapes = sorted({x.shape for x in seqs}, key=len)[:4]
        raise ValueError(
            "X is a list of sequences of different dimensions or more than 2 "
            f"(shapes such as {', '.join(map(str, shapes))}). Pass every "
            "sequence as a 1D array (n_timesteps,) or every one as a 2D array "
            + _sequence_axes(data_format)
            + f". {LAYOUTS_DOC}"
        )
    if ndims == {2} and data_format == "channels_first":
        seqs = [x.T for x in seqs]  # now (n_timesteps_i, n_channels)
    channels = {x.shape[1:] for x in seqs}
    if len(channels) > 1:
        counts = sorted(shape[0] for shape in channels)
        raise ValueError(
            f"X is a list of sequences with different numbers of channels "
            f"({', '.join(map(str, counts))}). Every sequence needs the same "
            f"channels, as {_sequence_axes(data_format)}; check data_format="
            f"{data_format!r}. {LAYOUTS_DOC}"
        )
    lengths = np.array([len(x) for x in seqs])
    if lengths.min() == 0:
        raise ValueError(
            f"Sequence {int(np.argmin(lengths))} of X has no timesteps. Drop "
            "empty sequences before fitting or predicting."
        )
    if length is None:
        length = int(lengths.max())
    elif lengths.max() > length:
        raise ValueError(_too_long(lengths, length, data_format, ndims, fitting))
    if (lengths == length).all():
        out = np.stack(seqs)
    else:
        try:
            dtype = np.result_type(*{x.dtype for x in seqs})
        except TypeError:  # e.g. strings mixed with numbers
            dtype = object
        out = np.zeros((len(seqs), length) + seqs[0].shape[1:], dtype=dtype)
        for i, x in enumerate(seqs):
            out[i, : len(x)] = x
    if out.ndim == 3 and data_format == "channels_first":
        out = np.swapaxes(out, 1, 2)
    return out


def _too_long(lengths, length, data_format, ndims, fitting):
    i = int(np.argmax(lengths))
    channels_first = data_format == "channels_first" and ndims == {2}
    cut = "x[:, :n]" if channels_first else "x[:n]"
    if fitting:
        return (
            f"Sequence {i} of X has {lengths[i]} timesteps, more than "
            f"sequence_length={length}, the length the network is built for. "
            "A sequence is never truncated silently: set sequence_length to at "
            f"least {lengths.max()} (or None for the longest in fit), or cut the "
            f"sequences yourself ({cut} for each x)."
        )
    return (
        f"Sequence {i} of X has {lengths[i]} timesteps, more than the {length} "
        "the network was built for (sequence_length, or the longest sequence in "
        "fit). Shorter sequences are padded, but a longer one is never truncated "
        "silently. Refit with sequence_length set to the longest length you will "
        "predict on (e.g. max(map(len, X)) over the whole data set, as in "
        "cross-validation), or use a global_pooling head, which reads sequences "
        f"of any length; or cut the sequences yourself ({cut} for each x)."
    )


def sequence_lengths(X, data_format):
    """The number of timesteps of each sequence of a list, as an int array."""
    time_axis = 1 if data_format == "channels_first" else 0
    return np.array(
        [np.shape(x)[time_axis] if np.ndim(x) == 2 else len(x) for x in X], dtype=int
    )


def length_groups(X, data_format, length):
    """Split a list of sequences by the length a length-free network reads them at.

    Sequences up to ``length`` timesteps are read padded to ``length``, as in
    fit; a longer one is read whole, at its own length. Grouping by that length
    lets each group be one array, and each sequence's prediction depend on it
    alone.

    Returns
    -------
    list of (int, ndarray of int, list)
        ``(read_length, indices, sequences)`` for each group, the group of
        ``length`` first.
    """
    read_at = np.maximum(sequence_lengths(X, data_format), length)
    groups = []
    for read_length in np.unique(read_at):
        indices = np.flatnonzero(read_at == read_length)
        groups.append((int(read_length), indices, [X[i] for i in indices]))
    return groups


def znormalize(X, axis):
    """Z-normalise along ``axis``: zero mean, unit standard deviation.

    A constant series is only centred, to zeros. Anything but real numbers,
    and a series holding NaN, infinity or values whose moments overflow, is
    returned as is, for the validation to report.
    """
    X = np.asarray(X)
    if X.dtype.kind not in "biuf":
        return X
    X = X.astype(np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        constant = np.ptp(X, axis=axis, keepdims=True) == 0
        mean = X.mean(axis=axis, keepdims=True)
        std = X.std(axis=axis, keepdims=True)
    if not (np.isfinite(mean).all() and np.isfinite(std).all()):
        return X
    return np.where(constant, 0.0, (X - mean) / np.where(constant, 1.0, std))


def znormalize_sequences(X, data_format):
    """Z-normalise every sequence of a list over its own timesteps, per channel.

    Done before padding, so that the padding neither enters the statistics
    nor changes: it is then each sequence's mean level.
    """
    time_axis = 1 if data_format == "channels_first" else 0
    return [znormalize(x, time_axis if np.ndim(x) == 2 else 0) for x in X]


def input_moments(X, lengths=None, weights=None, *, per_timestep=False):
    """Mean and scale of each channel of ``X``, over all samples and timesteps
    or over the samples at each timestep.

    ``X`` is channels-last, ``(n_samples, n_timesteps, n_channels)``;
    ``lengths``, where given, is each sample's number of timesteps, its
    padding past them left out. ``weights`` weigh each sample's timesteps,
    as its ``sample_weight`` weighs its loss: a weight of 2 counts like the
    sample twice, 0 leaves it out. The scale is the standard deviation, 1
    where the values are constant (which are then only centred), as in
    scikit-learn's ``StandardScaler``. Both are float64 arrays of shape
    ``(n_channels,)``, or ``(n_timesteps, n_channels)`` with
    ``per_timestep`` (a ``StandardScaler`` of each timestep and channel; a
    timestep no sample reaches gets mean 0 and scale 1).
    """
    steps = np.ones(X.shape[:2]) if lengths is None else _mask(X, lengths) * 1.0
    if weights is not None:
        steps = steps * np.asarray(weights, dtype=np.float64)[:, np.newaxis]
    if per_timestep:
        subscripts, total = "nt,ntc->tc", steps.sum(axis=0)[:, np.newaxis]
        total = np.where(total > 0, total, 1.0)  # reached by no sample
    else:
        subscripts, total = "nt,ntc->c", steps.sum()
    mean = np.einsum(subscripts, steps, X, dtype=np.float64) / total
    var = np.einsum(subscripts, steps, np.square(X - mean)) / total
    # Constant over the timesteps counted, compared exactly: with fractional
    # weights the variance of a constant channel is rounding (~1e-32), not 0.
    counted = (steps > 0)[..., np.newaxis]
    axes = 0 if per_timestep else (0, 1)
    highest = np.where(counted, X, -np.inf).max(axis=axes)
    lowest = np.where(counted, X, np.inf).min(axis=axes)
    constant = highest <= lowest  # also where nothing is counted
    return mean, np.where(constant, 1.0, np.sqrt(var))


def standardize(X, mean, scale, lengths=None):
    """Channels-last ``X`` less ``mean``, over ``scale``, in float32.

    ``mean`` and ``scale`` are per channel, or per timestep and channel.

    Padding past ``lengths`` stays zero: the level of the data's mean, as
    ``znormalize_sequences`` leaves it at each series' mean.
    """
    X = ((X - mean) / scale).astype(np.float32)
    if lengths is not None:
        X[~_mask(X, lengths)] = 0.0
    return X


def _mask(X, lengths):
    """Whether each timestep of ``X`` is a sequence's own, not padding."""
    return np.arange(X.shape[1]) < np.asarray(lengths)[:, np.newaxis]


def _sequence_axes(data_format):
    if data_format == "channels_first":
        return "(n_channels, n_timesteps) with data_format='channels_first'"
    return "(n_timesteps, n_channels) with data_format='channels_last'"


def to_channels_last(X, data_format):
    """Return a validated 2D or 3D array as ``(n_samples, n_timesteps, n_channels)``.

    A 2D ``X`` is univariate: each row is one sequence, one channel. A 3D ``X``
    is ``(n_samples, n_timesteps, n_channels)`` for ``"channels_last"`` (Keras's
    convention) or ``(n_samples, n_channels, n_timesteps)`` for
    ``"channels_first"`` (aeon's and sktime's).

    Raises
    ------
    ValueError
        If ``X`` has fewer than 2 or more than 3 dimensions, or its sequences
        have no timesteps or no channels.
    """
    if X.ndim == 2:
        X = X[:, :, np.newaxis]
    elif X.ndim == 3:
        X = X if data_format == "channels_last" else np.swapaxes(X, 1, 2)
    else:
        raise ValueError(
            f"Expected a 2D array (n_samples, n_timesteps) or a 3D array "
            f"(n_samples, n_timesteps, n_channels), got a {X.ndim}D array of "
            f"shape {X.shape}. Reshape your data, e.g. "
            f"X.reshape(len(X), n_timesteps, -1). {LAYOUTS_DOC}"
        )
    if 0 in X.shape[1:]:
        raise ValueError(
            f"X holds sequences of shape {describe_shape(X.shape[1:], data_format)}"
            ": a sequence needs at least 1 timestep and 1 channel. Check the "
            f"shape of X and data_format={data_format!r}. {LAYOUTS_DOC}"
        )
    return X


def describe_shape(input_shape, data_format):
    """Name the axes of one sequence's shape for error messages."""
    n_timesteps, n_channels = input_shape
    if data_format == "channels_first":
        return f"(n_channels={n_channels}, n_timesteps={n_timesteps})"
    return f"(n_timesteps={n_timesteps}, n_channels={n_channels})"


def check_fitted_shape(X, estimator, data_format):
    """Raise if the sequences of ``X`` differ in shape from those seen in fit.

    Reads ``X.shape`` without converting ``X`` (arrays, DataFrames); does
    nothing when ``X`` has no shape or is not 2D or 3D, which the validation
    reports. ``estimator`` has ``input_shape_`` and ``n_features_in_``.

    Raises
    ------
    ValueError
        Naming both shapes and the fix. When the second axis differs, the
        message starts as scikit-learn's "X has ... features" one.
    """
    shape = getattr(X, "shape", None)
    if shape is None or len(shape) not in (2, 3):
        return
    if len(shape) == 2:
        seq_shape = (shape[1], 1)
    elif data_format == "channels_first":
        seq_shape = (shape[2], shape[1])
    else:
        seq_shape = (shape[1], shape[2])
    if seq_shape == tuple(estimator.input_shape_):
        return
    name = type(estimator).__name__
    prefix = ""
    if shape[1] != getattr(estimator, "n_features_in_", shape[1]):
        # scikit-learn's wording first, as its estimator checks expect.
        prefix = (
            f"X has {shape[1]} features, but {name} is expecting "
            f"{estimator.n_features_in_} features as input. "
        )
    raise ValueError(
        f"{prefix}X holds sequences of shape "
        f"{describe_shape(seq_shape, data_format)}, but {name} was fitted on "
        f"sequences of shape {describe_shape(estimator.input_shape_, data_format)}"
        ". Pass sequences of the same length and channels as in fit (a list of "
        "shorter sequences is padded to the fit length), or refit."
    )


# Hints added to NumPy's and scikit-learn's conversion errors: the message
# fragment they raise with, and what to do about it.
_HINTS = (
    (
        ("could not convert", "float() argument", "must be a real number"),
        "X must hold numbers, but it holds {what} values that cannot be converted "
        "to float. A Conv1D network reads numeric sequences: encode text or "
        "categories as numbers first (e.g. sklearn.preprocessing.OrdinalEncoder "
        "per timestep, or a mapping of your own).",
    ),
    (
        ("Complex data not supported",),
        "X holds complex numbers, but a Conv1D network needs real values. Pass "
        "e.g. np.abs(X), or the real and imaginary parts as two channels: "
        "np.stack([X.real, X.imag], axis=-1).",
    ),
    (
        ("inhomogeneous", "setting an array element with a sequence"),
        "X could not be made into one array: its rows or sequences differ in "
        "shape. Pass unequal-length sequences as a list of arrays, each "
        "(n_timesteps_i,) or 2D. " + LAYOUTS_DOC,
    ),
)

_NAN_HINT = (
    " If NaN pads shorter sequences to a common length, pass a list of the "
    "unequal-length sequences instead, e.g. [x[~np.isnan(x)] for x in X] for "
    "univariate rows: they are padded with zeros. " + LAYOUTS_DOC
)

_1D_HINT = " For a single sequence of n timesteps, pass X.reshape(1, -1)."


def check_float32_range(array, name):
    """Raise if float64 ``array`` holds a value float32 cannot hold.

    The network computes in float32, where such a value becomes infinity and
    the fit's loss NaN; ``name`` names the array in the message.
    """
    if array.dtype == np.float64 and array.size:
        largest = max(array.max(), -array.min())  # no |array| copy per predict
        if largest > np.finfo(np.float32).max:
            raise ValueError(
                f"Input {name} contains infinity or a value too large for "
                f"float32 (largest magnitude {largest:.3g}), in which the "
                f"network computes. Rescale {name}."
            )


@contextlib.contextmanager
def explain_input_errors():
    """Re-raise NumPy's and scikit-learn's conversion errors with the fix.

    Non-numeric, complex and ragged input fail deep in NumPy with messages
    that name neither ``X`` nor what to do; this adds both, keeping the
    original error as the cause. Other errors pass through unchanged, and
    scikit-learn's NaN and 1D messages are kept, with a hint appended.
    """
    try:
        yield
    except (ValueError, TypeError) as exc:
        message = str(exc)
        for fragments, hint in _HINTS:
            if any(fragment in message for fragment in fragments):
                what = _offending_kind(message)
                original = _first_line(message)
                error = TypeError if isinstance(exc, TypeError) else ValueError
                raise error(
                    hint.format(what=what) + f" (original error: {original})"
                ) from exc
        if "Input X contains NaN" in message:
            raise ValueError(message + _NAN_HINT) from exc
        if "got 1D array instead" in message:
            raise ValueError(message + _1D_HINT) from exc
        raise


def _offending_kind(message):
    if "could not convert string" in message:
        return "text"
    return "non-numeric (object)"


def _first_line(message):
    line = message.strip().splitlines()[0] if message.strip() else message
    return line if len(line) <= 200 else line[:197] + "..."
