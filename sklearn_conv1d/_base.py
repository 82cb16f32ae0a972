"""The estimator base shared by every 1D CNN estimator, built on scikeras.

This is the only module that knows scikeras. It reuses scikeras's
``BaseWrapper`` machinery -- the fit loop, warm start, partial fit,
history, the routing of parameters to ``Model.predict`` -- by taking its
functions into our class, not by inheriting from it:
``BaseWrapper`` still declares its tags through the legacy ``_more_tags``,
which scikit-learn >= 1.6 rejects for any class in an estimator's MRO
(``check_estimator_tags_renamed``) and which leaves ``KerasClassifier``
mis-tagged. What scikeras does not do right for us is overridden here:
input validation (sequence layouts, clear errors), the network builder,
randomness (private generators, never global ones: see ``_random``), the
training step of the fit loop (compiled epochs, see ``_training``) and the
tags.
"""

import contextlib
import copy
from collections import defaultdict
from functools import partial
from numbers import Integral, Real

import keras
import numpy as np
from scikeras.utils import metric_name
from scikeras.wrappers import BaseWrapper
from scipy.sparse import issparse
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
    _fit_context,
)
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import FunctionTransformer
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import (
    _check_sample_weight,
    check_array,
    check_is_fitted,
    validate_data,
)

from ._anatomy import embed, embedding_width
from ._backend import backend
from ._budget import budget_epochs, networks_within
from ._ensemble import average_networks, networks_of
from ._model_pool import POOL, predict_array
from ._network import (
    HYPERPARAMETERS,
    build_network,
    check_network,
    make_optimizer,
)
from ._random import draw_seed, fit_rng, int_seed, network_seed
from ._sequences import (
    DATA_FORMATS,
    check_fitted_shape,
    check_float32_range,
    explain_input_errors,
    input_moments,
    is_sequence_list,
    length_groups,
    sequence_lengths,
    stack_sequences,
    standardize,
    to_channels_last,
    znormalize,
    znormalize_sequences,
)
from ._state import FORMER_VALUES, custom_objects, get_state, set_state
from ._threads import limit_tensorflow_threads
from ._training import StallStop, WeightAverage, settle_batch_norm, train

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
#: dtypes validation keeps X in (others, lists included, become float64):
#: data stays float64 until standardised, as an offset large against the
#: variation (1e6 +- 1e-3) would not survive float32, and a list or other
#: array-like standardises exactly as the same array; ``_normalize`` casts
#: to float32.
_INPUT_DTYPES = [np.float64, np.float32]
#: The parameters ``compile`` reads, besides the network's HYPERPARAMETERS.
_COMPILE_PARAMETERS = ("optimizer", "learning_rate", "steps_per_execution")


class Conv1DBase(TransformerMixin, ClassNamePrefixFeaturesOutMixin, BaseEstimator):
    """Parameters, validation and fit/predict plumbing of the 1D CNN estimators.

    Not for direct use: subclasses supply the task-specific parts
    (``_check_targets``, ``_target_encoder``, ``_output_spec``) and may
    override ``_stratify_labels`` and ``_target_sample_weight``. Its
    ``__init__`` holds the defaults of every shared parameter.
    """

    _parameter_constraints = {
        "filters": [Interval(Integral, 1, None, closed="left"), tuple, list],
        "kernel_size": [Interval(Integral, 1, None, closed="left"), tuple, list],
        "dilation_rate": [Interval(Integral, 1, None, closed="left"), tuple, list],
        "padding": [StrOptions({"valid", "same", "causal"})],
        "separable": ["boolean"],
        "inception": ["boolean"],
        "residual": [Interval(Integral, 1, None, closed="left"), None],
        "pool_size": [Interval(Integral, 1, None, closed="left"), None],
        "batch_norm": ["boolean"],
        "batch_norm_momentum": [Interval(Real, 0, 1, closed="both")],
        "global_pooling": [StrOptions({"avg", "max"}), None],
        "dense_units": [Interval(Integral, 1, None, closed="left"), tuple, list, None],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "time_shift": [Interval(Real, 0, 1, closed="left")],
        "activation": [StrOptions(ACTIVATIONS), callable],
        "optimizer": [StrOptions(OPTIMIZERS)],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "epochs": [Interval(Integral, 1, None, closed="left")],
        "timestep_budget": [Interval(Integral, 1, None, closed="left"), None],
        "budget_step_cost": [Interval(Integral, 0, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "steps_per_execution": [Interval(Integral, 1, None, closed="left")],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left"), None],
        "tol": [Interval(Real, 0, None, closed="left")],
        "reduce_lr_patience": [Interval(Integral, 1, None, closed="left"), None],
        "weight_averaging": [Interval(Real, 0, 1, closed="left"), None],
        "n_networks": [Interval(Integral, 1, None, closed="left")],
        "data_format": [StrOptions(set(DATA_FORMATS))],
        "sequence_length": [Interval(Integral, 1, None, closed="left"), None],
        "normalize": [StrOptions({"dataset", "timestep", "series"}), None],
        "random_state": ["random_state"],
        "verbose": [Interval(Integral, 0, 2, closed="both"), "boolean"],
        "callbacks": [list, None],
        "warm_start": ["boolean"],
    }

    # Keras.Model.predict arguments that scikeras routes from our parameters.
    _predict_kwargs = frozenset({"batch_size", "verbose"})

    # -- scikeras's machinery, reused as is -------------------------------------
    _fit = BaseWrapper._fit
    _ensure_compiled_model = BaseWrapper._ensure_compiled_model
    _check_model_compatibility = BaseWrapper._check_model_compatibility
    initialized_ = BaseWrapper.initialized_
    current_epoch = BaseWrapper.current_epoch

    def __init__(
        self,
        filters=64,
        kernel_size=3,
        dilation_rate=1,
        padding="same",
        separable=False,
        inception=False,
        residual=None,
        pool_size=2,
        batch_norm=False,
        batch_norm_momentum=0.9,
        global_pooling=None,
        dense_units=100,
        dropout=0.0,
        time_shift=0.05,
        activation="relu",
        optimizer="adam",
        learning_rate=0.002,
        epochs=200,
        timestep_budget=None,
        budget_step_cost=0,
        batch_size=32,
        steps_per_execution=1,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=30,
        tol=1e-4,
        reduce_lr_patience=None,
        weight_averaging=0.9,
        n_networks=1,
        data_format="channels_last",
        sequence_length=None,
        normalize="dataset",
        random_state=None,
        verbose=0,
        callbacks=None,
        warm_start=False,
    ):
        self.filters = filters
        self.kernel_size = kernel_size
        self.dilation_rate = dilation_rate
        self.padding = padding
        self.separable = separable
        self.inception = inception
        self.residual = residual
        self.pool_size = pool_size
        self.batch_norm = batch_norm
        self.batch_norm_momentum = batch_norm_momentum
        self.global_pooling = global_pooling
        self.dense_units = dense_units
        self.dropout = dropout
        self.time_shift = time_shift
        self.activation = activation
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.epochs = epochs
        self.timestep_budget = timestep_budget
        self.budget_step_cost = budget_step_cost
        self.batch_size = batch_size
        self.steps_per_execution = steps_per_execution
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.reduce_lr_patience = reduce_lr_patience
        self.weight_averaging = weight_averaging
        self.n_networks = n_networks
        self.data_format = data_format
        self.sequence_length = sequence_length
        self.normalize = normalize
        self.random_state = random_state
        self.verbose = verbose
        self.callbacks = callbacks
        self.warm_start = warm_start

    # -- fitting -----------------------------------------------------------------
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None, *, X_val=None, y_val=None):
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
            Non-negative weight of each sample in the loss, scaled to a mean
            of 1 (only their ratios count: integer weights train as repeated
            samples). Samples of zero weight are left out.
        X_val, y_val : array-like, default=None
            An explicit validation set, in the layout of ``X`` and ``y``. Its
            loss and metrics are recorded in ``history_`` (``val_*`` keys) and,
            with ``early_stopping=True``, it is monitored instead of a split
            of ``X``.

        Returns
        -------
        self : object
            The fitted estimator.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn_conv1d import Conv1DClassifier, Conv1DRegressor
        >>> rng = np.random.RandomState(0)
        >>> X = rng.randn(40, 16)  # 40 univariate sequences of 16 timesteps
        >>> y = X[:, :8].sum(axis=1)
        >>> clf = Conv1DClassifier(epochs=5, random_state=0).fit(X, y > 0)
        >>> clf.classes_
        array([False,  True])
        >>> reg = Conv1DRegressor(epochs=5, random_state=0).fit(X, y)
        >>> len(reg.history_["loss"]), reg.input_shape_
        (5, (16, 1))
        """
        if (X_val is None) != (y_val is None):
            raise ValueError(
                "Pass both X_val and y_val for an explicit validation set, or neither."
            )
        if self.early_stopping and self.n_iter_no_change is None:
            raise ValueError(
                "early_stopping=True needs n_iter_no_change, the number of "
                "epochs without improvement before stopping; got None. Set "
                "n_iter_no_change to an int (e.g. 10) or early_stopping=False."
            )
        continuing = self.warm_start and self.initialized_
        if continuing:
            self._check_warm_start()
        self._fit_seed = draw_seed(self.random_state)
        with self._weighing_normalization(sample_weight):
            BaseWrapper.fit(
                self,
                X,
                y,
                sample_weight=sample_weight,
                validation=None if X_val is None else (X_val, y_val),
                early_stopping=self.early_stopping,
                stop_on_loss=self.n_iter_no_change is not None,
                recompute_batch_norm=True,
                timestep_budget=self.timestep_budget,
                weight_averaging=self.weight_averaging,
                # A warm start continues the one fitted network.
                n_networks=1 if continuing else self.n_networks,
            )
        return self

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None):
        """Train for one epoch on ``(X, y)``, building the network on first call.

        Later calls continue from the current weights and optimizer state,
        whatever ``warm_start`` says; ``history_`` keeps growing. Early
        stopping does not apply, and batch normalisation keeps the moving
        averages of its statistics across calls (``fit`` recomputes them
        over its data; see ``batch_norm_momentum``). ``normalize="dataset"``
        fits its statistics on the first call and keeps them.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps) or \
                (n_samples, n_timesteps, n_channels)
            Training sequences, in the layout of the first call.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each sample in the loss, relative to the
            other samples of the call: each call's weights are scaled to a
            mean of 1, as ``fit``'s are.

        Returns
        -------
        self : object
            The partially fitted estimator.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn_conv1d import Conv1DRegressor
        >>> rng = np.random.RandomState(0)
        >>> X = rng.randn(40, 16)
        >>> y = X[:, :8].sum(axis=1)
        >>> reg = Conv1DRegressor(random_state=0)
        >>> for _ in range(3):  # e.g. one call per chunk of a stream
        ...     reg = reg.partial_fit(X, y)
        >>> len(reg.history_["loss"])
        3
        """
        fitted = self._fitted_networks()
        if self.n_networks > 1 or fitted > 1:
            raise ValueError(
                "partial_fit trains one network, epoch by epoch; got "
                f"n_networks={self.n_networks}"
                f"{' and an ensemble fitted' if fitted > 1 else ''}"
                ". To train incrementally, set n_networks=1 (on a clone of "
                "the estimator, if an ensemble was fitted); fit trains every "
                "network."
            )
        if not self.initialized_:
            self._fit_seed = draw_seed(self.random_state)
        with self._weighing_normalization(sample_weight):
            BaseWrapper.partial_fit(self, X, y, sample_weight=sample_weight)
        return self

    @contextlib.contextmanager
    def _weighing_normalization(self, sample_weight):
        """Let ``normalize="dataset"`` weigh its statistics by ``sample_weight``.

        scikeras validates ``X`` (where the statistics are fitted) before
        the weights, so they are held here for the length of the call.
        """
        self._normalization_weights = sample_weight
        try:
            yield
        finally:
            del self._normalization_weights

    def _initialize_callbacks(self):
        """Check ``callbacks`` and take private copies for this fit.

        The copies keep the user's callback objects (and so ``clone``, grid
        searches and a second fit) free of the state Keras writes into them.
        """
        callbacks = [] if self.callbacks is None else list(self.callbacks)
        for callback in callbacks:
            if not isinstance(callback, keras.callbacks.Callback):
                raise TypeError(
                    "callbacks must be a list of keras.callbacks.Callback "
                    f"instances; got {callback!r} of type "
                    f"{type(callback).__name__}. Pass e.g. "
                    "[keras.callbacks.ReduceLROnPlateau()]."
                )
        self._fit_callbacks = copy.deepcopy(callbacks)
        self._predict_callbacks = []

    def _fit_keras_model(
        self,
        X,
        y,
        sample_weight,
        warm_start,
        epochs,
        initial_epoch,
        validation=None,
        early_stopping=False,
        stop_on_loss=False,
        recompute_batch_norm=False,
        timestep_budget=None,
        weight_averaging=None,
        n_networks=1,
    ):
        """Train the network: the step of scikeras's fit loop that runs Keras.

        Receives ``X`` and ``y`` validated and encoded from scikeras's ``_fit``
        (which handles ``warm_start`` and ``partial_fit``). Early stopping
        holds out a shuffled, stratified (for classifiers)
        ``validation_fraction`` of them, unless ``X_val``/``y_val`` were given,
        and monitors its loss; without it, ``stop_on_loss`` monitors the
        training loss (scikit-learn's MLP convention). Either way the best
        epoch's weights are restored at the end. ``partial_fit`` passes
        none of them. With ``recompute_batch_norm`` (``fit``), the batch
        normalisation statistics are then computed again over the training
        rows, for the final weights (``settle_batch_norm``); ``partial_fit``
        keeps Keras's moving averages across its calls. A
        ``timestep_budget`` (``fit``) caps ``epochs`` at the budget over the
        timesteps of the training rows (see ``budget_epochs``). With
        ``weight_averaging`` (``fit``), the fit ends on the moving average of
        the epochs' weights instead (``WeightAverage``), before the batch
        normalisation statistics are computed for them.
        The network trains in compiled epochs, on batches in orders drawn
        from the fit's own generator, or through Keras's ``Model.fit`` when
        a callback acts on batches (see ``_training``).
        The epochs are recorded in ``history_`` as scikeras records them.
        """
        if validation is not None:
            try:
                X_val, y_val = self._validate_data(*validation)
                validation = (X_val, self.target_encoder_.transform(y_val))
            except (ValueError, TypeError) as exc:
                raise type(exc)(
                    f"Invalid validation set X_val, y_val (named X and y in "
                    f"what follows): {exc}"
                ) from exc
        split = validation is None and early_stopping

        def rows(seed):
            """Training rows and validation set of the network of ``seed``."""
            if split:
                return self._split_validation(X, y, sample_weight, seed)
            return X, y, sample_weight, validation

        first = rows(self._fit_seed)
        shape = first[0].shape
        n_networks = networks_within(
            n_networks,
            epochs,
            timestep_budget,
            shape,
            self.batch_size,
            self.budget_step_cost,
        )
        if timestep_budget is not None:
            epochs = budget_epochs(
                epochs,
                timestep_budget // n_networks,
                shape,
                self.batch_size,
                self.budget_step_cost,
            )
        monitor = None
        if early_stopping or stop_on_loss:
            monitor = "val_loss" if early_stopping else "loss"
        networks, histories = [], []
        for index in range(n_networks):
            seed = network_seed(self._fit_seed, index)
            network = self.model_ if index == 0 else self._acquire_network(seed)
            X_fit, y_fit, weight_fit, validation_fit = (
                first if index == 0 else rows(seed)
            )
            callbacks, stopper = self._training_callbacks(
                index, monitor, weight_averaging
            )
            histories.append(
                train(
                    network,
                    (X_fit, y_fit)
                    if weight_fit is None
                    else (X_fit, y_fit, weight_fit),
                    batch_size=self.batch_size,
                    seed=seed,
                    epochs=initial_epoch + epochs,
                    initial_epoch=initial_epoch,
                    order_epoch=self.current_epoch if warm_start else 0,
                    validation=validation_fit,
                    callbacks=callbacks,
                    verbose=self.verbose,
                )
            )
            if recompute_batch_norm:
                settle_batch_norm(network, X_fit, self.batch_size)
            networks.append(network)
        if n_networks > 1:
            # Copies: the pooled networks stay free for the next fit.
            self.model_ = average_networks(networks, custom_objects(self))
        if not warm_start or not hasattr(self, "history_") or initial_epoch == 0:
            self.history_ = defaultdict(list)
        for history in histories:
            for key, values in history.history.items():
                self.history_[_history_key(key)] += values
        self.n_iter_ = sum(len(history.epoch) for history in histories)
        self.n_networks_ = n_networks
        self.best_epoch_ = (
            None
            if n_networks > 1 or stopper is None or stopper.best_epoch is None
            else stopper.best_epoch + 1 - initial_epoch
        )

    def _training_callbacks(self, index, monitor, weight_averaging):
        """The callbacks that train network ``index`` of a fit, and its stopper.

        The user's callbacks (private copies, new ones for each network after
        the first), then the recipe's: the learning-rate schedule, the
        stopper on ``monitor`` (None: no stopper) and the weight average.
        """
        if index == 0:
            callbacks = list(self._fit_callbacks)
        else:  # copies of the user's own, untouched by the fits before
            callbacks = copy.deepcopy(list(self.callbacks or []))
        if self.reduce_lr_patience is not None:
            callbacks.append(
                keras.callbacks.ReduceLROnPlateau(
                    monitor="loss",
                    factor=0.5,
                    patience=self.reduce_lr_patience,
                    min_lr=self.learning_rate / 10,
                )
            )
        stopper = None
        if monitor is not None:
            stopper = StallStop(
                monitor=monitor, patience=self.n_iter_no_change, tol=self.tol
            )
            callbacks.append(stopper)
        if weight_averaging is not None:
            # After the stopper: its restored weights give way to the average.
            callbacks.append(WeightAverage(weight_averaging))
        return callbacks, stopper

    def _split_validation(self, X, y, sample_weight, seed):
        """Hold out ``validation_fraction`` of the data for early stopping.

        The split is shuffled and, for classifiers, stratified, unlike Keras's
        ``validation_split``, which takes the last rows as they come. It is
        drawn from ``seed``, the fit's (or, in an ensemble, the network's).
        """
        arrays = [X, y] if sample_weight is None else [X, y, sample_weight]
        try:
            split = train_test_split(
                *arrays,
                test_size=self.validation_fraction,
                stratify=self._stratify_labels(y),
                random_state=int_seed(fit_rng(seed, "validation_split")),
            )
        except ValueError as exc:
            raise ValueError(
                f"early_stopping cannot hold out validation_fraction="
                f"{self.validation_fraction} of {len(X)} samples: {exc} Use a "
                "larger validation_fraction, pass X_val and y_val to fit, or "
                "set early_stopping=False."
            ) from None
        X_train, X_val, y_train, y_val = split[:4]
        if sample_weight is None:
            return X_train, y_train, None, (X_val, y_val)
        sw_train, sw_val = split[4:]
        return X_train, y_train, sw_train, (X_val, y_val, sw_val)

    def _stratify_labels(self, y):
        """Labels to stratify the early-stopping split by; None for no strata."""
        return None

    def _initialize(self, X, y=None):
        limit_tensorflow_threads()  # before TensorFlow's runtime starts
        X, y = BaseWrapper._initialize(self, X, y)
        # Every random draw has an explicit seed (see ``_random``); scikeras's
        # seeding would set global seeds and TensorFlow's op determinism.
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
        X, y, sample_weight = BaseWrapper._validate_sample_weight(X, y, sample_weight)
        # Mean 1 over the rows trained on (those of weight 0 are dropped): a
        # full batch's loss is then sum(w * loss) / sum(w), as with each row
        # repeated w times, whatever the scale of the weights.
        scale = len(sample_weight) / sample_weight.sum(dtype=np.float64)
        return X, y, (sample_weight * scale).astype(np.float32)

    def _target_sample_weight(self, y):
        """Per-sample weight implied by the targets (e.g. class weights)."""
        return 1.0

    def _target_encoder(self):
        """Transformer from validated targets to what the network trains on."""
        return FunctionTransformer(_as_float32)

    def _build_keras_model(self):
        return self._acquire_network(self._fit_seed)

    def _acquire_network(self, fit_seed):
        """A compiled network at the initial weights of the fit of ``fit_seed``."""
        output_spec = self._output_spec()
        n_outputs, output_activation, loss, metrics = output_spec
        built = self._built_params()
        hyperparameters = {name: built[name] for name in HYPERPARAMETERS}
        seed = int_seed(fit_rng(fit_seed, "network"))

        def build():
            return build_network(
                self.input_shape_, n_outputs, output_activation, seed, **hyperparameters
            )

        if self.steps_per_execution > 1 and backend() == "torch":
            raise ValueError(
                f"steps_per_execution={self.steps_per_execution} needs the JAX or "
                "TensorFlow backend: Keras's PyTorch trainer runs one step per "
                "call. Use steps_per_execution=1 on PyTorch."
            )

        def compile_model(model):
            model.compile(
                optimizer=make_optimizer(self.optimizer, self.learning_rate),
                loss=loss,
                metrics=metrics,
                steps_per_execution=self.steps_per_execution,
            )

        # A compiled network of the same architecture that no one holds any
        # more is reused, reset to a new network's initial state (see
        # _model_pool): no retracing, and memory stays flat across fits. The
        # key is made of what the two functions above build from, the seed
        # excepted.
        key = network_key(
            type(self).__name__,
            self.input_shape_,
            output_spec,
            hyperparameters,
            tuple(built[name] for name in _COMPILE_PARAMETERS),
        )
        self._network_params = built  # what a warm start must not change
        return POOL.acquire(key, build, compile_model)

    def _built_params(self):
        """The parameters the network and its optimizer are built from."""
        names = (*HYPERPARAMETERS, *_COMPILE_PARAMETERS)
        return {name: getattr(self, name) for name in names}

    def _fitted_networks(self):
        """How many networks the fitted ``model_`` averages (0 before fit)."""
        model = vars(self).get("model_")
        return 0 if model is None else len(networks_of(model))

    def _check_warm_start(self):
        """Refuse a warm start whose parameters would need another network.

        ``warm_start=True`` continues training the fitted network and its
        optimizer; a parameter they were built from that has changed since
        would otherwise be silently ignored.
        """
        fitted = self._fitted_networks()
        if fitted > 1:
            raise ValueError(
                "warm_start=True continues training one fitted network, but "
                f"{fitted} networks were fitted "
                "(n_networks): an ensemble trains only in a new fit. Set "
                "warm_start=False to fit a new ensemble."
            )
        built = getattr(self, "_network_params", None)
        if built is None:  # saved by a version that did not record them
            return
        # A network saved before a parameter existed was built as its former
        # value builds.
        built = {**FORMER_VALUES, **built}
        changed = [
            f"{name}={value!r} (built with {built[name]!r})"
            for name, value in self._built_params().items()
            if name in built and value != built[name]
        ]
        if changed:
            raise ValueError(
                "warm_start=True continues training the fitted network, but "
                f"{', '.join(changed)}: these build the network or its "
                "optimizer. Set them back to continue, or set "
                "warm_start=False to fit a new network."
            )

    # -- validation --------------------------------------------------------------
    def _validate_data(self, X=None, y=None, reset=False, y_numeric=False):
        """Validate ``X`` into ``(n, timesteps, channels)`` float32 and check ``y``.

        Called by scikeras's fit loop (``reset=True`` on a fresh fit) and by
        predict (``y=None``). A list of sequences is stacked first, shorter
        ones zero-padded at the end to ``sequence_length`` or the longest (in
        fit) or to the fit length (after fit); see ``_sequences``. On a fresh
        fit the network's hyperparameters are checked against the sequence
        length too, so that every bad input fails here with a clear message,
        before Keras.
        """
        if X is None:
            return None, self._check_targets(y, reset=False)
        length = self.sequence_length if reset else self.input_shape_[0]
        kwargs = dict(reset=reset, dtype=_INPUT_DTYPES, allow_nd=True)
        with explain_input_errors():
            if self.sequence_length is not None:
                X = self._as_sequence_list(X, length)
            X, lengths = self._stack(X, length, fitting=reset)
            if not reset:
                check_fitted_shape(X, self, self.data_format)
            if y is None and not reset:
                X = validate_data(self, X, **kwargs)
            else:
                X, y = validate_data(self, X, y, multi_output=True, **kwargs)
        if y is not None:
            y = self._check_targets(y, reset=reset)
        X = to_channels_last(X, self.data_format)
        X = self._normalize(X, lengths, reset)
        if reset:
            self.input_shape_ = X.shape[1:]
            check_network(
                X.shape[1], **{name: getattr(self, name) for name in HYPERPARAMETERS}
            )
        return X, y

    def _validate_longer(self, X, length):
        """Validate sequences of ``length`` timesteps, longer than those of fit.

        Only a global-pooling network reads them (its time axis is open);
        ``X`` holds sequences of at most ``length`` timesteps, padded to it.
        """
        if "timestep" in self._fitted_normalize():
            raise ValueError(
                f"X holds sequences of up to {length} timesteps, longer than the "
                f"{self.input_shape_[0]} seen in fit, and normalize='timestep' "
                "has statistics for those timesteps only. Pass sequences of at "
                f"most {self.input_shape_[0]} timesteps, or refit with "
                "normalize='dataset' to read any length."
            )
        with explain_input_errors():
            X, lengths = self._stack(X, length)
            X = check_array(X, dtype=_INPUT_DTYPES, allow_nd=True, input_name="X")
        X = to_channels_last(X, self.data_format)
        channels = self.input_shape_[1]
        if X.shape[2] != channels:
            raise ValueError(
                f"X holds sequences of {X.shape[2]} channel(s), but "
                f"{type(self).__name__} was fitted on sequences of {channels}. "
                "Pass sequences with the channels seen in fit, or refit."
            )
        return self._normalize(X, lengths, reset=False)

    def _stack(self, X, length, fitting=False):
        """Stack a list of sequences into an array of ``length`` timesteps.

        Returns the array and the sequences' lengths (``None`` when ``X`` is
        already an array, returned as it is). With ``normalize="series"``,
        each sequence is z-normalised before its padding; see ``_sequences``.
        """
        if not is_sequence_list(X):
            return X, None
        if self.normalize == "series":
            X = znormalize_sequences(X, self.data_format)
        stacked = stack_sequences(X, self.data_format, length, fitting=fitting)
        return stacked, sequence_lengths(X, self.data_format)

    def _normalize(self, X, lengths, reset):
        """Apply ``normalize`` to channels-last ``X``; fit its statistics on reset.

        ``lengths`` are those of the sequences of a list (None for an array),
        whose padding neither enters the statistics nor changes: a list was
        z-normalised (``"series"``) before padding, each sequence on its own.
        """
        check_float32_range(X, "X")
        if reset:
            for name in ("input_mean_", "input_scale_"):
                self.__dict__.pop(name, None)
        elif self.normalize not in (fitted := self._fitted_normalize()):
            raise ValueError(
                f"normalize={self.normalize!r}, but {type(self).__name__} was "
                f"fitted with normalize={' or '.join(map(repr, fitted))}: its "
                "network reads data scaled that way. Set normalize back, or "
                "refit (warm_start=False) to change it."
            )
        if self.normalize == "series" and lengths is None:
            return znormalize(X, axis=1).astype(np.float32)
        if self.normalize in ("dataset", "timestep"):
            if reset:
                weights = self.__dict__.get("_normalization_weights")
                if weights is not None:
                    weights = _check_sample_weight(
                        weights, X, dtype=np.float64, ensure_non_negative=True
                    )
                    weights = weights if weights.any() else None  # refused later
                self.input_mean_, self.input_scale_ = input_moments(
                    X, lengths, weights, per_timestep=self.normalize == "timestep"
                )
            return standardize(X, self.input_mean_, self.input_scale_, lengths)
        return X.astype(np.float32, copy=False)

    def _fitted_normalize(self):
        """The values of ``normalize`` the fitted network's data agree with:
        those with statistics tell theirs by their shape; ``"series"`` and
        None leave none, and are told apart by nothing fitted."""
        mean = self.__dict__.get("input_mean_")
        if mean is None:
            return ("series", None)
        return ("timestep",) if np.ndim(mean) == 2 else ("dataset",)

    def _as_sequence_list(self, X, length):
        """An array whose sequences are not ``length`` long, as a list of them.

        A list is then padded to ``length``, or refused if longer, the same
        way whether the sequences came as a list or as an array.
        """
        if issparse(X) or is_sequence_list(X):
            return X  # sparse: scikit-learn's validation refuses it clearly
        shape = getattr(X, "shape", None)
        if shape is None:  # an array-like without a shape
            X = np.asarray(X)
            shape = X.shape
        if len(shape) not in (2, 3):
            return X
        channels_first = len(shape) == 3 and self.data_format == "channels_first"
        if length is None or shape[2 if channels_first else 1] == length:
            return X
        return list(np.asarray(X))

    # -- pickling: the network as Keras-native bytes (see _state) ---------------
    def __getstate__(self):
        return get_state(self, super().__getstate__())

    def __setstate__(self, state):
        set_state(self, state)

    def __sklearn_is_fitted__(self):
        return hasattr(self, "model_")

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.target_tags.required = True
        return tags

    # -- performance: network pool and fast predict (see _model_pool) ----------
    def _predict_raw(self, X, network=None, **kwargs):
        """Raw network outputs for ``X``: ``Model.predict`` without its set-up cost.

        The compiled function ``Model.predict`` uses, called directly on
        blocks of ``batch_size`` rows (see ``predict_array``): one row takes
        ~2 ms instead of ~50 ms.
        With ``verbose`` set, ``Model.predict`` runs to show its progress bar.
        A global-pooling network reads a sequence of a list longer than those
        of fit whole: the sequences are predicted in groups of the length each
        is read at (see ``length_groups``), so that each row's prediction
        still depends on that row alone. An array must have the fit length,
        as scikit-learn expects, unless ``sequence_length`` is set.
        ``network(X, batch_size)``, given, replaces ``_predict_network`` on
        the validated arrays (``transform``, class activation maps).
        """
        if not self.initialized_:
            raise NotFittedError(
                "Estimator needs to be fit before `predict` can be called"
            )
        batch_size = kwargs.get("batch_size", self.batch_size)
        network = self._predict_network if network is None else network
        fit_length = self.input_shape_[0]
        if self.global_pooling is not None:
            if self.sequence_length is not None:
                X = self._as_sequence_list(X, fit_length)
            if is_sequence_list(X):
                groups = length_groups(X, self.data_format, fit_length)
                if groups[-1][0] > fit_length:
                    # Checked whole first, so that errors name X's own indices.
                    with explain_input_errors():
                        stack_sequences(X, self.data_format)
                    return self._predict_groups(groups, batch_size, network)
        X, _ = self._validate_data(X=X, y=None)
        return network(X, batch_size)

    def _predict_groups(self, groups, batch_size, network):
        outputs = None
        for length, indices, sequences in groups:
            if length == self.input_shape_[0]:
                X, _ = self._validate_data(X=sequences, y=None)
            else:
                X = self._validate_longer(sequences, length)
            out = network(X, batch_size)
            if outputs is None:
                n_rows = sum(len(group[1]) for group in groups)
                outputs = np.empty((n_rows, *out.shape[1:]), dtype=out.dtype)
            outputs[indices] = out
        return outputs

    def _predict_network(self, X, batch_size):
        X = self.feature_encoder_.transform(X)
        if self.verbose:
            return self.model_.predict(
                X,
                batch_size=batch_size,
                verbose=self.verbose,
                callbacks=self._predict_callbacks,
            )
        return predict_array(self.model_, X, batch_size)

    # -- transform: the network as a feature extractor (see _anatomy) -----------
    def transform(self, X):
        """Return the embedding of each sequence: what the output layer reads.

        The features the fitted network computes just before its output
        layer (for the default network, its ``Dense(100)`` layer; for a
        global-pooling network without dense layers, the pooled channels),
        in inference mode. So the network serves as a feature extractor in a
        pipeline: ``make_pipeline(Conv1DClassifier(), LogisticRegression())``
        trains the network in ``fit_transform`` and the final step on its
        embeddings. ``X`` is validated as in ``predict``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps) or \
                (n_samples, n_timesteps, n_channels)
            Sequences, in the layout used in fit.

        Returns
        -------
        X_new : ndarray of shape (n_samples, n_features_out)
            The embeddings, float64; their names are
            ``get_feature_names_out()``.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn.linear_model import LogisticRegression
        >>> from sklearn.pipeline import make_pipeline
        >>> from sklearn_conv1d import Conv1DClassifier
        >>> rng = np.random.RandomState(0)
        >>> X = rng.randn(40, 16)
        >>> y = np.where(X[:, :8].sum(axis=1) > 0, "up", "down")
        >>> clf = Conv1DClassifier(epochs=5, random_state=0).fit(X, y)
        >>> clf.transform(X[:3]).shape  # the default network's Dense(100)
        (3, 100)
        >>> clf.get_feature_names_out()[:2]
        array(['conv1dclassifier0', 'conv1dclassifier1'], dtype=object)
        >>> pipe = make_pipeline(
        ...     Conv1DClassifier(epochs=5, random_state=0), LogisticRegression()
        ... )
        >>> pipe.fit(X, y).predict(X[:3]).shape
        (3,)
        """
        check_is_fitted(self)
        return self._predict_raw(X, network=partial(embed, self.model_))

    @property
    def _n_features_out(self):
        """Number of features ``transform`` returns (``get_feature_names_out``)."""
        return embedding_width(self.model_)


def network_key(*parts):
    """A hashable key from what builds and compiles a network; None if unhashable.

    Lists become tuples and dicts sorted tuples of items, recursively, so that
    e.g. ``filters=[32, 64]`` and ``filters=(32, 64)`` share networks.
    """
    key = _freeze(parts)
    try:
        hash(key)
    except TypeError:
        return None
    return key


def _freeze(value):
    if isinstance(value, dict):
        return tuple(sorted((name, _freeze(v)) for name, v in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(_freeze(v) for v in value)
    return value


def _history_key(key):
    """The ``history_`` key of a Keras log, as scikeras names it."""
    if key == "loss" or key.startswith("val_"):
        return key
    try:
        return metric_name(key)
    except ValueError:  # not a metric, e.g. ReduceLROnPlateau's learning_rate
        return key


def _as_float32(y):
    return np.asarray(y, dtype=np.float32)
