"""sklearn-conv1d: a 1D convolutional neural network as a scikit-learn estimator."""

from importlib.metadata import PackageNotFoundError, version

# First: imports Keras, so that an unknown or missing backend fails clearly.
from . import _backend  # noqa: F401
from ._architectures import ARCHITECTURES, architecture_grid
from ._classifier import Conv1DClassifier
from ._inspection import class_activation_map
from ._onnx import to_onnx
from ._regressor import Conv1DRegressor
from ._saving import InconsistentVersionWarning, load, save

#: The types a skops file of this package's estimators holds beyond those
#: skops trusts by default: pass them as ``skops.io.load(path,
#: trusted=SKOPS_TRUSTED_TYPES)`` or ``mlflow.sklearn.log_model(...,
#: skops_trusted_types=SKOPS_TRUSTED_TYPES)``.
SKOPS_TRUSTED_TYPES = [
    "sklearn_conv1d._classifier.Conv1DClassifier",
    "sklearn_conv1d._regressor.Conv1DRegressor",
]

try:
    __version__ = version("sklearn-conv1d")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

__all__ = [
    "ARCHITECTURES",
    "Conv1DClassifier",
    "Conv1DRegressor",
    "InconsistentVersionWarning",
    "SKOPS_TRUSTED_TYPES",
    "__version__",
    "architecture_grid",
    "class_activation_map",
    "load",
    "save",
    "to_onnx",
]
