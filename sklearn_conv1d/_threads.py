"""Cap TensorFlow's thread pools at the process's share of the cores.

This applies to the TensorFlow backend only. PyTorch sizes its thread pool
from ``OMP_NUM_THREADS`` itself, so the cap below already holds for it; JAX's
CPU runtime (XLA) does not read it and is not capped.

Why
---
TensorFlow sizes its two CPU thread pools (intra-op: threads inside one op;
inter-op: independent ops run side by side) to all the cores of the machine,
in every process. A grid search with ``n_jobs=k`` runs k worker processes, so
each core gets k TensorFlow threads competing for it.

How
---
We follow the convention the process launchers already use for native
thread pools: joblib's ``loky`` backend starts its workers with
``OMP_NUM_THREADS = max(cpu_count() // n_jobs, 1)``, or ``inner_max_num_threads``
of ``joblib.parallel_config``, unless the parent process sets it
(``ParallelBackendBase._prepare_worker_env`` in ``joblib/_parallel_backends.py``,
called by ``LokyBackend.configure``), and Dask's nanny starts its workers with
``OMP_NUM_THREADS=1`` unless it is set (``distributed.nanny.pre-spawn-environ``
in ``distributed/distributed.yaml``, applied in ``distributed/nanny.py``).
TensorFlow itself ignores that variable (its oneDNN kernels run on
TensorFlow's own thread pools, not on OpenMP, and threadpoolctl cannot
reach them), so :func:`limit_tensorflow_threads` passes it on to
``tf.config.threading`` before the first fit of the process initialises
TensorFlow's runtime.

It does nothing when the user configured TensorFlow's threads themselves:
``TF_NUM_INTRAOP_THREADS`` or ``TF_NUM_INTEROP_THREADS`` set (``0`` lets
TensorFlow choose, i.e. no cap), or ``tf.config.threading`` already set.
After TensorFlow's runtime is initialised the pools cannot be resized; then
it leaves them as they are. It never raises.
"""

import os
import threading

from ._backend import backend

#: Environment variables with which users set TensorFlow's threads themselves.
TF_THREAD_VARIABLES = ("TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS")

_lock = threading.Lock()
_done = False


def threads_from_environment(environ=None):
    """The per-process thread count that the environment asks for, or None.

    That is the first value of ``OMP_NUM_THREADS`` (which may list one value
    per nesting level, e.g. ``"4,2"``) if it is a positive integer, and None
    if it is unset or invalid, or if either of :data:`TF_THREAD_VARIABLES`
    is set.
    """
    environ = os.environ if environ is None else environ
    if any(name in environ for name in TF_THREAD_VARIABLES):
        return None
    value = environ.get("OMP_NUM_THREADS", "").split(",")[0].strip()
    try:
        n_threads = int(value)
    except ValueError:
        return None
    return n_threads if n_threads > 0 else None


def limit_tensorflow_threads():
    """Cap TensorFlow's thread pools from ``OMP_NUM_THREADS``, once per process.

    Called at the start of every fit; only the first call in a process does
    anything, and only on the TensorFlow backend. Sets both pools to
    ``OMP_NUM_THREADS`` threads, each only if it is still at TensorFlow's
    default (0). Never raises: if TensorFlow's
    runtime is already initialised the pools are left as they are.

    Returns
    -------
    applied : bool
        Whether this call changed TensorFlow's thread settings.
    """
    global _done
    if _done:
        return False
    with _lock:
        if _done:
            return False
        _done = True
        try:
            n_threads = threads_from_environment()
            if n_threads is None or backend() != "tensorflow":
                return False
            import tensorflow as tf

            threading_config = tf.config.threading
            applied = False
            if threading_config.get_intra_op_parallelism_threads() == 0:
                threading_config.set_intra_op_parallelism_threads(n_threads)
                applied = True
            if threading_config.get_inter_op_parallelism_threads() == 0:
                threading_config.set_inter_op_parallelism_threads(n_threads)
                applied = True
            return applied
        except Exception:
            # RuntimeError once TensorFlow's runtime is initialised; a cap is
            # an optimisation, never a reason for a fit to fail.
            return False
