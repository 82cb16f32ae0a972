"""Which timesteps drove a prediction: class activation maps.

:func:`class_activation_map` is a function of a fitted estimator, as
scikit-learn's inspection tools are (``permutation_importance``,
``partial_dependence``): explaining is not part of fitting or predicting, and
a function keeps the estimators' own API to what scikit-learn defines. Its
``target`` follows ``partial_dependence``'s: one class (or output) per call.

Three methods weigh the channels of the network's last feature map ``A``
(``positions x channels``, after the last convolutional block) for the score
``y`` of the target class before the softmax:

- CAM (Zhou et al., 2016): for a network that averages ``A`` over time
  straight into its output layer (the FCN), the output weights of the class:
  ``sum_k w_k A_k(t)``, exactly the class score's share of each position.
- Grad-CAM (Selvaraju et al., 2017): any network; each channel weighted by
  its gradient averaged over time, ``sum_k mean_t(dy/dA_k) A_k(t)``.
- HiResCAM (Draelos and Carin, 2020): any network; gradient times feature
  map at each position, ``sum_k dy/dA_k(t) A_k(t)``. Grad-CAM's average
  drops where a ``Flatten`` head looks (its weights differ per position):
  on the seed network, with the class signal in a known fifth of the
  series, Grad-CAM put 0.46-0.65 of its mass there and HiResCAM 0.72-0.90
  on the three backends (tests/test_inspection.py; docs/inspection.rst).
  On a global-average network all three agree up to scale.

Negative evidence is cut (ReLU, as in the papers), and each position's value
is placed at the centre of the input window it reads and linearly
interpolated onto the input's timesteps (``FeatureMaps.centres``). Gradients
come from ``_gradients``, the only module that knows the backends apart.
"""

from functools import partial
from numbers import Integral

import keras
import numpy as np
from sklearn.base import is_classifier
from sklearn.utils._param_validation import StrOptions, validate_params
from sklearn.utils.validation import check_is_fitted

from ._anatomy import feature_maps, in_blocks
from ._base import Conv1DBase
from ._ensemble import networks_of
from ._gradients import value_and_gradient
from ._sequences import is_sequence_list

#: The names ``method`` takes.
METHODS = ("auto", "cam", "grad-cam", "hirescam")


@validate_params(
    {
        "estimator": "no_validation",
        "X": ["array-like"],
        "target": "no_validation",
        "method": [StrOptions(set(METHODS))],
    },
    prefer_skip_nested_validation=True,
)
def class_activation_map(estimator, X, *, target=None, method="auto"):
    """Relevance of each timestep of each sequence to a class (or output).

    A class activation map: how much each part of a sequence raised the
    network's score of a class, from the feature maps of its last
    convolutional block, mapped back onto the sequence's own timesteps
    (through the strides of its pooling and the windows of its
    convolutions). Values are non-negative, larger where the timestep
    counts more; compare them within a call (their scale depends on the
    network and method), e.g. divided by each row's maximum for a plot.
    For an ensemble (``n_networks`` above 1), the mean of its networks'
    maps.

    Parameters
    ----------
    estimator : Conv1DClassifier or Conv1DRegressor
        A fitted estimator of this package.
    X : array-like of shape (n_samples, n_timesteps) or \
            (n_samples, n_timesteps, n_channels), or list of sequences
        Sequences, in the layout used in fit, validated as ``predict``
        validates them: the same errors for a wrong shape, and a list of
        unequal-length sequences is padded as in ``predict``.
    target : label or int, default=None
        What to explain. For a classifier, one of ``classes_`` (a label,
        not an index); None explains each sequence's predicted class (for
        multilabel ``y``, its most probable label). For a regressor, the
        index of the output; None for a single output.
    method : {"auto", "cam", "grad-cam", "hirescam"}, default="auto"
        ``"cam"``: Zhou et al. (2016), for a network whose last feature map
        is averaged over time straight into the output layer (e.g.
        ``ARCHITECTURES["fcn"]``); needs no gradient. ``"grad-cam"``:
        Selvaraju et al. (2017), any convolutional network; each channel
        weighted by its gradient averaged over time. ``"hirescam"``: Draelos
        and Carin (2020), any convolutional network; gradient times feature
        map, position by position, which keeps where a ``Flatten`` head
        looks. ``"auto"``: ``"cam"`` where it applies, else ``"hirescam"``.

    Returns
    -------
    relevance : ndarray of shape (n_samples, n_timesteps), or list of ndarray
        Non-negative float64, one value per timestep of each sequence. For a
        list of sequences, a list of 1D arrays, each as long as its sequence
        (the relevance of the padding is dropped).

    Raises
    ------
    sklearn.exceptions.NotFittedError
        If ``estimator`` is not fitted.
    ValueError
        If ``target`` is not a class of ``classes_`` (or an output index), if
        the network has no convolutional layer, if ``method="cam"`` does not
        apply to the network, or if ``X`` is refused as ``predict`` refuses
        it, e.g. sequences longer than the network reads.
    TypeError
        If ``estimator`` is not an estimator of this package.

    See Also
    --------
    sklearn.inspection.permutation_importance : Importance of each feature.

    References
    ----------
    .. [1] B. Zhou, A. Khosla, A. Lapedriza, A. Oliva and A. Torralba,
       "Learning Deep Features for Discriminative Localization", CVPR 2016.
    .. [2] R. R. Selvaraju, M. Cogswell, A. Das, R. Vedantam, D. Parikh and
       D. Batra, "Grad-CAM: Visual Explanations from Deep Networks via
       Gradient-based Localization", ICCV 2017.
    .. [3] R. L. Draelos and L. Carin, "Use HiResCAM instead of Grad-CAM for
       faithful explanations of convolutional neural networks", 2020,
       arXiv:2011.08891.
    .. [4] Z. Wang, W. Yan and T. Oates, "Time series classification from
       scratch with deep neural networks: A strong baseline", IJCNN 2017.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_conv1d import ARCHITECTURES, Conv1DClassifier
    >>> from sklearn_conv1d import class_activation_map
    >>> rng = np.random.RandomState(0)
    >>> X = rng.randn(60, 40)
    >>> y = np.arange(60) % 2
    >>> X[y == 1, 20:30] += 3  # class 1: a step in timesteps 20-29
    >>> clf = Conv1DClassifier(**ARCHITECTURES["fcn"], random_state=0)
    >>> clf = clf.set_params(epochs=10).fit(X, y)
    >>> relevance = class_activation_map(clf, X[y == 1], target=1)
    >>> relevance.shape
    (30, 40)
    >>> share = relevance[:, 20:30].sum() / relevance.sum()  # of 10/40 timesteps
    >>> bool(share > 0.5)
    True
    """
    if not isinstance(estimator, Conv1DBase):
        raise TypeError(
            "class_activation_map explains a Conv1DClassifier or Conv1DRegressor; "
            f"got {type(estimator).__name__}. For a pipeline, pass its last step "
            "and X through the steps before it: class_activation_map(pipe[-1], "
            "pipe[:-1].transform(X))."
        )
    check_is_fitted(estimator)
    name = type(estimator).__name__
    networks = [feature_maps(net, name) for net in networks_of(estimator.model_)]
    maps = networks[0]  # an ensemble's networks share their architecture
    if method == "auto":
        method = "cam" if maps.global_average else "hirescam"
    elif method == "cam" and not maps.global_average:
        raise ValueError(
            "method='cam' needs a network that averages its last feature map "
            "over time straight into a Dense output layer (global_pooling='avg', "
            "dense_units=None, as ARCHITECTURES['fcn']); the network of this "
            f"{name} reads it through {maps.describe_head()}. Use "
            "method='hirescam' or 'grad-cam' (or 'auto'), which apply to any "
            "convolutional network."
        )
    column = _target_column(estimator, target)
    relevance = partial(_mean_relevance, networks, method, column)
    rows = estimator._predict_raw(X, network=relevance)
    if is_sequence_list(X):
        time_axis = 1 if estimator.data_format == "channels_first" else 0
        lengths = [np.shape(x)[time_axis] if np.ndim(x) == 2 else len(x) for x in X]
        return [row[:length] for row, length in zip(rows, lengths, strict=True)]
    shape = np.shape(X)
    channels_first = len(shape) == 3 and estimator.data_format == "channels_first"
    length = shape[2 if channels_first else 1]
    return np.stack([row[:length] for row in rows])


def _target_column(estimator, target):
    """The output column that ``target`` names; None for each row's predicted class."""
    name = type(estimator).__name__
    if np.ndim(target) != 0:
        raise ValueError(
            f"target must be one class label or output index, got {target!r}. "
            "Explain one class per call, e.g. class_activation_map(est, "
            "X[y == c], target=c), or pass None for each sequence's predicted "
            "class."
        )
    if is_classifier(estimator):
        if target is None:
            return None
        classes = estimator.classes_
        matches = [i for i, label in enumerate(classes) if label == target]
        if not matches:
            raise ValueError(
                f"target={target!r} is not a class of this {name}: classes_="
                f"{classes.tolist()}. Pass one of classes_ (a label, not an "
                "index), or None for each sequence's predicted class."
            )
        return matches[0]
    n_outputs = estimator.n_outputs_
    if target is None and n_outputs == 1:
        return 0
    if (
        isinstance(target, Integral)
        and not isinstance(target, bool)
        and 0 <= target < n_outputs
    ):
        return int(target)
    raise ValueError(
        f"target={target!r} does not name an output of this {name}, which has "
        f"{n_outputs}. Pass the index of an output, 0 to {n_outputs - 1}"
        + (", or None for the only one." if n_outputs == 1 else ".")
    )


def _mean_relevance(networks, method, column, X, batch_size):
    """The mean of each network's relevance (an ensemble's networks)."""
    return np.mean(
        [_relevance(maps, method, column, X, batch_size) for maps in networks], axis=0
    )


def _relevance(maps, method, column, X, batch_size):
    """Relevance rows for ``X`` validated as the network takes it.

    The network function of ``Conv1DBase._predict_raw``; returns one 1D array
    per row in an object array, so that groups of sequences read at
    different lengths assemble into one result.
    """
    n_timesteps = X.shape[1]

    def block(X_block):
        feature_map, embedding = maps.features(X_block, training=False)
        scores = keras.ops.convert_to_numpy(maps.scores(embedding))
        columns = (
            np.argmax(scores, axis=1)
            if column is None
            else np.full(len(X_block), column, dtype=np.int64)
        )
        if method == "cam":
            kernel = keras.ops.convert_to_numpy(maps.output.kernel)
            A = keras.ops.convert_to_numpy(feature_map)
            cam = np.einsum("npk,kn->np", A, kernel[:, columns])
        else:
            index = keras.ops.convert_to_tensor(columns[:, np.newaxis])

            def target_score(feature_map):
                scores = maps.head_scores(feature_map)
                return keras.ops.take_along_axis(scores, index, axis=1)[:, 0]

            _, gradient = value_and_gradient(target_score, feature_map)
            A = keras.ops.convert_to_numpy(feature_map)
            if method == "grad-cam":
                gradient = gradient.mean(axis=1, keepdims=True)
            cam = np.sum(A * gradient, axis=2)
        cam = np.maximum(cam.astype(np.float64), 0.0)
        centres = maps.centres(n_timesteps, cam.shape[1])
        grid = np.arange(n_timesteps)
        return np.stack([np.interp(grid, centres, row) for row in cam])

    relevance = in_blocks(block, X, batch_size)
    rows = np.empty(len(relevance), dtype=object)
    for i, row in enumerate(relevance):
        rows[i] = row
    return rows
