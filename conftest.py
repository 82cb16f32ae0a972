"""pytest collection: leave out the modules of the Keras backends not in use.

``--doctest-modules`` imports every module of the package; each backend's
compiled-epoch module (``sklearn_conv1d/_training/_<backend>.py``) imports its
backend, which the environments of the other backends do not install.
"""

import keras

collect_ignore = [
    f"sklearn_conv1d/_training/_{name}.py"
    for name in ("tensorflow", "jax", "torch")
    if name != keras.backend.backend()
]
