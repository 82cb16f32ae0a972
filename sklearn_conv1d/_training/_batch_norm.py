"""Batch normalisation statistics that match the trained weights.

During training a ``BatchNormalization`` layer keeps an exponential moving
average of its batches' statistics, and uses it at inference. On a small data
set an epoch is one or two steps, and the average lags the weights it is used
with: all the more when early stopping restores an earlier epoch's weights.
A ResNet whose training loss was 3e-6 then predicted its own training data at
chance (0.5) on PyTorch. After a fit, each layer's statistics are therefore
computed again over the training data with the final weights (the "precise
BN" of Wu & Johnson, *Rethinking "Batch" in BatchNorm*, 2021): the network
runs in training mode over the data in chunks, each layer records each
chunk's mean and variance (a momentum of 0), and their row-weighted pooling
-- the mean and variance of the layer's input over all rows -- replaces the
moving statistics.
"""

import keras
import numpy as np

from .._augment import RandomTimeShift
from ._loop import epoch_runner

#: At most this many values (rows x timesteps) per forward pass, so that a pass
#: holds little more memory than a training step on long sequences.
CHUNK_VALUES = 2**16
#: At most this many rows per forward pass.
CHUNK_ROWS = 256


def settle_batch_norm(model, X, batch_size):
    """Set every BatchNormalization layer's moving statistics from ``X``.

    Parameters
    ----------
    model : keras.Model
        A trained network; left unchanged if it has no BatchNormalization.
        Its dropout layers' random states are left as they were, and its
        time shifts do not shift: the statistics are those of ``X``.
    X : ndarray of shape (n_samples, timesteps, channels)
        The training sequences, as the network reads them.
    batch_size : int
        The training batch size: chunks hold at least that many rows.
    """
    layers = [
        layer
        for layer in model.layers
        if isinstance(layer, keras.layers.BatchNormalization) and layer.trainable
    ]
    if not layers or len(X) == 0:
        return
    rows = max(batch_size, min(CHUNK_ROWS, CHUNK_VALUES // max(X.shape[1], 1)))
    momenta = [layer.momentum for layer in layers]
    # Training mode also runs the dropout layers, which advance their seeds.
    seeds = [
        (generator.state, keras.ops.convert_to_numpy(generator.state))
        for generator in (
            getattr(layer, "seed_generator", None) for layer in model.layers
        )
        if isinstance(generator, keras.random.SeedGenerator)
    ]
    # The statistics are those of the sequences as predict reads them: unshifted.
    shifts = [layer for layer in model.layers if isinstance(layer, RandomTimeShift)]
    factors = [layer.factor for layer in shifts]
    # Per layer: the sums over rows of the chunks' means and mean squares.
    sums = [[0.0, 0.0] for _ in layers]
    try:
        for layer in shifts:
            layer.factor = 0.0
        for layer in layers:
            layer.momentum = 0.0  # moving statistics := the chunk's
        with epoch_runner(model).no_grad():
            for start in range(0, len(X), rows):
                chunk = X[start : start + rows]
                model(chunk, training=True)
                for layer, total in zip(layers, sums, strict=True):
                    mean = _float64(layer.moving_mean)
                    total[0] += len(chunk) * mean
                    total[1] += len(chunk) * (_float64(layer.moving_variance) + mean**2)
    finally:
        for layer, factor in zip(shifts, factors, strict=True):
            layer.factor = factor
        for layer, momentum in zip(layers, momenta, strict=True):
            layer.momentum = momentum
        for state, value in seeds:
            state.assign(value)
    for layer, (total, squares) in zip(layers, sums, strict=True):
        mean = total / len(X)
        layer.moving_mean.assign(mean.astype("float32"))
        layer.moving_variance.assign(
            np.maximum(squares / len(X) - mean**2, 0).astype("float32")
        )


def _float64(variable):
    return keras.ops.convert_to_numpy(variable).astype(np.float64)
