"""Gradients on whichever Keras backend runs: the only module that knows how.

Keras 3 runs the same layers on TensorFlow, JAX and PyTorch, but has no
backend-neutral automatic differentiation: TensorFlow records a
``GradientTape``, JAX transforms a function (``jax.vjp``) and PyTorch
follows ``autograd``. :func:`value_and_gradient` hides the three behind one
call, with one branch per backend; nothing else in the package knows the
difference. It changes no global setting, records nothing beyond the call
(no variable's ``.grad`` accumulates on PyTorch) and holds no state, so
threads may call it at once.
"""

import keras

from ._backend import backend


def value_and_gradient(function, x):
    """Values of ``function`` and their gradient with respect to ``x``.

    Parameters
    ----------
    function : callable
        Maps a tensor of shape ``(n, ...)`` to one value per row, shape
        ``(n,)``, with Keras layers and ``keras.ops``. Each row's value must
        depend on that row alone (a network in inference mode does), so that
        the gradient of the sum of the values is, row by row, the gradient of
        each row's own value.
    x : tensor or ndarray of shape (n, ...)
        Where to differentiate.

    Returns
    -------
    value : ndarray of shape (n,)
        ``function(x)``.
    gradient : ndarray of the shape of ``x``
        The gradient of ``sum(function(x))`` with respect to ``x``; zeros where
        the values do not depend on ``x``.
    """
    name = backend()
    if name == "tensorflow":
        import tensorflow as tf

        x = tf.convert_to_tensor(x)
        with tf.GradientTape() as tape:
            tape.watch(x)
            value = function(x)
        gradient = tape.gradient(value, x)  # of the sum of a non-scalar value
    elif name == "jax":
        import jax

        value, pullback = jax.vjp(function, x)
        (gradient,) = pullback(jax.numpy.ones_like(value))
    elif name == "torch":
        import torch

        # A leaf of its own: the gradient flows to it alone, not to the
        # network's weights nor to whatever computed x.
        x = keras.ops.convert_to_tensor(x).detach().requires_grad_(True)
        with torch.enable_grad():
            value = function(x)
            (gradient,) = torch.autograd.grad(value.sum(), x, allow_unused=True)
    else:  # pragma: no cover - _backend refuses other backends on import
        raise ValueError(f"No gradients for the Keras backend {name!r}.")
    value = keras.ops.convert_to_numpy(value)
    if gradient is None:  # TensorFlow and PyTorch: no path from x to the value
        return value, keras.ops.convert_to_numpy(keras.ops.zeros_like(x))
    return value, keras.ops.convert_to_numpy(gradient)
