"""Build the Keras network of a 1D CNN from its hyperparameters.

This module knows Keras and nothing of scikit-learn: it turns plain values
(filters, kernel sizes, pooling, head) and an input shape into an uncompiled
``keras.Model``, and checks beforehand that the layers fit the sequence length.
"""

import inspect
from numbers import Integral

import keras
import numpy as np


def as_tuple(value, name="value"):
    """Return ``value`` as a tuple of positive ints: ints become 1-tuples.

    None is ``()``; a tuple or list is checked entry by entry.

    Raises
    ------
    ValueError
        If an entry is not a positive int, naming ``name`` and the entry.
    """
    if value is None:
        return ()
    several = isinstance(value, (tuple, list))
    entries = tuple(value) if several else (value,)
    for i, entry in enumerate(entries):
        if isinstance(entry, bool) or not isinstance(entry, Integral) or entry < 1:
            where = f" has entry {i} = {entry!r}; each entry" if several else ""
            raise ValueError(
                f"{name}={value!r}{where} must be a positive int (>= 1). Pass "
                "an int >= 1, or a tuple with one int >= 1 per layer."
            )
    return tuple(int(entry) for entry in entries)


def conv_blocks(filters, kernel_size):
    """Pair every conv block's filter count with its kernel size.

    ``kernel_size`` may be one int for every block or one entry per block.

    Raises
    ------
    ValueError
        If ``filters`` defines no block, an entry is not a positive int, or
        ``kernel_size`` is a sequence whose length differs from ``filters``.
    """
    filters = as_tuple(filters, "filters")
    kernels = as_tuple(kernel_size, "kernel_size")
    if not filters:
        raise ValueError(
            f"filters={filters!r} defines no conv block. Pass the number of "
            "filters of at least one block, e.g. filters=64 or filters=(32, 64)."
        )
    if len(kernels) == 1:
        kernels = kernels * len(filters)
    if len(kernels) != len(filters):
        raise ValueError(
            f"kernel_size={kernel_size!r} has {len(kernels)} entries but filters="
            f"{filters!r} defines {len(filters)} conv blocks. Pass one kernel size "
            "for all blocks, or exactly one per entry of filters."
        )
    return tuple(zip(filters, kernels, strict=True))


def check_sequence_length(n_timesteps, blocks, *, padding, pool_size):
    """Check that every conv and pooling layer has input left to work on.

    Follows the sequence length through the blocks with Keras's own length
    arithmetic and raises before any layer is built.

    Returns
    -------
    int
        The number of timesteps after the last block.

    Raises
    ------
    ValueError
        If a kernel is longer than what remains of the sequence, or pooling
        shrinks it to nothing.
    """
    length = n_timesteps
    for i, (_, kernel) in enumerate(blocks, start=1):
        if padding == "valid":
            if kernel > length:
                raise ValueError(
                    f"Conv block {i} has kernel_size={kernel}, longer than the "
                    f"{length} timestep(s) left of the input's {n_timesteps} "
                    "at that point. Use a smaller kernel_size, fewer blocks or "
                    "pool_size=None, or padding='same'."
                )
            length = length - kernel + 1
        if pool_size is not None:
            if padding == "valid":
                if pool_size > length:
                    raise ValueError(
                        f"pool_size={pool_size} after conv block {i} shrinks the "
                        f"{length} timestep(s) left of the input's {n_timesteps} "
                        "to nothing. Use a smaller pool_size or pool_size=None, "
                        "fewer conv blocks, or padding='same'."
                    )
                length = length // pool_size
            else:
                length = -(-length // pool_size)
    return length


def build_network(
    input_shape,
    n_outputs,
    output_activation,
    seed,
    *,
    filters,
    kernel_size,
    padding,
    pool_size,
    batch_norm,
    batch_norm_momentum,
    activation,
    global_pooling,
    dense_units,
    dropout,
):
    """Return an uncompiled Keras model for sequences of ``input_shape``.

    One block per entry of ``filters``: ``Conv1D`` (then ``BatchNormalization``
    and the activation when ``batch_norm``), then ``MaxPooling1D`` when
    ``pool_size`` is set. The head is ``Flatten`` or global average/max
    pooling, optional dropout, one ``Dense`` layer per entry of
    ``dense_units`` and a ``Dense(n_outputs, output_activation)`` output.

    Parameters
    ----------
    input_shape : tuple of int
        ``(timesteps, channels)`` of one sequence, channels-last.
    n_outputs : int
        Units of the output layer.
    output_activation : str
        Activation of the output layer, e.g. ``"softmax"``.
    seed : int
        Seeds every random layer: the kernel initializers of the ``Conv1D``
        and ``Dense`` layers and the ``Dropout`` layers each get their own
        seed drawn from it. The same seed builds the same initial weights and
        dropout masks on every backend, without touching a global generator.
    **hyperparameters
        As documented on :class:`~sklearn_conv1d.Conv1DClassifier`; their
        names are :data:`HYPERPARAMETERS`.
    """
    rng = np.random.default_rng(seed)

    def layer_seed():
        return int(rng.integers(np.iinfo(np.int32).max))

    def initializer():
        return keras.initializers.GlorotUniform(seed=layer_seed())

    blocks = conv_blocks(filters, kernel_size)
    check_sequence_length(input_shape[0], blocks, padding=padding, pool_size=pool_size)
    # Keras pools only with "valid" or "same"; causal convolutions keep the
    # length, as "same" ones do.
    pool_padding = "valid" if padding == "valid" else "same"
    # A global-pooling head reads any length: the time axis is left open, so
    # the fitted network also predicts sequences longer than those of fit.
    n_timesteps, n_channels = input_shape
    time_axis = None if global_pooling else n_timesteps
    inputs = keras.Input(shape=(time_axis, n_channels), name="sequence")
    x = inputs
    for filters_i, kernel_i in blocks:
        if batch_norm:
            x = keras.layers.Conv1D(
                filters_i,
                kernel_i,
                padding=padding,
                kernel_initializer=initializer(),
            )(x)
            x = keras.layers.BatchNormalization(momentum=batch_norm_momentum)(x)
            x = keras.layers.Activation(activation)(x)
        else:
            x = keras.layers.Conv1D(
                filters_i,
                kernel_i,
                padding=padding,
                activation=activation,
                kernel_initializer=initializer(),
            )(x)
        if pool_size is not None:
            x = keras.layers.MaxPooling1D(pool_size, padding=pool_padding)(x)
    if global_pooling == "avg":
        x = keras.layers.GlobalAveragePooling1D()(x)
    elif global_pooling == "max":
        x = keras.layers.GlobalMaxPooling1D()(x)
    else:
        x = keras.layers.Flatten()(x)
    for units in as_tuple(dense_units):
        if dropout:
            x = keras.layers.Dropout(dropout, seed=layer_seed())(x)
        x = keras.layers.Dense(
            units, activation=activation, kernel_initializer=initializer()
        )(x)
    if dropout:
        x = keras.layers.Dropout(dropout, seed=layer_seed())(x)
    outputs = keras.layers.Dense(
        n_outputs, activation=output_activation, kernel_initializer=initializer()
    )(x)
    return keras.Model(inputs, outputs)


#: The network hyperparameters, i.e. the keyword-only arguments of
#: :func:`build_network`. The estimators pass exactly these of their
#: parameters to the builder, and the network pool keys on them, so a
#: hyperparameter added to the builder is passed and keyed on everywhere.
HYPERPARAMETERS = tuple(
    name
    for name, parameter in inspect.signature(build_network).parameters.items()
    if parameter.kind is inspect.Parameter.KEYWORD_ONLY
)


def make_optimizer(name, learning_rate):
    """Return a Keras optimizer instance from its name and learning rate."""
    return keras.optimizers.get(
        {"class_name": name, "config": {"learning_rate": learning_rate}}
    )
