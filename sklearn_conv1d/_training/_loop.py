"""The epoch loop of a fit: callbacks, metrics and history around compiled epochs.

What Keras's ``Model.fit`` does around its steps, minus its per-epoch and
per-step machinery (data adapter, iterator, per-batch callbacks): for each
epoch, reset the metrics, run every batch in one compiled call of the
backend's epoch runner (see :func:`epoch_runner`), read the metrics, run the
validation pass (one more compiled call), and call the callbacks' epoch
hooks with the same ``loss``/``accuracy``/``val_*`` logs ``Model.fit`` gives
them. Callbacks can change the learning rate or the weights, or set
``model.stop_training``, between epochs, as with ``Model.fit``.
"""

import importlib

import keras
import numpy as np

from .._backend import backend
from .._batches import epoch_order, keras_data
from ._callbacks import NonFiniteLossStop, needs_keras_fit

_RUNNER_MODULES = {
    "tensorflow": "._tensorflow",
    "jax": "._jax",
    "torch": "._torch",
}


def train(
    model,
    data,
    *,
    batch_size,
    seed,
    epochs,
    initial_epoch=0,
    order_epoch=0,
    validation=None,
    callbacks=(),
    verbose=0,
):
    """Train a compiled Keras ``model`` as ``Model.fit`` would; return its History.

    Parameters
    ----------
    model : keras.Model
        A compiled network.
    data : tuple of ndarray
        ``(X, y)`` or ``(X, y, sample_weight)``.
    batch_size : int
        Rows per training step; the last batch of an epoch may be smaller.
    seed : int
        The fit's seed: epoch ``order_epoch + k`` trains in the order
        :func:`~sklearn_conv1d._batches.epoch_order` draws from it.
    epochs, initial_epoch : int
        As in ``Model.fit``: train epochs ``initial_epoch`` to ``epochs - 1``.
    order_epoch : int, default=0
        The number of the first epoch's order (the epochs trained before).
    validation : tuple of ndarray, default=None
        ``(X_val, y_val[, sample_weight_val])``, evaluated after every epoch
        into the ``val_*`` logs.
    callbacks : list of keras.callbacks.Callback
        Called at the epoch hooks; a callback that acts on batches (see
        :func:`needs_keras_fit`) makes ``Model.fit`` train instead.
    verbose : int
        0 is silent, 1 shows a progress bar per epoch, 2 a line per epoch.

    Returns
    -------
    keras.callbacks.History
    """
    callbacks = [*callbacks, NonFiniteLossStop()]
    fit = _keras_fit if needs_keras_fit(callbacks) is not None else _compiled_fit
    return fit(
        model,
        data,
        batch_size=batch_size,
        seed=seed,
        epochs=epochs,
        initial_epoch=initial_epoch,
        order_epoch=order_epoch,
        validation=validation,
        callbacks=callbacks,
        verbose=verbose,
    )


def _keras_fit(model, data, *, batch_size, seed, order_epoch, validation, **kwargs):
    """Keras's ``Model.fit`` on our batches: every hook of every callback runs."""
    batches, steps = keras_data(data, batch_size, seed, epoch=order_epoch)
    if validation is not None:
        validation, _ = keras_data(validation, batch_size)
    return model.fit(
        batches,
        steps_per_epoch=steps,
        validation_data=validation,
        shuffle=False,
        **kwargs,
    )


def _compiled_fit(
    model,
    data,
    *,
    batch_size,
    seed,
    epochs,
    initial_epoch,
    order_epoch,
    validation,
    callbacks,
    verbose,
):
    """``Model.fit``'s epoch loop around the backend's compiled epochs."""
    n_samples = len(data[0])
    callbacks = keras.callbacks.CallbackList(
        callbacks,
        add_history=True,
        add_progbar=verbose != 0,
        verbose=verbose,
        epochs=epochs,
        steps=-(-n_samples // batch_size),
        model=model,
    )
    # Build the loss and metrics for the data's shapes, as Model.fit does
    # first (a no-op once built): from two rows' shapes, not from a batch.
    model._symbolic_build(data_batch=tuple(array[:2] for array in data))
    runner = epoch_runner(model)
    train_data = runner.put(data)
    val_data = None if validation is None else runner.put(validation)
    model.stop_training = False
    callbacks.on_train_begin()
    logs = None
    for k, epoch in enumerate(range(initial_epoch, epochs)):
        model.reset_metrics()
        callbacks.on_epoch_begin(epoch)
        order = epoch_order(seed, order_epoch + k, n_samples)
        runner.train_epoch(train_data, order, batch_size)
        logs = _metric_logs(model)
        if val_data is not None:
            model.reset_metrics()
            callbacks.on_test_begin()
            runner.evaluate(val_data, batch_size)
            val_logs = _metric_logs(model)
            callbacks.on_test_end(val_logs)
            logs.update({f"val_{name}": value for name, value in val_logs.items()})
        callbacks.on_epoch_end(epoch, logs)
        if model.stop_training:
            break
    model.optimizer.finalize_variable_values(model.trainable_weights)
    callbacks.on_train_end(logs)
    return model.history


def _metric_logs(model):
    """The model's metrics as Python floats, as ``Model.fit`` logs them."""
    return {
        name: float(np.asarray(value))
        for name, value in model.get_metrics_result().items()
    }


def epoch_runner(model):
    """The backend's compiled-epoch runner of ``model`` (made once per network).

    The runner is kept on the network, so that a network reused across fits
    (see ``_model_pool``) is traced once.
    """
    runner = getattr(model, "_sklearn_conv1d_runner", None)
    if runner is None:
        module = importlib.import_module(_RUNNER_MODULES[backend()], __package__)
        runner = module.EpochRunner(model)
        model._sklearn_conv1d_runner = runner
    return runner
