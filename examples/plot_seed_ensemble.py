"""
=====================================================
A seed ensemble with scikit-learn's VotingClassifier
=====================================================

A network's test accuracy depends on its random initialisation, the more so
on small training sets. InceptionTime's trick is to train a few copies that
differ only in their seed and average their predicted probabilities. In
scikit-learn that is a :class:`~sklearn.ensemble.VotingClassifier` with
``voting="soft"``: it clones each member, fits it, and averages their
``predict_proba``. :class:`~sklearn_conv1d.Conv1DClassifier` does the same
in one estimator with ``n_networks`` (last section).

ArrowHead (bundled with aeon) has 36 training and 175 test series of length
251, three shapes of arrowhead outline. Five members at our defaults (the
seed network and its default training) train in about a minute on two CPU
cores.
"""

# %%
# Five members that differ only in ``random_state``.
import time

import matplotlib.pyplot as plt
import numpy as np
from aeon.datasets import load_classification
from sklearn.ensemble import VotingClassifier

from sklearn_conv1d import Conv1DClassifier

X_train, y_train = load_classification("ArrowHead", split="train")
X_test, y_test = load_classification("ArrowHead", split="test")

seeds = range(5)
ensemble = VotingClassifier(
    [
        (
            f"seed_{seed}",
            Conv1DClassifier(data_format="channels_first", random_state=seed),
        )
        for seed in seeds
    ],
    voting="soft",
)
start = time.perf_counter()
ensemble.fit(X_train, y_train)
fit_seconds = time.perf_counter() - start

# %%
# Each fitted member, on its own, is exactly the classifier one would have
# trained with that seed: compare them with the ensemble on the test set.
# ``VotingClassifier`` fits its members on labels encoded as 0, 1, 2, ...,
# so a member's prediction indexes the ensemble's ``classes_``.
members = [
    np.mean(ensemble.classes_[member.predict(X_test)] == y_test)
    for member in ensemble.estimators_
]
voted = ensemble.score(X_test, y_test)
for seed, accuracy in zip(seeds, members, strict=True):
    print(f"seed {seed}: test accuracy {accuracy:.3f}")
print(f"members: median {np.median(members):.3f}, worst {min(members):.3f}")
print(
    f"soft vote of {len(members)}: {voted:.3f} "
    f"({100 * (voted - np.median(members)):+.1f} points over the median member)"
)
print(
    f"fit: {fit_seconds:.1f} s for the ensemble, "
    f"{fit_seconds / len(members):.1f} s per member"
)

# %%
# How the vote grows: the ensemble of the first ``k`` members, for each ``k``,
# from the members already fitted (averaging their probabilities is all that
# soft voting does, so no network is trained again).
probabilities = [member.predict_proba(X_test) for member in ensemble.estimators_]
classes = ensemble.classes_
growing = [
    np.mean(classes[np.mean(probabilities[:k], axis=0).argmax(axis=1)] == y_test)
    for k in range(1, len(members) + 1)
]
assert np.isclose(growing[-1], voted)  # the same soft vote as VotingClassifier's

fig, ax = plt.subplots(figsize=(6, 4))
ax.plot(range(1, len(members) + 1), growing, marker="o", label="soft vote of first k")
ax.plot(
    range(1, len(members) + 1),
    members,
    marker="x",
    linestyle="none",
    label="member k alone",
)
ax.set_xlabel("k (members)")
ax.set_ylabel("test accuracy")
ax.set_xticks(range(1, len(members) + 1))
ax.set_title("ArrowHead: seed ensemble of the default network")
ax.grid(alpha=0.3)
ax.legend()
fig.tight_layout()
plt.show()

# %%
# The cost is linear: ``k`` members take ``k`` fits and ``k`` predictions.
# Pass ``n_jobs`` to :class:`~sklearn.ensemble.VotingClassifier` to fit them
# in parallel (see :doc:`/scaling` for what that gains on CPU cores). Any
# other parameters -- a named architecture, ``normalize="series"`` -- are
# given to each member as usual.

# %%
# The same inside one estimator: ``n_networks=5`` trains five networks, one
# after the other, and keeps one ``model_`` that averages their outputs, to
# save, pickle or export to ONNX as a single network. Its networks are
# seeded from ``random_state`` (the first with ``random_state`` itself, the
# others with seeds drawn from it), so they are not the members above.
start = time.perf_counter()
clf = Conv1DClassifier(data_format="channels_first", n_networks=5, random_state=0)
clf.fit(X_train, y_train)
print(
    f"n_networks=5: test accuracy {clf.score(X_test, y_test):.3f}, "
    f"fit {time.perf_counter() - start:.1f} s, {clf.n_networks_} networks"
)
