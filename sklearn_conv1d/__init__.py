"""sklearn-conv1d: a 1D convolutional neural network as a scikit-learn estimator."""

from importlib.metadata import PackageNotFoundError, version

from ._classifier import Conv1DClassifier

try:
    __version__ = version("sklearn-conv1d")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

__all__ = ["Conv1DClassifier", "__version__"]
