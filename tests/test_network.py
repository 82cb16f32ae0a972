"""The Keras network builder, tested alone (no scikit-learn involved)."""

import random

import keras
import numpy as np
import pytest

from sklearn_conv1d._network import (
    HYPERPARAMETERS,
    build_network,
    check_sequence_length,
    conv_blocks,
    make_optimizer,
)

CLASSIC = dict(
    filters=64,
    kernel_size=3,
    dilation_rate=1,
    padding="valid",
    separable=False,
    inception=False,
    residual=None,
    pool_size=2,
    batch_norm=False,
    batch_norm_momentum=0.9,
    activation="relu",
    global_pooling=None,
    dense_units=100,
    dropout=0.0,
    time_shift=0.0,
)
FCN = dict(
    filters=(128, 256, 128),
    kernel_size=(8, 5, 3),
    dilation_rate=1,
    padding="same",
    separable=False,
    inception=False,
    residual=None,
    pool_size=None,
    batch_norm=True,
    batch_norm_momentum=0.8,
    activation="relu",
    global_pooling="avg",
    dense_units=(),
    dropout=0.0,
)


def layer_summary(model):
    return [type(layer).__name__ for layer in model.layers]


def test_classic_network_layers():
    model = build_network((30, 1), 3, "softmax", 0, **CLASSIC)
    assert layer_summary(model) == [
        "InputLayer",
        "Conv1D",
        "MaxPooling1D",
        "Flatten",
        "Dense",
        "Dense",
    ]
    conv, pool, dense, out = (model.layers[i] for i in (1, 2, 4, 5))
    assert (conv.filters, conv.kernel_size, conv.activation.__name__) == (
        64,
        (3,),
        "relu",
    )
    assert pool.pool_size == (2,)
    assert (dense.units, dense.activation.__name__) == (100, "relu")
    assert (out.units, out.activation.__name__) == (3, "softmax")
    assert model.output_shape == (None, 3)


def test_fcn_network_layers():
    model = build_network((150, 1), 2, "softmax", 0, **FCN)
    assert layer_summary(model) == ["InputLayer"] + [
        "Conv1D",
        "BatchNormalization",
        "Activation",
    ] * 3 + ["GlobalAveragePooling1D", "Dense"]
    convs = [layer for layer in model.layers if isinstance(layer, keras.layers.Conv1D)]
    assert [(c.filters, c.kernel_size[0], c.padding) for c in convs] == [
        (128, 8, "same"),
        (256, 5, "same"),
        (128, 3, "same"),
    ]
    norms = [
        layer
        for layer in model.layers
        if isinstance(layer, keras.layers.BatchNormalization)
    ]
    assert [norm.momentum for norm in norms] == [0.8] * 3


def test_dropout_and_max_pooling_head():
    params = {
        **CLASSIC,
        "dropout": 0.5,
        "global_pooling": "max",
        "dense_units": (32, 16),
    }
    model = build_network((20, 2), 4, "softmax", 0, **params)
    assert layer_summary(model) == [
        "InputLayer",
        "Conv1D",
        "MaxPooling1D",
        "GlobalMaxPooling1D",
        "Dropout",
        "Dense",
        "Dropout",
        "Dense",
        "Dropout",
        "Dense",
    ]


def test_conv_blocks_pairs_filters_and_kernels():
    assert conv_blocks(64, 3) == ((64, 3),)
    assert conv_blocks((8, 16), 5) == ((8, 5), (16, 5))
    assert conv_blocks([8, 16], (3, 5)) == ((8, 3), (16, 5))
    with pytest.raises(ValueError, match="kernel_size=.*2 entries.*3 conv blocks"):
        conv_blocks((8, 16, 32), (3, 5))


@pytest.mark.parametrize(
    "n_timesteps, blocks, padding, pool_size, expected",
    [
        (30, ((64, 3),), "valid", 2, 14),
        (30, ((64, 3),), "same", 2, 15),
        (31, ((64, 3),), "same", 2, 16),
        (1, ((64, 3),), "same", 2, 1),
        (10, ((8, 3), (8, 3)), "valid", None, 6),
        (10, ((8, 3),), "causal", 2, 5),
    ],
)
def test_sequence_length_through_blocks(
    n_timesteps, blocks, padding, pool_size, expected
):
    length = check_sequence_length(
        n_timesteps, blocks, padding=padding, pool_size=pool_size
    )
    assert length == expected
    model = build_network(
        (n_timesteps, 1),
        2,
        "softmax",
        0,
        **{
            **CLASSIC,
            "filters": tuple(f for f, _ in blocks),
            "kernel_size": tuple(k for _, k in blocks),
            "padding": padding,
            "pool_size": pool_size,
        },
    )
    flatten = model.get_layer(index=len(model.layers) - 3)
    assert flatten.input.shape[1] == expected


@pytest.mark.parametrize(
    "n_timesteps, blocks, pool_size, message",
    [
        (2, ((64, 3),), 2, "kernel_size=3, longer than the 2 timestep"),
        (5, ((8, 3),), 4, "pool_size=4 after conv block 1 shrinks the 3 timestep"),
        (7, ((8, 3), (8, 3)), 2, "Conv block 2 has kernel_size=3, longer than the 2"),
    ],
)
def test_sequence_too_short_is_a_clear_error(n_timesteps, blocks, pool_size, message):
    with pytest.raises(ValueError, match=message):
        check_sequence_length(n_timesteps, blocks, padding="valid", pool_size=pool_size)


@pytest.mark.parametrize("name", ["adam", "sgd", "rmsprop", "adamw"])
def test_make_optimizer_sets_learning_rate(name):
    optimizer = make_optimizer(name, 0.01)
    assert type(optimizer).__name__.lower() == name
    assert float(optimizer.learning_rate) == pytest.approx(0.01)


def test_seed_fixes_initial_weights_and_dropout_without_global_state():
    params = {**CLASSIC, "dropout": 0.5}
    keras_random = keras.src.random.seed_generator.python_random
    before = random.getstate(), keras_random.getstate()
    a, b, c = (build_network((30, 1), 3, "softmax", s, **params) for s in (0, 0, 1))
    assert (random.getstate(), keras_random.getstate()) == before
    for wa, wb in zip(a.get_weights(), b.get_weights(), strict=True):
        np.testing.assert_array_equal(wa, wb)
    assert not np.array_equal(a.get_weights()[0], c.get_weights()[0])
    # Every random layer has a seed of its own.
    seeds = [
        layer.seed for layer in a.layers if isinstance(layer, keras.layers.Dropout)
    ]
    kernels = [
        layer.kernel_initializer.seed
        for layer in a.layers
        if hasattr(layer, "kernel_initializer")
    ]
    assert len(seeds) == 2 and len(kernels) == 3
    assert len(set(seeds + kernels)) == 5


def test_hyperparameters_are_the_builders_keyword_arguments():
    assert set(HYPERPARAMETERS) == set(CLASSIC)
