"""Training-time augmentation: a layer that leaves the inference network unchanged.

Like ``Dropout``, :class:`RandomTimeShift` acts only when the network trains
and draws from its own seeded generator, whose state is one of the
network's non-trainable variables: no global generator is read, and a seeded
fit draws the same shifts on every run, beside whatever other fits.
"""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="sklearn_conv1d")
class RandomTimeShift(keras.layers.Layer):
    """Shift each training sequence in time by a random number of timesteps.

    Each sequence of a training batch moves by a whole number of timesteps
    drawn uniformly from ``-reach`` to ``reach``, where ``reach`` is
    ``round(factor * (length - 1))`` for the sequence's own ``length``; its
    first or last value is repeated into the timesteps it leaves. A
    sequence's length is that of the batch, less the run of all-zero
    timesteps at its end: the padding of a shorter sequence (which every
    ``normalize`` leaves at zero) stays padding, and the sequence shifts
    within its own length. At inference (``training=False``) the layer
    returns its input unchanged.

    Parameters
    ----------
    factor : float
        The largest shift, as a fraction of a sequence's length.
    seed : int or None
        Seeds the layer's own generator.
    """

    def __init__(self, factor, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs, training=False):
        if not training or not self.factor:
            return inputs
        shape = ops.shape(inputs)
        n_samples, n_timesteps = shape[0], shape[1]
        timesteps = ops.arange(n_timesteps, dtype="int32")[None, :]
        # Each sequence's length: up to its last timestep with a nonzero value.
        nonzero = ops.any(ops.not_equal(inputs, 0), axis=-1)
        lengths = ops.max(ops.where(nonzero, timesteps + 1, 0), axis=1, keepdims=True)
        last = ops.cast(ops.maximum(lengths, 1) - 1, "float32")
        reach = ops.round(self.factor * last)
        draw = keras.random.uniform(
            (n_samples, 1), dtype="float32", seed=self.seed_generator
        )
        shift = ops.minimum(ops.floor(draw * (2 * reach + 1)), 2 * reach) - reach
        source = ops.clip(ops.cast(timesteps, "float32") - shift, 0.0, last)
        source = ops.broadcast_to(ops.cast(source, "int32")[:, :, None], shape)
        shifted = ops.take_along_axis(inputs, source, axis=1)
        own = ops.less(timesteps, lengths)[:, :, None]
        return ops.where(own, shifted, ops.zeros_like(shifted))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "seed": self.seed}
