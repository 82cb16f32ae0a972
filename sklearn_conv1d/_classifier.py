"""Conv1DClassifier: the classifier-only parts of the 1D CNN estimator."""

import numpy as np
from sklearn.base import ClassifierMixin
from sklearn.preprocessing import FunctionTransformer
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import check_is_fitted, column_or_1d

from ._base import Conv1DBase
from ._docstrings import SHARED_ATTRIBUTES, SHARED_PARAMETERS


class Conv1DClassifier(ClassifierMixin, Conv1DBase):
    __doc__ = f"""A 1D convolutional neural network classifier for sequences.

    By default the classic network: ``Conv1D(64, 3, relu) -> MaxPooling1D(2)
    -> Flatten -> Dense(100, relu) -> Dense(n_classes, softmax)``, trained with
    adam on the sparse categorical cross-entropy. Every part of it is a
    parameter, so stacked blocks and modern variants (batch norm, global
    pooling, dropout) are a grid search away.

    Parameters
    ----------
{SHARED_PARAMETERS}    class_weight : dict, "balanced" or None, default=None
        Weights of the classes in the loss, as in scikit-learn; combined
        multiplicatively with ``sample_weight``.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels seen in fit; for multilabel ``y``, the label indices.
{SHARED_ATTRIBUTES}
    See Also
    --------
    sklearn.neural_network.MLPClassifier : Multi-layer perceptron classifier.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_conv1d import Conv1DClassifier
    >>> rng = np.random.RandomState(0)
    >>> t = np.linspace(0, 1, 32)
    >>> X = np.vstack([np.sin(2 * np.pi * f * t) for f in rng.uniform(1, 4, 40)])
    >>> y = (X[:, :16].mean(axis=1) > 0).astype(int)
    >>> clf = Conv1DClassifier(epochs=20, random_state=0).fit(X, y)
    >>> clf.predict(X[:3]).shape
    (3,)
    >>> clf.predict_proba(X[:3]).shape
    (3, 2)
    """

    _parameter_constraints = {
        **Conv1DBase._parameter_constraints,
        "class_weight": [dict, StrOptions({"balanced"}), None],
    }

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
        class_weight=None,
    ):
        super().__init__(
            filters=filters,
            kernel_size=kernel_size,
            dilation_rate=dilation_rate,
            padding=padding,
            separable=separable,
            inception=inception,
            residual=residual,
            pool_size=pool_size,
            batch_norm=batch_norm,
            batch_norm_momentum=batch_norm_momentum,
            global_pooling=global_pooling,
            dense_units=dense_units,
            dropout=dropout,
            time_shift=time_shift,
            activation=activation,
            optimizer=optimizer,
            learning_rate=learning_rate,
            epochs=epochs,
            timestep_budget=timestep_budget,
            budget_step_cost=budget_step_cost,
            batch_size=batch_size,
            steps_per_execution=steps_per_execution,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            n_iter_no_change=n_iter_no_change,
            tol=tol,
            reduce_lr_patience=reduce_lr_patience,
            weight_averaging=weight_averaging,
            n_networks=n_networks,
            data_format=data_format,
            sequence_length=sequence_length,
            normalize=normalize,
            random_state=random_state,
            verbose=verbose,
            callbacks=callbacks,
            warm_start=warm_start,
        )
        self.class_weight = class_weight

    def fit(self, X, y, sample_weight=None, *, X_val=None, y_val=None):
        return super().fit(
            X,
            y,
            sample_weight=self._class_weight_placeholder(sample_weight),
            X_val=X_val,
            y_val=y_val,
        )

    fit.__doc__ = Conv1DBase.fit.__doc__

    def _class_weight_placeholder(self, sample_weight):
        """``sample_weight``, or 1.0 for scikeras to apply ``class_weight`` to.

        scikeras turns ``class_weight`` into per-sample weights only where
        weights were passed (see ``_target_sample_weight``).
        """
        if sample_weight is None and self.class_weight is not None:
            return 1.0
        return sample_weight

    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Train for one epoch on ``(X, y)``, building the network on first call.

        Later calls continue from the current weights and optimizer state,
        whatever ``warm_start`` says; ``history_`` keeps growing. Early
        stopping does not apply, and batch normalisation keeps the moving
        averages of its statistics across calls (``fit`` recomputes them
        over its data; see ``batch_norm_momentum``). ``normalize="dataset"``
        fits its statistics on the first call and keeps them.
        ``class_weight="balanced"`` is refused: one call sees only a chunk
        of the data, whose class frequencies are not the stream's.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps) or \
                (n_samples, n_timesteps, n_channels)
            Training sequences, in the layout of the first call.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Labels.
        classes : array-like of shape (n_classes,), default=None
            Every class that any call will see. Required on the first call
            unless its ``y`` holds every class; ignored afterwards.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each sample in the loss, relative to the
            other samples of the call: each call's weights are scaled to a
            mean of 1, as ``fit``'s are.

        Returns
        -------
        self : object
            The partially fitted estimator.

        Raises
        ------
        ValueError
            If ``class_weight="balanced"``: pass the weights of
            :func:`~sklearn.utils.class_weight.compute_class_weight` over
            the whole stream's labels (or a large sample of them) as a
            dict instead, as :meth:`~sklearn.linear_model.SGDClassifier.partial_fit`
            asks.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn_conv1d import Conv1DClassifier
        >>> rng = np.random.RandomState(0)
        >>> X = rng.randn(40, 16)
        >>> y = np.where(X[:, :8].sum(axis=1) > 0, "up", "down")
        >>> clf = Conv1DClassifier(random_state=0)
        >>> for start in (0, 20):  # two chunks; the first names every class
        ...     chunk = slice(start, start + 20)
        ...     clf = clf.partial_fit(X[chunk], y[chunk], classes=["down", "up"])
        >>> clf.classes_, len(clf.history_["loss"])
        (array(['down', 'up'], dtype='<U4'), 2)
        """
        if isinstance(self.class_weight, str) and self.class_weight == "balanced":
            raise ValueError(
                "class_weight='balanced' is not supported by partial_fit: a "
                "call sees one chunk, not the stream's class frequencies. Pass "
                "class_weight=dict(zip(classes, compute_class_weight("
                "'balanced', classes=classes, y=y_all))), from "
                "sklearn.utils.class_weight, with y_all the labels of the "
                "whole stream or a large sample of them."
            )
        if not self.initialized_:
            self._partial_fit_classes = classes
        try:
            return super().partial_fit(
                X, y, sample_weight=self._class_weight_placeholder(sample_weight)
            )
        finally:
            self._partial_fit_classes = None

    def predict_proba(self, X):
        """Return the probability of each class for each sequence.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps) or \
                (n_samples, n_timesteps, n_channels)
            Sequences, in the layout used in fit.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Class probabilities, columns ordered as ``classes_``. For
            multilabel ``y``, the probability of each label.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn_conv1d import Conv1DClassifier
        >>> rng = np.random.RandomState(0)
        >>> X = rng.randn(40, 16)
        >>> y = np.where(X[:, :8].sum(axis=1) > 0, "up", "down")
        >>> clf = Conv1DClassifier(epochs=5, random_state=0).fit(X, y)
        >>> proba = clf.predict_proba(X[:3])
        >>> proba.shape, np.allclose(proba.sum(axis=1), 1.0)
        ((3, 2), True)
        """
        check_is_fitted(self)
        return np.asarray(self._predict_raw(X), dtype=np.float64)

    def predict(self, X):
        """Return the predicted class of each sequence.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps) or \
                (n_samples, n_timesteps, n_channels)
            Sequences, in the layout used in fit.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_labels)
            Predicted labels; a 0/1 indicator matrix for multilabel ``y``.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn_conv1d import Conv1DClassifier
        >>> rng = np.random.RandomState(0)
        >>> X = rng.randn(40, 16)
        >>> y = np.where(X[:, :8].sum(axis=1) > 0, "up", "down")
        >>> clf = Conv1DClassifier(epochs=5, random_state=0).fit(X, y)
        >>> y_pred = clf.predict(X[:4])
        >>> y_pred.shape, set(y_pred) <= {"down", "up"}
        ((4,), True)
        """
        proba = self.predict_proba(X)
        if self._multilabel:
            return (proba > 0.5).astype(int)
        return self.classes_[np.argmax(proba, axis=1)]

    # -- task-specific hooks of Conv1DBase ----------------------------------------
    def _check_targets(self, y, reset):
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        target_type = type_of_target(y, input_name="y")
        if target_type not in ("binary", "multiclass", "multilabel-indicator"):
            raise ValueError(
                f"{type(self).__name__} supports binary, multiclass and "
                f"multilabel (2D 0/1 indicator) targets; got {target_type!r} y. "
                "Fit one classifier per output, e.g. with "
                "sklearn.multioutput.MultiOutputClassifier."
            )
        multilabel = target_type == "multilabel-indicator"
        classes = np.arange(y.shape[1]) if multilabel else np.unique(y)
        declared = getattr(self, "_partial_fit_classes", None)
        if reset and declared is not None and not multilabel:
            declared = np.unique(declared)
            unseen = classes[~np.isin(classes, declared)]
            if unseen.size:
                raise ValueError(
                    f"y contains labels {unseen.tolist()} missing from classes="
                    f"{declared.tolist()}. Pass every class in classes."
                )
            classes = declared
        if reset:
            if not multilabel and len(classes) < 2:
                raise ValueError(
                    f"{type(self).__name__} needs samples of at least 2 classes "
                    f"in y, but y contains only one class: {classes[0]!r}."
                )
            self.classes_ = classes
            self._multilabel = multilabel
        elif multilabel != self._multilabel or (
            multilabel and len(classes) != len(self.classes_)
        ):
            raise ValueError(
                "y has a different kind of target than in fit "
                f"({target_type!r}); pass y of the same form or refit."
            )
        elif not multilabel and not np.isin(classes, self.classes_).all():
            unseen = classes[~np.isin(classes, self.classes_)]
            raise ValueError(
                f"y contains labels {unseen.tolist()} not seen in fit "
                f"(classes_={self.classes_.tolist()}). Refit on all classes."
            )
        return y

    def _target_encoder(self):
        if self._multilabel:
            return super()._target_encoder()
        return FunctionTransformer(_class_index, kw_args={"classes": self.classes_})

    def _output_spec(self):
        if self._multilabel:
            return len(self.classes_), "sigmoid", "binary_crossentropy", ["accuracy"]
        return (
            len(self.classes_),
            "softmax",
            "sparse_categorical_crossentropy",
            ["accuracy"],
        )

    def _stratify_labels(self, y):
        return None if self._multilabel else y

    def _target_sample_weight(self, y):
        if self.class_weight is None:
            return 1.0
        return compute_sample_weight(self.class_weight, y)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags


def _class_index(y, classes):
    """Encode labels as their index in the sorted ``classes``."""
    return np.searchsorted(classes, y)
