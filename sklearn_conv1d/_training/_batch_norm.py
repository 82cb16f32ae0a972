"""Batch normalisation statistics that match the trained weights.

During training a ``BatchNormalization`` layer keeps an exponential moving
average of its batches' statistics, and uses it at inference. On a small data
set an epoch is one or two steps, and the average lags the weights it is used
with: all the more when early stopping restores an earlier epoch's weights.
A ResNet whose training loss was 3e-6 then predicted its own training data at
chance (0.5) on PyTorch. After training, each layer's statistics are
therefore computed again over the training data with the final weights (the
"precise BN" of Wu & Johnson, *Rethinking "Batch" in BatchNorm*, 2021):
the average, weighted by rows, of the statistics of large chunks of it.
"""

import keras

from ._loop import epoch_runner

#: Rows per forward pass: large enough that a chunk's variance is close to
#: the whole data's, small enough to keep the activations of one pass small.
CHUNK = 256


def settle_batch_norm(model, X, batch_size):
    """Set every BatchNormalization layer's moving statistics from ``X``.

    Parameters
    ----------
    model : keras.Model
        A trained network; left unchanged if it has no BatchNormalization.
    X : ndarray of shape (n_samples, timesteps, channels)
        The training sequences, as the network reads them.
    batch_size : int
        The training batch size: chunks hold at least that many rows.
    """
    layers = [
        layer
        for layer in model.layers
        if isinstance(layer, keras.layers.BatchNormalization)
    ]
    if not layers:
        return
    momenta = [layer.momentum for layer in layers]
    chunk = max(batch_size, CHUNK)
    seen = 0
    try:
        with epoch_runner(model).no_grad():
            for start in range(0, len(X), chunk):
                rows = X[start : start + chunk]
                # moving = moving * momentum + batch * (1 - momentum): the
                # running mean of the chunks' statistics, weighted by rows.
                for layer in layers:
                    layer.momentum = seen / (seen + len(rows))
                model(rows, training=True)
                seen += len(rows)
    finally:
        for layer, momentum in zip(layers, momenta, strict=True):
            layer.momentum = momentum
