"""
=============================================================
Which part of the series? Class activation maps on GunPoint
=============================================================

:func:`~sklearn_conv1d.class_activation_map` tells, for each timestep of each
series, how much it raised the network's score of a class: a class activation
map (CAM, Zhou et al. 2016), the signature figure of the FCN paper (Wang et
al. 2017). Here the FCN learns GunPoint, a real motion-capture data set
bundled with aeon: the x coordinate of an actor's hand while they draw a
replica gun from a hip holster, aim and put it back (class ``"1"``, *gun*),
or only point a finger (class ``"2"``, *point*). We colour test series by
their map and compare where the maps lie with where the two classes' series
differ.

The fitted network also embeds series: its ``transform`` returns what the
output layer reads, the input of any scikit-learn model. The last cell
classifies GunPoint with a logistic regression on those embeddings.
"""

# %%
# Fit the FCN (three convolutional blocks, global average pooling, then the
# softmax layer, ``ARCHITECTURES["fcn"]``) with the training recipe the entry
# carries (small batches, the learning rate halved on plateaus, each channel
# standardised with the training data's statistics): about 20 s on two CPU
# cores. GunPoint is univariate: use 2D ``(n_series, n_timesteps)`` arrays.
import matplotlib.pyplot as plt
import numpy as np
from aeon.datasets import load_classification
from sklearn.linear_model import LogisticRegression

from sklearn_conv1d import ARCHITECTURES, Conv1DClassifier, class_activation_map

X_train, y_train = load_classification("GunPoint", split="train")
X_test, y_test = load_classification("GunPoint", split="test")
X_train, X_test = X_train[:, 0, :], X_test[:, 0, :]

fcn = Conv1DClassifier(**ARCHITECTURES["fcn"], random_state=0)
fcn.fit(X_train, y_train)
print(f"FCN test accuracy: {fcn.score(X_test, y_test):.3f}")

# %%
# One map per test series, for the class the FCN predicts (``target=None``).
# The FCN averages its last feature maps over time straight into the output
# layer, so ``method="auto"`` computes CAM itself: the output weights of the
# class times each position's features. Maps are non-negative, one value per
# timestep of the input; we scale each series' map to a maximum of 1 to
# compare series.
relevance = class_activation_map(fcn, X_test)
relevance /= relevance.max(axis=1, keepdims=True)
predicted = fcn.predict(X_test)
print(f"relevance: {relevance.shape}")

# %%
# A few correctly classified series of each class, each timestep coloured by
# its relevance, as the FCN paper draws them: red where the series raised the
# score of its class most, blue where it did not.
names = {"1": "gun", "2": "point"}
fig, axes = plt.subplots(1, 2, figsize=(11, 3.8), sharey=True)
for ax, label in zip(axes, fcn.classes_, strict=True):
    rows = np.flatnonzero((y_test == label) & (predicted == label))[:4]
    for i in rows:
        ax.plot(X_test[i], color="0.8", linewidth=1, zorder=1)
        points = ax.scatter(
            np.arange(X_test.shape[1]),
            X_test[i],
            c=relevance[i],
            cmap="jet",
            vmin=0,
            vmax=1,
            s=6,
            zorder=2,
        )
    ax.set_title(f'class "{label}" ({names[label]}): CAM of 4 test series')
    ax.set_xlabel("timestep")
axes[0].set_ylabel("x coordinate of the hand (z-normalised)")
fig.colorbar(points, ax=axes, label="relevance (scaled per series)")
plt.show()

# %%
# Over the whole test set: every series of a class in grey, on a background
# coloured by the class's mean map (over its correctly classified series).
# For a gun the relevance lies on the two movements that differ from a mere
# point, drawing the gun out of the hip holster (the rise) and putting it
# back (the fall); for a point it lies mostly on the hand at rest before and
# after, where the gun's series show those movements' extra dips and bumps.
profiles = {
    label: relevance[(y_test == label) & (predicted == label)].mean(axis=0)
    for label in fcn.classes_
}
top = max(profile.max() for profile in profiles.values())
fig, axes = plt.subplots(1, 2, figsize=(11, 3.8), sharey=True)
for ax, label in zip(axes, fcn.classes_, strict=True):
    profile = profiles[label]
    ax.plot(X_test[y_test == label].T, color="0.3", linewidth=0.4, alpha=0.5)
    low, high = X_test.min() - 0.2, X_test.max() + 0.2
    background = ax.imshow(
        profile[np.newaxis, :],
        aspect="auto",
        extent=(-0.5, X_test.shape[1] - 0.5, low, high),
        cmap="Reds",
        vmin=0,
        vmax=top,
        zorder=0,
    )
    ax.set_ylim(low, high)
    ax.set_title(f'class "{label}" ({names[label]}): mean CAM behind its series')
    ax.set_xlabel("timestep")
    print(f'class "{label}": mean map highest at timestep {profile.argmax()}')
axes[0].set_ylabel("x coordinate of the hand (z-normalised)")
fig.colorbar(background, ax=axes, label="mean relevance")
plt.show()

# %%
# The same network as a feature extractor: ``transform`` returns the 128
# channels the FCN averages over time, which its output layer reads. A
# logistic regression on them, fitted without training the network again,
# classifies about as well as the network's own softmax layer. (In a pipeline,
# ``make_pipeline(Conv1DClassifier(...), LogisticRegression())`` trains both
# in one ``fit``.)
embedding_train, embedding_test = fcn.transform(X_train), fcn.transform(X_test)
print(f"embeddings: {embedding_train.shape}, e.g. {fcn.get_feature_names_out()[:2]}")
logistic = LogisticRegression(max_iter=1000).fit(embedding_train, y_train)
accuracy = logistic.score(embedding_test, y_test)
print(f"logistic regression on the embeddings: {accuracy:.3f}")
