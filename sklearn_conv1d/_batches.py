"""Training batches in an order of our own drawing, on every Keras backend.

Keras shuffles arrays with a global generator that differs per backend:
TensorFlow's global seed, NumPy's global ``RandomState`` (JAX), torch's
default generator, and Python's ``random`` for the batches of a
``PyDataset``. On torch, every pass over a ``DataLoader`` also draws a base
seed from torch's default generator, shuffled or not. A fit that lets Keras
batch its arrays thus reads or writes process-global state, which another
thread may be using at the same time.

:func:`keras_data` hands Keras the batches itself instead: in a new
permutation each epoch, drawn from a private generator seeded by the fit's
seed and the epoch's number, with Keras told not to shuffle
(``shuffle=False``); on torch, through a ``DataLoader`` with a private
``torch.Generator``. The order of epoch ``e`` depends on nothing else, so a
network trained further (``warm_start``, ``partial_fit``, also after saving
and loading) goes on with new orders.
"""

import math

import keras

from ._backend import backend
from ._random import fit_rng


class ShuffledBatches(keras.utils.PyDataset):
    """The batches of ``(X, y[, sample_weight])``, reshuffled after every epoch.

    Parameters
    ----------
    arrays : tuple of ndarray
        ``(X, y)`` or ``(X, y, sample_weight)``, all of the same length.
    batch_size : int
        Rows per batch; the last batch of an epoch may be smaller.
    seed : int or None
        The fit's seed, from which each epoch's order is drawn. None keeps
        the rows in order (for validation data).
    epoch : int, default=0
        The number of the first epoch: epochs the network trained before.
    """

    def __init__(self, arrays, batch_size, seed=None, epoch=0):
        super().__init__()
        self.arrays = arrays
        self.batch_size = batch_size
        self.seed = seed
        self.epoch = epoch
        self.order = self._draw_order()

    def _draw_order(self):
        if self.seed is None:
            return None
        rng = fit_rng(self.seed, "shuffle", self.epoch)
        return rng.permutation(len(self.arrays[0]))

    @property
    def num_batches(self):
        return math.ceil(len(self.arrays[0]) / self.batch_size)

    def __len__(self):
        return self.num_batches

    def __getitem__(self, index):
        rows = slice(index * self.batch_size, (index + 1) * self.batch_size)
        if self.order is not None:
            rows = self.order[rows]
        return tuple(array[rows] for array in self.arrays)

    def on_epoch_end(self):
        # Counted after an epoch, not before: Keras peeks at the first batch
        # to build a new network's metrics, which must not count as an epoch,
        # or a reused network would see other orders than a new one.
        self.epoch += 1
        self.order = self._draw_order()


def keras_data(arrays, batch_size, seed=None, epoch=0):
    """What to pass ``Model.fit`` as ``x`` (or ``validation_data``).

    A :class:`ShuffledBatches`, wrapped on the torch backend in a
    ``DataLoader`` whose generator is private, so that no pass over it draws
    from torch's default generator.
    """
    batches = ShuffledBatches(arrays, batch_size, seed, epoch)
    if backend() != "torch":
        return batches
    return torch.utils.data.DataLoader(
        _TorchEpochs(batches), batch_size=None, generator=torch.Generator()
    )


if backend() == "torch":  # the backend is fixed for the life of the process
    import torch

    class _TorchEpochs(torch.utils.data.IterableDataset):
        """One pass over ``batches`` per iteration; reshuffled after a full pass."""

        def __init__(self, batches):
            self.batches = batches

        def __len__(self):  # lets Keras know the number of steps per epoch
            return len(self.batches)

        def __iter__(self):
            for index in range(len(self.batches)):
                yield tuple(map(keras.ops.convert_to_tensor, self.batches[index]))
            self.batches.on_epoch_end()
