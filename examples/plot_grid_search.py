"""
=============================================================
Grid search over filters and kernel size on ItalyPowerDemand
=============================================================

:class:`~sklearn_conv1d.Conv1DClassifier` is a scikit-learn classifier, so
:class:`~sklearn.model_selection.GridSearchCV` tunes its network like any
other estimator's hyperparameters -- here the number of filters and the kernel
size of the convolution -- with stratified folds, since ``is_classifier`` is
True. ItalyPowerDemand (bundled with aeon) holds 67 training and 1029 test
series of 24 hourly power readings, two classes (winter or summer days).

To keep this example under a minute on two CPU cores, every candidate is
trained for 15 epochs instead of the default 100, on 3 folds: 9 candidates x
3 folds + 1 refit = 28 small fits.
"""

# %%
# Load the data and run the search.
import time

import matplotlib.pyplot as plt
import numpy as np
from aeon.datasets import load_classification
from sklearn.model_selection import GridSearchCV

from sklearn_conv1d import Conv1DClassifier

X_train, y_train = load_classification("ItalyPowerDemand", split="train")
X_test, y_test = load_classification("ItalyPowerDemand", split="test")
print(f"train {X_train.shape}, test {X_test.shape}")

param_grid = {"filters": [8, 32, 128], "kernel_size": [3, 5, 9]}
search = GridSearchCV(
    Conv1DClassifier(epochs=15, data_format="channels_first", random_state=0),
    param_grid,
    cv=3,
)
start = time.perf_counter()
search.fit(X_train, y_train)
print(
    f"searched {len(search.cv_results_['params'])} candidates "
    f"in {time.perf_counter() - start:.1f} s"
)
print(
    f"best parameters: {search.best_params_}, mean CV accuracy {search.best_score_:.3f}"
)
print(f"test accuracy of the refitted best model: {search.score(X_test, y_test):.3f}")

# %%
# The mean cross-validated accuracy of each candidate as a heatmap. With only
# 67 training series (about 22 per validation fold) one misclassified series
# moves a fold's accuracy by about 0.05, so small differences between cells
# are noise; the standard deviation over folds is printed in each cell.
filters = param_grid["filters"]
kernels = param_grid["kernel_size"]
mean = np.empty((len(filters), len(kernels)))
std = np.empty_like(mean)
for params, m, s in zip(
    search.cv_results_["params"],
    search.cv_results_["mean_test_score"],
    search.cv_results_["std_test_score"],
    strict=False,
):
    i, j = filters.index(params["filters"]), kernels.index(params["kernel_size"])
    mean[i, j], std[i, j] = m, s

fig, ax = plt.subplots(figsize=(5.5, 4.5))
image = ax.imshow(mean, cmap="viridis", origin="lower")
ax.set_xticks(range(len(kernels)), labels=kernels)
ax.set_yticks(range(len(filters)), labels=filters)
ax.set_xlabel("kernel_size")
ax.set_ylabel("filters")
for i in range(len(filters)):
    for j in range(len(kernels)):
        ax.text(
            j,
            i,
            f"{mean[i, j]:.3f}\n± {std[i, j]:.3f}",
            ha="center",
            va="center",
            color="white" if mean[i, j] < mean.mean() else "black",
        )
fig.colorbar(image, ax=ax, label="mean CV accuracy")
ax.set_title("GridSearchCV on ItalyPowerDemand (3 folds, 15 epochs)")
fig.tight_layout()
plt.show()
