"""
==============================================
Learning curves and early stopping on GunPoint
==============================================

``history_`` records the loss and accuracy of every epoch. With
``early_stopping=True``, :class:`~sklearn_conv1d.Conv1DClassifier` holds out a
shuffled, stratified ``validation_fraction`` of the training data, stops when
the validation loss has not improved for ``n_iter_no_change`` epochs, and
restores the weights of the best epoch (``weight_averaging=None``; by default
the fit ends on the moving average of its epochs' weights instead).
"""

# %%
import matplotlib.pyplot as plt
from aeon.datasets import load_classification

from sklearn_conv1d import Conv1DClassifier

X_train, y_train = load_classification("GunPoint", split="train")
X_test, y_test = load_classification("GunPoint", split="test")

clf = Conv1DClassifier(
    epochs=300,
    early_stopping=True,
    validation_fraction=0.2,
    n_iter_no_change=10,
    tol=1e-3,
    weight_averaging=None,
    data_format="channels_first",
    random_state=0,
)
clf.fit(X_train, y_train)
print(f"stopped after {clf.n_iter_} epochs, best epoch {clf.best_epoch_}")
print(f"test accuracy: {clf.score(X_test, y_test):.3f}")

# %%
# The learning curves: training and validation loss and accuracy per epoch,
# with the epoch whose weights were restored.
fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 4))
for key, ax in (("loss", ax_loss), ("accuracy", ax_acc)):
    ax.plot(clf.history_[key], label=f"training {key}")
    ax.plot(clf.history_[f"val_{key}"], label=f"validation {key}")
    ax.axvline(clf.best_epoch_ - 1, color="grey", linestyle="--", label="best epoch")
    ax.set_xlabel("epoch")
    ax.set_title(key)
    ax.legend()
fig.tight_layout()
plt.show()
