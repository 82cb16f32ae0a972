"""Files written on one Keras backend load and predict the same on the others.

A file of ``sklearn_conv1d.save`` and a pickle (joblib) hold the network in
Keras's backend-neutral ``.keras`` format and plain metadata, so an estimator
saved under TensorFlow predicts the same under JAX and PyTorch, up to float32
rounding, and the other way round. Each backend runs in its own Python,
named by ``SKLEARN_CONV1D_BACKEND_PYTHONS`` (CI sets it after building one
virtual environment per backend), e.g.::

    SKLEARN_CONV1D_BACKEND_PYTHONS="tensorflow=.venv/bin/python \\
        jax=.venv-jax/bin/python torch=.venv-torch/bin/python" \\
        python -m pytest tests/test_portable_files.py
"""

import os
import subprocess
from pathlib import Path

import numpy as np
import pytest

SCRIPT = Path(__file__).with_name("portable_files.py")
# The same float32 network on two backends: measured differences ~1e-7.
RTOL, ATOL = 1e-5, 1e-6


def backend_pythons():
    spec = os.environ.get("SKLEARN_CONV1D_BACKEND_PYTHONS", "")
    return dict(item.split("=", 1) for item in spec.split())


def run(python, backend, command, directory):
    env = dict(os.environ, KERAS_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="3")
    env["PYTHONPATH"] = os.pathsep.join([str(SCRIPT.parent), env.get("PYTHONPATH", "")])
    subprocess.run(
        [python, str(SCRIPT), command, str(directory)],
        check=True,
        env=env,
        timeout=600,
    )


def test_files_load_and_predict_the_same_on_every_backend(tmp_path):
    pythons = backend_pythons()
    if len(pythons) < 2:
        pytest.skip(
            "set SKLEARN_CONV1D_BACKEND_PYTHONS to two or more backend=python "
            "pairs (CI does)"
        )
    for backend, python in pythons.items():
        run(python, backend, "write", tmp_path)
    for backend, python in pythons.items():
        run(python, backend, "read", tmp_path)
    largest = {}
    for reader in pythons:
        got = np.load(tmp_path / f"read-by-{reader}.npz")
        writers = [backend for backend in pythons if backend != reader]
        assert len(got.files) == 4 * len(writers)  # 2 estimators x 2 formats
        for writer in writers:
            expected = np.load(tmp_path / f"{writer}-expected.npz")
            for name in ("clf", "reg"):
                for suffix in ("zip", "joblib"):
                    actual = got[f"{writer}-{name}.{suffix}"]
                    largest[writer, reader] = max(
                        largest.get((writer, reader), 0.0),
                        float(np.abs(actual - expected[name]).max()),
                    )
                    np.testing.assert_allclose(
                        actual,
                        expected[name],
                        rtol=RTOL,
                        atol=ATOL,
                        err_msg=f"{writer} file {name}.{suffix} read by {reader}",
                    )
    # The measured differences, shown with ``pytest -s``.
    for (writer, reader), value in sorted(largest.items()):
        print(f"written on {writer}, read on {reader}: max |difference| {value:.1e}")
