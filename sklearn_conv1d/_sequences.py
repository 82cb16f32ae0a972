"""Turn the sequences users pass into ``(n_samples, n_timesteps, n_channels)``.

NumPy only: no TensorFlow, no scikit-learn estimator logic. The estimators
validate ``X`` with scikit-learn first, then call :func:`to_channels_last`.
"""

import numpy as np

DATA_FORMATS = ("channels_last", "channels_first")


def to_channels_last(X, data_format):
    """Return a validated 2D or 3D array as ``(n_samples, n_timesteps, n_channels)``.

    A 2D ``X`` is univariate: each row is one sequence, one channel. A 3D ``X``
    is ``(n_samples, n_timesteps, n_channels)`` for ``"channels_last"`` (Keras's
    convention) or ``(n_samples, n_channels, n_timesteps)`` for
    ``"channels_first"`` (aeon's and sktime's).

    Raises
    ------
    ValueError
        If ``X`` has fewer than 2 or more than 3 dimensions.
    """
    if X.ndim == 2:
        return X[:, :, np.newaxis]
    if X.ndim == 3:
        return X if data_format == "channels_last" else np.swapaxes(X, 1, 2)
    raise ValueError(
        f"Expected a 2D array (n_samples, n_timesteps) or a 3D array "
        f"(n_samples, n_timesteps, n_channels), got a {X.ndim}D array of shape "
        f"{X.shape}. Reshape your data, e.g. X.reshape(len(X), n_timesteps, -1)."
    )


def describe_shape(input_shape, data_format):
    """Name the axes of one sequence's shape for error messages."""
    n_timesteps, n_channels = input_shape
    if data_format == "channels_first":
        return f"(n_channels={n_channels}, n_timesteps={n_timesteps})"
    return f"(n_timesteps={n_timesteps}, n_channels={n_channels})"
