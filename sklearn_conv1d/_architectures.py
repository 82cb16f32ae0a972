"""Named configurations, as parameter dicts of the estimators.

Each entry is a network and the training recipe it was measured with:
``Conv1DClassifier(**ARCHITECTURES[name])`` alone trains the network as the
documented accuracy was measured, no callback needed. Every entry sets the
same parameters, the network's (``_KEYS``) and the recipe's
(``_RECIPE_KEYS``: ``epochs``, ``timestep_budget``, ``budget_step_cost``,
``batch_size``, ``learning_rate``, ``reduce_lr_patience``,
``weight_averaging``, ``n_networks``, ``n_iter_no_change``, ``tol``,
``normalize``, ``dropout`` and ``time_shift``), so that one entry fully
defines network and training whatever the estimator held before: entries
can be unpacked into a constructor, passed to ``set_params`` or used as
the points of a grid search.

An entry already sets ``epochs`` and the rest of its recipe, so passing one
of them next to the unpacked entry is a duplicate keyword (``TypeError``):
override after unpacking, ``Conv1DClassifier(**ARCHITECTURES[name])
.set_params(epochs=10)``, or merge the dicts first,
``Conv1DClassifier(**{**ARCHITECTURES[name], "epochs": 10})``.
"""

import inspect
from collections.abc import Mapping
from types import MappingProxyType

from ._base import Conv1DBase

#: The parameters of the network every entry sets: its architecture.
_KEYS = (
    "filters",
    "kernel_size",
    "dilation_rate",
    "padding",
    "separable",
    "inception",
    "residual",
    "pool_size",
    "batch_norm",
    "global_pooling",
    "dense_units",
)
#: The parameters of training every entry sets: the recipe it was measured with.
_RECIPE_KEYS = (
    "epochs",
    "timestep_budget",
    "budget_step_cost",
    "batch_size",
    "learning_rate",
    "reduce_lr_patience",
    "weight_averaging",
    "n_networks",
    "n_iter_no_change",
    "tol",
    "normalize",
    "dropout",
    "time_shift",
)
_PARAMETERS = inspect.signature(Conv1DBase.__init__).parameters
_DEFAULTS = {name: _PARAMETERS[name].default for name in _KEYS + _RECIPE_KEYS}


def _architecture(recipe=None, **network):
    """An entry: the estimators' defaults for every key of ``_KEYS`` and
    ``_RECIPE_KEYS``, updated by ``network`` and by ``recipe``."""
    recipe = recipe or {}
    unknown = (set(network) - set(_KEYS)) | (set(recipe) - set(_RECIPE_KEYS))
    assert not unknown, unknown  # every entry sets the same keys
    return MappingProxyType({**_DEFAULTS, **network, **recipe})


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

#: InceptionTime's network but for its filters: six inception modules (kernels
#: 40, 20, 10 and a pooling branch) in two residual blocks of three.
_INCEPTION = dict(
    kernel_size=40,
    inception=True,
    residual=3,
    batch_norm=True,
    pool_size=None,
    global_pooling="avg",
    dense_units=None,
)

# Recipes, measured over the 31 sets of the development suite with
# ``python benchmarks/bench_accuracy.py --config NAME --datasets suite --seeds 0``
# (benchmarks/results/): "seed" (the defaults; bench_accuracy_defaults_3seeds.txt,
# seeds 0 to 2),
# "lite" and "inception" (bench_accuracy_named.txt), "inception_small"
# (bench_accuracy_inception_small.txt), "fcn_pooled" and "resnet"
# (bench_accuracy_fcn_resnet.txt). The deeper networks share
# LITE's recipe (batch 16, at most 200 epochs, the rate halved after 20
# stalled epochs, stopped after 40), each within a timestep budget sized to
# about 50 s of training on two CPU cores with TensorFlow, from the
# network's measured throughput in timesteps a second (bench_accuracy_named.txt
# for "lite" and "inception", choose_inception_small.txt for
# "inception_small", epoch_time_by_backend.txt for the others); "fcn"
# was measured later (bench_accuracy_fcn.txt). For "inception_small",
# batches of 64 and a cosine decay of the rate, screened over the suite,
# moved its mean by no more than 0.2 points, and larger budgets, screened on
# the six sets the budget ends, gained 0.3 and 1.3 points there but would
# take fits past 60 s (choose_inception_small_recipe.txt,
# choose_lr_schedule.txt); ending the
# fit on a moving average of the epochs' weights (weight_averaging=0.9)
# lifted it by 0.3 to 0.7 points at each of seeds 0, 1 and 2, set by set
# against the same training (choose_weight_averaging*.txt), and is kept.
# Its budget then counted each training step as 2,000 timesteps more
# (budget_step_cost, measured by benchmarks/step_cost.py): a step's fixed
# cost, which made fits on many short series twice as long as on long
# ones. At 9 million timesteps, the sets of short series keep their epochs
# and the long ones get about twice theirs (choose_budget_step_cost*.txt).
# Its learning rate then went from Keras's 0.001 to 0.002 (the plateau
# schedule's floor with it, to 0.0002): 0.867, 0.861 and 0.867 at seeds 0, 1
# and 2 against 0.859, 0.864 and 0.858, most on the large sets the budget
# ends early (choose_inception_small_lr_dropout_seed0.txt,
# choose_learning_rate_inception_small_seed12.txt).
# Its fit then averaged up to three networks within the same budget
# (n_networks=3): the 20 sets whose single network needs more than half
# the budget keep it, exactly as before, and the 11 others train two or
# three (choose_n_networks_inception_small_seed*.txt, seeds 0 to 4).
# A recipe lists only what differs from the estimators' defaults;
# _architecture fills in the rest of _RECIPE_KEYS.


def _long_recipe(timestep_budget):
    """The recipe measured with "lite" and the inception networks, shared by the deeper
    networks: batch 16, at most 200 epochs within ``timestep_budget``, the
    learning rate halved after 20 epochs without progress and training
    stopped after 40, the best epoch's weights kept (no averaging: the
    networks were measured so; "inception_small" averages), Keras's learning
    rate (the defaults' is twice it) and no time shifts."""
    return dict(
        batch_size=16,
        epochs=200,
        timestep_budget=timestep_budget,
        reduce_lr_patience=20,
        weight_averaging=None,
        n_iter_no_change=40,
        learning_rate=0.001,
        time_shift=0.0,
    )


#: Named configurations, by name: parameter dicts of
#: :class:`~sklearn_conv1d.Conv1DClassifier` and
#: :class:`~sklearn_conv1d.Conv1DRegressor`, each a network and the training
#: recipe it was measured with (every key of ``_KEYS`` and ``_RECIPE_KEYS``).
ARCHITECTURES = _Architectures(
    {
        # The defaults: Conv1D(64, 3) -> MaxPooling1D(2) -> Flatten -> Dense(100),
        # trained with the estimators' defaults.
        "seed": _architecture(recipe=dict()),
        "fcn": _architecture(
            **_FCN,
            recipe=_long_recipe(3_000_000),
        ),
        # The FCN with max pooling (2) after each conv layer: a quarter of the
        # timesteps reach the last layer, so an epoch costs about half the
        # FCN's on long series (1.8x faster at 1500 steps) and a time budget
        # buys about twice the epochs. Chosen on GunPoint, ItalyPowerDemand
        # and JapaneseVowels (benchmarks/choose_pooling.py).
        "fcn_pooled": _architecture(
            **{**_FCN, "pool_size": 2},
            recipe=_long_recipe(5_000_000),
        ),
        # ResNet of Wang et al. (2017): three residual blocks of three layers.
        "resnet": _architecture(
            filters=(64, 64, 64, 128, 128, 128, 128, 128, 128),
            kernel_size=(8, 5, 3) * 3,
            residual=3,
            batch_norm=True,
            pool_size=None,
            global_pooling="avg",
            dense_units=None,
            recipe=_long_recipe(2_000_000),
        ),
        # InceptionTime's network (Ismail Fawaz et al., 2020): six inception
        # modules of 4 x 32 channels (kernels 40, 20, 10 and a pooling
        # branch) in two residual blocks of three, global average pooling.
        "inception": _architecture(
            **_INCEPTION, filters=(32,) * 6, recipe=_long_recipe(1_500_000)
        ),
        # InceptionTime's network with 16 filters per branch (modules of
        # 4 x 16 channels): about a quarter of the arithmetic, so about three
        # times the epochs in the same time on CPU, which the large sets of
        # the suite need (ACSF1, Adiac, Computers, CricketX, FiftyWords: 6 to
        # 12 points above "inception" at a similar fit time; screened with
        # bench_accuracy.py on those sets). The fit ends on the moving
        # average of its epochs' weights, starts at twice Keras's learning
        # rate, and averages up to three networks where the budget affords
        # them.
        "inception_small": _architecture(
            **_INCEPTION,
            filters=(16,) * 6,
            recipe={
                **_long_recipe(9_000_000),
                "budget_step_cost": 2000,
                "weight_averaging": 0.9,
                "learning_rate": 0.002,
                "n_networks": 3,
            },
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
            recipe=_long_recipe(20_000_000),
        ),
    }
)


def architecture_grid(*names):
    """Grid-search points, one per named configuration, for ``GridSearchCV``.

    Each point is a whole entry of :data:`ARCHITECTURES`: the network and
    its training recipe (``epochs``, ``timestep_budget``,
    ``budget_step_cost``, ``batch_size``, ``learning_rate``,
    ``reduce_lr_patience``, ``weight_averaging``, ``n_networks``,
    ``n_iter_no_change``, ``tol``, ``normalize``, ``dropout``,
    ``time_shift``), so that every candidate trains as it was measured
    whatever the searched estimator held.

    Parameters
    ----------
    *names : str
        Names of :data:`ARCHITECTURES`; none for all of them.

    Returns
    -------
    list of dict
        One dict of one-element lists per name: a ``param_grid`` of
        :class:`~sklearn.model_selection.GridSearchCV`. Add other parameters
        to each dict to search them too; a key of the entry set in a dict
        (``grid[0]["epochs"] = [50]``) overrides its recipe for that point.

    Raises
    ------
    KeyError
        If a name is not in :data:`ARCHITECTURES`, naming the known ones.

    Examples
    --------
    >>> from sklearn_conv1d import architecture_grid
    >>> grid = architecture_grid("seed", "fcn")
    >>> len(grid), grid[1]["global_pooling"], grid[1]["timestep_budget"]
    (2, ['avg'], [3000000])
    >>> grid[1]["epochs"] = [50]  # the FCN's recipe, for 50 epochs
    """
    names = names or tuple(ARCHITECTURES)
    return [
        {param: [value] for param, value in ARCHITECTURES[name].items()}
        for name in names
    ]
