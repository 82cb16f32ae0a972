"""The random numbers of one fit, drawn from generators of its own.

A fit never reads or writes a process-global generator: not Python's
``random``, NumPy's global ``RandomState``, TensorFlow's global seed,
torch's default generator, nor the module-level generator Keras draws the
seeds of unseeded layers from. Two threads fitting side by side therefore
cannot change each other's draws, and a user's ``keras.utils.set_random_seed``
goes on reproducing whatever ran in between.

Instead, every random choice of a fit gets its own seed from one
:class:`numpy.random.SeedSequence`: the initial weights (explicit initializer
seeds), dropout (explicit layer seeds), the order of the samples in each epoch
(our own permutation, see ``_batches``) and the early-stopping split. Keras 3
takes explicit seeds on every backend, so a seeded fit is bitwise identical
on TensorFlow, JAX and PyTorch alike, wherever and beside whatever it runs.
"""

import numpy as np
from sklearn.utils import check_random_state

#: What each stream of a fit's random numbers is for; the index is its key.
_STREAMS = ("network", "shuffle", "validation_split", "ensemble")


def draw_seed(random_state):
    """Return the int seed of one fit.

    An int is used as is; a ``RandomState`` instance is consumed once, so two
    fits sharing it get different seeds, as in scikit-learn. ``None`` draws a
    fresh seed from the operating system's entropy, not from a global
    generator.
    """
    if random_state is None:
        return int(np.random.SeedSequence().generate_state(1)[0])
    if isinstance(random_state, (int, np.integer)):
        return int(random_state)
    return int(check_random_state(random_state).randint(np.iinfo(np.int32).max))


def fit_rng(seed, stream, *keys):
    """A private NumPy generator for one stream of a fit's random numbers.

    Parameters
    ----------
    seed : int
        The fit's seed, from :func:`draw_seed`.
    stream : {"network", "shuffle", "validation_split", "ensemble"}
        What the numbers are for; each stream is independent of the others.
    *keys : int
        Further ints telling generators of one stream apart, e.g. the epoch.
    """
    entropy = [seed, _STREAMS.index(stream), *keys]
    return np.random.default_rng(np.random.SeedSequence(entropy))


def int_seed(rng):
    """Draw an int seed for Keras (an initializer, a dropout layer) from ``rng``."""
    return int(rng.integers(np.iinfo(np.int32).max))


def network_seed(seed, index):
    """The seed of network ``index`` of an ensemble fit of ``seed``.

    Network 0 trains with the fit's own seed, so a fit of one network is
    the fit it was before ensembles; network ``i`` trains with a seed drawn
    from the fit's ``"ensemble"`` stream, exactly as a fit with
    ``random_state`` set to that seed would.
    """
    if index == 0:
        return seed
    return int_seed(fit_rng(seed, "ensemble", index))
