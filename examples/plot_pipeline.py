"""
==================================================
A pipeline with per-series z-normalisation
==================================================

Preprocessing belongs in a :class:`~sklearn.pipeline.Pipeline` with the
classifier, so that cross-validation and grid search apply it inside each
fold and the fitted pipeline carries it to prediction time. Here the step is a
per-series z-normalisation -- subtract each series' mean and divide by its
standard deviation -- written as a stateless
:class:`~sklearn.preprocessing.FunctionTransformer`.

The UCR data sets that aeon bundles, GunPoint included, are z-normalised
already, so on the data as published the step changes almost nothing. It
matters when new series come with another offset or gain than the training
ones -- a recalibrated sensor, a different unit. We simulate that by giving
every *test* series a random offset and scale, and compare the classifier
with and without the step. To stay well under a minute on two CPU cores each
network trains for 50 epochs instead of the default 100.
"""

# %%
# The transformer: a module-level function (not a ``lambda``) so that the
# pipeline pickles.
import matplotlib.pyplot as plt
import numpy as np
from aeon.datasets import load_classification
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from sklearn_conv1d import Conv1DClassifier


def znormalise(X):
    """Z-normalise each series (each row of a 2D X) on its own."""
    X = np.asarray(X, dtype=np.float64)
    std = X.std(axis=-1, keepdims=True)
    return (X - X.mean(axis=-1, keepdims=True)) / np.where(std > 0, std, 1.0)


X_train, y_train = load_classification("GunPoint", split="train")
X_test, y_test = load_classification("GunPoint", split="test")
# GunPoint is univariate: use 2D (n_series, n_timesteps) arrays.
X_train, X_test = X_train[:, 0, :], X_test[:, 0, :]

rng = np.random.default_rng(0)
offset = rng.uniform(-2, 2, size=(len(X_test), 1))
scale = rng.uniform(0.5, 2, size=(len(X_test), 1))
X_test_shifted = X_test * scale + offset

# %%
# Fit the bare classifier and the pipeline on the same training data, and
# score both on the test set as published and with the simulated offsets and
# gains.
bare = Conv1DClassifier(epochs=50, random_state=0)
pipe = make_pipeline(
    FunctionTransformer(znormalise),
    Conv1DClassifier(epochs=50, random_state=0),
)
results = {}
models = [("Conv1DClassifier", bare), ("z-normalise + Conv1DClassifier", pipe)]
for name, model in models:
    model.fit(X_train, y_train)
    results[name] = (model.score(X_test, y_test), model.score(X_test_shifted, y_test))
    print(
        f"{name:32s} test accuracy {results[name][0]:.3f}, "
        f"with offsets and gains {results[name][1]:.3f}"
    )

# %%
# The network's parameters are reached through the step name, as in any
# pipeline, e.g. for a grid search:
print(sorted(k for k in pipe.get_params() if k.startswith("conv1dclassifier__k")))

# %%
# A few test series before and after the simulated shift, and the accuracies.
fig, (ax_series, ax_bars) = plt.subplots(1, 2, figsize=(11, 4))
for i, color in zip(range(3), ["C0", "C1", "C2"], strict=False):
    ax_series.plot(X_test[i], color=color, linewidth=1)
    ax_series.plot(X_test_shifted[i], color=color, linewidth=1, linestyle="--")
ax_series.set_title("test series: as published (solid), shifted (dashed)")
ax_series.set_xlabel("timestep")

names = list(results)
x = np.arange(len(names))
ax_bars.bar(x - 0.2, [results[n][0] for n in names], width=0.4, label="as published")
ax_bars.bar(
    x + 0.2, [results[n][1] for n in names], width=0.4, label="with offsets and gains"
)
ax_bars.set_xticks(x, labels=["bare classifier", "z-normalise pipeline"])
ax_bars.set_ylim(0, 1)
ax_bars.set_ylabel("test accuracy")
ax_bars.legend(loc="lower right")
fig.tight_layout()
plt.show()
