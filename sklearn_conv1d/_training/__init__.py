"""Training a compiled network for some epochs: our compiled epochs, or Keras's ``fit``.

:func:`train` is the one entry point. It runs each epoch as one compiled call
over all of its batches, with the training data placed on the device once per
fit (see ``_loop``), unless a callback needs what only Keras's own
``Model.fit`` gives it (see :func:`needs_keras_fit`); then ``Model.fit``
trains, on batches drawn in the same order (see ``_batches``). Each backend's
compiled epoch lives in a module of its own (``_tensorflow``, ``_jax``,
``_torch``) behind one function, :func:`epoch_runner`: nothing else knows
backend differences.
"""

from ._batch_norm import settle_batch_norm
from ._callbacks import NonFiniteLossStop, StallStop, WeightAverage, needs_keras_fit
from ._loop import epoch_runner, train

__all__ = [
    "NonFiniteLossStop",
    "StallStop",
    "WeightAverage",
    "epoch_runner",
    "needs_keras_fit",
    "settle_batch_norm",
    "train",
]
