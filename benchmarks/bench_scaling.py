"""Grid-search wall time with n_jobs=1, n_jobs=2 (loky) and a 2-worker Dask cluster.

Run
---
    python benchmarks/bench_scaling.py

(``--quick``: a 2 x 2 search of 2 epochs, one timed repeat, nothing written;
only to check that the script runs.) Run it on an otherwise idle machine:
every configuration competes for the same cores.

What it measures
----------------
One realistic small search: ``GridSearchCV(Conv1DClassifier(epochs=50,
batch_size=16, random_state=0), {"filters": [16, 32], "kernel_size": [3, 7]},
cv=3)`` on GunPoint's training set (50 sequences of length 150, aeon's bundled
copy), run four ways:

- ``n_jobs=1``: in this process, TensorFlow with its default thread pools;
- ``n_jobs=2 loky, capped``: joblib's default process backend as shipped:
  joblib starts each worker with ``OMP_NUM_THREADS = cpus // 2`` and the
  estimator caps TensorFlow's thread pools at that (``sklearn_conv1d._threads``);
- ``n_jobs=2 loky, uncapped``: the same with ``TF_NUM_INTRAOP_THREADS=0`` and
  ``TF_NUM_INTEROP_THREADS=0`` in the workers' environment, the documented way
  to opt out (0 lets TensorFlow size both pools to every core, in every worker);
- ``dask, 2 workers``: ``joblib.parallel_config(backend="dask")`` on a
  ``LocalCluster(n_workers=2, threads_per_worker=1)`` (the nanny sets
  ``OMP_NUM_THREADS=1``, so the cap applies).

Each way first runs one search whose time is reported as ``cold`` (worker
processes start and import TensorFlow), then ``REPEATS`` searches on the same
workers whose median is ``warm``. Speedup is t(n_jobs=1) / t(way), on the warm
medians. ``threads`` is TensorFlow's intra-op pool size in the workers (0:
TensorFlow's default, all cores). ``scores`` says whether
``cv_results_["mean_test_score"]`` equals the n_jobs=1 search's.
"""

import os
import sys
import time

from _bench_utils import Report, median

COMMAND = "python benchmarks/bench_scaling.py"
QUICK = "--quick" in sys.argv
REPEATS = 1 if QUICK else 3
GRID = (
    {"filters": [16], "kernel_size": [3, 7]}
    if QUICK
    else {"filters": [16, 32], "kernel_size": [3, 7]}
)
CV = 2 if QUICK else 3
PARAMS = dict(epochs=2 if QUICK else 50, batch_size=16, random_state=0)
UNCAPPED = {"TF_NUM_INTRAOP_THREADS": "0", "TF_NUM_INTEROP_THREADS": "0"}


def load_data():
    from aeon.datasets import load_classification

    X, y = load_classification("GunPoint", split="train")
    return X[:, 0, :].astype("float32"), y  # univariate: (n, timesteps)


def make_search(n_jobs):
    from sklearn.model_selection import GridSearchCV

    from sklearn_conv1d import Conv1DClassifier

    return GridSearchCV(Conv1DClassifier(**PARAMS), GRID, cv=CV, n_jobs=n_jobs)


def intra_op_threads():
    """TensorFlow's intra-op pool size in the calling process."""
    import tensorflow as tf

    return tf.config.threading.get_intra_op_parallelism_threads()


def time_searches(run):
    """(cold s, warm median s, last search) of ``run()``."""
    start = time.perf_counter()
    search = run()
    cold = time.perf_counter() - start
    warm = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        search = run()
        warm.append(time.perf_counter() - start)
    return cold, median(warm), search


def loky_workers_threads():
    import joblib

    return sorted(
        set(joblib.Parallel(n_jobs=2)(joblib.delayed(intra_op_threads)() for _ in "ab"))
    )


def shut_down_loky():
    """Stop joblib's reusable loky workers, so the next search starts new ones."""
    from joblib.externals.loky import get_reusable_executor

    get_reusable_executor().shutdown(wait=True)


def main():
    report = Report("bench_scaling", COMMAND + (" --quick" if QUICK else ""))
    for name in ("OMP_NUM_THREADS", *UNCAPPED):
        if name in os.environ:
            report(f"note: {name}={os.environ[name]} is set in this environment")
    X, y = load_data()
    results = {}

    def run_sequential():
        return make_search(1).fit(X, y)

    cold, warm, search = time_searches(run_sequential)
    results["n_jobs=1"] = (cold, warm, search, [intra_op_threads()])

    shut_down_loky()
    cold, warm, search = time_searches(lambda: make_search(2).fit(X, y))
    results["n_jobs=2 loky, capped"] = (cold, warm, search, loky_workers_threads())

    shut_down_loky()
    saved = dict(os.environ)
    os.environ.update(UNCAPPED)  # inherited by the new loky workers
    try:
        cold, warm, search = time_searches(lambda: make_search(2).fit(X, y))
        threads = loky_workers_threads()
    finally:
        shut_down_loky()
        os.environ.clear()
        os.environ.update(saved)
    results["n_jobs=2 loky, uncapped"] = (cold, warm, search, threads)

    import joblib
    from distributed import Client, LocalCluster

    saved = dict(os.environ)  # a LocalCluster's nannies write into this process
    try:
        with (
            LocalCluster(
                n_workers=2, threads_per_worker=1, dashboard_address=":0"
            ) as cluster,
            Client(cluster) as client,
        ):

            def run_dask():
                with joblib.parallel_config(backend="dask", scatter=[X, y]):
                    return make_search(-1).fit(X, y)  # n_jobs: all worker threads

            cold, warm, search = time_searches(run_dask)
            threads = sorted(set(client.run(intra_op_threads).values()))
    finally:
        os.environ.clear()
        os.environ.update(saved)
    results["dask, 2 workers"] = (cold, warm, search, threads)

    from sklearn.model_selection import ParameterGrid

    report(
        f"GunPoint train ({X.shape[0]} x {X.shape[1]}), "
        f"{len(ParameterGrid(GRID))} candidates x "
        f"{CV} folds, {PARAMS}; cold = first search, warm = median of "
        f"{REPEATS} more"
    )
    report()
    reference = results["n_jobs=1"]
    report(
        f"{'':26s} {'cold s':>7s} {'warm s':>7s} {'speedup':>8s} "
        f"{'threads':>8s} {'scores':>7s}"
    )
    for name, (cold, warm, search, threads) in results.items():
        same = (
            search.cv_results_["mean_test_score"].tolist()
            == reference[2].cv_results_["mean_test_score"].tolist()
        )
        report(
            f"{name:26s} {cold:7.1f} {warm:7.1f} {reference[1] / warm:7.2f}x "
            f"{','.join(map(str, threads)):>8s} {'same' if same else 'differ':>7s}"
        )
    report()
    report(
        "speedup: t(n_jobs=1) / t, warm medians; threads: TensorFlow intra-op "
        "threads per process (0 = TensorFlow's default, every core)"
    )
    if QUICK:
        report("(--quick: figures not meaningful, nothing written)")
    else:
        report.save()


if __name__ == "__main__":
    sys.exit(main())
