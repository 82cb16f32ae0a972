"""Which Keras backend runs the networks, and clear errors when it cannot.

Keras 3 picks its backend once per process, from the ``KERAS_BACKEND``
environment variable (or ``~/.keras/keras.json``), defaulting to TensorFlow.
The estimators run unchanged on TensorFlow, JAX and PyTorch; this module
imports Keras for the package, so that an unknown or uninstalled backend fails
with one message naming the extra to install instead of a traceback from
inside Keras.
"""

import os

#: The backends the estimators support, with the extra that installs each.
BACKEND_EXTRAS = {
    "tensorflow": "tensorflow-cpu",
    "jax": "jax",
    "torch": "torch",
}


def _install_hint(name):
    extra = BACKEND_EXTRAS.get(name)
    if extra is None:
        return ""
    return f' Install it with: pip install "sklearn-conv1d[{extra}]".'


def import_keras():
    """Import Keras, turning a backend that cannot load into a clear ImportError."""
    requested = os.environ.get("KERAS_BACKEND")
    if requested is not None and requested not in BACKEND_EXTRAS:
        raise ImportError(
            f"KERAS_BACKEND={requested!r} is not a backend sklearn-conv1d "
            f"supports. Set KERAS_BACKEND to one of {sorted(BACKEND_EXTRAS)}, "
            "or unset it to use TensorFlow."
        )
    try:
        import keras
    except ImportError as exc:
        name = requested or "tensorflow"
        raise ImportError(
            f"Keras could not load its {name!r} backend ({exc}).{_install_hint(name)}"
            " Or pick an installed backend with the KERAS_BACKEND environment "
            f"variable, one of {sorted(BACKEND_EXTRAS)}."
        ) from exc
    return keras


def backend():
    """The Keras backend in use: ``"tensorflow"``, ``"jax"`` or ``"torch"``."""
    return import_keras().backend.backend()


import_keras()  # on import of the package, before any module imports Keras
