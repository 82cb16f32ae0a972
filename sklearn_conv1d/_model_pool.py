"""A pool of compiled Keras networks reused across fits, and fast predict.

Why
---
Every new Keras model costs a trace of its train and predict functions
(about a second for a small network on 2 cores) and keeps ~7-12 MB of
TensorFlow state alive for good, even after ``keras.backend.clear_session()``:
a grid search of hundreds of fits grows by gigabytes. Reusing one compiled
network per architecture, with its weights re-initialised and its optimizer
state reset, keeps memory flat and skips the tracing.

Correctness
-----------
A pooled network is handed out again only when nothing outside the pool holds
it any more: no estimator (its ``model_``), no shallow copy of one, no user
variable. This is checked exactly, with the network's reference count: the
pool records the count the network has when only the pool and Keras's own
internal references hold it (after building its train, test and predict
functions, its compiled-epoch runner (see ``_training``), its fast predict
function (see ``_predict``) and its optimizer state, so that fitting and
predicting add no further internal references), and a network whose count
differs, or whose Keras functions or optimizer were replaced (e.g. by a user's
``compile``), is never reused. Pickling, ``copy.deepcopy`` and loading from a
file always give a new, unpooled network, so they never share one.

Reproducibility
---------------
A reused network starts exactly where a new one would: the caller's
``build`` function builds a new, uncompiled network under the same seeded
random state a fresh fit would use, and every variable of every layer
(weights, BatchNormalization moving statistics, dropout seed states) is
copied from it; the optimizer's variables (iteration count, learning rate,
moments) are put back to the values they had before the first step.
Random-state consumption is the same as for a fresh fit, so a seeded fit
on a reused network is bitwise identical to one on a new network.

Fast predict
------------
:func:`predict_array` runs the network's own compiled forward pass (see
``_predict``) on blocks of exactly ``batch_size`` rows, the last one
zero-padded (one or two rows in a block of two, where checked to give the
same bits): what ``Model.predict`` computes, minus its per-call set-up (data
adapter, iterator, callbacks) and without retracing; a row's prediction does
not depend on the other rows of the call. Its function is made in
:func:`_prepare`, before the reference count is recorded.
"""

import sys
import threading
from collections import OrderedDict

import keras
import numpy as np

from ._predict import predictor
from ._training import epoch_runner

#: At most this many networks are kept per architecture, and in all.
MAX_PER_KEY = 4
MAX_TOTAL = 32


class _Slot:
    """One pooled network with what is needed to check and reset it."""

    __slots__ = ("model", "refs", "functions", "optimizer", "optimizer_init")

    def __init__(self, model):
        self.model = model
        self.refs = None
        self.functions = None
        self.optimizer = None
        self.optimizer_init = None


class ModelPool:
    """Compiled Keras networks, by architecture key, reused once unreferenced.

    Counters ``n_built`` and ``n_reused`` tell how many networks the pool
    built and how many fits got a reused one.
    """

    def __init__(self, max_per_key=MAX_PER_KEY, max_total=MAX_TOTAL):
        #: Set to False to build a new network for every fit (benchmarks).
        self.enabled = True
        self.max_per_key = max_per_key
        self.max_total = max_total
        self._slots = OrderedDict()  # key -> list of _Slot, least recent first
        self._lock = threading.Lock()
        self.n_built = 0
        self.n_reused = 0

    def acquire(self, key, build, compile_model):
        """Return a compiled network for ``key``, new or reused and reset.

        Parameters
        ----------
        key : hashable or None
            Everything that determines the network and its compilation.
            None (e.g. an unhashable custom activation) disables pooling.
        build : callable
            ``build()`` returns a new, uncompiled network. It is called in
            both cases, under the caller's random state: for a new network,
            to build it; for a reused one, to draw the initial weights a new
            network would have.
        compile_model : callable
            ``compile_model(model)`` compiles a new network in place.
        """
        fresh = build()
        if key is None or not self.enabled:
            compile_model(fresh)
            return fresh
        # A network is handed out only while the caller's reference to it is
        # taken under the lock: from then on its reference count marks it busy
        # for every other thread's _is_free.
        with self._lock:
            slot = self._take_free(key)
            model = None if slot is None else slot.model
            if slot is not None:
                self.n_reused += 1
        if slot is not None:
            _reset(slot, fresh)
            return model
        compile_model(fresh)
        slot = _Slot(fresh)
        del fresh
        _prepare(slot)
        model = slot.model  # held before the slot is visible to other threads
        with self._lock:
            self.n_built += 1
            self._add(key, slot)
        return model

    def _take_free(self, key):
        slots = self._slots.get(key)
        if not slots:
            return None
        for slot in slots:
            if _is_free(slot):
                # Most recently used last.
                slots.remove(slot)
                slots.append(slot)
                self._slots.move_to_end(key)
                return slot
        return None

    def _add(self, key, slot):
        slots = self._slots.setdefault(key, [])
        slots.append(slot)
        self._slots.move_to_end(key)
        if len(slots) > self.max_per_key:
            self._evict(slots)
        total = sum(len(s) for s in self._slots.values())
        for other_key in list(self._slots):
            if total <= self.max_total:
                break
            before = len(self._slots[other_key])
            self._evict(self._slots[other_key])
            total -= before - len(self._slots[other_key])
            if not self._slots[other_key]:
                del self._slots[other_key]

    @staticmethod
    def _evict(slots):
        """Forget the least recently used free slot of ``slots`` (if any).

        A busy slot is forgotten too when every slot is busy: its network
        then simply lives on, unpooled, with its owner.
        """
        for slot in slots:
            if _is_free(slot):
                slots.remove(slot)
                return
        slots.pop(0)

    def clear(self):
        """Forget every pooled network (their owners keep theirs)."""
        with self._lock:
            self._slots.clear()

    def __len__(self):
        return sum(len(s) for s in self._slots.values())


def _functions(model):
    return (
        model.train_function,
        model.test_function,
        model.predict_function,
        model.optimizer,
    )


def _refcount(slot):
    # One reference from the slot, one from getrefcount's argument, plus
    # Keras's internal ones; measured the same way at record and check time.
    return sys.getrefcount(slot.model)


def _prepare(slot):
    """Give a new network every internal reference fitting will give it.

    Then record its reference count: any later excess is an outside holder.
    """
    model = slot.model
    model.make_train_function()
    model.make_test_function()
    model.make_predict_function()
    epoch_runner(model)
    predictor(model)
    optimizer = model.optimizer
    optimizer.build(model.trainable_variables)
    slot.optimizer = optimizer
    slot.optimizer_init = [np.array(v.numpy()) for v in optimizer.variables]
    history = keras.callbacks.History()
    history.set_model(model)
    model.history = history
    slot.functions = _functions(model)
    del model, optimizer, history
    slot.refs = _refcount(slot)


def _is_free(slot):
    """True when only the pool and Keras's own references hold the network."""
    if _refcount(slot) != slot.refs:
        return False
    functions = _functions(slot.model)
    return all(a is b for a, b in zip(functions, slot.functions, strict=True))


def _reset(slot, fresh):
    """Make the pooled network start where the new network ``fresh`` starts."""
    model = slot.model
    if len(model.layers) != len(fresh.layers):
        raise RuntimeError("pooled network and new network differ in layers")
    for old, new in zip(model.layers, fresh.layers, strict=True):
        old_vars, new_vars = old.variables, new.variables
        if len(old_vars) != len(new_vars):
            raise RuntimeError(f"layer {old.name} differs in variables")
        for old_var, new_var in zip(old_vars, new_vars, strict=True):
            old_var.assign(new_var.value)
    for var, value in zip(slot.optimizer.variables, slot.optimizer_init, strict=True):
        var.assign(value)
    model.stop_training = False
    predictor(model).forget()


def predict_array(model, X, batch_size):
    """Predict ``X`` in blocks of exactly ``batch_size`` rows, without set-up cost.

    The last block is zero-padded to ``batch_size`` rows and the padding's
    outputs dropped. Every row thus goes through the network in a batch of one
    shape, so its prediction does not depend on how many or which rows come
    with it (the kernels are picked by shape: a 1-row and a 2-row batch can
    differ in the last bit). A call of one or two rows runs in a block of two
    rows instead where that is checked to give the same bits. See
    ``_predict``.
    """
    return predictor(model)(X, batch_size)


#: The process-wide pool used by the estimators.
POOL = ModelPool()
