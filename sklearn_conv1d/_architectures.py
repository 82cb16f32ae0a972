"""Named network configurations, as parameter dicts of the estimators.

Every entry sets the same architecture parameters, so that one entry fully
defines a network whatever the estimator held before: entries can be
unpacked into a constructor, passed to ``set_params`` or used as the points
of a grid search.
"""

import inspect
from collections.abc import Mapping
from types import MappingProxyType

from ._base import Conv1DBase

#: The parameters every entry sets: the network's architecture.
_KEYS = (
    "filters",
    "kernel_size",
    "dilation_rate",
    "padding",
    "separable",
    "residual",
    "pool_size",
    "batch_norm",
    "global_pooling",
    "dense_units",
)
_DEFAULTS = {
    name: parameter.default
    for name, parameter in inspect.signature(Conv1DBase.__init__).parameters.items()
    if name in _KEYS
}


def _architecture(**params):
    """An entry: the estimators' defaults for every key, updated by ``params``."""
    unknown = set(params) - set(_KEYS)
    assert not unknown, unknown  # every entry sets the same keys
    return MappingProxyType({**_DEFAULTS, **params})


class _Architectures(Mapping):
    """A read-only mapping whose missing keys name the known ones."""

    def __init__(self, entries):
        self._entries = dict(entries)

    def __getitem__(self, name):
        try:
            return self._entries[name]
        except (KeyError, TypeError):
            raise KeyError(
                f"No architecture named {name!r}; the named architectures are "
                f"{sorted(self._entries)}."
            ) from None

    def __iter__(self):
        return iter(self._entries)

    def __len__(self):
        return len(self._entries)

    def __repr__(self):
        return f"ARCHITECTURES({sorted(self._entries)})"


#: The fully convolutional network of Wang et al. (2017).
_FCN = dict(
    filters=(128, 256, 128),
    kernel_size=(8, 5, 3),
    batch_norm=True,
    pool_size=None,
    global_pooling="avg",
    dense_units=None,
)

#: Named architectures, by name, as parameter dicts of
#: :class:`~sklearn_conv1d.Conv1DClassifier` and
#: :class:`~sklearn_conv1d.Conv1DRegressor`.
ARCHITECTURES = _Architectures(
    {
        # The defaults: Conv1D(64, 3) -> MaxPooling1D(2) -> Flatten -> Dense(100).
        "seed": _architecture(),
        "fcn": _architecture(**_FCN),
        # The FCN with max pooling (2) after each conv layer: a quarter of the
        # timesteps reach the last layer, so an epoch costs about half the
        # FCN's on long series (1.8x faster at 1500 steps) and a time budget
        # buys about twice the epochs. Chosen on GunPoint, ItalyPowerDemand
        # and JapaneseVowels (benchmarks/choose_pooling.py).
        "fcn_pooled": _architecture(**{**_FCN, "pool_size": 2}),
        # ResNet of Wang et al. (2017): three residual blocks of three layers.
        "resnet": _architecture(
            filters=(64, 64, 64, 128, 128, 128, 128, 128, 128),
            kernel_size=(8, 5, 3) * 3,
            residual=3,
            batch_norm=True,
            pool_size=None,
            global_pooling="avg",
            dense_units=None,
        ),
        # LITE-style (Ismail-Fawaz et al., 2023): few filters, long kernels,
        # dilated depthwise separable convolutions, global average pooling.
        "lite": _architecture(
            filters=(32, 32, 32),
            kernel_size=(40, 20, 10),
            dilation_rate=(1, 2, 4),
            separable=True,
            batch_norm=True,
            pool_size=None,
            global_pooling="avg",
            dense_units=None,
        ),
    }
)


def architecture_grid(*names):
    """Grid-search points, one per named architecture, for ``GridSearchCV``.

    Parameters
    ----------
    *names : str
        Names of :data:`ARCHITECTURES`; none for all of them.

    Returns
    -------
    list of dict
        One dict of one-element lists per name: a ``param_grid`` of
        :class:`~sklearn.model_selection.GridSearchCV`. Add other parameters
        to each dict to search them too.

    Raises
    ------
    KeyError
        If a name is not in :data:`ARCHITECTURES`, naming the known ones.

    Examples
    --------
    >>> from sklearn_conv1d import architecture_grid
    >>> grid = architecture_grid("seed", "fcn")
    >>> len(grid), grid[1]["global_pooling"]
    (2, ['avg'])
    """
    names = names or tuple(ARCHITECTURES)
    return [
        {param: [value] for param, value in ARCHITECTURES[name].items()}
        for name in names
    ]
