"""The estimator base shared by every 1D CNN estimator, built on scikeras.

This is the only module that knows scikeras. It reuses scikeras's
``BaseWrapper`` machinery -- the fit loop, warm start, history, callback
initialisation, the routing of parameters to ``Model.fit``/``predict`` and
the pickling of Keras models -- by taking its functions into our class, not
by inheriting from it:
``BaseWrapper`` still declares its tags through the legacy ``_more_tags``,
which scikit-learn >= 1.6 rejects for any class in an estimator's MRO
(``check_estimator_tags_renamed``) and which leaves ``KerasClassifier``
mis-tagged. What scikeras does not do right for us is overridden here:
input validation (sequence layouts, clear errors), the network builder,
seeding (local, not global) and the tags.
"""

from numbers import Integral, Real

import numpy as np
from scikeras.wrappers import BaseWrapper
from sklearn.base import BaseEstimator, _fit_context
from sklearn.preprocessing import FunctionTransformer
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import _check_sample_weight, validate_data

from ._network import build_network, make_optimizer
from ._random import draw_seed, seeded
from ._sequences import DATA_FORMATS, describe_shape, to_channels_last

#: Names accepted by ``activation``; any callable is accepted too.
ACTIVATIONS = frozenset(
    {
        "relu",
        "elu",
        "selu",
        "gelu",
        "tanh",
        "sigmoid",
        "swish",
        "silu",
        "leaky_relu",
        "relu6",
        "softplus",
        "softsign",
        "mish",
        "linear",
    }
)
#: Names accepted by ``optimizer``: Keras's built-in optimizers.
OPTIMIZERS = frozenset(
    {
        "adam",
        "adamw",
        "nadam",
        "adamax",
        "rmsprop",
        "sgd",
        "adagrad",
        "adadelta",
        "lion",
        "ftrl",
    }
)


class Conv1DBase(BaseEstimator):
    """Parameters, validation and fit/predict plumbing of the 1D CNN estimators.

    Not for direct use: subclasses supply the task-specific parts
    (``_check_targets``, ``_target_encoder``, ``_output_spec``).
    """

    _parameter_constraints = {
        "filters": [Interval(Integral, 1, None, closed="left"), tuple, list],
        "kernel_size": [Interval(Integral, 1, None, closed="left"), tuple, list],
        "padding": [StrOptions({"valid", "same", "causal"})],
        "pool_size": [Interval(Integral, 1, None, closed="left"), None],
        "batch_norm": ["boolean"],
        "global_pooling": [StrOptions({"avg", "max"}), None],
        "dense_units": [Interval(Integral, 1, None, closed="left"), tuple, list, None],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "activation": [StrOptions(ACTIVATIONS), callable],
        "optimizer": [StrOptions(OPTIMIZERS)],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "epochs": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "data_format": [StrOptions(set(DATA_FORMATS))],
        "random_state": ["random_state"],
        "verbose": [Interval(Integral, 0, 2, closed="both"), "boolean"],
        "callbacks": [list, None],
        "warm_start": ["boolean"],
    }

    # Keras.Model.fit / predict arguments that scikeras routes from our parameters.
    _fit_kwargs = frozenset({"batch_size", "verbose"})
    _predict_kwargs = frozenset({"batch_size", "verbose"})

    # -- scikeras's machinery, reused as is -------------------------------------
    _fit = BaseWrapper._fit
    _fit_keras_model = BaseWrapper._fit_keras_model
    _initialize_callbacks = BaseWrapper._initialize_callbacks
    _ensure_compiled_model = BaseWrapper._ensure_compiled_model
    _check_model_compatibility = BaseWrapper._check_model_compatibility
    _predict_raw = BaseWrapper._predict_raw
    initialized_ = BaseWrapper.initialized_
    current_epoch = BaseWrapper.current_epoch

    def __init__(
        self,
        filters,
        kernel_size,
        padding,
        pool_size,
        batch_norm,
        global_pooling,
        dense_units,
        dropout,
        activation,
        optimizer,
        learning_rate,
        epochs,
        batch_size,
        data_format,
        random_state,
        verbose,
        callbacks,
        warm_start,
    ):
        self.filters = filters
        self.kernel_size = kernel_size
        self.padding = padding
        self.pool_size = pool_size
        self.batch_norm = batch_norm
        self.global_pooling = global_pooling
        self.dense_units = dense_units
        self.dropout = dropout
        self.activation = activation
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.epochs = epochs
        self.batch_size = batch_size
        self.data_format = data_format
        self.random_state = random_state
        self.verbose = verbose
        self.callbacks = callbacks
        self.warm_start = warm_start

    # -- fitting -----------------------------------------------------------------
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Build the network for ``X``'s sequences and train it on ``(X, y)``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps) or \
                (n_samples, n_timesteps, n_channels)
            Training sequences. A 2D ``X`` holds one univariate sequence per
            row. With ``data_format="channels_first"`` a 3D ``X`` is
            ``(n_samples, n_channels, n_timesteps)``.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each sample in the loss. Samples of zero
            weight are left out.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        with seeded(draw_seed(self.random_state)):
            BaseWrapper.fit(self, X, y, sample_weight=sample_weight)
        return self

    def _initialize(self, X, y=None):
        X, y = BaseWrapper._initialize(self, X, y)
        # Seeding is done locally around the whole fit (see ``_random``);
        # scikeras's own seeding would switch on TensorFlow's op determinism.
        self._random_state = None
        return X, y

    @property
    def feature_encoder(self):
        # X leaves _validate_data as (n, timesteps, channels) float32 already.
        return FunctionTransformer()

    @property
    def target_encoder(self):
        return self._target_encoder()

    def _validate_sample_weight(self, X, y, sample_weight):
        sample_weight = _check_sample_weight(
            sample_weight, X, dtype=np.float32, ensure_non_negative=True
        )
        sample_weight = sample_weight * self._target_sample_weight(y)
        return BaseWrapper._validate_sample_weight(X, y, sample_weight)

    def _target_sample_weight(self, y):
        """Per-sample weight implied by the targets (e.g. class weights)."""
        return 1.0

    def _build_keras_model(self):
        n_outputs, output_activation, loss, metrics = self._output_spec()
        model = build_network(
            self.input_shape_,
            n_outputs,
            output_activation,
            filters=self.filters,
            kernel_size=self.kernel_size,
            padding=self.padding,
            pool_size=self.pool_size,
            batch_norm=self.batch_norm,
            activation=self.activation,
            global_pooling=self.global_pooling,
            dense_units=self.dense_units,
            dropout=self.dropout,
        )
        model.compile(
            optimizer=make_optimizer(self.optimizer, self.learning_rate),
            loss=loss,
            metrics=metrics,
        )
        return model

    # -- validation --------------------------------------------------------------
    def _validate_data(self, X=None, y=None, reset=False, y_numeric=False):
        """Validate ``X`` into ``(n, timesteps, channels)`` float32 and check ``y``.

        Called by scikeras's fit loop (``reset=True`` on a fresh fit) and by
        predict (``y=None``).
        """
        if X is None:
            return None, self._check_targets(y, reset=False)
        kwargs = dict(reset=reset, dtype=np.float32, allow_nd=True)
        if y is None and not reset:
            X = validate_data(self, X, **kwargs)
        else:
            X, y = validate_data(self, X, y, multi_output=True, **kwargs)
            y = self._check_targets(y, reset=reset)
        X = to_channels_last(X, self.data_format)
        if reset:
            self.input_shape_ = X.shape[1:]
        elif X.shape[1:] != self.input_shape_:
            raise ValueError(
                f"X holds sequences of shape "
                f"{describe_shape(X.shape[1:], self.data_format)}, but "
                f"{type(self).__name__} was fitted on sequences of shape "
                f"{describe_shape(self.input_shape_, self.data_format)}. Pass "
                "sequences of the same length and channels as in fit, or refit."
            )
        return X, y

    def __sklearn_is_fitted__(self):
        return hasattr(self, "model_")

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.target_tags.required = True
        return tags
