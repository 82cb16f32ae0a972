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
    drawn uniformly within ``factor`` of its length either way (up to
    ``round(factor * (n_timesteps - 1))``), its first or last value repeated
    into the timesteps it leaves. At inference (``training=False``) the
    layer returns its input unchanged.

    Parameters
    ----------
    factor : float
        The largest shift, as a fraction of the sequences' length.
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
        last = ops.cast(n_timesteps - 1, "float32")
        draw = keras.random.uniform(
            (n_samples, 1), minval=-1.0, maxval=1.0, seed=self.seed_generator
        )
        shift = ops.round(draw * self.factor * last)
        timesteps = ops.cast(ops.arange(n_timesteps), "float32")[None, :]
        source = ops.cast(ops.clip(timesteps - shift, 0.0, last), "int32")
        source = ops.broadcast_to(source[:, :, None], shape)
        return ops.take_along_axis(inputs, source, axis=1)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "seed": self.seed}
