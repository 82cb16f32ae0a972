"""Scaling out: searches with n_jobs (loky), on a Dask cluster, and the thread cap.

Every search here is bounded in time (``_within``): a cluster that hangs
fails the test instead of blocking CI. Functions and classes shipped to
workers are defined inside the tests, so that cloudpickle sends them by value
(the workers cannot import this test module).
"""

import contextlib
import importlib
import os
import subprocess
import sys
import textwrap
import threading

import joblib
import keras
import numpy as np
import pytest
import tensorflow as tf
from distributed import Client, KilledWorker, LocalCluster
from sequence_data import make_sequences
from sklearn.model_selection import GridSearchCV

from sklearn_conv1d import Conv1DClassifier, _threads

SMALL = dict(
    filters=4, dense_units=8, epochs=2, batch_size=8, learning_rate=0.01, random_state=0
)
GRID = {"kernel_size": [3, 5]}
TIMEOUT = 120  # seconds; the searches take a few seconds each


def search(n_jobs=1, **params):
    return GridSearchCV(
        Conv1DClassifier(**{**SMALL, **params}), GRID, cv=2, n_jobs=n_jobs
    )


def _within(seconds, function, *args, **kwargs):
    """Return ``function(*args, **kwargs)``, failing the test if it takes longer.

    Runs it in a daemon thread, so that a hung call neither blocks the test
    run nor the interpreter's exit.
    """
    outcome = {}

    def target():
        try:
            outcome["value"] = function(*args, **kwargs)
        except BaseException as exc:  # handed to the test thread
            outcome["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        pytest.fail(
            f"{getattr(function, '__name__', function)} hung: no result "
            f"after {seconds} s"
        )
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def assert_same_results(search, reference):
    assert search.cv_results_["params"] == reference.cv_results_["params"]
    np.testing.assert_array_equal(
        search.cv_results_["mean_test_score"], reference.cv_results_["mean_test_score"]
    )


@pytest.fixture(scope="module")
def data():
    return make_sequences(n_samples=40, n_timesteps=16)


@pytest.fixture(scope="module")
def sequential(data):
    return search(n_jobs=1).fit(*data)


# -- the thread cap -----------------------------------------------------------------


@pytest.mark.parametrize(
    "environ, expected",
    [
        ({}, None),
        ({"OMP_NUM_THREADS": "1"}, 1),
        ({"OMP_NUM_THREADS": "4,2"}, 4),
        ({"OMP_NUM_THREADS": "0"}, None),
        ({"OMP_NUM_THREADS": "many"}, None),
        ({"OMP_NUM_THREADS": "1", "TF_NUM_INTRAOP_THREADS": "2"}, None),
        ({"OMP_NUM_THREADS": "1", "TF_NUM_INTEROP_THREADS": "0"}, None),
    ],
)
def test_threads_from_environment(environ, expected):
    assert _threads.threads_from_environment(environ) == expected


def test_cap_leaves_initialised_tensorflow_alone(monkeypatch):
    tf.constant(0.0)  # TensorFlow's runtime is running: its pools are fixed
    before = (
        tf.config.threading.get_intra_op_parallelism_threads(),
        tf.config.threading.get_inter_op_parallelism_threads(),
    )
    monkeypatch.setattr(_threads, "_done", False)
    monkeypatch.setenv("OMP_NUM_THREADS", str(before[0] + 1))
    monkeypatch.delenv("TF_NUM_INTRAOP_THREADS", raising=False)
    monkeypatch.delenv("TF_NUM_INTEROP_THREADS", raising=False)
    assert _threads.limit_tensorflow_threads() is False  # and does not raise
    assert _threads.limit_tensorflow_threads() is False  # once per process
    after = (
        tf.config.threading.get_intra_op_parallelism_threads(),
        tf.config.threading.get_inter_op_parallelism_threads(),
    )
    assert after == before


def test_cap_is_not_applied_when_the_user_sets_tensorflows_threads():
    script = textwrap.dedent(
        """
        import sys
        import numpy as np
        import tensorflow as tf
        from sklearn_conv1d import Conv1DClassifier

        X = np.random.RandomState(0).randn(8, 8).astype("float32")
        Conv1DClassifier(filters=2, dense_units=2, epochs=1).fit(X, np.arange(8) % 2)
        threading = tf.config.threading
        print(threading.get_intra_op_parallelism_threads(),
              threading.get_inter_op_parallelism_threads())
        """
    )
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", OMP_NUM_THREADS="1")
    env.pop("TF_NUM_INTEROP_THREADS", None)
    env["TF_NUM_INTRAOP_THREADS"] = "2"
    out = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    ).stdout
    assert out.split() == ["0", "0"]  # left to TensorFlow, which reads the variable


def test_loky_search_matches_sequential_and_caps_threads(data, sequential):
    if any(name in os.environ for name in _threads.TF_THREAD_VARIABLES):
        pytest.skip("TensorFlow's threads are set in the environment: no cap")
    parallel = _within(TIMEOUT, search(n_jobs=2).fit, *data)
    assert_same_results(parallel, sequential)

    def fit_and_report(X, y):
        Conv1DClassifier(**SMALL).fit(X, y)
        return (
            os.environ["OMP_NUM_THREADS"],
            tf.config.threading.get_intra_op_parallelism_threads(),
            tf.config.threading.get_inter_op_parallelism_threads(),
        )

    # The same loky workers (joblib reuses its executor) that ran the search.
    reports = joblib.Parallel(n_jobs=2)(
        joblib.delayed(fit_and_report)(*data) for _ in range(2)
    )
    expected = os.environ.get("OMP_NUM_THREADS", max(joblib.cpu_count() // 2, 1))
    expected = int(str(expected).split(",")[0])
    for omp, intra, inter in reports:
        assert int(omp.split(",")[0]) == expected
        assert intra == inter == expected


# -- Dask ---------------------------------------------------------------------------


@contextlib.contextmanager
def restored_environ():
    """Undo what a LocalCluster's nannies write into this process's environment.

    Dask's nannies set ``distributed.nanny.pre-spawn-environ`` (e.g.
    ``OMP_NUM_THREADS=1``, ``PYTHONHASHSEED``) in the process that runs them,
    which for a LocalCluster is this one; later tests must not inherit it.
    """
    saved = dict(os.environ)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@pytest.fixture(scope="module")
def client():
    with (
        restored_environ(),
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


def fit_on_dask(client, estimator, X, y):
    # scatter=[X, y] copies the data to every worker up front: without it
    # joblib puts large arguments on one worker only, and the search fails
    # if that worker dies ("lose scattered data, which can't be recovered").
    with joblib.parallel_config(backend="dask", client=client, scatter=[X, y]):
        return estimator.set_params(n_jobs=-1).fit(X, y)


def test_dask_search_matches_sequential_and_caps_threads(client, data, sequential):
    on_dask = _within(TIMEOUT, fit_on_dask, client, search(), *data)
    assert_same_results(on_dask, sequential)

    def threads():
        return tf.config.threading.get_intra_op_parallelism_threads()

    # The nanny starts workers with OMP_NUM_THREADS=1 (pre-spawn-environ).
    expected = int(os.environ.get("OMP_NUM_THREADS", "1").split(",")[0])
    if any(name in os.environ for name in _threads.TF_THREAD_VARIABLES):
        expected = 0
    assert set(client.run(threads).values()) == {expected}


def test_dask_retries_the_fits_of_a_worker_that_dies(
    client, data, sequential, tmp_path
):
    marker = str(tmp_path / "died")

    class DieOnce(keras.callbacks.Callback):
        """Kill the worker process the first time any fit starts."""

        def __init__(self, marker):
            super().__init__()
            self.marker = marker

        def on_train_begin(self, logs=None):
            try:
                os.close(os.open(self.marker, os.O_CREAT | os.O_EXCL))
            except FileExistsError:
                return
            os._exit(1)

    on_dask = _within(
        TIMEOUT, fit_on_dask, client, search(callbacks=[DieOnce(marker)]), *data
    )
    assert os.path.exists(marker)  # a worker did die
    assert_same_results(on_dask, sequential)


@pytest.mark.skip(
    reason="joblib 1.6.0's dask backend never returns after a KilledWorker: "
    "DaskDistributedBackend._collect does not call the batch's callback for a "
    "future in error, so Parallel waits forever (reproduced without this "
    "package); unskip when joblib passes the error on"
)
def test_dask_reports_a_worker_that_dies_on_every_attempt(client, data):
    class AlwaysDie(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            os._exit(1)

    scheduler = client.cluster.scheduler
    allowed_failures = scheduler.allowed_failures
    scheduler.allowed_failures = 0  # default 3: each retry restarts a worker
    try:
        with pytest.raises(KilledWorker, match="died while running it"):
            _within(30, fit_on_dask, client, search(callbacks=[AlwaysDie()]), *data)
    finally:
        scheduler.allowed_failures = allowed_failures


def test_dask_workers_that_cannot_import_the_package_fail_not_hang(data):
    # Every worker, restarted ones included, behaves as if the package were
    # not installed. Dask cannot report the ImportError of a task's arguments
    # (dask/distributed#1341: the worker dies receiving the task), so the
    # search fails with a Dask error; the documented check before a search
    # names the package.
    hide = "import sys; sys.modules['sklearn_conv1d'] = None"
    with (
        restored_environ(),
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            preload=[hide],
        ) as cluster,
        Client(cluster) as client,
    ):
        with pytest.raises(ModuleNotFoundError, match="sklearn_conv1d"):
            client.run(importlib.import_module, "sklearn_conv1d")
        with pytest.raises(Exception):  # noqa: B017 - which Dask error varies
            _within(TIMEOUT, fit_on_dask, client, search(), *data)
