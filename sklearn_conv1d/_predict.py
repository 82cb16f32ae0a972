"""Fast predict: a network's outputs in blocks of a fixed number of rows.

What ``Model.predict`` computes, without its per-call set-up (data adapter,
iterator, callbacks) and without retracing: each backend's compiled forward
pass is made once per network (:func:`predictor`) and kept on it.

Row independence
----------------
A row's prediction must not depend on how many or which rows come with it.
An open batch dimension breaks this: the kernels are picked by shape, and on
this project's 2-core CPU the default network's outputs for a row differ in
the last bit between a 1-row and a 2-row batch on TensorFlow, JAX and
PyTorch (a matrix-vector kernel for one row), and on JAX again from 64 rows
up. So rows go through the network in blocks of exactly ``block`` rows
(``batch_size``), the last one zero-padded and the padding's outputs dropped.
That also assumes that a row's place in its block does not matter, as
measured for blocks of 32 rows; PyTorch's kernel for the 1-unit output layer
of a regressor breaks it in blocks of 7 rows (a row's last bit changed with
its place).

A block of ``block`` rows costs one row as much as ``block`` rows (default
network, 32 rows: 1.4x a 1-row ``predict_on_batch`` on TensorFlow, 3x on JAX,
5x on PyTorch). So a call of at most :data:`SMALL` rows runs in one block of
:data:`SMALL` rows instead, at a sequence shape where that block is known to
compute exactly what the ``block`` path computes. The second call of at most
:data:`SMALL` rows at a shape (so a shape that recurs, not each length of a
ragged list) runs a probe of at least :data:`PROBE_ROWS` random rows both ways
and compares the outputs bitwise; if any differs (or the probe cannot tell:
non-finite outputs, or the same for every row), calls at that shape keep to
the ``block`` path (until the network is reset for a new fit). Kernels are
picked by shape, not by values: two paths that agree on every output of a
large generic probe compute the same thing (a different order of summation
shows in some outputs; measured: the 1-unit output layer of a tiny PyTorch
regressor gave 8 of 45 rows other last bits in blocks of 2 rows than in blocks
of 7; JAX with ``batch_size=64`` fails the check for the default network).
Whichever path a row takes, it takes it whatever rows come with it.

Backends
--------
- TensorFlow: two ``tf.function`` with an input signature whose batch and
  time axes are open, each traced once per network whatever the lengths of
  the sequences (TensorFlow warns about functions that retrace): one runs one
  block; the other runs many blocks in a ``tf.while_loop`` in one call, so
  that a bulk predict pays TensorFlow's per-call cost once per chunk of
  blocks. Each wraps a ``functools.partial``, not a function: TensorFlow's
  retracing detector counts the traces of all functions of one code object
  together, so the single traces of many networks would add up to a warning.
- JAX: one jitted ``stateless_call`` of a block, called per block with the
  variables' current values (compiled once per network and block shape).
- PyTorch: the network called eagerly per block under ``torch.no_grad``.
"""

from functools import partial

import keras
import numpy as np

from ._backend import backend

#: Rows of the block that calls of few rows run in (see "Row independence").
#: Not 1: one row takes other kernels than two or more on every backend.
SMALL = 2

#: Fewest rows of the probe that checks a shape's small block (see above).
PROBE_ROWS = 128

#: Blocks per call of TensorFlow's loop: bounds the memory one call holds.
BLOCKS_PER_CALL = 64

#: Shapes whose small-block check is remembered, per network.
MAX_CHECKED_SHAPES = 1024

_ATTRIBUTE = "_sklearn_conv1d_predictor"


def predictor(model):
    """The fast predict function of ``model``: ``predictor(model)(X, block)``.

    Made once per network and kept on it, so that a network reused across
    fits (see ``_model_pool``, which makes it before recording the network's
    reference count) is traced once.
    """
    found = getattr(model, _ATTRIBUTE, None)
    if found is None:
        found = _PREDICTORS[backend()](model)
        setattr(model, _ATTRIBUTE, found)
    return found


def _blocks(X, block):
    """``X`` cut into blocks of exactly ``block`` rows, the last zero-padded."""
    n = len(X)
    full = n - n % block
    blocks = [X[start : start + block] for start in range(0, full, block)]
    if full < n:
        last = np.zeros((block, *X.shape[1:]), X.dtype)
        last[: n - full] = X[full:]
        blocks.append(last)
    return blocks


class _Predictor:
    """``predictor(X, block)``: outputs of the network for ``X``, as NumPy.

    Subclasses run blocks: ``_small(x)`` one block of :data:`SMALL` rows,
    ``_large(blocks)`` a list of blocks of ``block`` rows; both return the
    outputs concatenated, as NumPy.
    """

    def __init__(self, model):
        self.model = model
        (model_input,) = model.inputs
        self.dtype = keras.backend.standardize_dtype(model_input.dtype)
        # (sequence shape, block) -> None once seen, then whether the small
        # block computes exactly what the large one does.
        self._small_agrees = {}

    def __call__(self, X, block):
        X = np.asarray(X, dtype=self.dtype)
        n = len(X)
        if n == 0:
            (output,) = self.model.outputs
            return np.zeros((0, *output.shape[1:]), output.dtype)
        if n <= SMALL < block and self._small_is_exact(X.shape[1:], block):
            (x,) = _blocks(X, SMALL)
            return self._small(x)[:n]
        return self._large(_blocks(X, block))[:n]

    def _small_is_exact(self, shape, block):
        """Whether blocks of SMALL rows give what blocks of ``block`` rows give.

        False at a shape's first call: the check costs PROBE_ROWS / SMALL small
        blocks, worth it for a shape that recurs.
        """
        key = (shape, block)
        if key not in self._small_agrees:
            if len(self._small_agrees) >= MAX_CHECKED_SHAPES:
                self._small_agrees.clear()
            self._small_agrees[key] = None
            return False
        agrees = self._small_agrees[key]
        if agrees is None:
            agrees = self._small_agrees[key] = self._check_small(shape, block)
        return agrees

    def _check_small(self, shape, block):
        n_rows = -(-PROBE_ROWS // block) * block
        rng = np.random.default_rng(0)
        probe = rng.standard_normal((n_rows, *shape)).astype(self.dtype)
        large = self._large(_blocks(probe, block))
        small = np.concatenate([self._small(x) for x in _blocks(probe, SMALL)])
        if not np.isfinite(large).all() or (large == large[:1]).all():
            # The probe cannot tell, e.g. with diverged weights; the pool
            # forgets this when it hands the network to a new fit (forget).
            return False
        return bool(np.array_equal(large, small[:n_rows]))

    def forget(self):
        """Forget the shapes checked, e.g. once the weights are reset."""
        self._small_agrees = {}


class _TensorFlowPredictor(_Predictor):
    def __init__(self, model):
        super().__init__(model)
        import tensorflow as tf

        (model_input,) = model.inputs
        spec = tf.TensorSpec((None, *model_input.shape[1:]), self.dtype)
        self._one = tf.function(
            partial(_tf_one, model), input_signature=[spec], autograph=False
        )
        self._many = tf.function(
            partial(_tf_many, model),
            input_signature=[spec, tf.TensorSpec((), tf.int32)],
            autograph=False,
        )
        self._traced = None

    def _small(self, x):
        import tensorflow as tf

        return self._concrete()[0](tf.convert_to_tensor(x)).numpy()

    def _large(self, blocks):
        import tensorflow as tf

        many = self._concrete()[1]
        block = tf.constant(len(blocks[0]), tf.int32)
        outputs = []
        for start in range(0, len(blocks), BLOCKS_PER_CALL):
            chunk = np.concatenate(blocks[start : start + BLOCKS_PER_CALL])
            outputs.append(many(tf.convert_to_tensor(chunk), block).numpy())
        return np.concatenate(outputs)

    def _concrete(self):
        """The traced functions, called directly: 0.2 ms less per call."""
        if self._traced is None:
            self._traced = (
                self._one.get_concrete_function(),
                self._many.get_concrete_function(),
            )
        return self._traced


def _tf_one(model, x):
    return model(x, training=False)


def _tf_many(model, X, block):
    import tensorflow as tf

    n_blocks = tf.shape(X)[0] // block
    (output,) = model.outputs
    outputs = tf.TensorArray(output.dtype, size=n_blocks, infer_shape=False)

    def body(i, outputs):
        start = i * block
        return i + 1, outputs.write(i, _tf_one(model, X[start : start + block]))

    _, outputs = tf.while_loop(lambda i, _: i < n_blocks, body, (0, outputs))
    return outputs.concat()


class _JaxPredictor(_Predictor):
    def __init__(self, model):
        super().__init__(model)
        import jax

        self._one = jax.jit(partial(_jax_one, model))

    def _state(self):
        model = self.model
        return (
            [v.value for v in model.trainable_variables],
            [v.value for v in model.non_trainable_variables],
        )

    def _small(self, x):
        return np.asarray(self._one(*self._state(), x))

    def _large(self, blocks):
        import jax

        state = self._state()
        # All blocks dispatched before any is read back, in one transfer.
        outputs = jax.device_get([self._one(*state, x) for x in blocks])
        return np.concatenate(outputs)


def _jax_one(model, trainable, non_trainable, x):
    outputs, _ = model.stateless_call(trainable, non_trainable, x, training=False)
    return outputs


class _TorchPredictor(_Predictor):
    def _small(self, x):
        return self._large([x])

    def _large(self, blocks):
        import torch

        model = self.model
        with torch.no_grad():
            outputs = [model(x, training=False) for x in blocks]
            return keras.ops.convert_to_numpy(torch.cat(outputs))


_PREDICTORS = {
    "tensorflow": _TensorFlowPredictor,
    "jax": _JaxPredictor,
    "torch": _TorchPredictor,
}
