"""
==================================================
Regression: forecast the evening peak from the day
==================================================

:class:`~sklearn_conv1d.Conv1DRegressor` is the same network as the classifier
with a linear output layer. Here it forecasts from a window: each
ItalyPowerDemand series (aeon's bundled UCR data) is one day of hourly
electricity demand; from the first 18 hours we predict the peak demand of the
last 6, and compare with a ridge regression on the same window. (The UCR
series are z-normalised per day, so the *mean* of the last hours is a linear
function of the first ones; the *peak* is not.)
"""

# %%
import matplotlib.pyplot as plt
from aeon.datasets import load_classification
from sklearn.linear_model import RidgeCV

from sklearn_conv1d import Conv1DRegressor


def windows(split):
    X, _ = load_classification("ItalyPowerDemand", split=split)
    days = X[:, 0, :]  # (n_days, 24 hours), z-normalised per day by UCR
    return days[:, :18], days[:, 18:].max(axis=1)


X_train, y_train = windows("train")
X_test, y_test = windows("test")
print(f"{len(X_train)} training days, {len(X_test)} test days")

# %%
# Fit both models on the 67 training days and score R² on the 1029 test days.
reg = Conv1DRegressor(random_state=0).fit(X_train, y_train)
ridge = RidgeCV().fit(X_train, y_train)
print(f"Conv1DRegressor test R2: {reg.score(X_test, y_test):.3f}")
print(f"RidgeCV         test R2: {ridge.score(X_test, y_test):.3f}")

# %%
# Predicted against actual evening demand on the test days.
fig, ax = plt.subplots(figsize=(5, 5))
ax.scatter(y_test, reg.predict(X_test), s=8, alpha=0.5, label="Conv1DRegressor")
ax.scatter(y_test, ridge.predict(X_test), s=8, alpha=0.5, label="RidgeCV")
lims = [y_test.min(), y_test.max()]
ax.plot(lims, lims, color="grey", linestyle="--")
ax.set_xlabel("actual peak demand, hours 18-23")
ax.set_ylabel("predicted")
ax.legend()
plt.show()
