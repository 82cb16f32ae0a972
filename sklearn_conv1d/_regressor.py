"""Conv1DRegressor: the regressor-only parts of the 1D CNN estimator."""

import numpy as np
from sklearn.base import RegressorMixin
from sklearn.preprocessing import FunctionTransformer
from sklearn.utils.validation import check_array, check_is_fitted

from ._base import Conv1DBase
from ._docstrings import SHARED_ATTRIBUTES, SHARED_PARAMETERS
from ._sequences import check_float32_range


class Conv1DRegressor(RegressorMixin, Conv1DBase):
    __doc__ = f"""A 1D convolutional neural network regressor for sequences.

    The same network as :class:`Conv1DClassifier` -- by default
    ``Conv1D(64, 3, relu) -> MaxPooling1D(2) -> Flatten -> Dense(100, relu)``
    -- with a linear output layer of one unit per target, trained with adam on
    the mean squared error. ``score`` is the coefficient of determination R².
    Scale the targets (e.g. with
    :class:`~sklearn.compose.TransformedTargetRegressor` and a
    :class:`~sklearn.preprocessing.StandardScaler`) when they are far from
    unit scale.

    Parameters
    ----------
{SHARED_PARAMETERS}
    Attributes
    ----------
    n_outputs_ : int
        Number of targets seen in fit.
{SHARED_ATTRIBUTES}
    See Also
    --------
    Conv1DClassifier : The same network for classification.
    sklearn.neural_network.MLPRegressor : Multi-layer perceptron regressor.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_conv1d import Conv1DRegressor
    >>> rng = np.random.RandomState(0)
    >>> X = rng.randn(60, 16)
    >>> y = X[:, :4].sum(axis=1)
    >>> reg = Conv1DRegressor(epochs=20, random_state=0).fit(X, y)
    >>> reg.predict(X[:3]).shape
    (3,)
    """

    def predict(self, X):
        """Return the predicted target(s) of each sequence.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps) or \
                (n_samples, n_timesteps, n_channels)
            Sequences, in the layout used in fit.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            Predictions; 1D when one target was seen in fit.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn_conv1d import Conv1DRegressor
        >>> rng = np.random.RandomState(0)
        >>> X = rng.randn(40, 16)
        >>> Y = np.column_stack([X[:, :8].sum(axis=1), X[:, 8:].sum(axis=1)])
        >>> reg = Conv1DRegressor(epochs=5, random_state=0)
        >>> reg.fit(X, Y).predict(X[:3]).shape  # one column per target
        (3, 2)
        >>> reg.fit(X, Y[:, 0]).predict(X[:3]).shape
        (3,)
        """
        check_is_fitted(self)
        y_pred = np.asarray(self._predict_raw(X), dtype=np.float64)
        return y_pred.ravel() if self.n_outputs_ == 1 else y_pred

    # -- task-specific hooks of Conv1DBase ----------------------------------------
    def _check_targets(self, y, reset):
        y = check_array(y, ensure_2d=False, dtype="numeric", input_name="y")
        check_float32_range(y, "y")
        if y.ndim > 2:
            raise ValueError(
                f"y must be 1D (one target) or 2D (n_samples, n_outputs); got a "
                f"{y.ndim}D array of shape {y.shape}."
            )
        n_outputs = 1 if y.ndim == 1 else y.shape[1]
        if reset:
            self.n_outputs_ = n_outputs
        elif n_outputs != self.n_outputs_:
            raise ValueError(
                f"y has {n_outputs} target(s), but {type(self).__name__} was "
                f"fitted on {self.n_outputs_}. Pass the same targets or refit."
            )
        return y.astype(np.float64, copy=False)

    def _target_encoder(self):
        # Always (n_samples, n_outputs): a pooled network's compiled train
        # function then sees targets of one rank, whatever the y's shape.
        return FunctionTransformer(_as_2d_float32)

    def _output_spec(self):
        return self.n_outputs_, "linear", "mean_squared_error", []

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags


def _as_2d_float32(y):
    return np.asarray(y, dtype=np.float32).reshape(len(y), -1)
