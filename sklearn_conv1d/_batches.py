"""Training batches in an order of our own drawing, on every Keras backend.

Keras shuffles arrays with a global generator that differs per backend:
TensorFlow's global seed, NumPy's global ``RandomState`` (JAX), torch's
default generator, and Python's ``random`` for the batches of a
``PyDataset``. On torch, every pass over a ``DataLoader`` also draws a base
seed from torch's default generator, shuffled or not. A fit that lets Keras
batch its arrays thus reads or writes process-global state, which another
thread may be using at the same time.

Each epoch's order is instead a permutation drawn by :func:`epoch_order` from
a private generator seeded by the fit's seed and the epoch's number. Our
compiled epochs (see ``_training``) gather their batches by it; Keras's
``Model.fit``, where it trains instead, is handed the same batches by
:func:`keras_data`: one endless stream whose batch ``i`` is batch
``i % steps`` of epoch ``i // steps``, read with ``steps_per_epoch=steps``.
A batch thus depends on its index alone, not on when Keras calls the epoch
hooks of a ``PyDataset`` (``Model.fit`` calls ``on_epoch_end`` once before
the first epoch, and peeks at batches to build a new network) nor on how far
its prefetching runs ahead. The order of epoch ``e`` depends on nothing else,
so a network trained further (``warm_start``, ``partial_fit``, also after
saving and loading) goes on with new orders.
"""

import itertools
import math

import keras

from ._backend import backend
from ._random import fit_rng


def epoch_order(seed, epoch, n_samples):
    """The order of the ``n_samples`` rows in epoch ``epoch`` of the fit of ``seed``."""
    return fit_rng(seed, "shuffle", epoch).permutation(n_samples)


class ShuffledBatches(keras.utils.PyDataset):
    """The batches of ``(X, y[, sample_weight])``, in a new order every epoch.

    Parameters
    ----------
    arrays : tuple of ndarray
        ``(X, y)`` or ``(X, y, sample_weight)``, all of the same length.
    batch_size : int
        Rows per batch; the last batch of an epoch may be smaller.
    seed : int or None
        The fit's seed, from which each epoch's order is drawn: the batches
        then run on without end, epoch after epoch (read them with
        ``steps_per_epoch=steps_per_epoch``). None keeps the rows in order,
        one epoch's batches (for validation data).
    epoch : int, default=0
        The number of the first epoch: epochs the network trained before.
    """

    def __init__(self, arrays, batch_size, seed=None, epoch=0):
        super().__init__()
        self.arrays = arrays
        self.batch_size = batch_size
        self.seed = seed
        self.epoch = epoch
        self._order = (None, None)  # (epoch, its order), the last one drawn

    @property
    def steps_per_epoch(self):
        return math.ceil(len(self.arrays[0]) / self.batch_size)

    @property
    def num_batches(self):
        return None if self.seed is not None else self.steps_per_epoch

    def __len__(self):
        return self.steps_per_epoch

    def order(self, epoch):
        """The rows' order in epoch ``epoch`` (counted from ``self.epoch``)."""
        if self._order[0] != epoch:
            n_samples = len(self.arrays[0])
            self._order = (epoch, epoch_order(self.seed, self.epoch + epoch, n_samples))
        return self._order[1]

    def __getitem__(self, index):
        epoch, batch = divmod(index, self.steps_per_epoch)
        rows = slice(batch * self.batch_size, (batch + 1) * self.batch_size)
        if self.seed is not None:
            rows = self.order(epoch)[rows]
        return tuple(array[rows] for array in self.arrays)


def keras_data(arrays, batch_size, seed=None, epoch=0):
    """What to pass ``Model.fit`` as ``x`` (or ``validation_data``), and its steps.

    Returns ``(data, steps_per_epoch)``: a :class:`ShuffledBatches`, wrapped on
    the torch backend in a ``DataLoader`` whose generator is private, so that
    no pass over it draws from torch's default generator.
    """
    batches = ShuffledBatches(arrays, batch_size, seed, epoch)
    steps = batches.steps_per_epoch
    if backend() != "torch":
        return batches, steps
    dataset = _TorchPass(batches) if seed is None else _TorchStream(batches)
    loader = torch.utils.data.DataLoader(
        dataset, batch_size=None, generator=torch.Generator()
    )
    return loader, steps


if backend() == "torch":  # the backend is fixed for the life of the process
    import torch

    class _TorchStream(torch.utils.data.IterableDataset):
        """The batches of shuffled ``batches`` as torch tensors, without end."""

        def __init__(self, batches):
            self.batches = batches

        def _indices(self):
            return itertools.count()

        def __iter__(self):
            for index in self._indices():
                yield tuple(map(keras.ops.convert_to_tensor, self.batches[index]))

    class _TorchPass(_TorchStream):
        """One pass over the batches of unshuffled ``batches`` (validation data)."""

        def __len__(self):  # lets Keras know the number of steps
            return len(self.batches)

        def _indices(self):
            return range(len(self.batches))
