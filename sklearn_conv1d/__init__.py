"""sklearn-conv1d: a 1D convolutional neural network as a scikit-learn estimator."""

from importlib.metadata import PackageNotFoundError, version

# First: imports Keras, so that an unknown or missing backend fails clearly.
from . import _backend  # noqa: F401
from ._classifier import Conv1DClassifier
from ._onnx import to_onnx
from ._regressor import Conv1DRegressor
from ._saving import InconsistentVersionWarning, load, save

try:
    __version__ = version("sklearn-conv1d")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

__all__ = [
    "Conv1DClassifier",
    "Conv1DRegressor",
    "InconsistentVersionWarning",
    "__version__",
    "load",
    "save",
    "to_onnx",
]
