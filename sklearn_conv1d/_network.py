"""Build the Keras network of a 1D CNN from its hyperparameters.

This module knows Keras and nothing of scikit-learn: it turns plain values
(filters, kernel sizes, pooling, head) and an input shape into an uncompiled
``keras.Model``, and checks beforehand that the layers fit the sequence length.
"""

import inspect
from numbers import Integral

import keras
import numpy as np

from ._augment import RandomTimeShift


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
    if not filters:
        raise ValueError(
            f"filters={filters!r} defines no conv block. Pass the number of "
            "filters of at least one block, e.g. filters=64 or filters=(32, 64)."
        )
    kernels = _per_layer(kernel_size, "kernel_size", "kernel size", filters)
    return tuple(zip(filters, kernels, strict=True))


def _per_layer(value, name, what, filters):
    """``value`` as one entry per conv block: an int, or one per filters entry."""
    entries = as_tuple(value, name)
    if len(entries) == 1:
        entries = entries * len(filters)
    if len(entries) != len(filters):
        raise ValueError(
            f"{name}={value!r} has {len(entries)} entries but filters="
            f"{filters!r} defines {len(filters)} conv blocks. Pass one {what} "
            "for all blocks, or exactly one per entry of filters."
        )
    return entries


def conv_layers(filters, kernel_size, dilation_rate=1):
    """``(filters, kernel, dilation)`` of every conv layer.

    ``kernel_size`` and ``dilation_rate`` may each be one int for every layer
    or one entry per entry of ``filters``.

    Raises
    ------
    ValueError
        As :func:`conv_blocks`, and if ``dilation_rate`` has an entry that is
        not a positive int or a length other than 1 or that of ``filters``.
    """
    blocks = conv_blocks(filters, kernel_size)
    dilations = _per_layer(
        dilation_rate, "dilation_rate", "dilation rate", as_tuple(filters)
    )
    return tuple((f, k, d) for (f, k), d in zip(blocks, dilations, strict=True))


def check_network(
    n_timesteps,
    *,
    filters,
    kernel_size,
    dilation_rate,
    padding,
    separable,
    inception,
    residual,
    pool_size,
    dense_units,
    **_,
):
    """Check the hyperparameters against each other and the sequence length.

    Every combination the builder cannot make raises here, before any layer
    is built, with the fix in the message.

    Returns
    -------
    tuple of tuple
        The conv layers, as :func:`conv_layers`.

    Raises
    ------
    ValueError
        On residual blocks that do not divide the conv layers or that need
        lengths kept (``padding="valid"``), separable causal convolutions,
        inception modules with padding other than "same",
        kernels or pooling longer than what is left of the sequence, and bad
        ``dense_units``.
    """
    layers = conv_layers(filters, kernel_size, dilation_rate)
    if residual is not None:
        if len(layers) % residual:
            raise ValueError(
                f"residual={residual} groups the conv layers in residual blocks of "
                f"{residual}, but filters defines {len(layers)} layers. Pass a "
                f"number of layers that is a multiple of {residual}, or another "
                "residual."
            )
        if padding == "valid":
            raise ValueError(
                "Residual blocks add a block's input to its output, so their "
                "convolutions must keep the length: use padding='same' or "
                "'causal' with residual, not 'valid'."
            )
    if inception and padding != "same":
        raise ValueError(
            "An inception module concatenates convolutions of different "
            "kernel sizes and a max pooling centred on each timestep, so it "
            f"keeps the length centred: use padding='same' with "
            f"inception=True, not {padding!r}."
        )
    if separable and padding == "causal":
        raise ValueError(
            "Keras's separable convolutions have no causal padding: use "
            "padding='same' or 'valid' with separable=True, or separable=False."
        )
    check_sequence_length(
        n_timesteps,
        layers,
        padding=padding,
        pool_size=pool_size,
        pool_every=residual or 1,
    )
    as_tuple(dense_units, "dense_units")
    return layers


def check_sequence_length(n_timesteps, blocks, *, padding, pool_size, pool_every=1):
    """Check that every conv and pooling layer has input left to work on.

    Follows the sequence length through the conv layers (``(filters,
    kernel)`` or ``(filters, kernel, dilation)`` each) with Keras's own
    length arithmetic, pooling after every ``pool_every`` layers, and raises
    before any layer is built.

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
    for i, (_, kernel, *dilation) in enumerate(blocks, start=1):
        span = (kernel - 1) * (dilation[0] if dilation else 1) + 1
        if padding == "valid":
            if span > length:
                dilated = f" (spanning {span}, dilated)" if span > kernel else ""
                raise ValueError(
                    f"Conv block {i} has kernel_size={kernel}{dilated}, longer than "
                    f"the {length} timestep(s) left of the input's {n_timesteps} "
                    "at that point. Use a smaller kernel_size or dilation_rate, "
                    "fewer blocks or pool_size=None, or padding='same'."
                )
            length = length - span + 1
        if pool_size is not None and i % pool_every == 0:
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
    dilation_rate,
    padding,
    separable,
    inception,
    residual,
    pool_size,
    batch_norm,
    batch_norm_momentum,
    activation,
    global_pooling,
    dense_units,
    dropout,
    time_shift=0.0,
):
    """Return an uncompiled Keras model for sequences of ``input_shape``.

    One conv layer per entry of ``filters``: ``Conv1D`` (``SeparableConv1D``
    when ``separable``; dilated by ``dilation_rate``), then
    ``BatchNormalization`` and the activation when ``batch_norm``. With
    ``inception``, each conv layer is an InceptionTime module (Ismail Fawaz
    et al., 2020) instead: a 1x1 "bottleneck" convolution (where the input
    has several channels), three convolutions of it with kernels ``k``,
    ``k // 2`` and ``k // 4``, and a max pooling (3, stride 1) of the input
    followed by a 1x1 convolution, the four concatenated (``4 * filters``
    channels), then batch normalisation and the activation. With
    ``residual``, every ``residual`` consecutive layers form a residual block
    whose input is added to its output (through a 1x1 convolution where the
    channels differ) before the last activation. ``MaxPooling1D`` follows each
    layer, or each residual block, when ``pool_size`` is set. The head is
    ``Flatten`` or global average/max pooling, optional dropout, one
    ``Dense`` layer per entry of ``dense_units`` and a
    ``Dense(n_outputs, output_activation)`` output. With ``time_shift``, a
    :class:`~sklearn_conv1d._augment.RandomTimeShift` reads the input first:
    it shifts training sequences at random, and passes them unchanged at
    inference, as dropout does.

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
        and ``Dense`` layers and the ``Dropout`` and ``RandomTimeShift``
        layers each get their own seed drawn from it. The same seed builds
        the same initial weights, dropout masks and shifts on every backend,
        without touching a global generator.
    **hyperparameters
        As documented on :class:`~sklearn_conv1d.Conv1DClassifier`; their
        names are :data:`HYPERPARAMETERS`.
    """
    rng = np.random.default_rng(seed)

    def layer_seed():
        return int(rng.integers(np.iinfo(np.int32).max))

    def initializer():
        return keras.initializers.GlorotUniform(seed=layer_seed())

    layers = check_network(
        input_shape[0],
        filters=filters,
        kernel_size=kernel_size,
        dilation_rate=dilation_rate,
        padding=padding,
        separable=separable,
        inception=inception,
        residual=residual,
        pool_size=pool_size,
        dense_units=dense_units,
    )
    # Keras pools only with "valid" or "same"; causal convolutions keep the
    # length, as "same" ones do.
    pool_padding = "valid" if padding == "valid" else "same"
    # A global-pooling head reads any length: the time axis is left open, so
    # the fitted network also predicts sequences longer than those of fit.
    n_timesteps, n_channels = input_shape
    time_axis = None if global_pooling else n_timesteps
    inputs = keras.Input(shape=(time_axis, n_channels), name="sequence")

    def conv(n_filters, kernel, dilation, conv_activation):
        if separable:
            return keras.layers.SeparableConv1D(
                n_filters,
                kernel,
                padding=padding,
                dilation_rate=dilation,
                activation=conv_activation,
                depthwise_initializer=initializer(),
                pointwise_initializer=initializer(),
            )
        return keras.layers.Conv1D(
            n_filters,
            kernel,
            padding=padding,
            dilation_rate=dilation,
            activation=conv_activation,
            kernel_initializer=initializer(),
        )

    def pointwise(n_filters, use_bias=True):
        return keras.layers.Conv1D(
            n_filters, 1, use_bias=use_bias, kernel_initializer=initializer()
        )

    def inception_module(x, n_filters, kernel, dilation, conv_activation):
        bottleneck = pointwise(n_filters, use_bias=False)(x) if x.shape[-1] > 1 else x
        branches = [
            conv(n_filters, max(kernel // 2**i, 1), dilation, None)(bottleneck)
            for i in range(3)
        ]
        pooled = keras.layers.MaxPooling1D(3, strides=1, padding="same")(x)
        branches.append(pointwise(n_filters, use_bias=False)(pooled))
        x = keras.layers.Concatenate()(branches)
        return keras.layers.Activation(conv_activation)(x) if conv_activation else x

    def conv_or_module(x, spec, conv_activation):
        if inception:
            return inception_module(x, *spec, conv_activation)
        return conv(*spec, conv_activation)(x)

    def conv_layer(x, spec, activate=True):
        if not batch_norm:
            return conv_or_module(x, spec, activation if activate else None)
        x = conv_or_module(x, spec, None)
        x = keras.layers.BatchNormalization(momentum=batch_norm_momentum)(x)
        return keras.layers.Activation(activation)(x) if activate else x

    x = inputs
    if time_shift:
        # Its seed comes from a stream of its own: the other layers' seeds,
        # and so the initial weights, are those of the network without it.
        shift_seed = np.random.default_rng([seed, 1]).integers(np.iinfo(np.int32).max)
        x = RandomTimeShift(time_shift, seed=int(shift_seed))(x)
    per_block = residual or 1
    for start in range(0, len(layers), per_block):
        block = layers[start : start + per_block]
        shortcut = x
        for j, spec in enumerate(block):
            # In a residual block the last activation follows the addition.
            x = conv_layer(x, spec, activate=not (residual and j == len(block) - 1))
        if residual:
            if shortcut.shape[-1] != x.shape[-1]:  # match the channels: 1x1 conv
                shortcut = pointwise(x.shape[-1])(shortcut)
                if batch_norm:
                    shortcut = keras.layers.BatchNormalization(
                        momentum=batch_norm_momentum
                    )(shortcut)
            x = keras.layers.Add()([x, shortcut])
            x = keras.layers.Activation(activation)(x)
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
