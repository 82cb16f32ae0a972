"""Explain and embed: class activation maps and ``transform``.

Backend-agnostic: CI runs this module on TensorFlow, JAX and PyTorch. Each
network is fitted once per module; the fits are small.
"""

import copy
import pickle
import sys
import threading

import keras
import numpy as np
import pandas as pd
import pytest
from sequence_data import make_sequences
from sklearn.exceptions import NotFittedError
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline

from sklearn_conv1d import (
    ARCHITECTURES,
    Conv1DClassifier,
    Conv1DRegressor,
    class_activation_map,
    load,
    save,
)
from sklearn_conv1d._anatomy import feature_maps
from sklearn_conv1d._architectures import _KEYS
from sklearn_conv1d._network import build_network

#: The class signal lies in these timesteps of 100, and nowhere else.
WINDOW = slice(40, 60)
#: Epochs per network on the window data (accuracy 1.0 on all backends).
EPOCHS = {"seed": 20, "fcn": 10}
TINY = dict(filters=4, dense_units=8, epochs=2, random_state=0)


def window_data(n_samples, seed):
    """Noise, plus in timesteps 40-59 a bump (class 1) or a dip (class 0).

    Both classes are told apart there alone: a good explanation puts its
    relevance there. Float32 ``(n_samples, 100)``; labels alternate.
    """
    rng = np.random.RandomState(seed)
    y = np.arange(n_samples) % 2
    X = rng.randn(n_samples, 100)
    bump = 3 * np.sin(np.linspace(0, np.pi, WINDOW.stop - WINDOW.start))
    X[:, WINDOW] += np.where(y[:, np.newaxis] == 1, bump, -bump)
    return X.astype(np.float32), y


def window_share(relevance):
    """The share of the relevance mass inside WINDOW."""
    return relevance[:, WINDOW].sum() / relevance.sum()


@pytest.fixture(scope="module")
def window_fits():
    X, y = window_data(200, seed=0)
    # The named networks without their recipes: the FCN's per-series
    # normalisation would spread the window's signal (its mean) over every
    # timestep, and the relevance with it.
    return {
        name: Conv1DClassifier(
            **{key: ARCHITECTURES[name][key] for key in _KEYS},
            epochs=epochs,
            random_state=0,
        ).fit(X, y)
        for name, epochs in EPOCHS.items()
    }


@pytest.fixture(scope="module")
def test_set():
    return window_data(100, seed=1)


@pytest.fixture(scope="module")
def multichannel():
    """A small classifier of string labels on 2-channel sequences, channels-last."""
    X, y = make_sequences(n_samples=40, n_timesteps=24, n_channels=2)
    labels = np.array(["low", "high"])[y]
    return Conv1DClassifier(**TINY).fit(X, labels), X, labels


# -- the target of issue 26: relevance where the class signal is --------------
@pytest.mark.parametrize("name", sorted(EPOCHS))
def test_relevance_mass_lies_in_the_class_window(name, window_fits, test_set):
    X, y = test_set
    clf = window_fits[name]
    correct = clf.predict(X) == y
    assert correct.mean() >= 0.9
    relevance = class_activation_map(clf, X[correct])
    shares = [window_share(relevance[y[correct] == c]) for c in (0, 1)]
    print(
        f"\n{name}: window share {window_share(relevance):.3f}, "
        f"class 0 {shares[0]:.3f}, class 1 {shares[1]:.3f}"
    )
    assert window_share(relevance) >= 0.6
    assert min(shares) >= 0.5


def test_grad_cam_loses_where_a_flatten_head_looks(window_fits, test_set):
    """Why "auto" is HiResCAM on a Flatten head: Grad-CAM averages it away."""
    X, y = test_set
    clf = window_fits["seed"]
    hires = class_activation_map(clf, X, method="hirescam")
    grad = class_activation_map(clf, X, method="grad-cam")
    print(
        f"\nseed: HiResCAM {window_share(hires):.3f}, Grad-CAM {window_share(grad):.3f}"
    )
    np.testing.assert_array_equal(class_activation_map(clf, X), hires)
    assert window_share(hires) > window_share(grad)


def test_methods_agree_on_a_global_average_network(window_fits, test_set):
    X, _ = test_set
    clf = window_fits["fcn"]
    maps = {
        method: class_activation_map(clf, X[:20], method=method)
        for method in ("cam", "grad-cam", "hirescam", "auto")
    }
    np.testing.assert_array_equal(maps["auto"], maps["cam"])
    # CAM is sum_k w_k A_k; both gradient methods give it divided by the
    # number of positions averaged (the FCN keeps all 100).
    for method in ("grad-cam", "hirescam"):
        np.testing.assert_allclose(
            maps[method] * X.shape[1],
            maps["cam"],
            rtol=1e-3,
            atol=1e-5 * maps["cam"].max(),
        )


# -- what relevance is -----------------------------------------------------------
def test_relevance_is_non_negative_per_timestep_of_the_predicted_class(
    window_fits, test_set
):
    X, _ = test_set
    clf = window_fits["seed"]
    relevance = class_activation_map(clf, X[:10])
    assert relevance.shape == (10, 100) and relevance.dtype == np.float64
    assert (relevance >= 0).all() and relevance.sum() > 0
    predicted = clf.predict(X[:10])
    for label in clf.classes_:
        rows = predicted == label
        if rows.any():
            np.testing.assert_allclose(
                class_activation_map(clf, X[:10][rows], target=label),
                relevance[rows],
                rtol=1e-5,
            )


def test_a_shifted_signal_shifts_the_relevance(window_fits, test_set):
    """Relevance follows the input's time axis through the network's pooling."""
    X, y = test_set
    clf = window_fits["fcn"]  # reads any position: no Flatten weights per position
    shifted = np.roll(X[y == 1][:10], 20, axis=1)  # the bump now at 60-79
    relevance = class_activation_map(clf, shifted, target=1)
    peak = relevance.argmax(axis=1)
    assert np.median(peak) == pytest.approx(70, abs=6)


def test_layouts_give_the_same_relevance(multichannel):
    clf, X, labels = multichannel
    expected = class_activation_map(clf, X, target="high")
    assert expected.shape == (40, 24)
    # The same fit from aeon's layout: the same network, the same relevance.
    X_first = np.swapaxes(X, 1, 2)
    first = Conv1DClassifier(data_format="channels_first", **TINY).fit(X_first, labels)
    got = class_activation_map(first, X_first, target="high")
    np.testing.assert_allclose(got, expected, rtol=1e-6)
    univariate = Conv1DClassifier(**TINY).fit(X[:, :, 0], labels)
    assert class_activation_map(univariate, X[:, :, 0]).shape == (40, 24)
    assert class_activation_map(univariate, pd.DataFrame(X[:, :, 0])).shape == (
        40,
        24,
    )


def test_a_list_gives_each_sequence_its_own_length(multichannel):
    clf, X, _ = multichannel
    sequences = [x[: 14 + i % 10] for i, x in enumerate(X)]  # 14 to 23 timesteps
    relevance = class_activation_map(clf, sequences, target="low")
    assert isinstance(relevance, list)
    assert [len(r) for r in relevance] == [len(x) for x in sequences]
    # As predict does, shorter sequences are read padded to the fit length, at
    # the data's mean level (zero once standardised).
    padded = np.tile(clf.input_mean_, (*X.shape[:2], 1)).astype(X.dtype)
    for i, x in enumerate(sequences):
        padded[i, : len(x)] = x
    full = class_activation_map(clf, padded, target="low")
    for i, row in enumerate(relevance):
        np.testing.assert_allclose(row, full[i, : len(row)], rtol=1e-6)


def test_a_global_pooling_network_explains_longer_sequences_whole(
    window_fits, test_set
):
    X, _ = test_set
    clf = window_fits["fcn"]
    sequences = [X[0], np.concatenate([X[1], X[2]]), X[3][:70]]
    relevance = class_activation_map(clf, sequences)
    assert [len(r) for r in relevance] == [100, 200, 70]
    np.testing.assert_allclose(
        relevance[0], class_activation_map(clf, X[:1])[0], rtol=1e-5
    )


def test_regressor_relevance_by_output_index():
    X, y = make_sequences(n_samples=40, n_timesteps=24)
    Y = np.column_stack([X[:, :8].sum(axis=1), X[:, 16:].sum(axis=1)])
    single = Conv1DRegressor(**TINY).fit(X, Y[:, 0])
    assert class_activation_map(single, X[:5]).shape == (5, 24)
    both = Conv1DRegressor(**TINY).fit(X, Y)
    assert class_activation_map(both, X[:5], target=1).shape == (5, 24)
    with pytest.raises(ValueError, match="0 to 1"):
        class_activation_map(both, X[:5])
    with pytest.raises(ValueError, match="does not name an output"):
        class_activation_map(both, X[:5], target=2)


def test_multilabel_relevance_by_label_index():
    X, y = make_sequences(n_samples=40, n_timesteps=24)
    Y = np.column_stack([y, X[:, :8].sum(axis=1) > 0]).astype(int)
    clf = Conv1DClassifier(**TINY).fit(X, Y)
    assert class_activation_map(clf, X[:5], target=1).shape == (5, 24)
    assert class_activation_map(clf, X[:5]).shape == (5, 24)
    with pytest.raises(ValueError, match=r"classes_=\[0, 1\]"):
        class_activation_map(clf, X[:5], target=2)


def test_explaining_in_threads_equals_explaining_in_turn(window_fits, test_set):
    X, _ = test_set
    clf = window_fits["seed"]
    expected = [class_activation_map(clf, X[i::4]) for i in range(4)]
    results = [None] * 4

    def explain(i):
        results[i] = class_activation_map(clf, X[i::4])

    threads = [threading.Thread(target=explain, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for got, want in zip(results, expected, strict=True):
        np.testing.assert_array_equal(got, want)


def test_explaining_and_embedding_leave_the_network_as_it_was(multichannel):
    """No reference to a pooled network stays behind, and no layer gains a node."""
    clf, X, _ = multichannel
    model = clf.model_
    refs = sys.getrefcount(model)
    nodes = [len(layer._inbound_nodes) for layer in model.layers]
    weights = [w.copy() for w in model.get_weights()]
    for method in ("grad-cam", "hirescam"):
        class_activation_map(clf, X, method=method)
    clf.transform(X)
    assert sys.getrefcount(model) == refs
    assert [len(layer._inbound_nodes) for layer in model.layers] == nodes
    for before, after in zip(weights, model.get_weights(), strict=True):
        np.testing.assert_array_equal(before, after)


@pytest.mark.parametrize("padding", ["same", "valid", "causal"])
@pytest.mark.parametrize("pool_size", [2, 3])
def test_positions_map_to_the_centres_of_the_windows_they_read(padding, pool_size):
    """Each feature-map position sits at the centre of the timesteps it reads.

    Found by perturbing one timestep at a time in a random (untrained)
    network: a position reads the timesteps whose change changes it.
    """
    n_timesteps = 41  # no pool divides it: "same" pooling pads
    model = build_network(
        (n_timesteps, 1),
        2,
        "softmax",
        0,
        **{
            **{key: ARCHITECTURES["seed"][key] for key in _KEYS},  # its network
            "filters": (8, 8),
            "kernel_size": (4, 3),
            "dilation_rate": (1, 2),
            "padding": padding,
            "pool_size": pool_size,
        },
        batch_norm_momentum=0.9,
        activation="linear",
        dropout=0.0,
    )
    maps = feature_maps(model, "network")
    base = np.zeros((1, n_timesteps, 1), np.float32)
    reference = keras.ops.convert_to_numpy(maps.features(base)[0])[0]
    reads = np.zeros((reference.shape[0], n_timesteps), bool)
    for t in range(n_timesteps):
        for sign in (1, -1):
            x = base.copy()
            x[0, t, 0] = 1000 * sign
            changed = keras.ops.convert_to_numpy(maps.features(x)[0])[0] != reference
            reads[:, t] |= changed.any(axis=1)
    centres = maps.centres(n_timesteps, reference.shape[0])
    # Where a window reaches into the padding, the timesteps it reads are cut.
    inside = [p for p in range(len(reads)) if 0 < reads[p].argmax()]
    inside = [p for p in inside if reads[p][::-1].argmax() > 0]
    assert len(inside) >= len(reads) // 2
    for p in inside:
        first, last = np.flatnonzero(reads[p])[[0, -1]]
        assert centres[p] == pytest.approx((first + last) / 2), p


# -- bad input -------------------------------------------------------------------
def test_unfitted_estimator_raises_not_fitted():
    X, _ = make_sequences(n_samples=4)
    for estimator in (Conv1DClassifier(), Conv1DRegressor()):
        with pytest.raises(NotFittedError):
            class_activation_map(estimator, X)
        with pytest.raises(NotFittedError):
            estimator.transform(X)
        with pytest.raises(NotFittedError):
            estimator.get_feature_names_out()


def test_a_class_not_in_classes_raises_naming_the_classes(multichannel):
    clf, X, _ = multichannel
    for target in ("medium", 0, 1):  # labels, not indices
        with pytest.raises(ValueError, match=r"classes_=\['high', 'low'\]"):
            class_activation_map(clf, X, target=target)
    with pytest.raises(ValueError, match="one class label"):
        class_activation_map(clf, X, target=["high", "low"])


def test_a_network_without_convolution_raises(multichannel):
    clf, X, _ = multichannel
    dense = copy.copy(clf)
    inputs = keras.Input(shape=clf.input_shape_)
    hidden = keras.layers.Dense(3)(keras.layers.Flatten()(inputs))
    dense.model_ = keras.Model(inputs, keras.layers.Dense(2)(hidden))
    with pytest.raises(ValueError, match="no convolutional layer"):
        class_activation_map(dense, X)


def test_cam_on_a_network_it_does_not_apply_to_raises(window_fits, test_set):
    X, _ = test_set
    with pytest.raises(ValueError, match="Flatten -> Dense -> Dense.*hirescam"):
        class_activation_map(window_fits["seed"], X, method="cam")
    with pytest.raises(ValueError, match="method"):
        class_activation_map(window_fits["seed"], X, method="saliency")


def test_not_our_estimator_raises_type_error(test_set):
    X, y = test_set
    with pytest.raises(TypeError, match="pipe\\[-1\\]"):
        class_activation_map(LogisticRegression().fit(X, y), X)


@pytest.mark.parametrize(
    "bad",
    [
        lambda X: [np.concatenate([X[0], X[1]])],  # longer than the network reads
        lambda X: X[:, :50],  # other timesteps than in fit
        lambda X: X[:, :, np.newaxis].repeat(2, axis=2),  # other channels
        lambda X: X[0],  # one sequence as 1D
    ],
)
def test_bad_sequences_get_the_error_predict_gives(bad, window_fits, test_set):
    X, _ = test_set
    clf = window_fits["seed"]
    with pytest.raises(ValueError) as predicting:
        clf.predict(bad(X))
    for call in (clf.transform, lambda X: class_activation_map(clf, X)):
        with pytest.raises(ValueError) as excinfo:
            call(bad(X))
        assert str(excinfo.value) == str(predicting.value)


# -- transform: the network as a feature extractor -------------------------------
def test_transform_is_what_the_output_layer_reads(window_fits, test_set):
    X, _ = test_set
    for name, width in (("seed", 100), ("fcn", 128)):
        clf = window_fits[name]
        embedding = clf.transform(X)
        assert embedding.shape == (100, width) and embedding.dtype == np.float64
        names = clf.get_feature_names_out()
        assert list(names[:2]) == ["conv1dclassifier0", "conv1dclassifier1"]
        assert len(names) == width
        kernel, bias = clf.model_.layers[-1].get_weights()
        logits = embedding @ kernel + bias
        proba = np.exp(logits - logits.max(axis=1, keepdims=True))
        proba /= proba.sum(axis=1, keepdims=True)
        np.testing.assert_allclose(proba, clf.predict_proba(X), atol=1e-4)


def test_pipeline_with_the_network_as_feature_extractor(test_set):
    X, y = window_data(200, seed=0)
    X_test, y_test = test_set
    pipe = make_pipeline(
        Conv1DClassifier(epochs=EPOCHS["seed"], random_state=0), LogisticRegression()
    )
    assert pipe.fit(X, y).score(X_test, y_test) >= 0.9
    assert pipe[:-1].get_feature_names_out().shape == (100,)
    reg = make_pipeline(Conv1DRegressor(**TINY), Ridge()).fit(X, y.astype(float))
    assert reg.predict(X_test).shape == (100,)


def test_a_frozen_fitted_network_is_not_trained_again(multichannel):
    clf, X, labels = multichannel
    weights = [w.copy() for w in clf.model_.get_weights()]
    pipe = make_pipeline(FrozenEstimator(clf), LogisticRegression()).fit(X, labels)
    assert pipe.predict(X).shape == (40,)
    for before, after in zip(weights, clf.model_.get_weights(), strict=True):
        np.testing.assert_array_equal(before, after)


def test_grid_search_over_a_feature_extracting_pipeline():
    X, y = make_sequences(n_samples=40, n_timesteps=24)
    pipe = make_pipeline(Conv1DClassifier(**TINY), LogisticRegression())
    search = GridSearchCV(pipe, {"conv1dclassifier__filters": [4, 8]}, cv=2)
    search.fit(X, y)
    assert search.best_estimator_.predict(X).shape == (40,)


def test_transform_set_output_pandas(multichannel):
    clf, X, _ = multichannel
    frame = copy.deepcopy(clf).set_output(transform="pandas").transform(X)
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == list(clf.get_feature_names_out())
    np.testing.assert_array_equal(frame.to_numpy(), clf.transform(X))


def test_transform_survives_pickle_and_save(multichannel, tmp_path):
    clf, X, _ = multichannel
    expected = clf.transform(X)
    np.testing.assert_array_equal(
        pickle.loads(pickle.dumps(clf)).transform(X), expected
    )
    loaded = load(save(clf, tmp_path / "clf.zip"))
    np.testing.assert_array_equal(loaded.transform(X), expected)
    np.testing.assert_array_equal(
        class_activation_map(loaded, X), class_activation_map(clf, X)
    )


def test_transform_reads_longer_sequences_with_a_global_pooling_network(
    window_fits, test_set
):
    X, _ = test_set
    clf = window_fits["fcn"]
    embedding = clf.transform([X[0], np.concatenate([X[1], X[2]])])
    assert embedding.shape == (2, 128)
    np.testing.assert_allclose(embedding[0], clf.transform(X[:1])[0], rtol=1e-5)
