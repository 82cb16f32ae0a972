"""The epoch on PyTorch: a plain loop over the batches of data placed once per fit.

PyTorch runs eagerly, so there is no epoch to compile: each step calls Keras's
own ``train_step`` on a batch gathered, by the epoch's order, from tensors
placed on the device once per fit, without ``Model.fit``'s per-epoch data
adapter, iterator and per-batch callbacks.
"""

import keras
import torch


class EpochRunner:
    """Run epochs and validation passes of one network."""

    #: A context computing no gradients, for forward passes outside training.
    no_grad = staticmethod(torch.no_grad)

    def __init__(self, model):
        self.model = model

    @staticmethod
    def put(arrays):
        """Place ``(X, y[, sample_weight])`` on the device, once per fit."""
        return tuple(keras.ops.convert_to_tensor(array) for array in arrays)

    def train_epoch(self, data, order, batch_size):
        order = torch.as_tensor(order, device=data[0].device)
        self.model.train()
        try:
            for start in range(0, len(order), batch_size):
                rows = order[start : start + batch_size]
                self.model.train_step(tuple(array[rows] for array in data))
        finally:
            self.model.eval()

    def evaluate(self, data, batch_size):
        with self.no_grad():
            for start in range(0, len(data[0]), batch_size):
                batch = slice(start, start + batch_size)
                self.model.test_step(tuple(array[batch] for array in data))
