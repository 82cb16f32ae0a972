"""The compiled epoch on TensorFlow: every step of an epoch in one ``tf.function``.

The data is placed in TensorFlow tensors once per fit; an epoch is one call of
a ``tf.function`` whose ``tf.while_loop`` gathers each batch by the epoch's
order and runs Keras's own ``train_step`` on it (forward, loss, gradients,
optimizer update, metrics), the last batch smaller when the batch size does
not divide the data. Shapes are left open (``reduce_retracing``), so one
trace serves every fit of a reused network, whatever the number of samples.
Each ``tf.function`` wraps a ``functools.partial``, not a function: TensorFlow
counts the traces of all functions of one code object together, and would
warn of "retracing" when many networks are each traced once.
"""

from contextlib import nullcontext
from functools import partial

import tensorflow as tf


class EpochRunner:
    """Run epochs and validation passes of one network, each as one call."""

    #: A context computing no gradients: none are, outside a training step.
    no_grad = staticmethod(nullcontext)

    def __init__(self, model):
        self.model = model
        self._train = tf.function(partial(_train_epoch, model), reduce_retracing=True)
        self._evaluate = tf.function(partial(_evaluate, model), reduce_retracing=True)

    @staticmethod
    def put(arrays):
        """Place ``(X, y[, sample_weight])`` on the device, once per fit."""
        return tuple(tf.convert_to_tensor(array) for array in arrays)

    def train_epoch(self, data, order, batch_size):
        self._train(data, tf.convert_to_tensor(order), batch_size)

    def evaluate(self, data, batch_size):
        self._evaluate(data, batch_size)


def _train_epoch(model, data, order, batch_size):
    n_samples = tf.shape(order)[0]
    for start in tf.range(0, n_samples, batch_size):
        rows = order[start : start + batch_size]
        model.train_step(tuple(tf.gather(a, rows) for a in data))


def _evaluate(model, data, batch_size):
    n_samples = tf.shape(data[0])[0]
    for start in tf.range(0, n_samples, batch_size):
        model.test_step(tuple(a[start : start + batch_size] for a in data))
