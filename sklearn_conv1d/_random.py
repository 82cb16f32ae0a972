"""Seed Python, NumPy and TensorFlow for one fit, then put them back.

scikeras seeds through the global RNGs and turns TensorFlow's op determinism on;
on CPU, seeding the three generators is enough for bitwise-identical training,
and a library must leave the user's global random state as it found it.
"""

import contextlib
import random

import numpy as np
import tensorflow as tf
from sklearn.utils import check_random_state
from tensorflow.python.eager import context


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
    try:
        random.seed(seed)
        np.random.seed(seed)
        tf.random.set_seed(seed)
        yield
    finally:
        random.setstate(python_state)
        np.random.set_state(numpy_state)
        tf.random.set_seed(tf_seed)
