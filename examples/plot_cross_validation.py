"""
===================================================
Cross-validation and a confusion matrix on GunPoint
===================================================

Estimate how well :class:`~sklearn_conv1d.Conv1DClassifier` generalises with
scikit-learn's :func:`~sklearn.model_selection.cross_validate`: per-fold
scores and fit times, and from the fitted fold models an out-of-fold
prediction of every training series, shown as a confusion matrix. The folds
are stratified, as for any classifier.

GunPoint (bundled with aeon) has 50 training and 150 test series of length
150: an actor either draws a gun or points a finger. To stay under a minute on
two CPU cores the network is trained for 50 epochs instead of the default 100.
"""

# %%
# Five-fold cross-validation on the training set.
import matplotlib.pyplot as plt
import numpy as np
from aeon.datasets import load_classification
from sklearn.metrics import ConfusionMatrixDisplay
from sklearn.model_selection import StratifiedKFold, cross_validate

from sklearn_conv1d import Conv1DClassifier

X_train, y_train = load_classification("GunPoint", split="train")
X_test, y_test = load_classification("GunPoint", split="test")

clf = Conv1DClassifier(epochs=50, data_format="channels_first", random_state=0)
cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
scores = cross_validate(
    clf, X_train, y_train, cv=cv, return_estimator=True, return_indices=True
)
for fold, (acc, seconds) in enumerate(
    zip(scores["test_score"], scores["fit_time"], strict=False)
):
    print(f"fold {fold}: accuracy {acc:.3f}, fit {seconds:.1f} s")
print(
    f"mean CV accuracy: {scores['test_score'].mean():.3f} "
    f"± {scores['test_score'].std():.3f}"
)

# %%
# Out-of-fold predictions: each training series predicted by the model of the
# fold that did not see it. :func:`~sklearn.model_selection.cross_val_predict`
# computes exactly this in one call, but it would train five more networks;
# the fitted estimators and test indices that ``cross_validate`` returned
# already hold everything needed.
y_oof = np.empty_like(y_train)
for estimator, test_index in zip(
    scores["estimator"], scores["indices"]["test"], strict=False
):
    y_oof[test_index] = estimator.predict(X_train[test_index])
print(f"out-of-fold accuracy: {np.mean(y_oof == y_train):.3f}")

# %%
# For comparison, the held-out test set: fit once on all 50 training series.
clf.fit(X_train, y_train)
print(f"test accuracy: {clf.score(X_test, y_test):.3f}")

# %%
# Confusion matrices side by side: out-of-fold on the training set, and on the
# test set. Class ``1`` is *gun*, class ``2`` is *point*.
fig, (ax_cv, ax_test) = plt.subplots(1, 2, figsize=(9, 4))
ConfusionMatrixDisplay.from_predictions(y_train, y_oof, ax=ax_cv, colorbar=False)
ax_cv.set_title("out-of-fold (5-fold CV, 50 series)")
ConfusionMatrixDisplay.from_estimator(clf, X_test, y_test, ax=ax_test, colorbar=False)
ax_test.set_title("test set (150 series)")
fig.tight_layout()
plt.show()
