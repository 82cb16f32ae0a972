"""Seed Python, NumPy and TensorFlow for one fit, then put them back.

scikeras seeds through the global RNGs and turns TensorFlow's op determinism on;
on CPU, seeding the three generators is enough for bitwise-identical training,
and a library must leave the user's global random state as it found it.

Keras draws the seed of every layer built without one from the module-level
``random`` of ``keras.src.random.seed_generator``, i.e. from Python's global
generator, which other threads may draw from meanwhile (in a Dask worker, the
communication thread does, through ``dask.sizeof``). During a seeded fit that
module gets a private generator seeded alike, which draws the same numbers.
"""

import contextlib
import random

import numpy as np
import tensorflow as tf
from sklearn.utils import check_random_state
from tensorflow.python.eager import context

try:  # Private to Keras; without it the global generator is used, as before.
    from keras.src.random import seed_generator as _keras_seed_generator
except ImportError:  # pragma: no cover
    _keras_seed_generator = None


def draw_seed(random_state):
    """Return the int seed for one fit, or None to leave training unseeded.

    An int is used as is; a ``RandomState`` instance is consumed once, so two
    fits sharing it get different seeds, as in scikit-learn.
    """
    if random_state is None:
        return None
    if isinstance(random_state, (int, np.integer)):
        return int(random_state)
    return int(check_random_state(random_state).randint(np.iinfo(np.int32).max))


@contextlib.contextmanager
def seeded(seed):
    """Run the block with Python, NumPy and TensorFlow seeded by ``seed``.

    With ``seed=None`` nothing is touched. Otherwise the three global states are
    restored on exit, whatever happens in the block.
    """
    if seed is None:
        yield
        return
    python_state = random.getstate()
    numpy_state = np.random.get_state()
    tf_seed = context.global_seed()
    keras_random = getattr(_keras_seed_generator, "python_random", None)
    try:
        random.seed(seed)
        np.random.seed(seed)
        tf.random.set_seed(seed)
        if keras_random is not None:
            _keras_seed_generator.python_random = random.Random(seed)
        yield
    finally:
        random.setstate(python_state)
        np.random.set_state(numpy_state)
        tf.random.set_seed(tf_seed)
        if keras_random is not None:
            _keras_seed_generator.python_random = keras_random
