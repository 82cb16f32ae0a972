"""Per-fit time and small grid searches on each Keras backend, side by side, on CPU.

Run
---
    python benchmarks/bench_backends.py \\
        --python tensorflow=.venv/bin/python \\
        --python jax=.venv-jax/bin/python --python torch=.venv-torch/bin/python

Keras picks its backend once per process, so every measurement runs in a new
process per backend (``KERAS_BACKEND`` set), each with the interpreter given
for it (default: this one, for every backend it can import). The backends take
turns, round after round (``ROUNDS``), so that a machine that gets busier
slows them all alike; the table gives medians over rounds and ratios to
TensorFlow. ``--quick`` runs a tiny version only to check the script.

What it measures, on GunPoint's training set (50 sequences of length 150,
aeon's bundled copy) with the default network:

- ``import``: ``import sklearn_conv1d`` in a new process (the backend's start-up);
- ``first fit``: the first fit of the process (100 epochs), network built and
  traced;
- ``pooled fit``: the median of ``FITS`` further fits (100 epochs), on the
  reused network;
- ``search n_jobs=1``: ``GridSearchCV`` of 12 fits of 20 epochs (filters x
  kernel_size, ``cv=2``, no refit) in that process, after its first fit;
- ``search n_jobs=2, cold``: the same search with ``n_jobs=2`` on new loky
  workers, which start, import the backend and trace before their first fit,
  as in a user's first ``GridSearchCV(..., n_jobs=2)``; ``speedup`` is
  t(n_jobs=1) / t(n_jobs=2, cold). Both searches must give the same scores.
"""

import argparse
import json
import os
import subprocess
import sys
import time

from _bench_utils import (
    LOOP_TRAINING,
    RESULTS,
    add_python_option,
    backend_pythons,
    median,
)

# Runs in the backend's own process; prints one JSON line of timings.
CHILD = r"""
import json, os, sys, time, warnings
warnings.filterwarnings("ignore")
quick = sys.argv[1] == "quick"
t0 = time.perf_counter()
import sklearn_conv1d
t_import = time.perf_counter() - t0
import keras, numpy as np, sklearn
from aeon.datasets import load_classification
from sklearn.model_selection import GridSearchCV
from sklearn_conv1d import Conv1DClassifier

# The training this benchmark was recorded with (_bench_utils.LOOP_TRAINING).
LOOP = json.loads(sys.argv[2])
X, y = load_classification("GunPoint", split="train")
X = X[:, 0, :].astype("float32")
epochs = 2 if quick else 100
t0 = time.perf_counter()
Conv1DClassifier(epochs=epochs, random_state=0, **LOOP).fit(X, y)
first = time.perf_counter() - t0
pooled = []
for seed in range(1 if quick else 3):
    t0 = time.perf_counter()
    Conv1DClassifier(epochs=epochs, random_state=seed, **LOOP).fit(X, y)
    pooled.append(time.perf_counter() - t0)
grid = {"filters": [16, 32, 64], "kernel_size": [3, 5]}
searches, scores = {}, {}
for n_jobs in (1, 2):
    search = GridSearchCV(
        Conv1DClassifier(epochs=2 if quick else 20, random_state=0, **LOOP),
        grid, cv=2, n_jobs=n_jobs, refit=False,
    )
    t0 = time.perf_counter()
    search.fit(X, y)
    searches[n_jobs] = time.perf_counter() - t0
    scores[n_jobs] = search.cv_results_["mean_test_score"].tolist()
backend = keras.backend.backend()
version = __import__(backend).__version__
print(json.dumps(dict(
    version=f"{backend} {version}, keras {keras.__version__}, "
    f"scikit-learn {sklearn.__version__}",
    import_s=t_import, first_s=first, pooled_s=float(np.median(pooled)),
    search1_s=searches[1], search2_s=searches[2],
    same_scores=scores[1] == scores[2], accuracy=scores[1],
)))
"""


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_python_option(parser)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    return backend_pythons(args), args


def run(backend, python, quick):
    env = {**os.environ, "KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "3"}
    here = os.path.dirname(os.path.abspath(__file__))
    result = subprocess.run(
        [python, "-c", CHILD, "quick" if quick else "full", json.dumps(LOOP_TRAINING)],
        env=env,
        cwd=os.path.dirname(here),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"{backend} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main():
    pythons, args = parse_args()
    rounds = 1 if args.quick else args.rounds
    command = " ".join(["python", "benchmarks/bench_backends.py", *sys.argv[1:]])
    lines = [f"$ {command}", ""]

    def report(line=""):
        print(line, flush=True)
        lines.append(line)

    results = {backend: [] for backend in pythons}
    for i in range(rounds):
        for backend, python in pythons.items():
            started = time.perf_counter()
            results[backend].append(run(backend, python, args.quick))
            print(f"round {i + 1} {backend}: {time.perf_counter() - started:.0f} s")
    report(f"{os.cpu_count()} CPUs; medians over {rounds} rounds; backends in turn")
    for backend, runs in results.items():
        report(f"  {backend}: {runs[0]['version']}")
    report()
    columns = [
        ("import", "import_s"),
        ("first fit", "first_s"),
        ("pooled fit", "pooled_s"),
        ("search n_jobs=1", "search1_s"),
        ("n_jobs=2 cold", "search2_s"),
    ]
    report(
        f"{'backend':<11}"
        + "".join(f"{title:>17}" for title, _ in columns)
        + f"{'speedup':>9}{'same scores':>13}"
    )
    medians = {
        backend: {key: median(r[key] for r in runs) for _, key in columns}
        for backend, runs in results.items()
    }
    for backend, m in medians.items():
        speedup = m["search1_s"] / m["search2_s"]
        same = all(r["same_scores"] for r in results[backend])
        report(
            f"{backend:<11}"
            + "".join(f"{m[key]:>16.2f}s" for _, key in columns)
            + f"{speedup:>8.2f}x{str(same):>13}"
        )
    if "tensorflow" in medians:
        report()
        report("time / TensorFlow's time (lower is faster)")
        reference = medians["tensorflow"]
        for backend, m in medians.items():
            report(
                f"{backend:<11}"
                + "".join(f"{m[key] / reference[key]:>16.2f}x" for _, key in columns)
            )
    report()
    report("search accuracy (mean CV score per candidate, round 1):")
    for backend, runs in results.items():
        report(f"  {backend}: {[round(a, 3) for a in runs[0]['accuracy']]}")
    if not args.quick:
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / "bench_backends.txt").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
