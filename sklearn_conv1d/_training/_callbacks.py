"""Which callbacks our compiled epochs can honour, and the fit's own callbacks.

The fit's own: the stop on a non-finite loss, the stop on a stalled loss
(:class:`StallStop`) and the average of the epochs' weights
(:class:`WeightAverage`).

The compiled epoch calls a callback's epoch hooks (``on_train_begin``/``end``,
``on_epoch_begin``/``end``), never its batch hooks: the batches of an epoch
run inside one compiled call. A callback that acts on batches therefore sends
the fit to Keras's own ``Model.fit`` (see :func:`needs_keras_fit`).
"""

import math
import warnings

import keras
import numpy as np

#: The hooks Keras calls around each batch of training or validation.
BATCH_HOOKS = (
    "on_batch_begin",
    "on_batch_end",
    "on_train_batch_begin",
    "on_train_batch_end",
    "on_test_batch_begin",
    "on_test_batch_end",
)


def needs_keras_fit(callbacks):
    """Return the first callback whose batch hooks act, or None.

    A callback acts on batches when its class overrides a hook of
    :data:`BATCH_HOOKS` (or it was given one, as ``LambdaCallback`` is), except
    Keras's checkpoint callbacks saving once per epoch (``save_freq="epoch"``),
    whose batch hooks then do nothing.
    """
    for callback in callbacks:
        if getattr(callback, "save_freq", None) == "epoch":
            continue
        for hook in BATCH_HOOKS:
            own = vars(callback).get(hook)
            overridden = getattr(type(callback), hook) is not getattr(
                keras.callbacks.Callback, hook
            )
            if overridden or own is not None:
                return callback
    return None


class NonFiniteLossStop(keras.callbacks.Callback):
    """Stop training, with a warning naming the epoch, once the loss is not finite.

    Keras's ``Model.fit`` goes on training on a NaN loss, silently (only
    ``TerminateOnNaN``, if the user adds it, stops it). With
    ``restore_best_weights``, early stopping still restores the best epoch.
    """

    def on_epoch_end(self, epoch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is None or math.isfinite(loss):
            return
        self.model.stop_training = True
        warnings.warn(
            f"The training loss is {loss} after epoch {epoch + 1}: training "
            "stopped there, and the network's weights may not be finite. Lower "
            "learning_rate, standardise the input (normalize='dataset') or look "
            "for extreme values in X, y and sample_weight.",
            RuntimeWarning,
            stacklevel=2,
        )


class StallStop(keras.callbacks.Callback):
    """Stop once a loss has stalled, and restore the weights of its lowest epoch.

    scikit-learn's ``MLPClassifier`` rule: an epoch whose loss is not below
    the best so far by more than ``tol`` counts towards ``patience``, and
    ``patience`` such epochs in a row stop training; the best weights are
    those of the lowest loss, however small its improvement. Keras's
    ``EarlyStopping`` keeps a new best only when it improves by ``min_delta``,
    so on a training loss that creeps towards zero it restores an early epoch
    -- with the batch normalisation statistics of that epoch, which had not
    yet settled.

    Attributes
    ----------
    best_epoch : int or None
        The epoch (counted from 0) whose weights are kept; None before any.
    """

    def __init__(self, monitor, patience, tol):
        super().__init__()
        self.monitor = monitor
        self.patience = patience
        self.tol = tol

    def on_train_begin(self, logs=None):
        self.best = math.inf
        self.best_epoch = None
        self.best_weights = None
        self.wait = 0

    def on_epoch_end(self, epoch, logs=None):
        current = (logs or {}).get(self.monitor)
        if current is None or not math.isfinite(current):
            return
        self.wait = self.wait + 1 if current > self.best - self.tol else 0
        if current < self.best:
            self.best, self.best_epoch = current, epoch
            self.best_weights = self.model.get_weights()
        if self.wait >= self.patience:
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.best_weights is not None:
            self.model.set_weights(self.best_weights)


class WeightAverage(keras.callbacks.Callback):
    """End training on an exponential moving average of the epochs' weights.

    After each epoch the average ``a`` of the trainable weights ``w`` becomes
    ``m * a + (1 - m) * w`` (the first epoch's weights start it), with ``m =
    min(momentum, (1 + k) / (10 + k))`` after the ``k``-th epoch of the fit,
    counted from 0: TensorFlow's ``ExponentialMovingAverage`` warm-up, so
    that the first epochs of a fit leave the average soon. At the end of
    training the average replaces the weights: those of the last epoch, or
    the ones a callback before this one restored. Batch normalisation's
    moving statistics are not averaged; ``fit`` computes them again for the
    final weights (see ``settle_batch_norm``). The first epoch whose weights
    are not all finite (a diverged fit, which :class:`NonFiniteLossStop`
    stops) ends the average: the epochs before it make it.

    Parameters
    ----------
    momentum : float in [0, 1)
        The largest weight of the average so far; 0 keeps the last epoch's.
    """

    def __init__(self, momentum):
        super().__init__()
        self.momentum = momentum

    def on_train_begin(self, logs=None):
        self.average = None
        self.n_epochs = 0
        self.diverged = False

    def on_epoch_end(self, epoch, logs=None):
        # Copies: on PyTorch, a CPU variable's array shares its memory.
        weights = [
            np.array(keras.ops.convert_to_numpy(variable))
            for variable in self.model.trainable_weights
        ]
        self.diverged = self.diverged or not all(np.isfinite(w).all() for w in weights)
        if self.diverged:
            return
        if self.average is None:
            self.average = weights
        else:
            m = min(self.momentum, (1 + self.n_epochs) / (10 + self.n_epochs))
            for average, weight in zip(self.average, weights, strict=True):
                average *= m
                average += (1 - m) * weight
        self.n_epochs += 1

    def on_train_end(self, logs=None):
        if self.average is None:
            return
        for variable, value in zip(
            self.model.trainable_weights, self.average, strict=True
        ):
            variable.assign(value)
