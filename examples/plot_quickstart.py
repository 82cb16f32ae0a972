"""
==========================================
Quickstart: classify GunPoint in ten lines
==========================================

Fit :class:`~sklearn_conv1d.Conv1DClassifier` with its default network on
GunPoint, a real motion-capture dataset bundled with aeon (50 training and 150
test series of length 150, two classes), and report its test accuracy.
"""

# %%
# Load the data. aeon returns channels-first arrays ``(n, channels, timesteps)``,
# so we tell the classifier with ``data_format``.
import time

import matplotlib.pyplot as plt
import numpy as np
from aeon.datasets import load_classification
from sklearn.metrics import ConfusionMatrixDisplay

from sklearn_conv1d import Conv1DClassifier

X_train, y_train = load_classification("GunPoint", split="train")
X_test, y_test = load_classification("GunPoint", split="test")
classes = np.unique(y_train).tolist()
print(f"train {X_train.shape}, test {X_test.shape}, classes {classes}")

# %%
# Fit the classic network (Conv1D(64, 3) -> MaxPooling1D(2) -> Dense(100)) and
# score it like any scikit-learn classifier.
clf = Conv1DClassifier(data_format="channels_first", random_state=0)
start = time.perf_counter()
clf.fit(X_train, y_train)
fit_seconds = time.perf_counter() - start
accuracy = clf.score(X_test, y_test)
print(f"GunPoint test accuracy: {accuracy:.3f} (fit in {fit_seconds:.1f} s)")

# %%
# Where does it go wrong? The confusion matrix on the test set.
ConfusionMatrixDisplay.from_estimator(clf, X_test, y_test)
plt.show()
